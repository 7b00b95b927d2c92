"""Baixa por perda: the owner stops collecting a debt, with a reason; and the suggestions.

``WriteOffDialog`` shows the customer's open installments (all ticked) with their totals today,
asks for the reason and calls ``services.agreements.write_off`` off the UI thread; a cashier gets
the owner's password dialog first and the write-off is recorded in the owner's name. The debt is
kept: a later payment is received as a recovery. ``WriteOffSuggestionsWidget`` lists the
customers ``write_off_suggestions`` points at (small and silent, or prescribed), with why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import settings as settings_service
from services.agreement_list import open_debt
from services.agreements import AgreementRefused, Debt, DebtLine, WriteOffSuggestion, write_off
from services.customers import customer_input
from services.db import Database
from services.money import format_brl
from services.users import Operator
from ui.agreements.models import CheckableDebtModel
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.customers.models import (
    CENTER,
    LEFT,
    RIGHT,
    Column,
    RowsModel,
    describe_days_late,
    format_date,
)
from ui.reason_dialog import ReasonDialog
from ui.tasks import run_in_background
from ui.widgets import error_message

_ZERO = Decimal("0.00")

WRITE_OFF_STYLE = """
QLabel#writeOffSummary {
    background: #f5f5f5; border: 1px solid #d0d0d0; border-radius: 4px; padding: 6px 8px;
}
QLabel#writeOffNote { color: #5c3300; }
QLabel#writeOffTotals { font-weight: 600; }
QLabel#reasonError, QLabel#writeOffError { color: #b3261e; }
"""


class WriteOffModel(CheckableDebtModel):
    """The open installments, each with a checkbox in its first column (all ticked at first)."""

    HEADERS = ("Parcela", "Origem", "Vencimento", "Atraso", "Principal em aberto", "Total hoje")
    _ALIGN = (CENTER, LEFT, CENTER, RIGHT, RIGHT, RIGHT)

    def set_lines(self, lines: Sequence[DebtLine], checked: Iterable[int] | None = None) -> None:
        """Shows ``lines``, all ticked unless ``checked`` says which."""
        ids = [line.installment_id for line in lines] if checked is None else checked
        super().set_lines(lines, ids)
        self.checkedChanged.emit()

    def set_checked(self, row: int, checked: bool) -> None:
        self.set_row_checked(row, checked)

    def _text(self, line: DebtLine, column: int) -> str:
        return (
            f"{line.number}/{line.count}",
            line.origin,
            format_date(line.due_date),
            describe_days_late(line.days_late),
            format_brl(line.principal),
            format_brl(line.total),
        )[column]

    def _tooltip(self, line: DebtLine, column: int) -> str | None:
        if column == 5:
            return f"Multa {format_brl(line.fee)} e juros {format_brl(line.interest)} até hoje."
        return None


@dataclass(frozen=True)
class _Loaded:
    name: str
    debt: Debt | None


def _load(db: Database, customer_id: int, today: Any) -> _Loaded:
    with db.unit_of_work() as uow:
        name = customer_input(uow.session, customer_id).name
        return _Loaded(name, open_debt(uow.session, customer_id, today))


class WriteOffDialog(ReasonDialog):
    """Writes off the ticked installments; emits ``writtenOff(customer_id)``."""

    writtenOff = Signal(int)

    NAME = "writeOffDialog"
    TITLE = "Baixar como perda"
    STYLE = WRITE_OFF_STYLE
    SUMMARY_NAME = "writeOffSummary"
    FIELD_LABEL = "Motivo da baixa (obrigatório):"
    FIELD_NAME = "writeOffReasonEdit"
    PLACEHOLDER = "Ex.: mudou-se sem deixar endereço; dívida prescrita"
    FIELD_ERROR_NAME = "reasonError"
    EMPTY_MESSAGE = "Informe o motivo da baixa por perda."
    ERROR_NAME = "writeOffError"
    CONFIRM_TEXT = "Baixar como perda"
    CONFIRM_NAME = "confirmWriteOffButton"
    REFUSAL = AgreementRefused

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        self.customer_id = customer_id
        self.loaded = False
        self.debt: Debt | None = None
        self.auth_dialog: OwnerAuthorizationDialog | None = None
        note = QLabel(
            "Somente o dono pode baixar uma dívida como perda. As parcelas deixam de ser "
            "cobradas, mas a dívida continua registrada: se o cliente pagar depois, o pagamento "
            "entra como recuperação."
        )
        note.setObjectName("writeOffNote")
        note.setWordWrap(True)
        super().__init__(ctx, "Carregando as parcelas em aberto…", parent, extra=note)
        self.setMinimumWidth(720)
        self.reason_edit, self.reason_error = self.text_edit, self.text_error

        self.model = WriteOffModel(self)
        self.table = QTableView()
        self.table.setObjectName("writeOffInstallments")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(180)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("writeOffTotals")
        self.totals_label.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        # Under the summary, before the reason: what is being given up comes first.
        layout.insertWidget(2, self.table)
        layout.insertWidget(3, self.totals_label)
        self.model.checkedChanged.connect(self._on_checked_changed)
        self.confirm_button.setEnabled(False)

        db, today = ctx.db, ctx.today()
        run_in_background(lambda: _load(db, customer_id, today), self._on_loaded, self._on_failed)

    # --- loading -------------------------------------------------------------------------------

    def _on_loaded(self, loaded: _Loaded) -> None:
        self.loaded = True
        self.debt = loaded.debt
        if loaded.debt is None:
            self.summary_label.setText(f"{loaded.name} não tem parcelas em aberto.")
            self.model.set_lines([])
            return
        count = len(loaded.debt.lines)
        self.summary_label.setText(
            f"Cliente: {loaded.name} — {count} parcela{'s' if count != 1 else ''} em aberto. "
            "Desmarque as que continuam em cobrança."
        )
        self.model.set_lines(loaded.debt.lines)

    def _on_failed(self, exc: Exception) -> None:
        self.loaded = True
        self.summary_label.setText("Não foi possível ler as parcelas.")
        self._show_error(error_message(exc))

    def _on_checked_changed(self) -> None:
        chosen = self.model.checked_lines()
        principal = sum((line.principal for line in chosen), _ZERO)
        total = sum((line.total for line in chosen), _ZERO)
        n = len(chosen)
        if not n:
            self.totals_label.setText("Nenhuma parcela marcada.")
        else:
            self.totals_label.setText(
                f"{n} parcela{'s' if n != 1 else ''} marcada{'s' if n != 1 else ''}: "
                f"principal em aberto {format_brl(principal)} · "
                f"com multa e juros até hoje {format_brl(total)}"
            )
        self.confirm_button.setEnabled(bool(n) and not self._busy)

    # --- acting --------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.confirm_button.setEnabled(not busy and bool(self.model.checked_lines()))

    def _submit(self, reason: str) -> None:
        if not self.model.checked_lines():
            self._set_busy(False)
            self._show_error("Marque ao menos uma parcela.")
            return
        if self.ctx.operator.is_owner:
            self._write_off(self.ctx.operator, reason)
            return
        chosen = self.model.checked_lines()
        principal = sum((line.principal for line in chosen), _ZERO)
        dialog = OwnerAuthorizationDialog(
            self.ctx.db,
            self.ctx.clock,
            f"Baixar como perda {len(chosen)} parcela(s), {format_brl(principal)} de principal."
            f"\nMotivo: {reason}",
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.auth_dialog = dialog

        def finished(_result: int) -> None:
            owner = dialog.owner  # set only when the owner's password was accepted
            self.auth_dialog = None
            if owner is not None:
                self._write_off(owner, reason)
            else:
                self._set_busy(False)
                self._show_error("Baixa não feita: o dono não autorizou.")

        dialog.finished.connect(finished)
        dialog.open()

    def _write_off(self, owner: Operator, reason: str) -> None:
        db, customer_id, now = self.ctx.db, self.customer_id, self.ctx.now()
        chosen = self.model.checked_lines()
        ids = [line.installment_id for line in chosen]
        versions = {line.installment_id: line.version for line in chosen}

        def job() -> int:
            with db.unit_of_work(write=True) as uow:
                result = write_off(
                    uow,
                    customer_id=customer_id,
                    installment_ids=ids,
                    reason=reason,
                    owner=owner,
                    now=now,
                    expected_versions=versions,
                )
            return len(result.installment_ids)

        self._run(job)

    def _done(self, result: int) -> None:
        self.writtenOff.emit(self.customer_id)


# --- the suggestions -----------------------------------------------------------------------------


def _last_answer(s: WriteOffSuggestion) -> str:
    return format_date(s.last_answer) if s.last_answer else "nunca"


class SuggestionsModel(RowsModel):
    columns = (
        Column("Cliente", lambda s: s.name),
        Column("Em aberto", lambda s: format_brl(s.open_principal), RIGHT),
        Column("Vencida desde", lambda s: format_date(s.oldest_due), CENTER),
        Column("Última resposta", _last_answer, CENTER),
        Column("Sem resposta", lambda s: f"{s.silent_days} dias", RIGHT),
        Column("Motivo", lambda s: " ".join(s.reasons), tooltip=lambda s: "\n".join(s.reasons)),
    )

    def row_id(self, row: WriteOffSuggestion) -> int:
        return row.customer_id


def _suggestions(db: Database, today: Any) -> list[WriteOffSuggestion]:
    from services.agreements import write_off_suggestions

    with db.unit_of_work() as uow:
        policy = settings_service.load(uow.session).agreements
        return list(write_off_suggestions(uow.session, today, policy))


class WriteOffSuggestionsWidget(QWidget):
    """Debts the owner may want to write off, with why; emits ``customerRequested(id)``."""

    customerRequested = Signal(int)
    writtenOff = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("writeOffSuggestions")
        self.ctx = ctx
        self.loading = False
        self.dialog: WriteOffDialog | None = None

        intro = QLabel(
            "Sugestões de baixa por perda: dívidas pequenas sem resposta do cliente há muito "
            "tempo, ou vencidas há mais de 5 anos (prescritas). Só o dono decide; os limites "
            "ficam em Configurações › Acordos."
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.model = SuggestionsModel(self)
        self.table = QTableView()
        self.table.setObjectName("writeOffSuggestionsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.status_label = QLabel()
        self.status_label.setObjectName("suggestionsStatus")
        self.status_label.setWordWrap(True)
        self.write_off_button = QPushButton("Baixar como perda…")
        self.write_off_button.setObjectName("writeOffButton")
        self.write_off_button.clicked.connect(self._on_write_off)
        self.open_button = QPushButton("Abrir cliente")
        self.open_button.setObjectName("openSuggestedCustomerButton")
        self.open_button.clicked.connect(self._on_open_customer)
        actions = QHBoxLayout()
        actions.addWidget(self.status_label, 1)
        actions.addWidget(self.write_off_button)
        actions.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self._update_buttons()
        self.reload()

    def selected(self) -> WriteOffSuggestion | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_customer(self, customer_id: int) -> None:
        row = self.model.row_of_id(customer_id)
        if row is not None:
            self.table.selectRow(row)

    def reload(self) -> None:
        self.loading = True
        db, today = self.ctx.db, self.ctx.today()
        run_in_background(lambda: _suggestions(db, today), self._on_loaded, self._on_failed)

    def _on_loaded(self, found: list[WriteOffSuggestion]) -> None:
        self.loading = False
        self.model.set_rows(found)
        self.table.resizeRowsToContents()
        n = len(found)
        self.status_label.setText(
            "Nenhuma dívida sugerida para baixa."
            if not n
            else f"{n} cliente{'s' if n != 1 else ''} sugerido{'s' if n != 1 else ''}."
        )
        self._update_buttons()

    def _on_failed(self, exc: Exception) -> None:
        self.loading = False
        self.status_label.setText(f"Não foi possível ler as sugestões. {error_message(exc)}")

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.write_off_button.setEnabled(chosen)
        self.open_button.setEnabled(chosen)

    def _on_write_off(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = WriteOffDialog(self.ctx, row.customer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.writtenOff.connect(self._on_written_off)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _on_written_off(self, customer_id: int) -> None:
        self.writtenOff.emit(customer_id)
        self.reload()

    def _on_open_customer(self) -> None:
        row = self.selected()
        if row is not None:
            self.customerRequested.emit(row.customer_id)
