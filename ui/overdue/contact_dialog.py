"""Registrar contato: channel, outcome, root cause, notes and, for "prometeu pagar", the promise.

Saved through ``services.collection.record_contact`` off the UI thread, in one transaction with
its audit entry. A product defect or a disputed charge pauses the cadence for the customer
(collection does not press on a contested debt); the dialog says so before saving. A refusal
goes under the field it concerns and what was typed stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models import Customer
from models.enums import ContactChannel, ContactOutcome, RootCause
from services import collection
from services.cadence import CHANNEL_LABELS, DEFAULT_STANDARD, day_label
from services.collection import PAUSING_CAUSES, CollectionRefused, PromiseInput
from services.db import Database
from services.money import format_brl
from services.text import mask_cpf
from services.validation import FieldError
from ui.context import AppContext
from ui.forms import FormErrors
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit, error_message

STYLE = """
QLabel#fieldError { color: #a1261b; font-size: 9pt; }
QLabel#contactError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#pauseWarning {
    color: #5c3300; background: #fff4e0; border: 1px solid #f0c987;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#contactCustomer { font-weight: 600; }
QLabel#contactStep, QLabel#owedHint { color: #5f6368; }
QPlainTextEdit#sentMessage { background: #f6f8fb; color: #1d2733; }
QLineEdit[invalid="true"], QDateEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 1px solid #c0392b; border-radius: 3px; background: #fff6f5; padding: 2px 4px;
}
"""

CHANNELS: tuple[ContactChannel, ...] = (
    ContactChannel.WHATSAPP,
    ContactChannel.SMS,
    ContactChannel.PHONE,
    ContactChannel.EMAIL,
    ContactChannel.LETTER,
    ContactChannel.IN_PERSON,
)

# The words the shop uses for each outcome (issue 5 §4); "enviado" for letters and messages.
OUTCOME_CHOICES: tuple[tuple[ContactOutcome, str], ...] = (
    (ContactOutcome.ANSWERED, "atendeu"),
    (ContactOutcome.NO_ANSWER, "não atendeu"),
    (ContactOutcome.WRONG_NUMBER, "número errado"),
    (ContactOutcome.PROMISED, "prometeu pagar"),
    (ContactOutcome.REFUSED, "recusou"),
    (ContactOutcome.PAID, "pagou"),
    (ContactOutcome.SENT, "enviado (carta ou mensagem)"),
)
ROOT_CAUSE_CHOICES: tuple[tuple[RootCause, str], ...] = (
    (RootCause.FORGOT, "esqueceu"),
    (RootCause.UNEMPLOYMENT, "desemprego"),
    (RootCause.HEALTH, "saúde"),
    (RootCause.DEFECT, "produto com defeito"),
    (RootCause.DISPUTE, "discorda da cobrança"),
    (RootCause.OTHER, "outro"),
)
# A message or a letter goes out without an answer yet: "enviado" is the natural outcome.
_SENT_BY_DEFAULT = frozenset(
    {ContactChannel.WHATSAPP, ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.LETTER}
)
_STEP_LABELS = {
    step.key: f"{day_label(step.offset_days)} · {step.label}" for step in DEFAULT_STANDARD
}
PROMISE_DEFAULT_DAYS = 7
PAUSE_BUTTON_TEXT = "Registrar e pausar a cobrança"
PAUSE_WARNING = (
    "Produto com defeito ou cobrança contestada: a cobrança fica pausada até alguém resolver. "
    "O cliente sai da lista de contatos e não pode ser negativado enquanto isso. Anote nas "
    "observações o que o cliente disse."
)


def step_label(key: str | None) -> str:
    """``"collection_letter"`` → ``"D+15 · Carta de cobrança"`` (the standard cadence's words)."""
    if key is None:
        return ""
    return _STEP_LABELS.get(key, key)


@dataclass(frozen=True)
class CustomerFacts:
    name: str
    cpf: str
    owed: Decimal


def load_facts(db: Database, customer_id: int, today: date) -> CustomerFacts:
    with db.unit_of_work() as uow:
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise CollectionRefused(f"Cliente nº {customer_id} não encontrado.")
        owed = collection.owed_today(uow.session, customer_id, today)
        return CustomerFacts(customer.name, customer.cpf, owed)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class RecordContactDialog(QDialog):
    """Records one contact with a customer; emits ``contactRecorded(contact_attempt_id)``."""

    contactRecorded = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        customer_id: int,
        *,
        channel: ContactChannel | None = None,
        cadence_step: str | None = None,
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordContactDialog")
        self.setWindowTitle("Registrar contato")
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.customer_id = customer_id
        self.cadence_step = cadence_step
        self.today = ctx.today()
        self.facts: CustomerFacts | None = None
        self._busy = False

        title = QLabel("Registrar contato")
        title.setObjectName("pageTitle")
        self.customer_label = QLabel(f"Cliente nº {customer_id}")
        self.customer_label.setObjectName("contactCustomer")
        self.step_label = QLabel(
            f"Etapa da régua: {step_label(cadence_step)}" if cadence_step else ""
        )
        self.step_label.setObjectName("contactStep")
        self.step_label.setVisible(bool(cadence_step))

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for option in CHANNELS:
            self.channel_combo.addItem(CHANNEL_LABELS[option], str(option))
        if channel is not None:
            self.channel_combo.setCurrentIndex(CHANNELS.index(ContactChannel(channel)))

        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("outcomeCombo")
        self.outcome_combo.addItem("— escolha —", None)
        for outcome, label in OUTCOME_CHOICES:
            self.outcome_combo.addItem(label, str(outcome))
        if channel is not None and ContactChannel(channel) in _SENT_BY_DEFAULT:
            self.set_outcome(ContactOutcome.SENT)

        self.cause_combo = QComboBox()
        self.cause_combo.setObjectName("rootCauseCombo")
        self.cause_combo.addItem("— não informado —", None)
        for cause, label in ROOT_CAUSE_CHOICES:
            self.cause_combo.addItem(label, str(cause))
        self.pause_warning = QLabel(PAUSE_WARNING)
        self.pause_warning.setObjectName("pauseWarning")
        self.pause_warning.setWordWrap(True)
        self.pause_warning.hide()

        self.promise_date_edit = QDateEdit()
        self.promise_date_edit.setObjectName("promiseDateEdit")
        self.promise_date_edit.setDisplayFormat("dd/MM/yyyy")
        self.promise_date_edit.setCalendarPopup(True)
        self.promise_date_edit.setMinimumDate(_qdate(self.today))
        self.promise_date_edit.setDate(_qdate(self.today + timedelta(days=PROMISE_DEFAULT_DAYS)))
        self.promise_amount_edit = MoneyEdit(field="promise_amount")
        self.promise_amount_edit.setObjectName("promiseAmountEdit")
        self.owed_hint = QLabel()
        self.owed_hint.setObjectName("owedHint")

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setPlaceholderText("O que o cliente disse, combinados, próximo passo…")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(72)

        self.error_label = QLabel()
        self.error_label.setObjectName("contactError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.errors = FormErrors(self.error_label)

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors.add_row(self.form, "Canal:", "channel", self.channel_combo)
        self.errors.add_row(self.form, "Resultado:", "outcome", self.outcome_combo)
        self.errors.add_row(self.form, "Motivo do atraso:", "root_cause", self.cause_combo)
        self.form.addRow("", self.pause_warning)
        self.promise_date_row = self.errors.add_row(
            self.form, "Pagará até:", "promise_date", self.promise_date_edit
        )
        self.promise_amount_row = self.errors.add_row(
            self.form, "Valor prometido:", "promise_amount", self.promise_amount_edit
        )
        self.form.addRow("", self.owed_hint)
        self.errors.add_row(self.form, "Observações:", "notes", self.notes_edit)

        self.message_view: QPlainTextEdit | None = None
        if message:
            self.message_view = QPlainTextEdit(message)
            self.message_view.setObjectName("sentMessage")
            self.message_view.setReadOnly(True)
            self.message_view.setFixedHeight(84)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Registrar", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("saveContactButton")
        # Wide enough for "Registrar e pausar a cobrança", so the text never gets cut.
        metrics = self.save_button.fontMetrics()
        self.save_button.setMinimumWidth(metrics.horizontalAdvance(PAUSE_BUTTON_TEXT) + 36)
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.customer_label)
        layout.addWidget(self.step_label)
        if self.message_view is not None:
            layout.addWidget(QLabel("Mensagem da etapa:"))
            layout.addWidget(self.message_view)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)

        self.outcome_combo.currentIndexChanged.connect(self._on_outcome_changed)
        self.cause_combo.currentIndexChanged.connect(self._on_cause_changed)
        self._on_outcome_changed()
        self.outcome_combo.setFocus()
        db, customer_id, today = ctx.db, customer_id, self.today
        run_in_background(lambda: load_facts(db, customer_id, today), self._on_facts, self._on_fail)

    # --- what was chosen ---------------------------------------------------------------------

    def channel(self) -> ContactChannel:
        return ContactChannel(self.channel_combo.currentData())

    def outcome(self) -> ContactOutcome | None:
        data = self.outcome_combo.currentData()
        return ContactOutcome(data) if data else None

    def root_cause(self) -> RootCause | None:
        data = self.cause_combo.currentData()
        return RootCause(data) if data else None

    def set_outcome(self, outcome: ContactOutcome) -> None:
        self.outcome_combo.setCurrentIndex(self.outcome_combo.findData(str(outcome)))

    def set_root_cause(self, cause: RootCause | None) -> None:
        self.cause_combo.setCurrentIndex(
            self.cause_combo.findData(None if cause is None else str(cause))
        )

    def set_promise_date(self, day: date) -> None:
        self.promise_date_edit.setDate(_qdate(day))

    def promising(self) -> bool:
        return self.outcome() is ContactOutcome.PROMISED

    def pauses(self) -> bool:
        return self.root_cause() in PAUSING_CAUSES

    # --- reactions ---------------------------------------------------------------------------

    def _on_outcome_changed(self) -> None:
        shown = self.promising()
        for row in (self.promise_date_row, self.promise_amount_row):
            row.setVisible(shown)
            self.form.setRowVisible(row, shown)
        self.form.setRowVisible(self.owed_hint, shown and bool(self.owed_hint.text()))
        self.adjustSize()

    def _on_cause_changed(self) -> None:
        self.form.setRowVisible(self.pause_warning, self.pauses())
        self.pause_warning.setVisible(self.pauses())
        self.save_button.setText(PAUSE_BUTTON_TEXT if self.pauses() else "Registrar")
        self.adjustSize()

    def _on_facts(self, facts: CustomerFacts) -> None:
        self.facts = facts
        self.customer_label.setText(f"{facts.name} · CPF {mask_cpf(facts.cpf)}")
        self.owed_hint.setText(f"Deve hoje, com multa e juros: {format_brl(facts.owed)}")
        self._on_outcome_changed()

    def _on_fail(self, exc: Exception) -> None:
        self._show_general(str(exc) if isinstance(exc, CollectionRefused) else error_message(exc))

    # --- saving ------------------------------------------------------------------------------

    def _collect(self) -> tuple[ContactOutcome, PromiseInput | None]:
        errors: list[FieldError] = []
        outcome = self.outcome()
        if outcome is None:
            raise FieldError("outcome", "Escolha o resultado do contato.")
        if outcome is not ContactOutcome.PROMISED:
            return outcome, None
        promised = self.promise_date_edit.date().toPython()
        assert isinstance(promised, date)
        if promised < self.today:
            errors.append(FieldError("promise_date", "A data prometida não pode ser no passado."))
        if not self.promise_amount_edit.text().strip():
            raise FieldError("promise_amount", "Informe o valor que o cliente prometeu pagar.")
        amount = self.promise_amount_edit.value()
        if amount <= 0:
            raise FieldError("promise_amount", "Informe o valor prometido, maior que zero.")
        if errors:
            raise errors[0]
        return outcome, PromiseInput(promised, amount)

    def _on_save(self) -> None:
        if self._busy:
            return
        self.errors.clear()
        try:
            outcome, promise = self._collect()
        except FieldError as exc:
            self._show_field_error(exc)
            return
        self._busy = True
        self.save_button.setEnabled(False)
        db, customer_id, now = self.ctx.db, self.customer_id, self.ctx.now()
        channel, cause, step = self.channel(), self.root_cause(), self.cadence_step
        notes = self.notes_edit.toPlainText()
        operator = self.ctx.operator

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                return collection.record_contact(
                    uow,
                    customer_id,
                    channel=channel,
                    outcome=outcome,
                    root_cause=cause,
                    notes=notes,
                    cadence_step=step,
                    promise=promise,
                    operator=operator,
                    now=now,
                )

        run_in_background(job, self._on_saved, self._on_refused)

    def _on_saved(self, contact_id: int) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.contactRecorded.emit(contact_id)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, FieldError):
            self._show_field_error(exc)
        elif isinstance(exc, CollectionRefused):
            self._show_field_error(FieldError(refusal_field(str(exc)), str(exc)))
        else:
            self._show_general(error_message(exc))

    def _show_field_error(self, exc: FieldError) -> None:
        first = self.errors.show(exc)
        if first is not None:
            first.setFocus()

    def _show_general(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()


def refusal_field(message: str) -> str:
    """Which field a ``CollectionRefused`` from ``record_contact`` is about ("" = the dialog)."""
    text = message.lower()
    if "valor prometido" in text:
        return "promise_amount"
    if "data prometida" in text:
        return "promise_date"
    if "carta" in text and "etapa" not in text:
        return "channel"
    return ""
