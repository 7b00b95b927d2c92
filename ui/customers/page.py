"""The Clientes workspace: search, list, detail, and the form to add or edit a customer."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
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

from services import customers as customer_service
from services import settings as settings_service
from services.customers import CustomerInput, SearchHit
from services.text import digits
from ui.context import AppContext
from ui.customers.common import explain
from ui.customers.detail import CustomerDetailPanel, configure_table
from ui.customers.editor import CustomerEditor, EditorContext
from ui.customers.models import ID_ROLE, CustomerListModel
from ui.tasks import run_in_background
from ui.widgets import BandChipDelegate

SEARCH_DELAY_MS = 150
# From this width the list and the detail sit side by side.
SIDE_BY_SIDE_WIDTH = 1500
PAGE_SIZE = 200

PAGE_STYLE = """
QWidget#customersPage QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f2328; }
QWidget#customersPage QLineEdit#customerSearch { padding: 5px 8px; font-size: 11pt; }
QWidget#customersPage QLabel#listStatus { color: #5f6368; padding: 2px; }
QWidget#customersPage QPushButton#newCustomerButton { font-weight: 600; padding: 5px 14px; }
QWidget#customersPage QPushButton#editCustomerButton { padding: 5px 14px; }
"""


class CustomersPage(QWidget):
    """Search by name, CPF, phone or slip code; the list is ordered by name and sorted in SQL."""

    searchFinished = Signal(int)  # how many customers are listed
    customerSaved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customersPage")
        self.setStyleSheet(PAGE_STYLE)
        self._search_serial = 0
        self._searched_text: str | None = None
        self._select_after_search: int | None = None
        self._highlight_installment: int | None = None
        self.editor: CustomerEditor | None = None
        self._arranged = False
        self._default_limit: Decimal | None = None

        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_field.textChanged.connect(self._on_search_text_changed)
        self.search_field.returnPressed.connect(self._on_search_return)
        self._run_search()  # the first page, alphabetical: never an empty screen

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Clientes", self)
        title.setObjectName("pageTitle")
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("customerSearch")
        self.search_field.setPlaceholderText("Buscar por nome, CPF, telefone ou código do carnê…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setToolTip(
            "Partes do nome em qualquer ordem (ex.: “silva jo”), CPF com ou sem pontos, "
            "telefone (8 dígitos ou mais) ou os 12 dígitos do carnê."
        )
        self.new_button = QPushButton("Novo cliente", self)
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.setToolTip("Cadastrar um cliente (Ctrl+N)")
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button = QPushButton("Editar", self)
        self.edit_button.setObjectName("editCustomerButton")
        self.edit_button.setToolTip("Editar o cadastro do cliente selecionado (Enter)")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_selected)
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.new_customer)
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_search)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)

        self.list_model = CustomerListModel(self)
        self.list_view = QTableView(self)
        configure_table(self.list_view, "customerList")
        self.list_view.setModel(self.list_model)
        self._band_delegate = BandChipDelegate(self.list_view)
        self.list_view.setItemDelegateForColumn(CustomerListModel.BAND_COLUMN, self._band_delegate)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.list_view.fontMetrics()
        widths = {
            1: metrics.horizontalAdvance("***.000.000-**") + 24,
            2: metrics.horizontalAdvance("Ribeirão Preto") + 16,
            3: metrics.horizontalAdvance("Mais de 90 dias") + 34,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.list_view.setMinimumWidth(sum(widths.values()) + 160)
        self.list_view.setMinimumHeight(self.list_view.verticalHeader().defaultSectionSize() * 5)
        self.list_view.activated.connect(self._on_activated)
        self.list_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.list_status = QLabel(self)
        self.list_status.setObjectName("listStatus")

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.list_view, 1)
        left_layout.addWidget(self.list_status)

        self.detail = CustomerDetailPanel(self.ctx, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("customersSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.search_field)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._searched_text is not None:
            # Back from another workspace: payments may have come in meanwhile.
            self.refresh(select_customer=self.selected_customer_id())
            if self.detail.customer_id is not None:
                self.detail.load(self.detail.customer_id)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Side by side on a wide screen; list above the detail when the installment table
        (ten columns) would not fit beside the list."""
        wide = self.width() >= SIDE_BY_SIDE_WIDTH
        wanted = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() == wanted and self._arranged:
            return
        self._arranged = True
        self.splitter.setOrientation(wanted)
        if wide:
            list_width = max(self.list_view.minimumWidth() + 40, self.width() * 2 // 5)
            self.splitter.setSizes([list_width, self.width() - list_width])
        else:
            rows = self.list_view.verticalHeader().defaultSectionSize()
            list_height = rows * 8 + self.list_view.horizontalHeader().height() + 30
            self.splitter.setSizes([list_height, max(1, self.height() - list_height)])

    # --- search ------------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()  # debounce: search when the typing pauses

    def _on_search_return(self) -> None:
        if self._search_timer.isActive() or self._searched_text != self.search_field.text():
            self._search_timer.stop()
            self._run_search()
            return
        if self.list_model.rowCount() > 0:
            self.list_view.setFocus()
            if not self.list_view.selectionModel().hasSelection():
                self.list_view.selectRow(0)

    def refresh(self, select_customer: int | None = None) -> None:
        """Search again with what is typed (after a save, or when the page is shown)."""
        self._select_after_search = select_customer
        self._run_search()

    def _run_search(self) -> None:
        self._search_serial += 1
        serial = self._search_serial
        typed = self.search_field.text()
        db, today = self.ctx.db, self.ctx.today()

        def job() -> tuple[int, str, list[SearchHit], Decimal]:
            with db.unit_of_work() as uow:
                shop = settings_service.load(uow.session)
                hits = customer_service.search_with_bands(
                    uow.session, typed, today, shop.policy.bands, PAGE_SIZE
                )
                return serial, typed, hits, shop.credit.default_limit

        run_in_background(job, self._on_search_done, self._on_search_failed)

    def _on_search_done(self, result: tuple[int, str, list[SearchHit], Decimal]) -> None:
        serial, typed, hits, default_limit = result
        if serial != self._search_serial:
            return  # an older search answered late: the cashier typed more since
        self._default_limit = default_limit
        self._searched_text = typed
        keep = self._select_after_search or self.selected_customer_id()
        self._select_after_search = None
        self.list_model.set_rows(hits)
        self._show_status(typed, hits)

        slip_hit = next((h for h in hits if h.installment_id is not None), None)
        self._highlight_installment = slip_hit.installment_id if slip_hit else None
        target = slip_hit.customer_id if slip_hit else keep
        row = self.list_model.row_of_id(target) if target is not None else None
        if row is None and len(hits) == 1:
            row = 0
        if row is not None:
            self.list_view.selectRow(row)
            self.list_view.scrollTo(self.list_model.index(row, 0))
        else:
            self.edit_button.setEnabled(False)
            self.detail.clear()
        self.searchFinished.emit(len(hits))

    def _on_search_failed(self, exc: Exception) -> None:
        self.list_status.setText(f"Não foi possível buscar: {explain(exc)}")
        self.searchFinished.emit(-1)

    def _show_status(self, typed: str, hits: list[SearchHit]) -> None:
        if not hits:
            shown = typed.strip()
            self.list_status.setText(
                f"Nenhum cliente encontrado para “{shown}”. Use “Novo cliente” para cadastrar."
                if shown
                else "Nenhum cliente cadastrado ainda. Use “Novo cliente” para começar."
            )
        elif len(hits) >= PAGE_SIZE:
            self.list_status.setText(
                f"Mostrando os {PAGE_SIZE} primeiros em ordem alfabética — digite para refinar."
            )
        elif len(hits) == 1:
            self.list_status.setText("1 cliente encontrado.")
        else:
            self.list_status.setText(f"{len(hits)} clientes encontrados.")

    # --- selection and detail ----------------------------------------------------------------

    def selected_customer_id(self) -> int | None:
        rows = self.list_view.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(ID_ROLE)
        return int(value) if value is not None else None

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        customer_id = self.selected_customer_id()
        self.edit_button.setEnabled(customer_id is not None)
        if customer_id is None:
            self.detail.clear()
            return
        if customer_id == self.detail.customer_id and self._highlight_installment is None:
            return
        highlight, self._highlight_installment = self._highlight_installment, None
        self.detail.load(customer_id, highlight_installment=highlight)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    # --- editing -----------------------------------------------------------------------------

    def _editor_context(self) -> EditorContext:
        return EditorContext(
            db=self.ctx.db,
            user_id=self.ctx.operator.id,
            clock=self.ctx.now,
            default_limit=self._default_limit,
        )

    def new_customer(self) -> None:
        if self.editor is not None:
            self.editor.raise_()
            return
        typed = self.search_field.text().strip()
        data = CustomerInput()
        if typed and not self.list_model.rowCount():
            # Start the form with what the cashier searched for.
            if len(digits(typed)) == 11 and not any(ch.isalpha() for ch in typed):
                data.cpf = typed
            elif not any(ch.isdigit() for ch in typed):
                data.name = " ".join(w.capitalize() if w.islower() else w for w in typed.split())
        self._open_editor(None, data)

    def edit_selected(self) -> None:
        customer_id = self.selected_customer_id()
        if customer_id is None or self.editor is not None:
            return
        db = self.ctx.db

        def job() -> tuple[int, CustomerInput]:
            with db.unit_of_work() as uow:
                return customer_id, customer_service.customer_input(uow.session, customer_id)

        self.edit_button.setEnabled(False)
        run_in_background(job, self._on_edit_loaded, self._on_edit_failed)

    def _on_edit_loaded(self, result: tuple[int, CustomerInput]) -> None:
        self.edit_button.setEnabled(True)
        customer_id, data = result
        self._open_editor(customer_id, data)

    def _on_edit_failed(self, exc: Exception) -> None:
        self.edit_button.setEnabled(self.selected_customer_id() is not None)
        self.list_status.setText(f"Não foi possível abrir o cadastro: {explain(exc)}")

    def _open_editor(self, customer_id: int | None, data: CustomerInput) -> None:
        editor = CustomerEditor(
            self._editor_context(), customer_id=customer_id, data=data, parent=self
        )
        editor.customerSaved.connect(self._on_customer_saved)
        editor.finished.connect(self._on_editor_closed)
        self.editor = editor
        editor.open()

    def _on_editor_closed(self, _result: int) -> None:
        if self.editor is not None:
            self.editor.deleteLater()
        self.editor = None
        self.list_view.setFocus()

    def _on_customer_saved(self, customer_id: int) -> None:
        if self.detail.customer_id == customer_id:
            self.detail.load(customer_id)
        listed = self.list_model.row_of_id(customer_id) is not None
        if not listed and self.editor is not None:
            # Show the new customer even if the current search would not find them.
            self._search_timer.stop()
            self.search_field.blockSignals(True)
            self.search_field.setText(self.editor.name.text().strip())
            self.search_field.blockSignals(False)
        self.refresh(select_customer=customer_id)
        self.customerSaved.emit(customer_id)
