"""Estorno: undo a payment with an opposite entry, owner only, with a reason.

The reversal itself (``services.payments.reverse_payment``) runs off the UI thread; a cashier
gets the owner's password dialog first and the reversal is recorded in the owner's name.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from services.payments import PaymentRefused, refund_drawer, reverse_payment
from services.users import Operator
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.counter.cash import default_terminal
from ui.reason_dialog import ReasonDialog

REVERSAL_STYLE = """
QLabel#reversalSummary {
    background: #f5f5f5; border: 1px solid #d0d0d0; border-radius: 4px; padding: 6px 8px;
}
QLabel#reversalNote { color: #5c3300; }
QLabel#reasonError, QLabel#reversalError { color: #b3261e; }
"""


class ReversalDialog(ReasonDialog):
    """Asks for the reason and reverses one payment; emits ``paymentReversed(reversal_id)``."""

    paymentReversed = Signal(int)

    NAME = "reversalDialog"
    TITLE = "Estornar pagamento"
    STYLE = REVERSAL_STYLE
    SUMMARY_NAME = "reversalSummary"
    FIELD_LABEL = "Motivo do estorno (obrigatório):"
    FIELD_NAME = "reasonEdit"
    PLACEHOLDER = "Ex.: pagamento lançado no cliente errado"
    FIELD_ERROR_NAME = "reasonError"
    EMPTY_MESSAGE = "Informe o motivo do estorno."
    ERROR_NAME = "reversalError"
    CONFIRM_TEXT = "Estornar"
    CONFIRM_NAME = "confirmReversalButton"
    REFUSAL = PaymentRefused

    def __init__(
        self, ctx: AppContext, payment_id: int, summary: str, parent: QWidget | None = None
    ) -> None:
        self.payment_id = payment_id
        note = QLabel(
            "Somente o dono pode estornar. As parcelas pagas voltam a ficar em aberto e o "
            "recibo deste pagamento passa a sair marcado como ESTORNADO."
        )
        note.setObjectName("reversalNote")
        note.setWordWrap(True)
        super().__init__(ctx, summary, parent, extra=note)
        self.reason_edit, self.reason_error = self.text_edit, self.text_error

    def _submit(self, reason: str) -> None:
        if self.ctx.operator.is_owner:
            self._reverse(self.ctx.operator, reason)
            return
        dialog = OwnerAuthorizationDialog(
            self.ctx.db,
            self.ctx.clock,
            f"Estornar o pagamento nº {self.payment_id}.\nMotivo: {reason}",
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(_result: int) -> None:
            owner = dialog.owner  # set only when the owner's password was accepted
            if owner is not None:
                self._reverse(owner, reason)
            else:
                self._set_busy(False)
                self._show_error("Estorno não realizado: o dono não autorizou.")

        dialog.finished.connect(finished)
        dialog.open()

    def _reverse(self, owner: Operator, reason: str) -> None:
        db, payment_id, now = self.ctx.db, self.payment_id, self.ctx.now()

        operator_id, terminal = self.ctx.operator.id, default_terminal()

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                # Cash handed back comes out of this counter's open drawer, if there is one.
                drawer = refund_drawer(
                    uow.session, payment_id, operator_id=operator_id, terminal=terminal
                )
                return reverse_payment(
                    uow, payment_id, reason=reason, owner=owner, now=now, cash_session_id=drawer
                )

        self._run(job)

    def _done(self, result: int) -> None:
        self.paymentReversed.emit(result)
