"""Acordos feitos: every agreement by status, what it has recovered, reprints and the review.

The rows and the totals per status come aggregated from SQL (``services.agreement_list``);
"Revisar acordos" follows every active agreement to today (``services.agreements.
review_agreements``: fulfilled when all is paid, broken after the Settings' days late) and says
what changed. Reading, reviewing and printing all run off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.enums import AgreementStatus
from services import settings as settings_service
from services.agreement_list import AgreementRow, StatusTotal, agreement_rows, status_totals
from services.agreements import ReviewResult, review_agreements
from services.db import Database
from services.money import format_brl
from services.printing import PrintJob
from ui.context import AppContext
from ui.customers.models import ALERT, CENTER, RIGHT, Column, RowsModel, format_date
from ui.documents.actions import print_documents
from ui.tasks import run_in_background
from ui.widgets import error_message

STATUS_LABELS = {
    AgreementStatus.ACTIVE: "Ativo",
    AgreementStatus.FULFILLED: "Cumprido",
    AgreementStatus.BROKEN: "Rompido",
    AgreementStatus.CANCELLED: "Cancelado",
}
# The filter: (label, status or None for all).
FILTERS: tuple[tuple[str, AgreementStatus | None], ...] = (
    ("Todos", None),
    ("Ativos", AgreementStatus.ACTIVE),
    ("Cumpridos", AgreementStatus.FULFILLED),
    ("Rompidos", AgreementStatus.BROKEN),
)
SHOWN_TOTALS = (AgreementStatus.ACTIVE, AgreementStatus.FULFILLED, AgreementStatus.BROKEN)
LIMIT = 1000  # newest first; older ones by the status filter

STYLE = """
QFrame#agreementTotals {
    background: #ffffff; border: 1px solid #d5d9e0; border-radius: 6px;
}
QLabel[role="totalTitle"] { font-weight: 600; color: #10223a; }
QLabel#listStatus[state="error"] { color: #b3261e; }
QLabel#listStatus[state="ok"] { color: #1b5e20; }
"""


def _status_text(row: AgreementRow) -> str:
    label = STATUS_LABELS[row.status]
    if row.status is AgreementStatus.BROKEN and row.broken_on:
        return f"{label} em {format_date(row.broken_on)}"
    if row.status is AgreementStatus.FULFILLED and row.fulfilled_on:
        return f"{label} em {format_date(row.fulfilled_on)}"
    return label


class AgreementsModel(RowsModel):
    """One agreement a row; the status is written out (colour is never the only signal)."""

    columns = (
        Column("Nº", lambda r: str(r.agreement_id), RIGHT),
        Column("Cliente", lambda r: r.name),
        Column("Data", lambda r: format_date(r.agreed_on), CENTER),
        Column("Total acordado", lambda r: format_brl(r.total), RIGHT),
        Column(
            "Recuperado",
            lambda r: format_brl(r.recovered),
            RIGHT,
            tooltip=lambda _r: "Recebido nas parcelas do acordo: principal, multa e juros.",
        ),
        Column("Saldo em aberto", lambda r: format_brl(r.open_balance), RIGHT),
        Column("Parcelas pagas", lambda r: f"{r.paid_count}/{r.installment_count}", CENTER),
        Column(
            "Situação",
            _status_text,
            foreground=lambda r: ALERT if r.status is AgreementStatus.BROKEN else None,
        ),
    )

    def row_id(self, row: AgreementRow) -> int:
        return row.agreement_id


@dataclass(frozen=True)
class _Loaded:
    rows: list[AgreementRow]
    totals: dict[AgreementStatus, StatusTotal]


def _load(db: Database, status: AgreementStatus | None) -> _Loaded:
    with db.unit_of_work() as uow:
        return _Loaded(agreement_rows(uow.session, status, limit=LIMIT), status_totals(uow.session))


def _review(db: Database, today: date) -> ReviewResult:
    with db.unit_of_work() as uow:
        policy = settings_service.load(uow.session).agreements
    with db.unit_of_work(write=True) as uow:
        return review_agreements(uow, today, policy)


def review_message(result: ReviewResult) -> str:
    if not result.fulfilled and not result.broken:
        return "Revisão feita: nenhum acordo mudou de situação."
    parts = []
    if result.fulfilled:
        n = len(result.fulfilled)
        parts.append("1 acordo cumprido" if n == 1 else f"{n} acordos cumpridos")
    if result.broken:
        n = len(result.broken)
        parts.append("1 acordo rompido" if n == 1 else f"{n} acordos rompidos")
    text = "Revisão feita: " + " e ".join(parts) + "."
    if result.lost_discounts:
        total = sum((amount for _a, _i, amount in result.lost_discounts), Decimal("0.00"))
        text += f" Desconto perdido lançado como nova parcela: {format_brl(total)}."
    return text


class AgreementsListWidget(QWidget):
    """The agreements by status with their totals; emits ``customerRequested(customer_id)``."""

    customerRequested = Signal(int)
    reviewed = Signal(object)  # ReviewResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementsList")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.loading = False
        self.reviewing = False
        self._reload_again = False

        self.totals_frame = QFrame()
        self.totals_frame.setObjectName("agreementTotals")
        totals = QHBoxLayout(self.totals_frame)
        totals.setContentsMargins(12, 8, 12, 8)
        totals.setSpacing(24)
        self.total_labels: dict[AgreementStatus, QLabel] = {}
        for status in SHOWN_TOTALS:
            label = QLabel()
            label.setObjectName(f"{status.value}Totals")
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.total_labels[status] = label
            totals.addWidget(label)
        totals.addStretch(1)

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("statusFilter")
        for text, choice in FILTERS:
            self.filter_combo.addItem(text, choice)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.review_button = QPushButton("Revisar acordos")
        self.review_button.setObjectName("reviewAgreementsButton")
        self.review_button.setToolTip(
            "Marca como cumpridos os acordos pagos e como rompidos os que têm parcela atrasada "
            "além do prazo das Configurações."
        )
        self.review_button.clicked.connect(self._on_review)
        top = QHBoxLayout()
        top.addWidget(QLabel("Situação:"))
        top.addWidget(self.filter_combo)
        top.addStretch(1)
        top.addWidget(self.review_button)

        self.model = AgreementsModel(self)
        self.table = QTableView()
        self.table.setObjectName("agreementsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._on_open_customer())

        self.reprint_button = QPushButton("Reimprimir termo")
        self.reprint_button.setObjectName("reprintAgreementButton")
        self.reprint_button.clicked.connect(self._on_reprint)
        self.carne_button = QPushButton("Carnê")
        self.carne_button.setObjectName("agreementCarneButton")
        self.carne_button.setToolTip("As parcelas em aberto do acordo.")
        self.carne_button.clicked.connect(self._on_carne)
        self.open_button = QPushButton("Abrir cliente")
        self.open_button.setObjectName("openAgreementCustomerButton")
        self.open_button.clicked.connect(self._on_open_customer)
        self.status_label = QLabel()
        self.status_label.setObjectName("listStatus")
        self.status_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.status_label, 1)
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.carne_button)
        actions.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.totals_frame)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self._update_buttons()
        self.reload()

    # --- public --------------------------------------------------------------------------------

    @property
    def status_filter(self) -> AgreementStatus | None:
        data = self.filter_combo.currentData()
        return AgreementStatus(data) if data else None

    def set_status_filter(self, status: AgreementStatus | None) -> None:
        index = next(i for i, (_t, s) in enumerate(FILTERS) if s == status)
        self.filter_combo.setCurrentIndex(index)

    def selected(self) -> AgreementRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_agreement(self, agreement_id: int) -> None:
        row = self.model.row_of_id(agreement_id)
        if row is not None:
            self.table.selectRow(row)

    def reload(self) -> None:
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        db, status = self.ctx.db, self.status_filter
        run_in_background(lambda: _load(db, status), self._on_loaded, self._on_load_failed)

    # --- slots ---------------------------------------------------------------------------------

    def _on_loaded(self, loaded: _Loaded) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        chosen = self.selected()
        self.model.set_rows(loaded.rows)
        for status, label in self.total_labels.items():
            t = loaded.totals[status]
            count = "1 acordo" if t.count == 1 else f"{t.count} acordos"
            label.setText(
                f"{STATUS_LABELS[status]}s: {count}\n"
                f"Acordado {format_brl(t.total)} · recuperado {format_brl(t.recovered)}"
            )
        if chosen is not None:
            self.select_agreement(chosen.agreement_id)
        self._update_buttons()

    def _on_load_failed(self, exc: Exception) -> None:
        self.loading = False
        self._set_status(f"Não foi possível ler os acordos. {error_message(exc)}", "error")

    def _on_filter_changed(self) -> None:
        self.reload()

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.reprint_button.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)
        self.carne_button.setEnabled(
            row is not None
            and row.open_balance > 0
            and row.status in (AgreementStatus.ACTIVE, AgreementStatus.BROKEN)
        )
        self.review_button.setEnabled(not self.reviewing)

    def _on_reprint(self) -> None:
        row = self.selected()
        if row is None:
            return
        job = PrintJob("agreement", row.agreement_id, self.ctx.today())
        title = f"Termo de acordo nº {row.agreement_id} – {row.name}"
        print_documents(self, self.ctx, [job], title, f"acordo-{row.agreement_id}.pdf")

    def _on_carne(self) -> None:
        row = self.selected()
        if row is None:
            return
        job = PrintJob("agreement_carne", row.agreement_id, self.ctx.today())
        title = f"Carnê do acordo nº {row.agreement_id} – {row.name}"
        print_documents(self, self.ctx, [job], title, f"carne-acordo-{row.agreement_id}.pdf")

    def _on_open_customer(self) -> None:
        row = self.selected()
        if row is not None:
            self.customerRequested.emit(row.customer_id)

    def _on_review(self) -> None:
        if self.reviewing:
            return
        self.reviewing = True
        self._update_buttons()
        self._set_status("Revisando os acordos…", "")
        db, today = self.ctx.db, self.ctx.today()
        run_in_background(lambda: _review(db, today), self._on_reviewed, self._on_review_failed)

    def _on_reviewed(self, result: ReviewResult) -> None:
        self.reviewing = False
        self._set_status(review_message(result), "ok")
        self.reviewed.emit(result)
        self.reload()

    def _on_review_failed(self, exc: Exception) -> None:
        self.reviewing = False
        self._update_buttons()
        self._set_status(f"A revisão não foi feita. {error_message(exc)}", "error")

    def _set_status(self, text: str, state: str) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("state", state)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
