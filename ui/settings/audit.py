"""Auditoria: the owner reads the audit trail by day and by customer, and checks its chain.

Reading and verifying run off the UI thread; a cashier sees only a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import audit
from services.audit import AuditEntry
from services.db import Database
from ui.context import AppContext
from ui.settings.common import failure_message, note_label, set_label_state
from ui.tasks import run_in_background

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
COLUMNS = ("Quando", "Usuário", "Autorizado por", "O que foi feito", "Registro", "Cliente")
CASHIER_NOTE = "Somente o dono vê a auditoria."
LIMIT = 500


@dataclass(frozen=True)
class AuditView:
    """What one load brings: the entries and the customers the filter offers."""

    entries: list[AuditEntry]
    customers: list[tuple[int, str]]


def _load(db: Database, day: date | None, customer_id: int | None) -> AuditView:
    with db.unit_of_work() as uow:
        return AuditView(
            audit.events(uow.session, customer_id=customer_id, day=day, limit=LIMIT),
            audit.customers_in_trail(uow.session),
        )


def _verify(db: Database) -> tuple[bool, str]:
    with db.unit_of_work() as uow:
        return audit.verdict(uow.session)


class AuditModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditEntry] = []

    def set_rows(self, rows: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role not in (_DISPLAY, _TOOLTIP):
            return None
        row = self.rows[index.row()]
        values = (
            f"{row.at:%d/%m/%Y %H:%M}",
            row.user or "—",
            row.authorized_by,
            row.description,
            row.entity,
            row.customer,
        )
        column = index.column()
        if not 0 <= column < len(values):
            return None
        if role == _TOOLTIP:
            return f"Registro de auditoria nº {row.id}" if column == 0 else values[column] or None
        return values[column]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            role == _DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None


class AuditSection(QWidget):
    """The trail of one day (or of one customer on every day), newest first."""

    key = "audit"
    title = "Auditoria"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditSection")
        self.ctx = ctx
        self.read_only = False
        self.loaded = False
        self.verifying = False
        self.owner = ctx.operator.is_owner

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        heading = QLabel("Auditoria")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)

        self.cashier_note = QLabel(CASHIER_NOTE)
        self.cashier_note.setObjectName("readOnlyNote")
        layout.addWidget(self.cashier_note)

        self.content = QWidget()
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(
            note_label(
                "Cada alteração de dinheiro ou situação fica registrada aqui, com quem fez, quem "
                "autorizou e quando. Os registros não podem ser apagados; cada um guarda a "
                "assinatura do anterior, e “Verificar integridade” confere se algum foi mexido."
            )
        )

        filters = QHBoxLayout()
        self.day_check = QCheckBox("Dia:")
        self.day_check.setObjectName("auditDayCheck")
        self.day_check.setChecked(True)
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("auditDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        today = ctx.now().date()
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("auditCustomer")
        self.customer_combo.setMinimumWidth(260)
        self.customer_combo.addItem("Todos os clientes", None)
        filters.addWidget(self.day_check)
        filters.addWidget(self.day_edit)
        filters.addSpacing(16)
        filters.addWidget(QLabel("Cliente:"))
        filters.addWidget(self.customer_combo)
        filters.addStretch(1)
        body.addLayout(filters)

        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        body.addWidget(self.table, 1)

        self.count_label = QLabel()
        self.count_label.setObjectName("auditCount")
        body.addWidget(self.count_label)

        bar = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLine")
        self.status_label.setWordWrap(True)
        bar.addWidget(self.status_label, 1)
        self.verify_button = QPushButton("Verificar integridade")
        self.verify_button.setObjectName("verifyAuditButton")
        self.verify_button.clicked.connect(self.verify)
        bar.addWidget(self.verify_button)
        body.addLayout(bar)
        layout.addWidget(self.content, 1)

        self.cashier_note.setVisible(not self.owner)
        self.content.setVisible(self.owner)
        if not self.owner:
            layout.addStretch(1)
            return
        self.day_check.toggled.connect(self._filters_changed)
        self.day_edit.dateChanged.connect(self._filters_changed)
        self.customer_combo.currentIndexChanged.connect(self._filters_changed)
        self.reload()

    # --- public --------------------------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        """Nothing here is edited; the owner-only rule is the operator's role, not this flag."""
        self.read_only = read_only

    def selected_day(self) -> date | None:
        if not self.day_check.isChecked():
            return None
        return self.day_edit.date().toPython()  # type: ignore[no-any-return]

    def selected_customer(self) -> int | None:
        value = self.customer_combo.currentData()
        return int(value) if value is not None else None

    def reload(self) -> None:
        if not self.owner:
            return
        self.loaded = False
        self.day_edit.setEnabled(self.day_check.isChecked())
        db, day, customer = self.ctx.db, self.selected_day(), self.selected_customer()
        self.count_label.setText("Carregando…")
        run_in_background(lambda: _load(db, day, customer), self._on_loaded, self._on_failed)

    def verify(self) -> None:
        if not self.owner or self.verifying:
            return
        self.verifying = True
        self.verify_button.setEnabled(False)
        self.status_label.setText("Verificando a trilha…")
        set_label_state(self.status_label, "")
        db = self.ctx.db
        run_in_background(lambda: _verify(db), self._on_verified, self._on_verify_failed)

    # --- slots ---------------------------------------------------------------------------------

    def _filters_changed(self, *_args: Any) -> None:
        self.reload()

    def _on_loaded(self, view: AuditView) -> None:
        self.model.set_rows(view.entries)
        self._fill_customers(view.customers)
        n = len(view.entries)
        if n == 0:
            text = "Nenhum registro com esses filtros."
        elif n >= LIMIT:
            text = f"Os {LIMIT} registros mais recentes; filtre por dia ou cliente para ver outros."
        else:
            text = "1 registro." if n == 1 else f"{n} registros."
        self.count_label.setText(text)
        self.loaded = True

    def _on_failed(self, exc: Exception) -> None:
        self.count_label.setText(f"Não foi possível ler a auditoria. {failure_message(exc)}")
        self.loaded = True

    def _fill_customers(self, customers: list[tuple[int, str]]) -> None:
        current = self.selected_customer()
        self.customer_combo.blockSignals(True)
        try:
            self.customer_combo.clear()
            self.customer_combo.addItem("Todos os clientes", None)
            for customer_id, name in customers:
                self.customer_combo.addItem(f"{name} (nº {customer_id})", customer_id)
            found = self.customer_combo.findData(current) if current is not None else 0
            self.customer_combo.setCurrentIndex(max(found, 0))
        finally:
            self.customer_combo.blockSignals(False)

    def _on_verified(self, result: tuple[bool, str]) -> None:
        intact, message = result
        self.verifying = False
        self.verify_button.setEnabled(True)
        self.status_label.setText(f"{message}." if intact else message)
        set_label_state(self.status_label, "ok" if intact else "error")

    def _on_verify_failed(self, exc: Exception) -> None:
        self.verifying = False
        self.verify_button.setEnabled(True)
        self.status_label.setText(f"Não foi possível verificar. {failure_message(exc)}")
        set_label_state(self.status_label, "error")
