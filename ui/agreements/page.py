"""Acordos: the owner renegotiates a customer's debt in minutes.

Find the customer, tick the installments (the overdue ones come ticked), see the debt updated to
a date exactly as the counter would charge it (``agreements.debt_for``, read in the background),
try terms or click a standard offer in the simulator, then confirm: a summary, the owner's
password when a cashier is at the keyboard, one transaction (``agreements.confirm_agreement``),
and the Termo de Acordo with the new carnê printed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import agreements
from services import customers as customer_service
from services import settings as settings_service
from services.agreements import AgreementConflict, AgreementPlan, AgreementRefused, Debt, DebtLine
from services.customers import SearchHit
from services.money import format_brl, format_percent
from services.printing import PrintJob
from services.settings import AgreementPolicy, CollectionPolicy
from services.users import Operator
from services.validation import FieldError, ValidationErrors
from ui.agreements.models import DebtModel
from ui.agreements.simulator import AgreementSimulator, describe_plan
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.customers.detail import configure_table
from ui.customers.models import ID_ROLE, CustomerListModel
from ui.documents.actions import print_documents
from ui.tasks import run_in_background
from ui.widgets import BandChipDelegate, error_message

SEARCH_DELAY_MS = 150
DEBT_DELAY_MS = 150
RESULTS_LIMIT = 50
MAX_DAYS_AHEAD = 180  # how far ahead "Atualizado até" may look

PAGE_STYLE = """
QWidget#agreementsPage QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f2328; }
QWidget#agreementsPage QLineEdit#agreementsSearch { padding: 5px 8px; font-size: 11pt; }
QWidget#agreementsPage QLabel#agreementCustomerLabel { font-size: 12pt; font-weight: 600; }
QWidget#agreementsPage QLabel#resultsStatus, QWidget#agreementsPage QLabel#debtTotalsEmpty,
QWidget#agreementsPage QLabel#agreementLimitsLabel,
QWidget#agreementsPage QLabel#agreementOptionsHint { color: #5f6368; }
QWidget#agreementsPage QLabel#debtTotalsLabel { font-weight: 600; padding: 2px 0; }
QWidget#agreementsPage QGroupBox {
    font-weight: 600; border: 1px solid #d5d8dd; border-radius: 6px;
    margin-top: 10px; padding: 10px 8px 6px 8px;
}
QWidget#agreementsPage QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QWidget#agreementsPage QGroupBox QWidget { font-weight: normal; }
QWidget#agreementsPage QLabel.value { font-weight: 600; }
QWidget#agreementsPage QLabel#planTotalLabel, QWidget#agreementsPage QLabel#planToPayLabel {
    font-size: 11pt;
}
QWidget#agreementsPage QLabel#agreementPlanSummary { font-size: 12pt; font-weight: 600; }
QWidget#agreementsPage QLabel#agreementPlanSummary[empty="true"] {
    font-size: 10pt; font-weight: normal; color: #5f6368;
}
QWidget#agreementsPage QLabel#agreementViolationsLabel {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 4px 6px;
}
QWidget#agreementsPage QLabel#agreementRateWarning {
    color: #6b4a00; background: #fff4d6; border: 1px solid #e8c66a;
    border-radius: 4px; padding: 4px 6px;
}
QWidget#agreementsPage QPushButton#agreementOption {
    text-align: left; padding: 6px 8px; border: 1px solid #c9cdd3; border-radius: 6px;
    background: #f7f9fc;
}
QWidget#agreementsPage QPushButton#agreementOption:hover {
    border-color: #2f6fbf; background: #eaf2fd;
}
QWidget#agreementsPage QPushButton#confirmAgreementButton { font-weight: 600; padding: 6px 16px; }
QLabel#fieldError { color: #a1261b; font-size: 9pt; }
QLabel#generalError, QLabel#simulatorError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 5px 8px;
}
QLabel#agreementDone {
    color: #1e6b34; background: #e8f5ec; border: 1px solid #a6d5b5;
    border-radius: 4px; padding: 5px 8px;
}
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QDateEdit[invalid="true"] {
    border: 1px solid #c0392b; border-radius: 3px; background: #fff6f5;
}
"""


@dataclass(frozen=True)
class _Loaded:
    """One read of the customer's debt: every open installment, and the ticked ones' total."""

    serial: int
    customer_id: int
    name: str
    cpf: str
    lines: tuple[DebtLine, ...]  # every open installment updated to ``on``
    checked: tuple[int, ...]
    debt: Debt | None  # the ticked installments, from debt_for
    agreements: AgreementPolicy
    collection: CollectionPolicy


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class AgreementSummaryDialog(QDialog):
    """What will be signed, read aloud to the customer before the owner confirms."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementSummaryDialog")
        self.setWindowTitle("Fechar o acordo")
        self.setMinimumWidth(520)
        label = QLabel(text, self)
        label.setObjectName("agreementSummaryText")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(self)
        self.confirm_button = buttons.addButton(
            "Fechar acordo e imprimir", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName("confirmSummaryButton")
        back = buttons.addButton("Voltar", QDialogButtonBox.ButtonRole.RejectRole)
        back.setObjectName("backButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(label)
        layout.addWidget(buttons)
        self.confirm_button.setDefault(True)


def summary_html(name: str, plan: AgreementPlan) -> str:
    """The summary shown before signing."""
    rows = [
        ("Cliente", name),
        ("Parcelas renegociadas", str(len(plan.debt.lines))),
        ("Dívida atualizada", format_brl(plan.principal + plan.fees + plan.interest)),
        ("Desconto", format_brl(plan.discount)),
        ("Total do acordo", format_brl(plan.total)),
        ("Pagamento", describe_plan(plan)),
    ]
    if plan.financing_interest:
        rows.append(
            (
                "Juros do parcelamento",
                f"{format_brl(plan.financing_interest)} "
                f"({format_percent(plan.monthly_rate)} ao mês)",
            )
        )
    rows.append(("Total a pagar", format_brl(plan.schedule_total)))
    table = "".join(
        f"<tr><td style='padding-right:14px'>{k}</td><td><b>{v}</b></td></tr>" for k, v in rows
    )
    text = f"<p>Confira com o cliente antes de fechar:</p><table>{table}</table>"
    if plan.violations:
        items = "".join(f"<li>{v}</li>" for v in plan.violations)
        text += (
            "<p style='color:#a1261b'><b>Acima dos limites — só com a autorização do dono:</b>"
            f"</p><ul style='color:#a1261b'>{items}</ul>"
        )
    text += "<p>O Termo de Acordo e o novo carnê serão impressos.</p>"
    return text


class AgreementsPage(QWidget):
    """The owner's renegotiation screen: the debt, the simulator, the confirmation."""

    agreementConfirmed = Signal(int)  # the agreement's id
    agreementFailed = Signal()
    debtUpdated = Signal()  # the debt (or why there is none) is on screen
    searchFinished = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("agreementsPage")
        self.setStyleSheet(PAGE_STYLE)
        self.customer_id: int | None = None
        self.customer_name = ""
        self.debt: Debt | None = None
        self.loaded: _Loaded | None = None
        self.submitting = False
        self.dialog: QDialog | None = None  # the summary or owner dialog on screen
        self._serial = 0  # only the newest read of the debt is shown
        self._search_serial = 0
        self._keep_checks = False  # reload with the ticks as they are (vs. the overdue ones)

        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self._debt_timer = QTimer(self)
        self._debt_timer.setSingleShot(True)
        self._debt_timer.setInterval(DEBT_DELAY_MS)
        self._debt_timer.timeout.connect(self.reload)
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.returnPressed.connect(self._on_search_return)

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Acordos", self)
        title.setObjectName("pageTitle")
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("agreementsSearch")
        self.search_field.setPlaceholderText("Nome, CPF ou telefone")
        self.search_field.setClearButtonEnabled(True)
        self.results_model = CustomerListModel(self)
        self.results_view = QTableView(self)
        configure_table(self.results_view, "agreementsResults")
        self.results_view.setModel(self.results_model)
        self.results_view.setToolTip("Enter ou duplo clique abre o cliente")
        self._band_delegate = BandChipDelegate(self.results_view)
        self.results_view.setItemDelegateForColumn(
            CustomerListModel.BAND_COLUMN, self._band_delegate
        )
        for column in (1, 2):
            self.results_view.setColumnHidden(column, True)
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            CustomerListModel.BAND_COLUMN, QHeaderView.ResizeMode.ResizeToContents
        )
        self.results_view.activated.connect(self._on_activated)
        self.results_status = QLabel("Digite para buscar um cliente.", self)
        self.results_status.setObjectName("resultsStatus")
        self.results_status.setWordWrap(True)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(title)
        left.addWidget(self.search_field)
        left.addWidget(self.results_view, 1)
        left.addWidget(self.results_status)
        left_widget = QWidget(self)
        left_widget.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        left_widget.setFixedWidth(225)

        # --- the debt ---
        self.customer_label = QLabel("Nenhum cliente aberto", self)
        self.customer_label.setObjectName("agreementCustomerLabel")
        self.on_edit = QDateEdit(self)
        self.on_edit.setObjectName("debtDateEdit")
        self.on_edit.setCalendarPopup(True)
        self.on_edit.setDisplayFormat("dd/MM/yyyy")
        today = self.ctx.today()
        self.on_edit.setDateRange(_qdate(today), _qdate(today + timedelta(days=MAX_DAYS_AHEAD)))
        self.on_edit.setDate(_qdate(today))
        self.on_edit.setToolTip(
            "Simule a dívida em outro dia; o acordo só é fechado com ela atualizada até hoje."
        )
        self.on_edit.dateChanged.connect(self._on_date_changed)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.customer_label, 1)
        head.addWidget(QLabel("Atualizado até", self))
        head.addWidget(self.on_edit)

        self.debt_model = DebtModel(self)
        self.debt_model.checkedChanged.connect(self._on_checks_changed)
        self.debt_view = QTableView(self)
        configure_table(self.debt_view, "agreementDebtView")
        self.debt_view.setModel(self.debt_model)
        self.debt_view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        debt_header = self.debt_view.horizontalHeader()
        for column in range(self.debt_model.columnCount()):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == 1
                else QHeaderView.ResizeMode.ResizeToContents
            )
            debt_header.setSectionResizeMode(column, mode)
        rows = self.debt_view.verticalHeader().defaultSectionSize()
        self.debt_view.setFixedHeight(
            rows * 6 + self.debt_view.horizontalHeader().sizeHint().height() + 4
        )
        self.debt_totals = QLabel("", self)
        self.debt_totals.setObjectName("debtTotalsLabel")
        self.debt_view.setToolTip(
            "As vencidas vêm marcadas; marque as a vencer que também entram no acordo."
        )

        # --- the simulator and the confirmation ---
        self.simulator = AgreementSimulator(self)
        self.general = QLabel(self)
        self.general.setObjectName("generalError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.done = QLabel(self)
        self.done.setObjectName("agreementDone")
        self.done.setWordWrap(True)
        self.done.hide()
        self.notes = QLineEdit(self)
        self.notes.setObjectName("agreementNotesEdit")
        self.notes.setPlaceholderText("Observações do acordo (opcional)")
        self.notes.setMaxLength(2000)
        self.confirm_button = QPushButton("Fechar acordo…", self)
        self.confirm_button.setObjectName("confirmAgreementButton")
        self.confirm_button.setToolTip(
            "Confere o resumo, grava o acordo e imprime o termo e o carnê"
        )
        self.confirm_button.clicked.connect(self.confirm)
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        bottom.addWidget(self.notes, 1)
        bottom.addWidget(self.confirm_button)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addLayout(head)
        right.addWidget(self.debt_view)
        right.addWidget(self.debt_totals)
        right.addWidget(self.simulator, 1)
        right.addWidget(self.general)
        right.addWidget(self.done)
        right.addLayout(bottom)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        layout.addWidget(left_widget)
        layout.addLayout(right, 1)
        self.setFocusProxy(self.search_field)
        self._update_button()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.customer_id is None:
            self.search_field.setFocus()

    def _update_button(self) -> None:
        self.confirm_button.setEnabled(not self.submitting and self.customer_id is not None)
        self.confirm_button.setText("Fechando o acordo…" if self.submitting else "Fechar acordo…")

    # --- search ------------------------------------------------------------------------------

    def _on_search_return(self) -> None:
        self._search_timer.stop()
        self._run_search(open_single=True)

    def _run_search(self, open_single: bool = False) -> None:
        self._search_serial += 1
        serial = self._search_serial
        typed = self.search_field.text()
        if not typed.strip():
            self.results_model.set_rows([])
            self.results_status.setText("Digite para buscar um cliente.")
            self.searchFinished.emit(0)
            return
        db, today = self.ctx.db, self.ctx.today()

        def job() -> list[SearchHit]:
            with db.unit_of_work() as uow:
                shop = settings_service.load(uow.session)
                return customer_service.search_with_bands(
                    uow.session, typed, today, shop.policy.bands, RESULTS_LIMIT
                )

        run_in_background(
            job,
            lambda hits: self._on_search_done(serial, typed, hits, open_single),
            self._on_search_failed,
        )

    def _on_search_done(
        self, serial: int, typed: str, hits: list[SearchHit], open_single: bool
    ) -> None:
        if serial != self._search_serial:
            return
        self.results_model.set_rows(hits)
        if not hits:
            self.results_status.setText(f"Nenhum cliente encontrado para “{typed.strip()}”.")
        else:
            count = len(hits)
            self.results_status.setText(
                "1 cliente — Enter abre." if count == 1 else f"{count} clientes — Enter abre."
            )
            self.results_view.selectRow(0)
            if open_single and count == 1:
                self.open_customer(hits[0].customer_id)
            elif open_single:
                self.results_view.setFocus()
        self.searchFinished.emit(len(hits))

    def _on_search_failed(self, exc: Exception) -> None:
        self.results_status.setText(f"Não foi possível buscar: {error_message(exc)}")
        self.searchFinished.emit(-1)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(int(index.data(ID_ROLE)))

    # --- the debt ----------------------------------------------------------------------------

    def open_customer(self, customer_id: int) -> None:
        """Show ``customer_id``'s open installments, the overdue ones ticked, updated to today."""
        self.customer_id = customer_id
        self._keep_checks = False
        self.general.hide()
        self.done.hide()
        self.simulator.reset()
        self.customer_label.setText("Carregando o cliente…")
        self._update_button()
        self.reload()

    @property
    def on(self) -> date:
        return self.on_edit.date().toPython()  # type: ignore[return-value]

    def _on_date_changed(self, _value: QDate) -> None:
        if self.customer_id is not None:
            self._keep_checks = True
            self._debt_timer.start()

    def _on_checks_changed(self) -> None:
        self._keep_checks = True
        self._serial += 1  # what is in flight no longer matches the ticks
        self._debt_timer.start()

    def reload(self) -> None:
        """Read the customer's debt again in the background (keeps the ticks when asked)."""
        self._debt_timer.stop()
        customer_id = self.customer_id
        if customer_id is None:
            return
        self._serial += 1
        serial = self._serial
        db, on = self.ctx.db, self.on
        keep = self.debt_model.checked_ids() if self._keep_checks else None

        def job() -> _Loaded:
            with db.unit_of_work() as uow:
                session = uow.session
                detail = customer_service.customer_detail(session, customer_id, on)
                shop = settings_service.load(session)
                ids = [i.installment_id for i in detail.installments]
                lines = agreements.debt_for(session, customer_id, ids, on=on).lines if ids else ()
                if keep is None:
                    checked = [ln.installment_id for ln in lines if ln.days_late > 0]
                else:
                    checked = [i for i in keep if i in ids]
                debt = (
                    agreements.debt_for(session, customer_id, checked, on=on) if checked else None
                )
                return _Loaded(
                    serial=serial,
                    customer_id=customer_id,
                    name=detail.name,
                    cpf=detail.cpf,
                    lines=tuple(lines),
                    checked=tuple(checked),
                    debt=debt,
                    agreements=shop.agreements,
                    collection=shop.policy,
                )

        run_in_background(job, self._on_loaded, lambda e: self._on_load_failed(serial, e))

    def _on_loaded(self, loaded: _Loaded) -> None:
        if loaded.serial != self._serial or loaded.customer_id != self.customer_id:
            return  # the ticks or the date changed meanwhile; a newer read is on its way
        self.loaded = loaded
        self.customer_name = loaded.name
        self.customer_label.setText(f"{loaded.name} · CPF {loaded.cpf}")
        self.debt_model.set_lines(loaded.lines, loaded.checked)
        self.debt = loaded.debt
        if not loaded.lines:
            self.debt_totals.setText("Este cliente não tem parcelas em aberto.")
        else:
            self._show_totals(loaded.debt)
        self.simulator.set_debt(loaded.debt, loaded.agreements, loaded.collection)
        self._update_button()
        self.debtUpdated.emit()

    def _show_totals(self, debt: Debt | None) -> None:
        if debt is None:
            self.debt_totals.setText("Nenhuma parcela marcada.")
            return
        count = len(debt.lines)
        which = "1 parcela marcada" if count == 1 else f"{count} parcelas marcadas"
        self.debt_totals.setText(
            f"{which}: principal {format_brl(debt.principal)} + multa {format_brl(debt.fees)}"
            f" + juros {format_brl(debt.interest)} = {format_brl(debt.total)}"
        )

    def _on_load_failed(self, serial: int, exc: Exception) -> None:
        if serial != self._serial:
            return
        message = str(exc) if isinstance(exc, AgreementRefused | LookupError) else None
        self.general.setText(message or error_message(exc))
        self.general.show()
        if self.loaded is None or self.loaded.customer_id != self.customer_id:
            self.customer_label.setText("Cliente não carregado")
        self.debtUpdated.emit()

    # --- confirming ----------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        self.general.setText(message)
        self.general.show()
        self.agreementFailed.emit()

    def confirm(self) -> None:
        """Check what is on screen, show the summary, ask the owner when needed, then sign."""
        if self.submitting or self.dialog is not None or self.customer_id is None:
            return
        self.general.hide()
        self.done.hide()
        if self._debt_timer.isActive() or self.loaded is None or self.loaded.serial != self._serial:
            self._fail("Aguarde: a dívida ainda está sendo atualizada.")
            return
        self.simulator.refresh()
        plan = self.simulator.plan
        if self.debt is None:
            self._fail("Marque ao menos uma parcela para o acordo.")
            return
        if plan is None:
            self._fail("Corrija as condições marcadas antes de fechar o acordo.")
            return
        today = self.ctx.today()
        if plan.debt.on != today:
            self._fail(
                f"A dívida está atualizada até {plan.debt.on:%d/%m/%Y}: para fechar o acordo, "
                f"volte a data para hoje ({today:%d/%m/%Y})."
            )
            self.on_edit.setFocus()
            return
        dialog = AgreementSummaryDialog(summary_html(self.customer_name, plan), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                self._authorize(plan)

        dialog.finished.connect(finished)
        dialog.open()

    def _authorize(self, plan: AgreementPlan) -> None:
        if self.ctx.operator.is_owner:
            self._sign(plan, None)  # the owner signs with their own login
            return
        reason = f"Fechar um acordo com {self.customer_name}: {describe_plan(plan)}."
        if plan.violations:
            reason += "\nAcima dos limites:\n" + "\n".join(f"• {v}" for v in plan.violations)
        dialog = OwnerAuthorizationDialog(self.ctx.db, self.ctx.clock, reason, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog

        def finished(_result: int) -> None:
            self.dialog = None
            owner = dialog.owner  # set only when the owner's password was accepted
            if owner is not None:
                self._sign(plan, owner)
            else:
                self._fail("Acordo não fechado: o dono não autorizou.")

        dialog.finished.connect(finished)
        dialog.open()

    def _sign(self, plan: AgreementPlan, owner: Operator | None) -> None:
        assert self.customer_id is not None
        self.submitting = True
        self._update_button()
        db, operator, now = self.ctx.db, self.ctx.operator, self.ctx.now()
        customer_id, notes = self.customer_id, self.notes.text()

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                return agreements.confirm_agreement(
                    uow,
                    plan,
                    customer_id=customer_id,
                    installment_ids=plan.debt.installment_ids,
                    expected_versions=plan.debt.versions,
                    operator=operator,
                    owner=owner,
                    now=now,
                    notes=notes,
                )

        run_in_background(job, self._on_signed, self._on_sign_failed)

    def _on_signed(self, agreement_id: int) -> None:
        self.submitting = False
        self.notes.clear()
        self.simulator.reset()
        self.done.setText(
            f"Acordo nº {agreement_id} fechado: as parcelas antigas foram renegociadas. "
            "O termo e o novo carnê estão sendo impressos."
        )
        self.done.show()
        self._update_button()
        self.agreementConfirmed.emit(agreement_id)
        today = self.ctx.today()
        jobs = [
            PrintJob("agreement", agreement_id, today),
            PrintJob("agreement_carne", agreement_id, today),
        ]
        print_documents(
            self, self.ctx, jobs, f"Acordo nº {agreement_id}", f"acordo-{agreement_id}.pdf"
        )
        self._keep_checks = False
        self.reload()

    def _on_sign_failed(self, exc: Exception) -> None:
        self.submitting = False
        self._update_button()
        if isinstance(exc, AgreementConflict):
            self._fail(f"{exc} A dívida foi atualizada abaixo; confira e simule de novo.")
            self._keep_checks = False  # what was ticked may be paid or renegotiated now
            self.reload()
            return
        if isinstance(exc, ValidationErrors | FieldError):
            widget = self.simulator.show_errors(exc)
            if widget is not None:
                widget.setFocus()
            self.agreementFailed.emit()
            return
        if isinstance(exc, AgreementRefused):
            self._fail(str(exc))
            return
        self._fail(error_message(exc))
