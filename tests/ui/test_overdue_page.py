"""The Cobrança page over a demo shop with a fixed today: what the person closing the day sees."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from models import Customer, PromiseStatus
from services import settings as settings_service
from services.contact_queue import next_steps
from services.db import Database
from services.exports import CSV_HEADER, XLSX_HEADER
from services.money import format_brl
from services.overdue import OverdueRow, band_amounts_as_of, overdue_bands, overdue_rows
from services.plans import add_months
from services.text import format_cpf, normalize_name
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.customers.models import ID_ROLE
from ui.overdue.page import OverduePage
from ui.overdue.summary import BandSummaryModel
from ui.overdue.table import OverdueTableModel
from ui.widgets import BAND_ROLE

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 18, 0)
OTHER_CITY = "Sertãozinho"
LOAD_TIMEOUT_MS = 20_000


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    """A demo shop; one late customer moved to another city and one with collection paused."""
    db = demo_shop(customers=60, sales=150, seed=9)
    with db.unit_of_work(write=True) as uow:
        late = overdue_rows(uow.session, TODAY, sort="name")
        assert len(late) >= 8, "the demo shop should have late customers to review"
        moved = uow.session.get(Customer, late[0].customer_id)
        paused = uow.session.get(Customer, late[1].customer_id)
        assert moved is not None and paused is not None
        moved.city = OTHER_CITY
        paused.collection_paused_since = date(2026, 11, 20)
        paused.collection_paused_reason = "Contestação: diz que já pagou"
        uow.commit()
    return db


@pytest.fixture
def owner_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "dono", NOW)


@pytest.fixture
def page(qtbot: QtBot, owner_ctx: AppContext) -> OverduePage:
    widget = OverduePage(owner_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    with qtbot.waitSignal(widget.rowsLoaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        widget.show()
    assert loaded.args and loaded.args[0] > 0
    return widget


def _service_rows(db: Database, day: date = TODAY) -> list[OverdueRow]:
    with db.unit_of_work() as uow:
        return overdue_rows(uow.session, day)


def _cells(page: OverduePage, column: int) -> list[str]:
    model = page.table_model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _ids(page: OverduePage) -> list[int]:
    model = page.table_model
    return [int(model.index(r, 0).data(ID_ROLE)) for r in range(model.rowCount())]


def _brl(text: str) -> Decimal:
    """ "R$ 1.234,56" as on screen → Decimal (the reverse of format_brl, for the tests only)."""
    return Decimal(text.removeprefix("R$ ").replace(".", "").replace(",", "."))


def _assert_summary_equals_table(page: OverduePage) -> None:
    """Each band line of bandSummary is the sum of the table rows in that band, as shown."""
    summary = page.summary_model
    bands = [summary.index(r, 0).data() for r in range(summary.rowCount())]
    table_bands = _cells(page, OverdueTableModel.BAND_COLUMN)
    table_totals = [_brl(t) for t in _cells(page, OverdueTableModel.TOTAL_COLUMN)]
    installments = [int(t) for t in _cells(page, 4)]
    rows = page.shown_rows()
    for r, label in enumerate(bands):
        if label == "Total":
            members = list(range(len(rows)))
        else:
            members = [i for i, band in enumerate(table_bands) if band == label]
        assert summary.index(r, 1).data() == str(len(members)), label
        assert summary.index(r, 2).data() == str(sum(installments[i] for i in members)), label
        principal = sum((rows[i].principal for i in members), Decimal("0.00"))
        assert summary.index(r, 3).data() == format_brl(principal), label
        total = sum((table_totals[i] for i in members), Decimal("0.00"))
        assert summary.index(r, 4).data() == format_brl(total), label
    assert bands[-1] == "Total"
    count = len(rows)
    total = sum(table_totals, Decimal("0.00"))
    assert page.status.text().startswith(
        f"{count} cliente{'s' if count != 1 else ''} · {format_brl(total)} em atraso"
    )


def _check_models(qtmodeltester: Any, page: OverduePage) -> None:
    qtmodeltester.check(page.table_model)
    qtmodeltester.check(page.summary_model)


def test_lists_every_late_customer_and_the_bands_add_up(
    page: OverduePage, shop: Database, qtmodeltester: Any, screenshot_dir: Path
) -> None:
    expected = _service_rows(shop)
    assert sorted(_ids(page)) == sorted(r.customer_id for r in expected)
    # Default order: most days late first.
    days = [r.days_late for r in page.shown_rows()]
    assert days == sorted(days, reverse=True)
    _assert_summary_equals_table(page)
    # One line per band that can hold a late customer, each with its chip, then the total.
    with shop.unit_of_work() as uow:
        bands = overdue_bands(settings_service.load(uow.session).policy.bands)
    summary = page.summary_model
    assert summary.rowCount() == len(bands) + 1
    for r, band in enumerate(bands):
        assert summary.index(r, BandSummaryModel.BAND_COLUMN).data(BAND_ROLE) == band
        assert summary.index(r, 0).data() == band.label
    # A row as the person reads it: masked CPF, band chip, profile letter with its sentence.
    first = page.shown_rows()[0]
    model = page.table_model
    assert model.index(0, 0).data() == first.name
    assert model.index(0, 1).data() == first.cpf_masked
    assert model.index(0, 1).data().startswith("***.")
    assert model.index(0, OverdueTableModel.BAND_COLUMN).data(BAND_ROLE) == first.band
    assert model.index(0, OverdueTableModel.PROFILE_COLUMN).data() == first.profile.letter
    assert first.profile.reason in model.index(0, OverdueTableModel.PROFILE_COLUMN).data(
        Qt.ItemDataRole.ToolTipRole
    )
    # The next cadence step comes with the rows (services.contact_queue.next_steps).
    with page.ctx.db.unit_of_work() as uow:
        expected = next_steps(uow.session, day=TODAY, rows=page.all_rows())
    assert model.index(0, OverdueTableModel.NEXT_STEP_COLUMN).data() == expected[first.customer_id]
    _check_models(qtmodeltester, page)
    page.grab().save(str(screenshot_dir / "overdue_page.png"))


def test_promise_and_last_contact_cells(page: OverduePage) -> None:
    model = page.table_model
    rows = page.shown_rows()
    broken = next(
        i for i, r in enumerate(rows) if r.promise and r.promise.status is PromiseStatus.BROKEN
    )
    promise = rows[broken].promise
    assert promise is not None
    assert model.index(broken, 8).data() == (
        f"Não cumprida · {promise.promised_date.strftime('%d/%m/%Y')} · "
        f"{format_brl(promise.amount)}"
    )
    contacted = next(i for i, r in enumerate(rows) if r.last_contact)
    contact = rows[contacted].last_contact
    assert contact is not None
    assert model.index(contacted, 7).data().startswith(contact.at.strftime("%d/%m/%Y") + " · ")


def _check(page: OverduePage, actions: dict[str, Any], key: str) -> None:
    actions[key].setChecked(True)


def _narrows(
    page: OverduePage, change: Callable[[], None], accepts: Callable[[OverdueRow], bool]
) -> list[OverdueRow]:
    everyone = page.all_rows()
    change()
    shown = page.shown_rows()
    assert shown, "the filter should leave someone on the demo data"
    assert {r.customer_id for r in shown} == {r.customer_id for r in everyone if accepts(r)}
    assert len(shown) < len(everyone)
    _assert_summary_equals_table(page)
    assert "filtrados de" in page.status.text()
    assert page.clear_filters_button.isVisible()
    page.clear_filters_button.click()
    assert not page.clear_filters_button.isVisible()
    assert len(page.shown_rows()) == len(everyone)
    return shown


def test_each_filter_narrows_the_list_and_the_summary_follows(
    page: OverduePage, qtmodeltester: Any
) -> None:
    rows = page.all_rows()
    band = rows[0].band  # the most late customer's band
    _narrows(page, lambda: _check(page, page.band_actions, band.key), lambda r: r.band == band)
    assert page.band_button.text() == "Faixas: todas"

    letter = rows[0].profile.letter
    _narrows(
        page,
        lambda: _check(page, page.profile_actions, letter),
        lambda r: r.profile.letter == letter,
    )

    cities = [page.city_combo.itemText(i) for i in range(page.city_combo.count())]
    assert cities[0] == "Cidade: todas" and OTHER_CITY in cities
    _narrows(
        page,
        lambda: page.city_combo.setCurrentIndex(page.city_combo.findText(OTHER_CITY)),
        lambda r: r.city == OTHER_CITY,
    )

    district = next(r.district for r in rows if r.district)
    _narrows(
        page,
        lambda: page.district_combo.setCurrentIndex(page.district_combo.findText(district)),
        lambda r: normalize_name(r.district) == normalize_name(district),
    )

    totals = sorted(r.total for r in rows)
    middle = totals[len(totals) // 2]
    amount = format_brl(middle).removeprefix("R$ ")
    _narrows(page, lambda: page.min_total.setText(amount), lambda r: r.total >= middle)
    _narrows(page, lambda: page.max_total.setText(amount), lambda r: r.total <= middle)

    for value, status in (("broken", PromiseStatus.BROKEN), ("pending", PromiseStatus.PENDING)):
        _narrows(
            page,
            lambda v=value: page.promise_combo.setCurrentIndex(page.promise_combo.findData(v)),  # type: ignore[misc]
            lambda r, s=status: r.promise is not None and r.promise.status is s,  # type: ignore[misc]
        )
    _narrows(
        page,
        lambda: page.reported_combo.setCurrentIndex(
            page.reported_combo.findText("Negativado: sim")
        ),
        lambda r: r.reported,
    )
    _narrows(
        page,
        lambda: page.paused_combo.setCurrentIndex(page.paused_combo.findText("Pausado: sim")),
        lambda r: r.paused,
    )
    _check_models(qtmodeltester, page)


def test_filters_combine_and_a_wrong_amount_is_flagged(page: OverduePage) -> None:
    rows = page.all_rows()
    page.reported_combo.setCurrentIndex(page.reported_combo.findText("Negativado: não"))
    page.paused_combo.setCurrentIndex(page.paused_combo.findText("Pausado: não"))
    shown = page.shown_rows()
    assert {r.customer_id for r in shown} == {
        r.customer_id for r in rows if not r.reported and not r.paused
    }
    _assert_summary_equals_table(page)
    page.min_total.setText("12,3,4")
    assert page.min_total.property("invalid") is True
    assert len(page.shown_rows()) == len(shown)  # a bound that cannot be read is ignored
    page.min_total.setText("")
    assert page.min_total.property("invalid") is False


def _click_header(qtbot: QtBot, page: OverduePage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_sorting_by_total_and_by_name(qtbot: QtBot, page: OverduePage, qtmodeltester: Any) -> None:
    page.table.selectRow(0)
    selected = page.selected_customer_id()
    _click_header(qtbot, page, OverdueTableModel.TOTAL_COLUMN)
    first = [_brl(t) for t in _cells(page, OverdueTableModel.TOTAL_COLUMN)]
    assert first in (sorted(first), sorted(first, reverse=True))
    _click_header(qtbot, page, OverdueTableModel.TOTAL_COLUMN)
    second = [_brl(t) for t in _cells(page, OverdueTableModel.TOTAL_COLUMN)]
    assert second == list(reversed(first)) or second == sorted(second, reverse=True)
    assert {tuple(first), tuple(second)} == {
        tuple(sorted(first)),
        tuple(sorted(first, reverse=True)),
    }
    # The selection follows the customer, not the line.
    assert page.selected_customer_id() == selected

    page.table.sortByColumn(OverdueTableModel.NAME_COLUMN, Qt.SortOrder.AscendingOrder)
    names = _cells(page, OverdueTableModel.NAME_COLUMN)
    assert names == sorted(names, key=normalize_name)
    page.table.sortByColumn(OverdueTableModel.NAME_COLUMN, Qt.SortOrder.DescendingOrder)
    assert _cells(page, OverdueTableModel.NAME_COLUMN) == sorted(
        names, key=normalize_name, reverse=True
    )
    # A filter keeps the order chosen.
    page.profile_actions[page.all_rows()[0].profile.letter].setChecked(True)
    filtered = _cells(page, OverdueTableModel.NAME_COLUMN)
    assert filtered == sorted(filtered, key=normalize_name, reverse=True)
    for column in range(page.table_model.columnCount()):
        page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert sorted(_ids(page)) == sorted(r.customer_id for r in page.shown_rows())
    _check_models(qtmodeltester, page)


def test_enter_and_double_click_open_the_customer(qtbot: QtBot, page: OverduePage) -> None:
    page.table.setFocus()
    page.table.selectRow(2)
    page.table.setCurrentIndex(page.table_model.index(2, 0))
    wanted = page.shown_rows()[2].customer_id
    with qtbot.waitSignal(page.customerRequested, timeout=2000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [wanted]

    rect = page.table.visualRect(page.table_model.index(4, 0))
    with qtbot.waitSignal(page.customerRequested, timeout=2000) as opened:
        # As a mouse does it: a click, then the double click on the same line.
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [page.shown_rows()[4].customer_id]


def test_csv_and_xlsx_hold_the_rows_shown(qtbot: QtBot, page: OverduePage, tmp_path: Path) -> None:
    page.reported_combo.setCurrentIndex(page.reported_combo.findText("Negativado: não"))
    page.table.sortByColumn(OverdueTableModel.TOTAL_COLUMN, Qt.SortOrder.DescendingOrder)
    shown = page.shown_rows()
    assert 0 < len(shown) < len(page.all_rows())

    path = tmp_path / "lista.csv"
    with qtbot.waitSignal(page.listExported, timeout=10_000) as done:
        page.export_csv(path)
    assert done.args == [str(path)]
    assert page.export_status.text() == f"Lista salva em {path}"
    with open(path, encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert tuple(lines[0]) == CSV_HEADER
    body = lines[1:]
    # The file says what the screen says, line for line, in the screen's order.
    assert [line[1] for line in body] == _cells(page, OverdueTableModel.NAME_COLUMN)
    assert [line[2] for line in body] == _cells(page, OverdueTableModel.BAND_COLUMN)
    assert [Decimal(line[7].replace(",", ".")) for line in body] == [
        _brl(t) for t in _cells(page, OverdueTableModel.TOTAL_COLUMN)
    ]
    assert [line[0] for line in body] == [format_cpf(r.cpf) for r in shown]
    assert [int(line[3]) for line in body] == [r.days_late for r in shown]

    import openpyxl

    book_path = tmp_path / "lista.xlsx"
    with qtbot.waitSignal(page.listExported, timeout=10_000):
        page.export_xlsx(book_path)
    book = openpyxl.load_workbook(book_path, read_only=True)  # keeps the file open until closed
    try:
        values = list(book.active.iter_rows(values_only=True))
    finally:
        book.close()
    assert tuple(values[0]) == XLSX_HEADER
    assert [v[1] for v in values[1:]] == [r.name for r in shown]


def test_an_export_that_cannot_be_written_says_so(
    qtbot: QtBot, page: OverduePage, tmp_path: Path
) -> None:
    with qtbot.waitSignal(page.exportFailed, timeout=10_000) as failed:
        page.export_csv(tmp_path / "não-existe" / "lista.csv")
    assert failed.args[0].startswith("Não foi possível salvar o arquivo")
    assert page.csv_button.isEnabled()


def test_changing_the_day_reloads(qtbot: QtBot, page: OverduePage, shop: Database) -> None:
    day = date(2026, 10, 23)
    with qtbot.waitSignal(page.rowsLoaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        page.set_day(day)
    assert page.loaded_day() == day
    expected = _service_rows(shop, day)
    assert loaded.args == [len(expected)]
    assert sorted(_ids(page)) == sorted(r.customer_id for r in expected)
    by_id = {r.customer_id: r for r in expected}
    assert all(r.days_late == by_id[r.customer_id].days_late for r in page.shown_rows())
    _assert_summary_equals_table(page)
    assert page.chart.series()[1].name == "Em 23/10/2026"
    assert page.chart.series()[0].name.startswith("Em 23/09/2026")
    # F5 loads again, the day kept.
    page.table.setFocus()
    with qtbot.waitSignal(page.rowsLoaded, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(page.table, Qt.Key.Key_F5)
    assert page.loaded_day() == day
    assert page.day_edit.maximumDate().toPython() == TODAY


def test_the_chart_shows_this_day_and_a_month_before_by_band(
    page: OverduePage, shop: Database
) -> None:
    with shop.unit_of_work() as uow:
        policy = settings_service.load(uow.session).policy
        current = band_amounts_as_of(uow.session, TODAY, policy.bands)
        previous = band_amounts_as_of(uow.session, add_months(TODAY, -1), policy.bands)
    bands = overdue_bands(policy.bands)
    before, now = page.chart.series()
    assert len(before.values) == len(now.values) == len(bands)
    assert list(now.values) == [current[b.key] for b in bands]
    assert list(before.values) == [previous[b.key] for b in bands]
    assert now.name == "Em 23/11/2026" and before.name == "Em 23/10/2026 (tom claro)"
    # Today the chart's principal is the summary's, band by band (nothing is filtered).
    lines = page.summary_model.lines()[:-1]
    assert [line.principal for line in lines] == list(now.values)
    # The category axis names the bands: colour is never the only signal.
    assert page.chart.categories() == [b.label for b in bands]
    # What is drawn: one series per month, side by side in each band's category; in each,
    # the band's set holds the band's amount at its own category (so it takes its colour).
    drawn = page.chart.drawn_series()
    assert [d.name() for d in drawn] == [before.name, now.name]
    for series, figures, is_before in ((drawn[0], before, True), (drawn[1], now, False)):
        sets = series.barSets()
        assert [s.label() for s in sets] == [b.label for b in bands]
        for i, (bar, band) in enumerate(zip(sets, bands, strict=True)):
            assert [bar.at(j) for j in range(bar.count())] == [
                float(figures.values[i]) if j == i else 0.0 for j in range(len(bands))
            ]
            colour = bar.brush().color().name()
            assert (colour != band.colour) if is_before else (colour == band.colour)
    assert page.chart.legend_labels() == [before.name, now.name]


def test_next_steps_and_extra_tabs(page: OverduePage, qtmodeltester: Any) -> None:
    rows = page.shown_rows()
    page.set_next_steps({rows[0].customer_id: "D+15 · Carta de cobrança (24/11)"})
    steps = _cells(page, OverdueTableModel.NEXT_STEP_COLUMN)
    assert steps[0] == "D+15 · Carta de cobrança (24/11)"
    assert set(steps[1:]) == {"—"}
    page.table.sortByColumn(OverdueTableModel.NEXT_STEP_COLUMN, Qt.SortOrder.AscendingOrder)
    assert _cells(page, OverdueTableModel.NEXT_STEP_COLUMN)[0] == "D+15 · Carta de cobrança (24/11)"
    qtmodeltester.check(page.table_model)

    tab = QWidget()
    tab.setObjectName("contactQueue")
    page.add_tab(tab, "Contatos de amanhã")
    assert page.tabs.objectName() == "overdueTabs"
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Em atraso",
        "Contatos de amanhã",
    ]


def test_layout_at_the_main_window_size(
    qtbot: QtBot, page: OverduePage, screenshot_dir: Path
) -> None:
    # The chart takes about 40 % of the width beside the summary, and nothing is cut.
    summary_w, chart_w = page.summary_view.width(), page.chart.width()
    assert 0.33 <= chart_w / (summary_w + chart_w) <= 0.47
    view = page.summary_view
    rows_h = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
    assert view.viewport().height() >= rows_h  # every band and the total, no scrolling
    for widget in (page.band_button, page.paused_combo, page.csv_button, page.xlsx_button):
        assert widget.isVisible()
        assert widget.mapTo(page, QPoint(widget.width(), 0)).x() <= page.width()
    assert page.table.height() > 6 * page.table.verticalHeader().defaultSectionSize()
    page.band_actions[page.all_rows()[0].band.key].setChecked(True)
    assert page.band_button.text() == f"Faixas: 1 de {len(page.band_actions)}"
    page.grab().save(str(screenshot_dir / "overdue_page_filtered.png"))
    page.resize(1280, 700)
    qtbot.wait(50)
    page.grab().save(str(screenshot_dir / "overdue_page_in_window.png"))
