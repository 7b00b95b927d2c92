"""The main window: assembles the workspaces; holds no business logic of its own."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from services import settings as settings_service
from services.text import format_document
from services.users import ROLE_LABELS
from ui.context import AppContext
from ui.tasks import run_in_background


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.resize(1280, 800)
        self.setWindowTitle("Crediário")

        self.workspaces = QTabWidget(self)
        self.workspaces.setObjectName("workspaces")
        self.workspaces.setDocumentMode(True)
        self.setCentralWidget(self.workspaces)

        from ui.agreements.workspace import AgreementsWorkspace
        from ui.counter.page import CounterPage
        from ui.customers.page import CustomersPage
        from ui.overdue.bureau import BureauTasksWidget
        from ui.overdue.page import OverduePage
        from ui.overdue.queue import ContactQueueWidget
        from ui.settings.page import SettingsPage

        self.counter_page = CounterPage(ctx, self)
        self.customers_page = CustomersPage(ctx, self)
        self.overdue_page = OverduePage(ctx, self)
        self.contact_queue = ContactQueueWidget(ctx, self.overdue_page)
        self.bureau_tasks = BureauTasksWidget(ctx, self.overdue_page)
        self.overdue_page.add_tab(self.contact_queue, "Contatos de amanhã")
        self.overdue_page.add_tab(self.bureau_tasks, "Negativação")
        self.agreements = AgreementsWorkspace(ctx, self)
        self.settings_page = SettingsPage(ctx, self)
        self.workspaces.addTab(self.counter_page, "Caixa")
        self.workspaces.addTab(self.customers_page, "Clientes")
        self.workspaces.addTab(self.overdue_page, "Cobrança")
        self.workspaces.addTab(self.agreements, "Acordos")
        self.workspaces.addTab(self.settings_page, "Configurações")
        for source in (self.overdue_page, self.contact_queue, self.bureau_tasks, self.agreements):
            source.customerRequested.connect(self.open_customer)
        self.agreements.agreementConfirmed.connect(self._on_collection_changed)
        # What is recorded in one list shows in the others.
        self.contact_queue.contactRecorded.connect(self._on_collection_changed)
        self.bureau_tasks.customerReported.connect(self._on_collection_changed)
        self.bureau_tasks.removalMarked.connect(self._on_collection_changed)

        self._build_menu()
        self._build_status_bar()
        self._load_identity()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Arquivo")
        quit_action = QAction("&Sair", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&Ir para")
        for index in range(self.workspaces.count()):
            action = QAction(self.workspaces.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self.workspaces.setCurrentIndex(i))
            view_menu.addAction(action)
            self.workspaces.setTabToolTip(
                index, f"{self.workspaces.tabText(index)} (Ctrl+{index + 1})"
            )

        # F2 from anywhere: the counter's search, ready for a name or a scanned carnê.
        find = QShortcut(QKeySequence("F2"), self)
        find.activated.connect(self.focus_counter_search)

        help_menu = self.menuBar().addMenu("Aj&uda")
        about = QAction("&Sobre o Crediário", self)
        about.triggered.connect(self._on_about)
        help_menu.addAction(about)

    def open_customer(self, customer_id: int) -> None:
        """Open a customer from the collection lists in the Caixa panel (amounts, history)."""
        self.workspaces.setCurrentWidget(self.counter_page)
        self.counter_page.open_customer(customer_id)

    def _on_collection_changed(self, _changed_id: int) -> None:
        self.overdue_page.refresh()
        self.bureau_tasks.refresh()

    def focus_counter_search(self) -> None:
        self.workspaces.setCurrentWidget(self.counter_page)
        self.counter_page.focus_search()

    def _build_status_bar(self) -> None:
        op = self.ctx.operator
        user = QLabel(f"{op.full_name} ({ROLE_LABELS[op.role]})")
        user.setObjectName("statusUser")
        url = self.ctx.db.engine.url
        where = (
            f"Banco local: {url.database}"
            if self.ctx.db.is_sqlite
            else f"Servidor: {url.host}/{url.database}"
        )
        database = QLabel(where)
        database.setObjectName("statusDatabase")
        self.statusBar().addWidget(user)
        self.statusBar().addPermanentWidget(database)
        if self.ctx.demo:
            demo = QLabel("DEMONSTRAÇÃO — dados fictícios")
            demo.setStyleSheet("color: #8a4b00; font-weight: 600;")
            self.statusBar().addPermanentWidget(demo)

    def _load_identity(self) -> None:
        db = self.ctx.db

        def load() -> settings_service.ShopIdentity:
            with db.unit_of_work() as uow:
                return settings_service.load(uow.session).identity

        run_in_background(load, self._on_identity_loaded)

    def _on_identity_loaded(self, identity: settings_service.ShopIdentity) -> None:
        self.shop_identity = identity
        title = f"Crediário — {identity.name}" if identity.name else "Crediário"
        if self.ctx.demo:
            title += " (demonstração)"
        self.setWindowTitle(title)

    def _on_about(self) -> None:
        identity = getattr(self, "shop_identity", None)
        shop = f"<p>{identity.name}<br>{format_document(identity.document)}</p>" if identity else ""
        QMessageBox.about(
            self,
            "Sobre o Crediário",
            "<h3>Crediário</h3><p>Balcão, carnês e cobrança do crediário próprio da loja.</p>"
            + shop,
        )
