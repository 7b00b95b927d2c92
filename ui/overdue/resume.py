"""Retomar a cobrança: end a pause left by a dispute or a product defect, saying how it ended.

Collection does not press on a contested debt (a dispute or a defect pauses the cadence, see
``services.collection.record_contact``); this dialog is how someone records that it was resolved.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from services import collection
from services.collection import CollectionRefused
from ui.context import AppContext
from ui.tasks import run_in_background
from ui.widgets import error_message

STYLE = """
QLabel#pauseSummary {
    background: #fffaf0; border: 1px solid #ecdcb8; border-radius: 4px; padding: 6px 8px;
}
QLabel#noteError, QLabel#resumeError { color: #b3261e; }
"""


class ResumeCollectionDialog(QDialog):
    """Asks how the dispute or defect was resolved; emits ``collectionResumed(customer_id)``."""

    collectionResumed = Signal(int)

    def __init__(
        self, ctx: AppContext, customer_id: int, summary: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resumeCollectionDialog")
        self.setWindowTitle("Retomar a cobrança")
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(480)
        self.ctx = ctx
        self.customer_id = customer_id
        self._busy = False

        title = QLabel("Retomar a cobrança")
        title.setObjectName("pageTitle")
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName("pauseSummary")
        self.summary_label.setWordWrap(True)
        note_label = QLabel("Como foi resolvido (obrigatório):")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("resumeNoteEdit")
        self.note_edit.setPlaceholderText("Ex.: produto trocado em 20/11; cliente de acordo")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(72)
        note_label.setBuddy(self.note_edit)
        self.note_error = QLabel()
        self.note_error.setObjectName("noteError")
        self.note_error.hide()
        self.note_edit.textChanged.connect(self.note_error.hide)
        self.error_label = QLabel()
        self.error_label.setObjectName("resumeError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(
            "Retomar a cobrança", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName("confirmResumeButton")
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        layout.addWidget(note_label)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.note_error)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.note_edit.setFocus()

    def _on_confirm(self) -> None:
        if self._busy:
            return
        self.error_label.hide()
        note = " ".join(self.note_edit.toPlainText().split())
        if not note:
            self.note_error.setText("Diga como a contestação ou o defeito foi resolvido.")
            self.note_error.show()
            self.note_edit.setFocus()
            return
        self._busy = True
        self.confirm_button.setEnabled(False)
        db, customer_id, operator = self.ctx.db, self.customer_id, self.ctx.operator
        now = self.ctx.now()

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                collection.resume_collection(
                    uow, customer_id, note=note, operator=operator, now=now
                )
            return customer_id

        run_in_background(job, self._on_resumed, self._on_refused)

    def _on_resumed(self, customer_id: int) -> None:
        self._busy = False
        self.collectionResumed.emit(customer_id)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._busy = False
        self.confirm_button.setEnabled(True)
        message = str(exc) if isinstance(exc, CollectionRefused) else error_message(exc)
        self.error_label.setText(message)
        self.error_label.show()
