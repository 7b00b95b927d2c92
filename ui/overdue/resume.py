"""Retomar a cobrança: end a pause left by a dispute or a product defect, saying how it ended.

Collection does not press on a contested debt (a dispute or a defect pauses the cadence, see
``services.collection.record_contact``); this dialog is how someone records that it was resolved.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from services import collection
from services.collection import CollectionRefused
from ui.context import AppContext
from ui.reason_dialog import ReasonDialog

RESUME_STYLE = """
QLabel#pauseSummary {
    background: #fffaf0; border: 1px solid #ecdcb8; border-radius: 4px; padding: 6px 8px;
}
QLabel#noteError, QLabel#resumeError { color: #b3261e; }
"""


class ResumeCollectionDialog(ReasonDialog):
    """Asks how the dispute or defect was resolved; emits ``collectionResumed(customer_id)``."""

    collectionResumed = Signal(int)

    NAME = "resumeCollectionDialog"
    TITLE = "Retomar a cobrança"
    STYLE = RESUME_STYLE
    SUMMARY_NAME = "pauseSummary"
    FIELD_LABEL = "Como foi resolvido (obrigatório):"
    FIELD_NAME = "resumeNoteEdit"
    PLACEHOLDER = "Ex.: produto trocado em 20/11; cliente de acordo"
    FIELD_ERROR_NAME = "noteError"
    EMPTY_MESSAGE = "Diga como a contestação ou o defeito foi resolvido."
    ERROR_NAME = "resumeError"
    CONFIRM_TEXT = "Retomar a cobrança"
    CONFIRM_NAME = "confirmResumeButton"
    REFUSAL = CollectionRefused

    def __init__(
        self, ctx: AppContext, customer_id: int, summary: str, parent: QWidget | None = None
    ) -> None:
        self.customer_id = customer_id
        super().__init__(ctx, summary, parent)
        self.note_edit, self.note_error = self.text_edit, self.text_error

    def _submit(self, text: str) -> None:
        db, customer_id, operator = self.ctx.db, self.customer_id, self.ctx.operator
        now = self.ctx.now()

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                collection.resume_collection(
                    uow, customer_id, note=text, operator=operator, now=now
                )
            return customer_id

        self._run(job)

    def _done(self, result: int) -> None:
        self.collectionResumed.emit(result)
