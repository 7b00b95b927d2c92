"""A PDF on screen before it goes to paper: Qt's own PDF view, print dialog and "Salvar PDF…"."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

# A page is rasterised at the printer's resolution, but never above this: an A4 page at the
# 1200 dpi of QPrinter.HighResolution would take over 500 MB; 300 dpi keeps FEBRABAN bars sharp.
MAX_RENDER_DPI = 300
# Narrower than this (in points) is a till roll, not a sheet.
NARROW_PAGE_POINTS = 400


def _pages(count: int) -> str:
    return f"{count} página{'s' if count != 1 else ''}"


class PdfPreviewDialog(QDialog):
    """Shows the document; prints it page by page or saves the very bytes it was given."""

    def __init__(
        self, pdf: bytes, title: str, filename: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.pdf = pdf
        self.filename = filename if filename.lower().endswith(".pdf") else f"{filename}.pdf"

        # QPdfDocument reads from the device while it lives: keep the bytes and buffer alive.
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        if self.page_count() and self.document.pagePointSize(0).width() < NARROW_PAGE_POINTS:
            # An 80 mm roll receipt fitted to the width would be a poster: show it near life size.
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(1.5)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.pages_label = QLabel(_pages(self.page_count()), self)
        self.pages_label.setObjectName("pageCount")
        self.print_button = QPushButton("Imprimir…", self)
        self.print_button.setObjectName("printButton")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip("Escolher a impressora e imprimir (Ctrl+P)")
        self.print_button.clicked.connect(self._on_print)
        self.save_button = QPushButton("Salvar PDF…", self)
        self.save_button.setObjectName("savePdfButton")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Salvar o documento em um arquivo PDF (Ctrl+S)")
        self.save_button.clicked.connect(self._on_save)
        self.close_button = QPushButton("Fechar", self)
        self.close_button.setObjectName("closePreviewButton")
        self.close_button.setToolTip("Fechar a visualização (Esc)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.print_button.setDefault(True)
        for button in (self.print_button, self.save_button, self.close_button):
            button.setMinimumWidth(button.sizeHint().width() + 16)
        enabled = self.page_count() > 0
        self.print_button.setEnabled(enabled)

        buttons = QHBoxLayout()
        buttons.addWidget(self.pages_label)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(820, 900)

    def page_count(self) -> int:
        return self.document.pageCount()

    # --- printing ----------------------------------------------------------------------------

    def create_printer(self) -> QPrinter:
        """The printer the dialog offers, sized like the document's first page."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        printer.setFullPage(True)
        if self.page_count():
            points = self.document.pagePointSize(0)
            size = QPageSize(
                QSizeF(points), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
            )
            orientation = (
                QPageLayout.Orientation.Landscape
                if points.width() > points.height()
                else QPageLayout.Orientation.Portrait
            )
            printer.setPageSize(size)
            printer.setPageOrientation(orientation)
        return printer

    def _on_print(self) -> None:
        if not self.page_count():
            return
        printer = self.create_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Imprimir")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Paint every page on the printer; False when cancelled or the printer failed."""
        count = self.page_count()
        progress = QProgressDialog("Imprimindo…", "Cancelar", 0, count, self)
        progress.setObjectName("printProgress")
        progress.setWindowTitle("Imprimindo")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        painter = QPainter()
        try:
            if not painter.begin(printer):
                QMessageBox.warning(
                    self,
                    "Não foi possível imprimir",
                    "A impressora não aceitou o trabalho. Verifique se ela está ligada e "
                    "conectada e tente de novo.",
                )
                return False
            dpi = min(printer.resolution(), MAX_RENDER_DPI)
            for page in range(count):
                progress.setLabelText(f"Imprimindo página {page + 1} de {count}…")
                progress.setValue(page)
                if progress.wasCanceled():
                    printer.abort()
                    return False
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.document.render(page, pixels)
                target = painter.viewport()
                scaled = pixels.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
            progress.setValue(count)
            return True
        finally:
            if painter.isActive():
                painter.end()
            progress.close()
            progress.deleteLater()

    # --- saving ------------------------------------------------------------------------------

    def _on_save(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / self.filename) if folder else self.filename
        path, _ = QFileDialog.getSaveFileName(self, "Salvar PDF", suggested, "PDF (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            path.write_bytes(self.pdf)
        except OSError as exc:
            log.warning("could not save %s: %r", path, exc)
            reason = exc.strerror or str(exc)
            QMessageBox.warning(
                self,
                "Não foi possível salvar",
                f"O PDF não foi salvo em {path}: {reason}.\n\nO documento continua aberto aqui; "
                "escolha outra pasta ou outro nome e tente de novo.",
            )
            return False
        return True
