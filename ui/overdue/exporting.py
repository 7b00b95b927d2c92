"""Files made from the overdue screens: the list as CSV/XLSX, and a PDF shown in the preview.

Both run off the UI thread (``ui.tasks.run_in_background``); reportlab and XlsxWriter are
imported inside the job, when first used (ENGINEERING.md: reportlab costs 185–296 ms to import).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from services.db import Database
from services.overdue import OverdueRow
from ui.tasks import run_in_background
from ui.widgets import show_error

__all__ = ["ExportKind", "PdfRun", "choose_export_path", "export_filename", "write_rows"]

ExportKind = Literal["csv", "xlsx"]

_FILTERS = {
    "csv": "Planilha CSV (*.csv)",
    "xlsx": "Planilha do Excel (*.xlsx)",
}

# Jobs in flight: their dialog and callbacks must outlive the caller's stack frame.
_ACTIVE: set[PdfRun] = set()
SHOW_PROGRESS_AFTER_MS = 300


def export_filename(day: date, kind: ExportKind) -> str:
    return f"inadimplentes-{day.isoformat()}.{kind}"


def choose_export_path(parent: QWidget, day: date, kind: ExportKind) -> Path | None:
    """Ask where to save the list; ``None`` when the person cancels."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = str(Path(folder) / export_filename(day, kind)) if folder else ""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Exportar lista de inadimplentes", suggested, _FILTERS[kind]
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == f".{kind}" else path.with_name(f"{path.name}.{kind}")


def write_rows(rows: Sequence[OverdueRow], path: Path, kind: ExportKind) -> Path:
    """Write ``rows`` (on a worker thread) with :mod:`services.exports`; returns ``path``."""
    from services import exports

    if kind == "csv":
        exports.overdue_csv(rows, path)
    else:
        exports.overdue_xlsx(rows, path)
    return path


PdfMaker = Callable[[Database], bytes]


class PdfRun(QObject):
    """Make one PDF in the background (with a progress dialog if slow), then preview it."""

    rendered = Signal(bytes)
    failed = Signal(str)

    def __init__(
        self, parent: QWidget, db: Database, title: str, filename: str, *, preview: bool = True
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.db = db
        self.title = title
        self.filename = filename
        self.preview = preview
        self.done = False
        self.progress = QProgressDialog("Gerando o relatório…", "", 0, 0, parent)
        self.progress.setObjectName("renderProgress")
        self.progress.setWindowTitle(title)
        self.progress.setCancelButton(None)  # one document: nothing to stop half-way
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        self.progress.setMinimumWidth(320)

    def start(self, make: PdfMaker) -> None:
        db = self.db
        _ACTIVE.add(self)
        run_in_background(lambda: make(db), self._on_rendered, self._on_failed)

    def _finish(self) -> None:
        self.done = True
        self.progress.close()
        self.progress.deleteLater()
        _ACTIVE.discard(self)
        self.deleteLater()

    def _on_rendered(self, pdf: bytes) -> None:
        self._finish()
        self.rendered.emit(pdf)
        if not self.preview:
            return
        from ui.documents.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(pdf, self.title, self.filename, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_failed(self, exc: Exception) -> None:
        self._finish()
        self.failed.emit(str(exc))
        show_error(self.parent_widget, exc, "Não foi possível gerar o relatório")
