"""The Cobrança workspace: who is late on the chosen day, by band, and the day's closing.

The late customers are loaded once per day chosen (one background job, one Session); the
filters and the sort then work on that list in memory, instantly, and the band summary is made
from exactly the rows the table shows (:func:`services.overdue.band_summary`), so the two always
agree. The chart is the whole portfolio, filters aside, beside the same day a month before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services import overdue as overdue_service
from services import settings as settings_service
from services.bands import Band
from services.contact_queue import next_steps
from services.money import format_brl
from services.overdue import OverdueFilters, OverdueRow
from services.plans import add_months
from services.text import normalize_name
from services.validation import FieldError
from ui.context import AppContext
from ui.customers.common import explain
from ui.customers.detail import configure_table
from ui.customers.models import ID_ROLE
from ui.overdue.exporting import ExportKind, choose_export_path, write_rows
from ui.overdue.summary import BandChart, BandSummaryModel
from ui.overdue.table import OverdueTableModel
from ui.tasks import run_in_background
from ui.widgets import BandChipDelegate, MoneyEdit

__all__ = ["OverduePage"]

PAGE_STYLE = """
QWidget#overduePage QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f2328; }
QWidget#overduePage QLabel#overdueStatus { color: #3c4043; font-weight: 600; padding: 2px; }
QWidget#overduePage QLabel#overdueStatus[state="error"] { color: #a1261b; }
QWidget#overduePage QLabel#exportStatus { color: #5f6368; padding: 2px; }
QWidget#overduePage QPushButton { padding: 5px 12px; }
QWidget#overduePage QPushButton#closeDayButton { font-weight: 600; }
QWidget#overduePage QToolButton { padding: 3px 6px; }
QWidget#overduePage MoneyEdit[invalid="true"] { border: 1px solid #a1261b; }
"""

PROFILES = ("A", "B", "C", "D")
PROFILE_HINTS = {
    "A": "bom pagador",
    "B": "regular ou cliente novo",
    "C": "atrasa com frequência ou renegociou",
    "D": "inadimplente",
}
PROMISE_CHOICES = (
    ("Promessa: todas", "any"),
    ("Promessa pendente", "pending"),
    ("Promessa não cumprida", "broken"),
    ("Sem promessa", "none"),
)
YES_NO_ANY: tuple[tuple[bool | None, str], ...] = ((None, "todos"), (True, "sim"), (False, "não"))
ALL_CITIES = "Cidade: todas"
ALL_DISTRICTS = "Bairro: todos"


@dataclass(frozen=True)
class _Loaded:
    serial: int
    day: date
    previous_day: date
    bands: tuple[Band, ...]
    rows: list[OverdueRow]
    current: dict[str, Decimal]
    previous: dict[str, Decimal]
    next_steps: dict[int, str]


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class OverduePage(QWidget):
    """Who is late on the chosen day: bands, chart, filters, the list, exports, closing."""

    customerRequested = Signal(int)
    rowsLoaded = Signal(int)  # late customers loaded for the day (−1: the load failed)
    filtersApplied = Signal(int)  # rows shown after the filters
    listExported = Signal(str)  # the path written
    exportFailed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("overduePage")
        self.setStyleSheet(PAGE_STYLE)
        self._serial = 0
        self._all_rows: list[OverdueRow] = []
        self._bands: tuple[Band, ...] = ()
        self._loaded_day: date | None = None
        self._shown_once = False
        self._filling = False  # filter widgets being refilled: no re-filtering meanwhile
        self.day_close_dialog: QWidget | None = None
        self._build()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Cobrança", self)
        title.setObjectName("pageTitle")
        day_label = QLabel("Posição em", self)
        self.day_edit = QDateEdit(self)
        self.day_edit.setObjectName("overdueDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        today = self.ctx.today()
        self.day_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        self.day_edit.setToolTip("O dia da posição: atrasos, multa e juros calculados até ele")
        day_label.setBuddy(self.day_edit)
        self.day_edit.dateChanged.connect(self._on_day_changed)

        self.refresh_button = QPushButton("Atualizar (F5)", self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setToolTip("Carregar de novo a lista do dia escolhido (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        shortcut = QShortcut(QKeySequence("F5"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.refresh_button.click)

        self.close_day_button = QPushButton("Fechar o dia…", self)
        self.close_day_button.setObjectName("closeDayButton")
        self.close_day_button.setToolTip(
            "Recebimentos, vendas, acordos e vencimentos do dia escolhido; relatório em PDF"
        )
        self.close_day_button.clicked.connect(self.close_day)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(day_label)
        top.addWidget(self.day_edit)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.close_day_button)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("overdueTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_overdue_tab(), "Em atraso")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.table)

    def _build_overdue_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("overdueTab")

        # Summary and chart, side by side (the chart about 40 % of the width).
        self.summary_model = BandSummaryModel(self)
        self.summary_view = QTableView(tab)
        configure_table(self.summary_view, "bandSummary")
        self.summary_view.setModel(self.summary_model)
        self.summary_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.summary_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.summary_view.setAlternatingRowColors(False)
        self.summary_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._summary_delegate = BandChipDelegate(self.summary_view)
        self.summary_view.setItemDelegateForColumn(
            BandSummaryModel.BAND_COLUMN, self._summary_delegate
        )
        header = self.summary_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(
            0, self.summary_view.fontMetrics().horizontalAdvance("Mais de 90 dias") + 40
        )

        self.chart = BandChart(tab)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal, tab)
        self.top_splitter.setObjectName("overdueTopSplitter")
        self.top_splitter.setChildrenCollapsible(False)
        self.top_splitter.addWidget(self.summary_view)
        self.top_splitter.addWidget(self.chart)
        self.top_splitter.setStretchFactor(0, 3)
        self.top_splitter.setStretchFactor(1, 2)

        filters = self._build_filters(tab)

        self.table_model = OverdueTableModel(self)
        self.table = QTableView(tab)
        configure_table(self.table, "overdueTable")
        self.table.setModel(self.table_model)
        self.table.setToolTip("")
        self._band_delegate = BandChipDelegate(self.table)
        self.table.setItemDelegateForColumn(OverdueTableModel.BAND_COLUMN, self._band_delegate)
        self.table.horizontalHeader().setSortIndicator(
            self.table_model.sort_column, self.table_model.sort_order
        )
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._on_activated)
        self._size_columns()

        self.status = QLabel("", tab)
        self.status.setObjectName("overdueStatus")
        self.export_status = QLabel("", tab)
        self.export_status.setObjectName("exportStatus")
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.csv_button = QPushButton("Exportar CSV…", tab)
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_button.setToolTip("Salvar a lista filtrada como planilha CSV (Excel)")
        self.csv_button.clicked.connect(lambda: self._ask_and_export("csv"))
        self.xlsx_button = QPushButton("Exportar XLSX…", tab)
        self.xlsx_button.setObjectName("exportXlsxButton")
        self.xlsx_button.setToolTip("Salvar a lista filtrada como planilha do Excel")
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        bottom.addWidget(self.status)
        # Beside the count it qualifies; the filter row has no width to spare at 1280 px.
        self.clear_filters_button = QToolButton(tab)
        self.clear_filters_button.setText("Limpar filtros")
        self.clear_filters_button.setObjectName("clearFiltersButton")
        self.clear_filters_button.setToolTip("Mostrar de novo todos os clientes em atraso")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.clear_filters_button.setVisible(False)
        bottom.addWidget(self.clear_filters_button)
        bottom.addWidget(self.export_status, 1)
        bottom.addWidget(self.csv_button)
        bottom.addWidget(self.xlsx_button)

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.top_splitter)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._set_busy(True)
        return tab

    def _build_filters(self, tab: QWidget) -> QHBoxLayout:
        self.band_button = QToolButton(tab)
        self.band_button.setObjectName("bandFilter")
        self.band_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.band_button.setToolTip("Mostrar só as faixas marcadas")
        self.band_menu = QMenu(self.band_button)
        self.band_button.setMenu(self.band_menu)
        self.band_actions: dict[str, QAction] = {}

        self.profile_button = QToolButton(tab)
        self.profile_button.setObjectName("profileFilter")
        self.profile_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.profile_button.setToolTip("Mostrar só os perfis marcados")
        profile_menu = QMenu(self.profile_button)
        self.profile_actions: dict[str, QAction] = {}
        for letter in PROFILES:
            action = profile_menu.addAction(f"{letter} — {PROFILE_HINTS[letter]}")
            action.setCheckable(True)
            action.toggled.connect(self._on_filter_changed)
            self.profile_actions[letter] = action
        self.profile_button.setMenu(profile_menu)

        self.city_combo = QComboBox(tab)
        self.city_combo.setObjectName("cityFilter")
        self.city_combo.setToolTip("Cidade")
        self.city_combo.addItem(ALL_CITIES, None)
        self.city_combo.currentIndexChanged.connect(self._on_city_changed)
        self.district_combo = QComboBox(tab)
        self.district_combo.setObjectName("districtFilter")
        self.district_combo.setToolTip("Bairro")
        self.district_combo.addItem(ALL_DISTRICTS, None)
        self.district_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.min_total = MoneyEdit(tab, field="min_total")
        self.min_total.setObjectName("minTotalFilter")
        self.min_total.setToolTip("Total hoje a partir de (R$)")
        self.max_total = MoneyEdit(tab, field="max_total")
        self.max_total.setObjectName("maxTotalFilter")
        self.max_total.setToolTip("Total hoje até (R$)")
        self.min_total.ensurePolished()
        width = self.min_total.fontMetrics().horizontalAdvance("Total máx.") + 20
        for edit in (self.min_total, self.max_total):
            edit.setFixedWidth(width)
            edit.textChanged.connect(self._on_filter_changed)
        self.min_total.setPlaceholderText("Total mín.")
        self.max_total.setPlaceholderText("Total máx.")

        self.promise_combo = QComboBox(tab)
        self.promise_combo.setObjectName("promiseFilter")
        for text, value in PROMISE_CHOICES:
            self.promise_combo.addItem(text, value)
        self.promise_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.reported_combo = QComboBox(tab)
        self.reported_combo.setObjectName("reportedFilter")
        self.reported_combo.setToolTip("Negativado em birô de crédito")
        self.paused_combo = QComboBox(tab)
        self.paused_combo.setObjectName("pausedFilter")
        self.paused_combo.setToolTip("Cobrança pausada (contestação ou defeito no produto)")
        for combo, name in ((self.reported_combo, "Negativado"), (self.paused_combo, "Pausado")):
            for choice, text in YES_NO_ANY:
                combo.addItem(f"{name}: {text}", choice)
            combo.currentIndexChanged.connect(self._on_filter_changed)

        # Narrow combos (the list that drops down still shows each choice in full): the whole
        # filter row must fit the main window's 1280 pixels.
        for combo in (
            self.city_combo,
            self.district_combo,
            self.promise_combo,
            self.reported_combo,
            self.paused_combo,
        ):
            combo.ensurePolished()  # measure with the stylesheet's font
            metrics = combo.fontMetrics()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(4)
            # Wide enough for "todas/todos" (the arrow and padding take about 58 px)…
            combo.setMinimumWidth(metrics.horizontalAdvance(combo.itemText(0)) + 60)
            # …and the list that drops down for the longest choice.
            combo.view().setMinimumWidth(
                max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())) + 24
            )

        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.band_button)
        row.addWidget(self.profile_button)
        row.addWidget(self.city_combo, 1)
        row.addWidget(self.district_combo, 1)
        row.addWidget(self.min_total)
        row.addWidget(self.max_total)
        row.addWidget(self.promise_combo)
        row.addWidget(self.reported_combo)
        row.addWidget(self.paused_combo)
        self._update_filter_captions()
        return row

    def _size_columns(self) -> None:
        """Widths that fit the main window's 1280 pixels; the name takes what is left.

        Último contato and Promessa are cut with "…" when narrow: their tooltips say it all.
        """
        header = self.table.horizontalHeader()
        self.table.ensurePolished()
        metrics = self.table.fontMetrics()

        def fit(text: str, extra: int = 22) -> int:
            return metrics.horizontalAdvance(text) + extra

        widths = {
            1: fit("***.000.000-**", 10),
            2: fit("Mais de 90 dias", 26),
            3: fit("000 dias", 30),  # room for the sort arrow
            4: fit("Parcelas", 20),
            5: fit("R$ 00.000,00", 12),
            6: fit("Perfil", 18),
            7: fit("00/00/0000 · WhatsApp", 4),
            8: fit("Não cumprida · 00/00/0", 4),
            9: fit("D+15 · Carta de cobr", 4),
            10: fit("Ribeirão P", 8),
        }
        # The city has its own filter; its column gives way to the next step at 1280 pixels.
        self.table.setColumnHidden(10, True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(40)

    def add_tab(self, widget: QWidget, title: str) -> None:
        """Add a tab beside "Em atraso" (the lead adds the contact queue here)."""
        self.tabs.addTab(widget, title)

    # --- loading -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self._fit_summary_height()
            # The chart about 40 % of the width, the summary the rest.
            width = max(self.top_splitter.width(), self.width() - 28)
            self.top_splitter.setSizes([width * 3 // 5, width - width * 3 // 5])
        self.refresh()  # the first time, or back from the counter: payments may have come in

    def day(self) -> date:
        qdate = self.day_edit.date()
        return date(qdate.year(), qdate.month(), qdate.day())

    def set_day(self, day: date) -> None:
        """Choose the day of the position; the list reloads."""
        self.day_edit.setDate(QDate(day.year, day.month, day.day))

    def loaded_day(self) -> date | None:
        return self._loaded_day

    def _on_day_changed(self, _date: QDate) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Load the late customers of the chosen day, and the chart's figures, off the UI."""
        self._serial += 1
        serial = self._serial
        db, day = self.ctx.db, self.day()
        previous_day = add_months(day, -1)

        def job() -> _Loaded:
            with db.unit_of_work() as uow:
                session = uow.session
                shop = settings_service.load(session)
                policy = shop.policy
                bands = tuple(overdue_service.overdue_bands(policy.bands))
                rows = overdue_service.overdue_rows(session, day, policy=policy)
                current = overdue_service.band_amounts_as_of(session, day, policy.bands)
                previous = overdue_service.band_amounts_as_of(session, previous_day, policy.bands)
                steps = next_steps(session, day=day, rows=rows, settings=shop)
                return _Loaded(serial, day, previous_day, bands, rows, current, previous, steps)

        self._set_busy(True)
        self.status.setProperty("state", "")
        self.status.setText("Carregando…")
        run_in_background(job, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, loaded: _Loaded) -> None:
        if loaded.serial != self._serial:
            return  # an older day answered late
        self._loaded_day = loaded.day
        self._all_rows = loaded.rows
        self._bands = loaded.bands
        self._fill_filter_choices()
        self._fit_summary_height()
        self.chart.set_amounts(
            loaded.bands, loaded.current, loaded.previous, loaded.day, loaded.previous_day
        )
        self.table_model.set_next_steps(loaded.next_steps)
        self._set_busy(False)
        self.apply_filters()
        if self.isVisible() and self.focusWidget() in (None, self.day_edit, self.refresh_button):
            self.table.setFocus()
        self.rowsLoaded.emit(len(loaded.rows))

    def _on_load_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.status.setProperty("state", "error")
        self.status.setText(f"Não foi possível carregar a lista: {explain(exc)}")
        self._restyle(self.status)
        self.rowsLoaded.emit(-1)

    def _set_busy(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy)
        for button in (self.csv_button, self.xlsx_button):
            button.setEnabled(not busy and self.table_model.rowCount() > 0)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # --- filters -----------------------------------------------------------------------------

    def _fill_filter_choices(self) -> None:
        """Bands from the settings; cities and districts from the rows (kept if still there)."""
        self._filling = True
        try:
            checked = {key for key, action in self.band_actions.items() if action.isChecked()}
            self.band_menu.clear()
            self.band_actions = {}
            for band in self._bands:
                action = self.band_menu.addAction(_swatch(band.colour), band.label)
                action.setCheckable(True)
                action.setChecked(band.key in checked)
                action.toggled.connect(self._on_filter_changed)
                self.band_actions[band.key] = action
            city = self.city_combo.currentData()
            self._refill(self.city_combo, ALL_CITIES, (r.city for r in self._all_rows), city)
            self._fill_districts()
        finally:
            self._filling = False

    def _fill_districts(self) -> None:
        city = self.city_combo.currentData()
        rows = self._all_rows
        if city:
            rows = [r for r in rows if normalize_name(r.city) == normalize_name(city)]
        district = self.district_combo.currentData()
        self._refill(self.district_combo, ALL_DISTRICTS, (r.district for r in rows), district)

    @staticmethod
    def _refill(combo: QComboBox, everything: str, names: object, keep: str | None) -> None:
        unique: dict[str, str] = {}
        for name in names:  # type: ignore[attr-defined]
            if name:
                unique.setdefault(normalize_name(name), name)
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for key in sorted(unique):
            combo.addItem(unique[key], unique[key])
        index = combo.findData(keep) if keep else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _on_city_changed(self, _index: int) -> None:
        if self._filling:
            return
        self._filling = True
        try:
            self._fill_districts()
        finally:
            self._filling = False
        self.apply_filters()

    def _on_filter_changed(self, *_args: object) -> None:
        if not self._filling:
            self.apply_filters()

    def _money_bound(self, edit: MoneyEdit) -> Decimal | None:
        text = edit.text().strip()
        invalid = False
        value: Decimal | None = None
        if text:
            try:
                value = edit.value()
            except FieldError as exc:
                invalid = True
                edit.setToolTip(f"Valor inválido: {exc}")
        if edit.property("invalid") != invalid:
            edit.setProperty("invalid", invalid)
            self._restyle(edit)
        if not invalid:
            edit.setToolTip(
                "Total hoje a partir de (R$)" if edit is self.min_total else "Total hoje até (R$)"
            )
        return value

    def filters(self) -> OverdueFilters:
        """What the filter row asks for, as :class:`services.overdue.OverdueFilters`."""
        return OverdueFilters(
            bands=frozenset(k for k, a in self.band_actions.items() if a.isChecked()),
            city=self.city_combo.currentData() or None,
            district=self.district_combo.currentData() or None,
            profiles=frozenset(k for k, a in self.profile_actions.items() if a.isChecked()),
            min_total=self._money_bound(self.min_total),
            max_total=self._money_bound(self.max_total),
            promise=self.promise_combo.currentData() or "any",
            reported=self.reported_combo.currentData(),
            paused=self.paused_combo.currentData(),
        )

    def apply_filters(self) -> None:
        """Narrow the loaded rows; the table keeps its sort, the summary follows the table."""
        wanted = self.filters()
        rows = [row for row in self._all_rows if wanted.accepts(row)]
        self.table_model.set_rows(rows)
        summary = overdue_service.band_summary(rows, self._bands) if self._bands else None
        self.summary_model.set_summary(summary)
        self._update_filter_captions()
        filtered = wanted != OverdueFilters()
        self._show_status(rows, filtered=filtered)
        self.clear_filters_button.setVisible(filtered)
        for button in (self.csv_button, self.xlsx_button):
            button.setEnabled(bool(rows) and self.refresh_button.isEnabled())
        self.filtersApplied.emit(len(rows))

    def clear_filters(self) -> None:
        self._filling = True
        try:
            for action in (*self.band_actions.values(), *self.profile_actions.values()):
                action.setChecked(False)
            for combo in (
                self.city_combo,
                self.district_combo,
                self.promise_combo,
                self.reported_combo,
                self.paused_combo,
            ):
                combo.setCurrentIndex(0)
            self.min_total.clear()
            self.max_total.clear()
            self._fill_districts()
        finally:
            self._filling = False
        self.apply_filters()

    def _update_filter_captions(self) -> None:
        bands = [a.text() for a in self.band_actions.values() if a.isChecked()]
        if not bands:
            self.band_button.setText("Faixas: todas")
        else:
            self.band_button.setText(f"Faixas: {len(bands)} de {len(self.band_actions)}")
        self.band_button.setToolTip(
            "Mostrar só as faixas marcadas" + (f" (marcadas: {', '.join(bands)})" if bands else "")
        )
        letters = [k for k, a in self.profile_actions.items() if a.isChecked()]
        self.profile_button.setText(f"Perfil: {', '.join(letters)}" if letters else "Perfil: todos")

    def _show_status(self, rows: Sequence[OverdueRow], *, filtered: bool) -> None:
        total = sum((r.total for r in rows), Decimal("0.00"))
        count = len(rows)
        text = f"{count} cliente{'s' if count != 1 else ''} · {format_brl(total)} em atraso"
        if filtered:
            text += f" (filtrados de {len(self._all_rows)})"
        self.status.setProperty("state", "")
        self.status.setText(text)
        self._restyle(self.status)

    # --- the table ---------------------------------------------------------------------------

    def shown_rows(self) -> list[OverdueRow]:
        """The rows the table shows, filtered and in its order."""
        return self.table_model.rows()

    def all_rows(self) -> list[OverdueRow]:
        """Every late customer loaded for the day, filters aside."""
        return list(self._all_rows)

    def set_next_steps(self, mapping: Mapping[int, str]) -> None:
        """Fill the Próximo passo column from ``{customer_id: text}`` (the contact queue)."""
        self.table_model.set_next_steps(mapping)

    def selected_customer_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        value = rows[0].data(ID_ROLE) if rows else None
        return int(value) if value is not None else None

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.customerRequested.emit(int(index.data(ID_ROLE)))

    def _fit_summary_height(self) -> None:
        """Every band and the total visible without a scroll bar."""
        view = self.summary_view
        rows = max(len(self._bands) + 1, 6)
        height = (
            view.horizontalHeader().sizeHint().height()
            + rows * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth()
        )
        height = max(height, 200)
        view.setFixedHeight(height)
        self.chart.setFixedHeight(height)

    # --- exports -----------------------------------------------------------------------------

    def _ask_and_export(self, kind: ExportKind) -> None:
        day = self._loaded_day or self.day()
        path = choose_export_path(self, day, kind)
        if path is not None:
            self.export_rows(path, kind)

    def export_rows(self, path: str | Path, kind: ExportKind | None = None) -> None:
        """Write the rows shown (filtered, in the table's order) to ``path`` in the background."""
        target = Path(path)
        fmt: ExportKind = kind or ("xlsx" if target.suffix.lower() == ".xlsx" else "csv")
        rows = self.shown_rows()
        for button in (self.csv_button, self.xlsx_button):
            button.setEnabled(False)
        self.export_status.setText("Exportando…")
        run_in_background(
            lambda: write_rows(rows, target, fmt), self._on_exported, self._on_export_failed
        )

    def export_csv(self, path: str | Path) -> None:
        self.export_rows(path, "csv")

    def export_xlsx(self, path: str | Path) -> None:
        self.export_rows(path, "xlsx")

    def _on_exported(self, path: Path) -> None:
        self._enable_exports()
        self.export_status.setText(f"Lista salva em {path}")
        self.export_status.setToolTip(str(path))
        self.listExported.emit(str(path))

    def _on_export_failed(self, exc: Exception) -> None:
        self._enable_exports()
        message = f"Não foi possível exportar: {explain(exc)}"
        if isinstance(exc, OSError):
            message = f"Não foi possível salvar o arquivo: {exc.strerror or exc}"
        self.export_status.setText(message)
        self.exportFailed.emit(message)

    def _enable_exports(self) -> None:
        for button in (self.csv_button, self.xlsx_button):
            button.setEnabled(self.table_model.rowCount() > 0 and self.refresh_button.isEnabled())

    # --- closing the day ---------------------------------------------------------------------

    def close_day(self) -> None:
        """Open the day's closing for the chosen day."""
        from ui.overdue.day_close import DayCloseDialog

        if self.day_close_dialog is not None and self.day_close_dialog.isVisible():
            self.day_close_dialog.activateWindow()
            return
        dialog = DayCloseDialog(self.ctx, self.day(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._on_day_close_destroyed)
        self.day_close_dialog = dialog
        dialog.open()

    def _on_day_close_destroyed(self, *_args: object) -> None:
        self.day_close_dialog = None
