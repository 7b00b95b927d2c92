"""Print from any screen: render in the background with progress, then show the preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from services.db import Database
from services.printing import Cancelled, PrintJob, render_batch
from ui.context import AppContext
from ui.tasks import CancelToken, run_in_background
from ui.widgets import show_error

# Jobs in flight: their progress dialog and callbacks must outlive the caller's stack frame.
_ACTIVE: set[PrintRun] = set()

SHOW_PROGRESS_AFTER_MS = 300

JobsResolver = Callable[[Database], Sequence[PrintJob]]


class PrintRun(QObject):
    """One "generate, then preview" run; it forgets itself when the preview opens or it fails."""

    def __init__(self, parent: QWidget, db: Database, title: str, filename: str) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.db = db
        self.title = title
        self.filename = filename
        self.token: CancelToken | None = None
        self.done = False
        self.progress = QProgressDialog("Gerando documentos…", "Cancelar", 0, 0, parent)
        self.progress.setObjectName("renderProgress")
        self.progress.setWindowTitle(title)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        # A single document is usually ready before the dialog would show: no flash.
        self.progress.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        self.progress.setMinimumWidth(360)
        self.progress.canceled.connect(self._on_cancel)

    def start(self, resolve: JobsResolver) -> None:
        db = self.db

        def work(token: CancelToken) -> bytes:
            jobs = list(resolve(db))
            return render_batch(
                db, jobs, progress=token.progress, cancelled=lambda: token.cancelled
            )

        _ACTIVE.add(self)
        self.token = run_in_background(
            work,
            self._on_rendered,
            self._on_failed,
            on_progress=self._on_progress,
            with_token=True,
        )

    def _on_progress(self, done: int, total: int) -> None:
        if self.done:
            return
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if total > 1:
            self.progress.setLabelText(f"Gerando documentos… {done} de {total}")

    def _on_cancel(self) -> None:
        if self.token is not None and not self.done:
            self.token.cancel()

    def _finish(self) -> None:
        self.done = True
        self.progress.canceled.disconnect(self._on_cancel)
        self.progress.close()
        self.progress.deleteLater()
        _ACTIVE.discard(self)
        self.deleteLater()

    def _on_rendered(self, pdf: bytes) -> None:
        cancelled = self.token is not None and self.token.cancelled
        self._finish()
        if cancelled:
            return  # the person gave up while the last document was being drawn
        from ui.documents.preview import PdfPreviewDialog

        preview = PdfPreviewDialog(pdf, self.title, self.filename, self.parent_widget)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.open()

    def _on_failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            return
        show_error(self.parent_widget, exc, "Não foi possível imprimir")


def print_resolved(
    parent: QWidget, ctx: AppContext, resolve: JobsResolver, title: str, filename: str
) -> None:
    """Like :func:`print_documents`, with the jobs found in the background (e.g. open sales)."""
    PrintRun(parent, ctx.db, title, filename).start(resolve)


def print_documents(
    parent: QWidget, ctx: AppContext, jobs: list[PrintJob], title: str, filename: str
) -> None:
    """Render ``jobs`` into one PDF off the UI thread, with progress and Cancelar, then preview."""
    fixed = list(jobs)
    print_resolved(parent, ctx, lambda _db: fixed, title, filename)
