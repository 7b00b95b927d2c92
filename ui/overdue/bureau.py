"""Negativação: the bureau reports due and the removals owed after payment.

Two lists for the owner. **Negativações a fazer**: the customers whose cadence reached the
``bureau_report`` step (from the contact queue, which also says in advance whether the law
allows it yet). **Baixas a pedir**: reported customers who paid the reported debt; the bureau
must be asked to remove the report within 5 business days of the payment (STJ Súmula 548), the
late ones in red with their deadline.

Both actions are the owner's (``services.collection.mark_reported`` / ``mark_removed``); a
cashier gets the owner's password dialog first and the action is recorded in the owner's name.
A refusal (no written notice, notice not 10 days old yet, cadence paused…) shows its message.
The lead adds this widget as its own tab ("Negativação") next to the contact queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import collection
from services.collection import CollectionRefused, RemovalTask
from services.money import format_brl
from services.users import NotAllowed, Operator
from ui.auth import OwnerAuthorizationDialog
from ui.context import AppContext
from ui.tasks import run_in_background
from ui.widgets import error_message

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
ID_ROLE = Qt.ItemDataRole.UserRole + 10
OK_COLOUR = QColor("#1b5e20")
LATE_COLOUR = QColor("#b3261e")
WAIT_COLOUR = QColor("#8a5300")
_Row = TypeVar("_Row")

STYLE = """
QWidget#bureauTasks QLabel#sectionTitle { font-size: 12pt; font-weight: 600; color: #1f2328; }
QWidget#bureauTasks QLabel#sectionHint { color: #5f6368; }
QWidget#bureauTasks QLabel#reportsStatus, QWidget#bureauTasks QLabel#removalsStatus {
    color: #1f2328; font-weight: 600;
}
QWidget#bureauTasks QLabel#bureauError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QWidget#bureauTasks QLabel#bureauDone {
    color: #1b4d24; background: #dff2e1; border: 1px solid #9fd3a8;
    border-radius: 4px; padding: 6px 8px;
}
"""


def _br(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask yes/no (a module function, so tests answer it without a modal box)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class OwnerAction(QObject):
    """Runs an owner-only collection action: at once for the owner, after the owner's password
    for anyone else; ``done`` or ``refused(message)`` tells how it went."""

    done = Signal()
    refused = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        ctx: AppContext,
        description: str,
        job: Callable[[Operator], None],
        *,
        denied: str,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.ctx = ctx
        self.description = description
        self.job = job
        self.denied = denied
        self.auth_dialog: OwnerAuthorizationDialog | None = None

    def start(self) -> None:
        if self.ctx.operator.is_owner:
            self._run(self.ctx.operator)
            return
        dialog = OwnerAuthorizationDialog(
            self.ctx.db, self.ctx.clock, self.description, self.parent_widget
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.auth_dialog = dialog

        def finished(_result: int) -> None:
            owner = dialog.owner  # set only when the owner's password was accepted
            self.auth_dialog = None
            if owner is not None:
                self._run(owner)
            else:
                self._fail(self.denied)

        dialog.finished.connect(finished)
        dialog.open()

    def _run(self, owner: Operator) -> None:
        job = self.job
        run_in_background(lambda: job(owner), self._on_done, self._on_failed)

    def _on_done(self, _result: object) -> None:
        self.done.emit()
        self.deleteLater()

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, CollectionRefused | NotAllowed):
            self._fail(str(exc))
        else:
            self._fail(error_message(exc))

    def _fail(self, message: str) -> None:
        self.refused.emit(message)
        self.deleteLater()


def report_action(parent: QWidget, ctx: AppContext, customer_id: int, name: str) -> OwnerAction:
    """Negativar: ``mark_reported`` in the owner's name (not started: call ``start()``)."""
    db, today, now = ctx.db, ctx.today(), ctx.now()

    def job(owner: Operator) -> None:
        with db.unit_of_work(write=True) as uow:
            collection.mark_reported(uow, customer_id, operator=owner, today=today, now=now)

    return OwnerAction(
        parent,
        ctx,
        f"Negativar {name} (registrar a inclusão no cadastro de inadimplentes).",
        job,
        denied="Negativação não registrada: o dono não autorizou.",
    )


def removal_action(parent: QWidget, ctx: AppContext, customer_id: int, name: str) -> OwnerAction:
    """Baixa solicitada: ``mark_removed`` in the owner's name (not started)."""
    db, today, now = ctx.db, ctx.today(), ctx.now()

    def job(owner: Operator) -> None:
        with db.unit_of_work(write=True) as uow:
            collection.mark_removed(uow, customer_id, operator=owner, today=today, now=now)

    return OwnerAction(
        parent,
        ctx,
        f"Registrar que a baixa da negativação de {name} foi pedida ao birô.",
        job,
        denied="Baixa não registrada: o dono não autorizou.",
    )


# --- the two lists -------------------------------------------------------------------------------


class _RowsModel(QAbstractTableModel, Generic[_Row]):
    """A read-only table of ``rows`` under the headers ``COLUMNS``; subclasses give ``data``."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []

    def set_rows(self, rows: Sequence[_Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == _DISPLAY and horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None


@dataclass(frozen=True)
class ReportDue:
    """A customer at the ``bureau_report`` step, as the queue describes them."""

    customer_id: int
    name: str
    days_late: int
    total: Decimal
    allowed: bool
    reason: str  # the queue's reason; says why not yet when refused


class ReportsDueModel(_RowsModel[ReportDue]):
    COLUMNS = ("Cliente", "Atraso", "Total", "Situação")

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == _DISPLAY:
            if column == 0:
                return row.name
            if column == 1:
                return f"{row.days_late} dias"
            if column == 2:
                return format_brl(row.total)
            if column == 3:
                return "✓ pode negativar" if row.allowed else "✗ ainda não"
            return None
        if role == _FOREGROUND and column == 3:
            return OK_COLOUR if row.allowed else WAIT_COLOUR
        if role == _TOOLTIP:
            return row.reason
        if role == _ALIGN and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.customer_id
        return None


def removal_status(task: RemovalTask) -> str:
    if task.late:
        return f"⚠ ATRASADA — o prazo era {_br(task.deadline)}"
    return f"pedir até {_br(task.deadline)}"


class RemovalsModel(_RowsModel[RemovalTask]):
    COLUMNS = ("Cliente", "Negativado em", "Quitado em", "Prazo da baixa", "Situação")

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        task, column = self.rows[index.row()], index.column()
        if role == _DISPLAY:
            return (
                (
                    task.name,
                    _br(task.reported_on),
                    _br(task.paid_on),
                    _br(task.deadline),
                    removal_status(task),
                )[column]
                if column < len(self.COLUMNS)
                else None
            )
        if role == _FOREGROUND and task.late:
            return LATE_COLOUR
        if role == _TOOLTIP:
            return (
                "Dívida negativada quitada: peça a baixa ao birô em até 5 dias úteis do "
                "pagamento (STJ Súmula 548)."
            )
        if role == ID_ROLE:
            return task.customer_id
        return None


@dataclass(frozen=True)
class _Loaded:
    reports: list[ReportDue]
    removals: list[RemovalTask]


def load_tasks(ctx: AppContext) -> Callable[[], _Loaded]:
    db, today = ctx.db, ctx.today()

    def job() -> _Loaded:
        from services.contact_queue import contact_queue

        with db.unit_of_work() as uow:
            items = contact_queue(uow.session, day=today)
            removals = collection.bureau_removals(uow.session, today)
        reports = [
            ReportDue(i.customer_id, i.name, i.days_late, i.total, i.permission.allowed, i.reason)
            for i in items
            if i.step.key == "bureau_report"
        ]
        return _Loaded(reports, removals)

    return job


def _table(name: str, model: QAbstractTableModel) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class BureauTasksWidget(QWidget):
    """The owner's bureau tasks of today: reports to make and removals to ask for."""

    customerRequested = Signal(int)
    customerReported = Signal(int)
    removalMarked = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bureauTasks")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.action: OwnerAction | None = None
        self._serial = 0

        reports_title = QLabel("Negativações a fazer")
        reports_title.setObjectName("sectionTitle")
        reports_hint = QLabel(
            "Clientes na etapa D+60. Só é possível negativar 10 dias depois da notificação por "
            "escrito (CDC art. 43 §2) e se a dívida mais antiga tiver menos de 5 anos. Depois de "
            "incluir o cliente no birô, registre aqui."
        )
        reports_hint.setObjectName("sectionHint")
        reports_hint.setWordWrap(True)
        self.reports_status = QLabel("Carregando…")
        self.reports_status.setObjectName("reportsStatus")
        self.reports_model = ReportsDueModel(self)
        self.reports_table = _table("bureauReportsTable", self.reports_model)
        self.report_button = QPushButton("Negativar…")
        self.report_button.setObjectName("reportButton")
        self.report_button.setEnabled(False)

        removals_title = QLabel("Baixas a pedir")
        removals_title.setObjectName("sectionTitle")
        removals_hint = QLabel(
            "Clientes negativados que quitaram a dívida: peça a baixa ao birô em até 5 dias "
            "úteis do pagamento (STJ Súmula 548) e registre aqui. Em vermelho, as atrasadas."
        )
        removals_hint.setObjectName("sectionHint")
        removals_hint.setWordWrap(True)
        self.removals_status = QLabel("Carregando…")
        self.removals_status.setObjectName("removalsStatus")
        self.removals_model = RemovalsModel(self)
        self.removals_table = _table("bureauRemovalsTable", self.removals_model)
        self.remove_button = QPushButton("Baixa solicitada")
        self.remove_button.setObjectName("removalButton")
        self.remove_button.setEnabled(False)
        self.open_button = QPushButton("Abrir cliente")
        self.open_button.setObjectName("openCustomerButton")
        self.open_button.setEnabled(False)

        self.error_label = QLabel()
        self.error_label.setObjectName("bureauError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.done_label = QLabel()
        self.done_label.setObjectName("bureauDone")
        self.done_label.setWordWrap(True)
        self.done_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(reports_title)
        layout.addWidget(reports_hint)
        layout.addWidget(self.reports_status)
        layout.addWidget(self.reports_table, 1)
        layout.addWidget(removals_title)
        layout.addWidget(removals_hint)
        layout.addWidget(self.removals_status)
        layout.addWidget(self.removals_table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.done_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)

        self.reports_table.selectionModel().selectionChanged.connect(self._on_report_selected)
        self.removals_table.selectionModel().selectionChanged.connect(self._on_removal_selected)
        self.reports_table.doubleClicked.connect(lambda _i: self._open_customer())
        self.removals_table.doubleClicked.connect(lambda _i: self._open_customer())
        self.report_button.clicked.connect(self._on_report_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.open_button.clicked.connect(self._open_customer)
        self._selected: tuple[int, str] | None = None
        self.refresh()

    def refresh(self) -> None:
        self._serial += 1
        serial, load = self._serial, load_tasks(self.ctx)
        # Bound methods, not lambdas: Qt drops the delivery if this widget is gone by then.
        run_in_background(lambda: (serial, load()), self._on_loaded, self._on_load_failed)

    def _on_loaded(self, result: tuple[int, _Loaded]) -> None:
        serial, loaded = result
        if serial != self._serial:
            return
        self.show_rows(loaded.reports, loaded.removals)
        self._selected = None
        for button in (self.report_button, self.remove_button, self.open_button):
            button.setEnabled(False)
        self.loaded.emit()

    def show_rows(self, reports: Sequence[ReportDue], removals: Sequence[RemovalTask]) -> None:
        self.reports_model.set_rows(reports)
        self.removals_model.set_rows(removals)
        ready = sum(1 for r in reports if r.allowed)
        self.reports_status.setText(
            "Nenhuma negativação a fazer hoje."
            if not reports
            else f"{len(reports)} cliente(s) na etapa; {ready} pode(m) ser negativado(s) hoje."
        )
        late = sum(1 for t in removals if t.late)
        self.removals_status.setText(
            "Nenhuma baixa pendente."
            if not removals
            else f"{len(removals)} baixa(s) a pedir" + (f", {late} atrasada(s)." if late else ".")
        )

    def _on_load_failed(self, exc: Exception) -> None:
        self._show_error(error_message(exc))

    # --- selection ---------------------------------------------------------------------------

    def select_report(self, customer_id: int) -> bool:
        return self._select(self.reports_table, customer_id)

    def select_removal(self, customer_id: int) -> bool:
        return self._select(self.removals_table, customer_id)

    def _select(self, table: QTableView, customer_id: int) -> bool:
        model = table.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data(ID_ROLE) == customer_id:
                table.selectRow(row)
                return True
        return False

    def _on_report_selected(self) -> None:
        rows = self.reports_table.selectionModel().selectedRows()
        if not rows:
            return
        self.removals_table.clearSelection()
        due = self.reports_model.rows[rows[0].row()]
        self._selected = (due.customer_id, due.name)
        self.report_button.setEnabled(self.action is None)
        self.report_button.setToolTip(due.reason)
        self.remove_button.setEnabled(False)
        self.open_button.setEnabled(True)

    def _on_removal_selected(self) -> None:
        rows = self.removals_table.selectionModel().selectedRows()
        if not rows:
            return
        self.reports_table.clearSelection()
        task = self.removals_model.rows[rows[0].row()]
        self._selected = (task.customer_id, task.name)
        self.remove_button.setEnabled(self.action is None)
        self.report_button.setEnabled(False)
        self.open_button.setEnabled(True)

    def _open_customer(self) -> None:
        if self._selected is not None:
            self.customerRequested.emit(self._selected[0])

    # --- actions -----------------------------------------------------------------------------

    def _on_report_clicked(self) -> None:
        if self._selected is not None:
            self.report(*self._selected)

    def _on_remove_clicked(self) -> None:
        if self._selected is not None:
            self.mark_removed(*self._selected)

    def report(self, customer_id: int, name: str) -> None:
        """Negativar ``customer_id`` (owner, or a cashier with the owner's password)."""
        if self.action is not None:
            return
        if not confirm(
            self,
            "Negativar cliente",
            f"Registrar que {name} foi incluído(a) no cadastro de inadimplentes hoje "
            f"({_br(self.ctx.today())})?\n\nFaça a inclusão no site do birô antes de registrar.",
        ):
            return
        action = report_action(self, self.ctx, customer_id, name)
        action.done.connect(lambda: self._on_done(f"{name}: negativação registrada.", customer_id))
        action.done.connect(lambda: self.customerReported.emit(customer_id))
        self._start(action)

    def mark_removed(self, customer_id: int, name: str) -> None:
        """Baixa solicitada for ``customer_id``."""
        if self.action is not None:
            return
        action = removal_action(self, self.ctx, customer_id, name)
        action.done.connect(
            lambda: self._on_done(f"{name}: pedido de baixa registrado.", customer_id)
        )
        action.done.connect(lambda: self.removalMarked.emit(customer_id))
        self._start(action)

    def _start(self, action: OwnerAction) -> None:
        self.error_label.hide()
        self.done_label.hide()
        self.action = action
        self.report_button.setEnabled(False)
        self.remove_button.setEnabled(False)
        action.refused.connect(self._on_refused)
        action.start()

    def _on_done(self, message: str, _customer_id: int) -> None:
        self.action = None
        self.done_label.setText(message)
        self.done_label.show()
        self.refresh()

    def _on_refused(self, message: str) -> None:
        self.action = None
        self._show_error(message)
        if self.reports_table.selectionModel().selectedRows():
            self._on_report_selected()
        elif self.removals_table.selectionModel().selectedRows():
            self._on_removal_selected()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
