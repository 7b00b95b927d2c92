"""Run database and PDF work off the UI thread (like Anki's QueryOp).

``run_in_background(fn, on_success, on_failure)`` runs ``fn`` on the global thread pool; the
callbacks are delivered on the main thread through queued signals. ``fn`` opens its own unit of
work: a Session is never shared with widgets.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)


class CancelToken:
    """Passed to long jobs: they report progress and stop when asked."""

    def __init__(self, job: BackgroundJob) -> None:
        self._job = job
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def progress(self, done: int, total: int) -> None:
        self._job.progressed.emit(done, total)


class BackgroundJob(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], job: BackgroundJob) -> None:
        super().__init__()
        self.fn = fn
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the UI, which explains it in Portuguese
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.job.failed.emit(exc)
        else:
            self.job.succeeded.emit(result)
        finally:
            self.job.finished.emit()


_PENDING: set[BackgroundJob] = set()


def run_in_background(
    fn: Callable[..., Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[Exception], None] | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    with_token: bool = False,
) -> CancelToken:
    """Start ``fn`` (called with a :class:`CancelToken` when ``with_token``) on the pool."""
    job = BackgroundJob()
    token = CancelToken(job)
    queued = Qt.ConnectionType.QueuedConnection
    if on_success is not None:
        job.succeeded.connect(on_success, queued)
    job.failed.connect(on_failure or _log_failure, queued)
    if on_progress is not None:
        job.progressed.connect(on_progress, queued)
    _PENDING.add(job)
    job.finished.connect(lambda: _PENDING.discard(job), queued)
    call = (lambda: fn(token)) if with_token else fn
    QThreadPool.globalInstance().start(_Runnable(call, job))
    return token


def _log_failure(exc: Exception) -> None:
    log.error("background job failed: %s", getattr(exc, "__traceback_text__", exc))


def pending_jobs() -> int:
    return len(_PENDING)
