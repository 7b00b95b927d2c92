"""Estorno: undo a payment with an opposite entry, owner only, with a reason.

The reversal itself (``services.payments.reverse_payment``) runs off the UI thread; a cashier
gets the owner's password dialog first and the reversal is recorded in the owner's name.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from services.payments import PaymentRefused, refund_drawer, reverse_payment
from services.users import Operator
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.counter.cash import default_terminal
from ui.tasks import run_in_background
from ui.widgets import error_message

REVERSAL_STYLE = """
QLabel#reversalSummary {
    background: #f5f5f5; border: 1px solid #d0d0d0; border-radius: 4px; padding: 6px 8px;
}
QLabel#reversalNote { color: #5c3300; }
QLabel#reasonError, QLabel#reversalError { color: #b3261e; }
"""


class ReversalDialog(QDialog):
    """Asks for the reason and reverses one payment; emits ``paymentReversed(reversal_id)``."""

    paymentReversed = Signal(int)

    def __init__(
        self, ctx: AppContext, payment_id: int, summary: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reversalDialog")
        self.setWindowTitle("Estornar pagamento")
        self.setStyleSheet(REVERSAL_STYLE)
        self.setMinimumWidth(480)
        self.ctx = ctx
        self.payment_id = payment_id
        self._busy = False

        title = QLabel("Estornar pagamento")
        title.setObjectName("pageTitle")
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName("reversalSummary")
        self.summary_label.setWordWrap(True)
        reason_label = QLabel("Motivo do estorno (obrigatório):")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText("Ex.: pagamento lançado no cliente errado")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(72)
        reason_label.setBuddy(self.reason_edit)
        self.reason_error = QLabel()
        self.reason_error.setObjectName("reasonError")
        self.reason_error.hide()
        self.reason_edit.textChanged.connect(self.reason_error.hide)
        note = QLabel(
            "Somente o dono pode estornar. As parcelas pagas voltam a ficar em aberto e o "
            "recibo deste pagamento passa a sair marcado como ESTORNADO."
        )
        note.setObjectName("reversalNote")
        note.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("reversalError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(
            "Estornar", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName("confirmReversalButton")
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.reason_error)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    def _reason(self) -> str:
        return " ".join(self.reason_edit.toPlainText().split())

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.confirm_button.setEnabled(not busy)

    def _on_confirm(self) -> None:
        if self._busy:
            return
        self.error_label.hide()
        reason = self._reason()
        if not reason:
            self.reason_error.setText("Informe o motivo do estorno.")
            self.reason_error.show()
            self.reason_edit.setFocus()
            return
        self.reason_error.hide()
        self._set_busy(True)
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

        run_in_background(job, self._on_reversed, self._on_refused)

    def _on_reversed(self, reversal_id: int) -> None:
        self._set_busy(False)
        self.paymentReversed.emit(reversal_id)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._set_busy(False)
        self._show_error(str(exc) if isinstance(exc, PaymentRefused) else error_message(exc))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
