"""The Caixa workspace: find the customer, open them, receive or sell — all from the keyboard.

Discreet by design (CDC art. 42): the results list shows who, never how much. Amounts appear
only once the cashier opens the customer in the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import cash as cash_service
from services import customers as customer_service
from services import settings as settings_service
from services.customers import SearchHit
from services.text import digits
from ui.context import AppContext
from ui.counter.cash import CloseCashDialog, OpenCashDialog, default_terminal
from ui.counter.receive import ReceivePaymentDialog
from ui.counter.sale import NewSaleDialog
from ui.customers.common import explain
from ui.customers.detail import CustomerDetailPanel, configure_table
from ui.customers.models import ID_ROLE, CustomerListModel
from ui.tasks import run_in_background
from ui.widgets import BandChipDelegate

SEARCH_DELAY_MS = 150
RESULTS_LIMIT = 50
SLIP_CODE_DIGITS = 12

PAGE_STYLE = """
QWidget#counterPage QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f2328; }
QWidget#counterPage QLineEdit#counterSearch { padding: 6px 8px; font-size: 12pt; }
QWidget#counterPage QLabel#resultsStatus { color: #5f6368; padding: 2px; }
QWidget#counterPage QLabel#cashStatus { color: #5f6368; font-weight: 600; padding: 2px; }
QWidget#counterPage QLabel#cashStatus[state="open"] { color: #1b5e20; }
QWidget#counterPage QPushButton { padding: 5px 14px; }
QWidget#counterPage QPushButton#receivePaymentButton { font-weight: 600; }
QWidget#counterPage QLabel#shortcutBar { color: #5f6368; padding: 2px 0; }
"""

# Every action of the counter and its key, shown at the bottom of the page (the cashier learns
# the keys by seeing them, not by hovering).
SHORTCUTS = (
    ("F2", "buscar"),
    ("Enter", "abrir cliente"),
    ("F5", "receber"),
    ("F6", "nova venda"),
    ("F9", "abrir/fechar caixa"),
    ("Ctrl+P", "2ª via"),
    ("Ctrl+Shift+P", "carnê"),
    ("Ctrl+R", "recibo"),
    ("Ctrl+Shift+E", "estornar"),
    ("Ctrl+K", "registrar contato"),
)


def with_key(text: str, key: str) -> str:
    """A button's caption with its shortcut, e.g. "Receber (F5)"."""
    return f"{text} ({key})"


@dataclass(frozen=True)
class _CashState:
    cash_session_id: int | None
    text: str


class CounterPage(QWidget):
    """Search → Enter → the customer's open installments → F5 to receive, F6 to sell."""

    searchFinished = Signal(int)  # how many customers are listed
    cashStateChanged = Signal()
    customerOpened = Signal(int)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, terminal: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.terminal = terminal or default_terminal()
        self.setObjectName("counterPage")
        self.setStyleSheet(PAGE_STYLE)
        self.cash_session_id: int | None = None
        self.dialog: QDialog | None = None  # the receive/sale/cash dialog on screen, if any
        self._closed_dialogs: list[QDialog] = []
        self._search_serial = 0
        self._searched_text: str | None = None
        self._open_after_search = False
        self._receive_after_open = False

        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_field.textChanged.connect(self._on_search_text_changed)
        self.search_field.returnPressed.connect(self._on_search_return)
        self.refresh_cash()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Caixa", self)
        title.setObjectName("pageTitle")
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("counterSearch")
        self.search_field.setPlaceholderText("Nome, CPF, telefone ou leia o código do carnê…  (F2)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setToolTip(
            "Buscar cliente (F2): partes do nome, CPF, telefone ou os 12 dígitos do carnê. "
            "Enter abre o cliente."
        )
        self.cash_status = QLabel("Verificando o caixa…", self)
        self.cash_status.setObjectName("cashStatus")

        self.receive_button = self._button(
            "Receber",
            "receivePaymentButton",
            "F5",
            "Receber as parcelas selecionadas, ou a mais antiga em aberto",
            self.receive,
        )
        self.sale_button = self._button(
            "Nova venda",
            "newSaleButton",
            "F6",
            "Vender no crediário para o cliente aberto",
            self.new_sale,
        )
        self.cash_button = self._button(
            "Abrir caixa",
            "cashButton",
            "F9",
            "Abrir ou fechar o caixa deste terminal",
            self.toggle_cash,
        )
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.receive_button)
        top.addWidget(self.sale_button)
        top.addWidget(self.cash_button)

        self.results_model = CustomerListModel(self)
        self.results_view = QTableView(self)
        configure_table(self.results_view, "counterResults")
        self.results_view.setModel(self.results_model)
        self.results_view.setToolTip("Enter ou duplo clique abre o cliente")
        self._band_delegate = BandChipDelegate(self.results_view)
        self.results_view.setItemDelegateForColumn(
            CustomerListModel.BAND_COLUMN, self._band_delegate
        )
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.results_view.fontMetrics()
        widths = {
            1: metrics.horizontalAdvance("***.000.000-**") + 24,
            3: metrics.horizontalAdvance("Mais de 90 dias") + 34,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        # Name, masked CPF and band only: the city adds nothing at the counter and the panel
        # beside it needs the width for its amounts.
        self.results_view.setColumnHidden(2, True)
        self.results_view.setMinimumWidth(sum(widths.values()) + 110)
        self.results_view.activated.connect(self._on_activated)
        self.results_status = QLabel("Digite para buscar um cliente.", self)
        self.results_status.setObjectName("resultsStatus")
        self.results_status.setWordWrap(True)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.results_view, 1)
        left_layout.addWidget(self.results_status)
        left_layout.addWidget(self.cash_status)

        self.detail = CustomerDetailPanel(self.ctx, self)
        self.detail.placeholder.setText(
            "Busque o cliente e tecle Enter para abrir parcelas e valores."
        )
        # At the counter several installments may be paid at once (Ctrl/Shift + clique).
        self.detail.installments_view.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
        )
        self.detail.detailLoaded.connect(self._on_detail_loaded)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("counterSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)  # extra width goes to the panel and its amounts
        self.splitter.setStretchFactor(1, 1)
        self._sized = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.shortcut_bar = QLabel(
            "   ".join(f"<b>{key}</b> {action}" for key, action in SHORTCUTS), self
        )
        self.shortcut_bar.setObjectName("shortcutBar")
        self.shortcut_bar.setWordWrap(True)
        layout.addWidget(self.shortcut_bar)
        self.setFocusProxy(self.search_field)
        self._update_buttons()

    def _button(self, text: str, name: str, key: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(with_key(text, key), self)
        button.setObjectName(name)
        button.setToolTip(f"{tip} ({key})")
        button.clicked.connect(slot)
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(button.click)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            # The panel needs the width for its amounts; the list only for a name and a chip.
            left = self.results_view.minimumWidth()
            self.splitter.setSizes([left, max(1, self.splitter.width() - left)])
        self.focus_search()
        self.refresh_cash()
        if self.detail.customer_id is not None:
            self.detail.load(self.detail.customer_id)  # payments may have come in elsewhere

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _update_buttons(self) -> None:
        opened = self.detail.customer_id is not None
        self.receive_button.setEnabled(opened and self.detail.installments_model.rowCount() > 0)
        self.sale_button.setEnabled(opened)

    # --- search ------------------------------------------------------------------------------

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_return(self) -> None:
        """Enter (also what a barcode scanner sends after the 12 digits) opens the customer."""
        self._search_timer.stop()
        if self._searched_text == self.search_field.text() and self.results_model.rowCount():
            self._open_first_or_focus_list()
            return
        self._open_after_search = True
        self._run_search()

    def _run_search(self) -> None:
        self._search_serial += 1
        serial = self._search_serial
        typed = self.search_field.text()
        if not typed.strip():
            # Nobody is listed until the cashier asks: the queue can see this screen.
            self._searched_text = typed
            self._open_after_search = False
            self.results_model.set_rows([])
            self.results_status.setText("Digite para buscar um cliente.")
            self.searchFinished.emit(0)
            return
        db, today = self.ctx.db, self.ctx.today()

        def job() -> tuple[int, str, list[SearchHit]]:
            with db.unit_of_work() as uow:
                shop = settings_service.load(uow.session)
                hits = customer_service.search_with_bands(
                    uow.session, typed, today, shop.policy.bands, RESULTS_LIMIT
                )
                return serial, typed, hits

        run_in_background(job, self._on_search_done, self._on_search_failed)

    def _on_search_done(self, result: tuple[int, str, list[SearchHit]]) -> None:
        serial, typed, hits = result
        if serial != self._search_serial:
            return  # an older search answered late
        keep = self.selected_result_id()
        self._searched_text = typed
        self.results_model.set_rows(hits)
        if not hits:
            self.results_status.setText(f"Nenhum cliente encontrado para “{typed.strip()}”.")
        elif len(hits) == 1:
            self.results_status.setText("1 cliente encontrado — Enter abre.")
        else:
            self.results_status.setText(f"{len(hits)} clientes encontrados — Enter abre.")
        row = self.results_model.row_of_id(keep) if keep is not None else None
        if row is None and hits:
            row = 0
        if row is not None:
            self.results_view.selectRow(row)
        slip_hit = next((h for h in hits if h.installment_id is not None), None)
        is_slip = len(digits(typed)) == SLIP_CODE_DIGITS and typed.strip().isdigit()
        open_now, self._open_after_search = self._open_after_search, False
        if slip_hit is not None and (open_now or is_slip):
            self.results_view.selectRow(self.results_model.row_of_id(slip_hit.customer_id) or 0)
            self.open_customer(slip_hit.customer_id, installment_id=slip_hit.installment_id)
        elif open_now:
            self._open_first_or_focus_list()
        self.searchFinished.emit(len(hits))

    def _on_search_failed(self, exc: Exception) -> None:
        self._open_after_search = False
        self.results_status.setText(f"Não foi possível buscar: {explain(exc)}")
        self.searchFinished.emit(-1)

    def _open_first_or_focus_list(self) -> None:
        if self.results_model.rowCount() == 1:
            self.open_customer(int(self.results_model.index(0, 0).data(ID_ROLE)))
        elif self.results_model.rowCount() > 1:
            self.results_view.setFocus()
            if not self.results_view.selectionModel().hasSelection():
                self.results_view.selectRow(0)

    def selected_result_id(self) -> int | None:
        rows = self.results_view.selectionModel().selectedRows()
        value = rows[0].data(ID_ROLE) if rows else None
        return int(value) if value is not None else None

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(int(index.data(ID_ROLE)))

    # --- the customer ------------------------------------------------------------------------

    def open_customer(self, customer_id: int, *, installment_id: int | None = None) -> None:
        """Show the customer with amounts; ``installment_id`` (a scanned slip) is selected."""
        self.detail.load(customer_id, highlight_installment=installment_id)

    def _on_detail_loaded(self, customer_id: int) -> None:
        self._update_buttons()
        self.customerOpened.emit(customer_id)

    def _reload_after_change(self) -> None:
        if self.detail.customer_id is not None:
            self.detail.load(self.detail.customer_id)
        self._run_search()  # the band chip in the list follows the payment at once

    def installments_to_receive(self) -> list[int]:
        """The selected installments, or the oldest open one when none is selected."""
        model = self.detail.installments_model
        rows = sorted(
            i.row() for i in self.detail.installments_view.selectionModel().selectedRows()
        )
        if rows:
            return [model.row_id(model.row_at(r)) for r in rows]
        items = model.rows()
        if not items:
            return []
        oldest = min(items, key=lambda i: (i.due_date, model.row_id(i)))
        return [model.row_id(oldest)]

    # --- actions -----------------------------------------------------------------------------

    def _dialog_busy(self) -> bool:
        return self.dialog is not None and self.dialog.isVisible()

    def receive(self) -> None:
        customer_id = self.detail.customer_id
        if customer_id is None or self._dialog_busy():
            return
        ids = self.installments_to_receive()
        if not ids:
            return
        if self.cash_session_id is None:
            # No shift open: offer to open it first, then carry on with the payment.
            self._receive_after_open = True
            self._open_cash()
            return
        dialog = ReceivePaymentDialog(
            self.ctx, customer_id, ids, self, cash_session_id=self.cash_session_id
        )
        dialog.paymentReceived.connect(self._on_payment_received)
        self._show_dialog(dialog)

    def _on_payment_received(self, _payment_id: int) -> None:
        self._reload_after_change()

    def new_sale(self) -> None:
        customer_id = self.detail.customer_id
        if customer_id is None or self._dialog_busy():
            return
        dialog = NewSaleDialog(self.ctx, customer_id, self)
        dialog.saleCreated.connect(self._on_sale_created)
        self._show_dialog(dialog)

    def _on_sale_created(self, _sale_id: int) -> None:
        self._reload_after_change()

    def toggle_cash(self) -> None:
        if self._dialog_busy():
            return
        if self.cash_session_id is None:
            self._receive_after_open = False
            self._open_cash()
        else:
            dialog = CloseCashDialog(self.ctx, self.cash_session_id, self)
            dialog.cashClosed.connect(self._on_cash_closed)
            self._show_dialog(dialog)

    def _open_cash(self) -> None:
        dialog = OpenCashDialog(self.ctx, self.terminal, self)
        dialog.cashOpened.connect(self._on_cash_opened)
        dialog.rejected.connect(self._on_open_cash_cancelled)
        self._show_dialog(dialog)

    def _on_cash_opened(self, cash_session_id: int) -> None:
        self.cash_session_id = cash_session_id
        self.refresh_cash()
        if self._receive_after_open:
            self._receive_after_open = False
            QTimer.singleShot(0, self.receive)

    def _on_open_cash_cancelled(self) -> None:
        self._receive_after_open = False

    def _on_cash_closed(self, _summary: object) -> None:
        self.cash_session_id = None
        self.refresh_cash()

    def _show_dialog(self, dialog: QDialog) -> None:
        # The previous dialog is released only now: its background jobs have long answered.
        for old in self._closed_dialogs:
            old.deleteLater()
        self._closed_dialogs = []
        self.dialog = dialog
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    def _on_dialog_finished(self, _result: int) -> None:
        if self.dialog is not None and not self.dialog.isVisible():
            self._closed_dialogs.append(self.dialog)
            self.dialog = None
        if self.isVisible() and not self._receive_after_open:
            self.focus_search()

    # --- cash shift --------------------------------------------------------------------------

    def refresh_cash(self) -> None:
        db, operator_id, terminal = self.ctx.db, self.ctx.operator.id, self.terminal

        def job() -> _CashState:
            with db.unit_of_work() as uow:
                session_id = cash_service.current_session(uow.session, operator_id, terminal)
                if session_id is None:
                    return _CashState(None, "Caixa fechado")
                summary = cash_service.session_summary(uow.session, session_id)
                return _CashState(
                    session_id,
                    f"Caixa aberto às {summary.opened_at:%H:%M} — {summary.terminal}",
                )

        run_in_background(job, self._on_cash_loaded, self._on_cash_failed)

    def _on_cash_loaded(self, state: _CashState) -> None:
        self.cash_session_id = state.cash_session_id
        self.cash_status.setText(state.text)
        self.cash_status.setProperty("state", "open" if state.cash_session_id else "closed")
        self.cash_status.style().unpolish(self.cash_status)
        self.cash_status.style().polish(self.cash_status)
        self.cash_button.setText(
            with_key("Fechar caixa" if state.cash_session_id else "Abrir caixa", "F9")
        )
        self.cashStateChanged.emit()

    def _on_cash_failed(self, exc: Exception) -> None:
        self.cash_status.setText(f"Não foi possível ler o caixa: {explain(exc)}")
