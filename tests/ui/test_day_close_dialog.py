"""Closing the day from the Cobrança page: the day's figures on screen, in the PDF and the list."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Payment
from services.customers import METHOD_LABELS
from services.day_close import DaySummary, day_summary
from services.db import Database
from services.exports import CSV_HEADER
from services.money import format_brl
from services.reports import overdue_report_rows
from services.text import format_cpf
from tests.documents.conftest import normalized_text
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.overdue.day_close import DayCloseDialog
from ui.overdue.page import OverduePage

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 18, 30)
TIMEOUT_MS = 20_000


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=60, sales=150, seed=9)


@pytest.fixture
def owner_ctx(shop: Database) -> AppContext:
    return operator_ctx(shop, "dono", NOW)


@pytest.fixture
def busy_day(shop: Database) -> date:
    """The demo day with a reversal (estorno), so every part of the closing has a figure."""
    with shop.unit_of_work() as uow:
        moment = uow.session.scalar(
            select(func.max(Payment.received_at)).where(Payment.reverses_id.is_not(None))
        )
    assert moment is not None, "the demo shop should have a reversal"
    return moment.date()


def _summary(db: Database, day: date) -> DaySummary:
    with db.unit_of_work() as uow:
        return day_summary(uow.session, day)


def _open(qtbot: QtBot, ctx: AppContext, day: date) -> DayCloseDialog:
    dialog = DayCloseDialog(ctx, day)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.summaryLoaded, timeout=TIMEOUT_MS) as loaded:
        dialog.show()
    assert isinstance(loaded.args[0], DaySummary)
    return dialog


def _text(dialog: DayCloseDialog, name: str) -> str:
    label = dialog.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_the_dialog_shows_the_days_figures(
    qtbot: QtBot,
    owner_ctx: AppContext,
    shop: Database,
    busy_day: date,
    qtmodeltester: Any,
    screenshot_dir: Path,
) -> None:
    summary = _summary(shop, busy_day)
    assert summary.reversed > 0 and summary.received > 0
    dialog = _open(qtbot, owner_ctx, busy_day)

    # Receipts by method: every method, then the total, as the cashier counts them.
    methods = dialog.methods_model.rows()
    assert [line[0] for line in methods] == [
        *(METHOD_LABELS[m.method] for m in summary.by_method),
        "Total",
    ]
    for line, m in zip(methods, summary.by_method, strict=False):
        assert line[1:] == (
            str(m.count),
            format_brl(m.received),
            format_brl(m.reversed),
            format_brl(m.received - m.reversed),
        )
    assert methods[-1][2:] == (
        format_brl(summary.received),
        format_brl(summary.reversed),
        format_brl(summary.received - summary.reversed),
    )
    # By cashier: the same total, split by who made the entries.
    cashiers = dialog.cashiers_model.rows()
    assert [line[0] for line in cashiers[:-1]] == [c.name for c in summary.by_cashier]
    assert cashiers[-1][2:] == methods[-1][2:]

    assert format_brl(summary.net) in _text(dialog, "figureNet")
    assert format_brl(summary.reversed) in _text(dialog, "figureNet")
    sales = _text(dialog, "figureSales")
    assert sales.startswith(f"{summary.sales.count} venda")
    assert format_brl(summary.sales.financed) in sales
    assert format_brl(summary.sales.down_payment) in sales
    agreements = _text(dialog, "figureAgreements")
    assert agreements.startswith(f"{summary.agreements.count} acordo")
    assert format_brl(summary.agreements.total) in agreements
    due = _text(dialog, "figureFellDue")
    assert due.startswith(f"{summary.fell_due.count} parcela")
    assert format_brl(summary.fell_due.amount) in due
    assert (
        f"pagas {summary.fell_due.paid_count} ({format_brl(summary.fell_due.paid_amount)})" in due
    )
    assert format_brl(summary.fell_due.open_principal) in due
    split = _text(dialog, "figureSplit")
    for value in (summary.principal, summary.fee, summary.interest, summary.discount):
        assert format_brl(value) in split

    qtmodeltester.check(dialog.methods_model)
    qtmodeltester.check(dialog.cashiers_model)
    assert dialog.print_button.isEnabled()
    qtbot.wait(100)  # the layout settles on the next events, as on a real screen
    dialog.grab().save(str(screenshot_dir / "day_close_dialog.png"))


def test_a_quiet_day_says_so(qtbot: QtBot, owner_ctx: AppContext, shop: Database) -> None:
    quiet = date(2026, 1, 1)
    dialog = _open(qtbot, owner_ctx, quiet)
    summary = _summary(shop, quiet)
    assert summary.received == 0
    assert dialog.cashiers_model.rowCount() == 0
    assert dialog.methods_model.rows()[-1] == ("Total", "0", "R$ 0,00", "R$ 0,00", "R$ 0,00")
    assert "nenhum movimento no caixa" in dialog.status.text()


def test_the_report_pdf_carries_the_same_figures(
    qtbot: QtBot, owner_ctx: AppContext, shop: Database, busy_day: date
) -> None:
    summary = _summary(shop, busy_day)
    dialog = _open(qtbot, owner_ctx, busy_day)
    with qtbot.waitSignal(dialog.reportRendered, timeout=TIMEOUT_MS) as rendered:
        dialog.print_report(preview=False)
    pdf = rendered.args[0]
    assert pdf.startswith(b"%PDF")
    text = " ".join(normalized_text(pdf))
    assert busy_day.strftime("%d/%m/%Y") in text
    for value in (
        summary.received,
        summary.reversed,
        summary.net,
        summary.sales.financed,
        summary.fell_due.amount,
    ):
        assert format_brl(value) in text, value
    for cashier in summary.by_cashier:
        assert cashier.name in text
    assert dialog.print_button.isEnabled()


def test_the_report_opens_in_the_preview(
    qtbot: QtBot, owner_ctx: AppContext, busy_day: date
) -> None:
    from ui.documents.preview import PdfPreviewDialog

    dialog = _open(qtbot, owner_ctx, busy_day)
    with qtbot.waitSignal(dialog.reportRendered, timeout=TIMEOUT_MS):
        dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(PdfPreviewDialog) is not None, timeout=5000)
    preview = dialog.findChild(PdfPreviewDialog)
    assert preview is not None
    assert preview.windowTitle() == f"Fechamento do dia {busy_day.strftime('%d/%m/%Y')}"
    assert preview.page_count() >= 1
    preview.close()


def test_the_days_list_exports_as_csv_and_xlsx(
    qtbot: QtBot, owner_ctx: AppContext, shop: Database, tmp_path: Path
) -> None:
    dialog = _open(qtbot, owner_ctx, TODAY)
    path = tmp_path / "inadimplentes.csv"
    with qtbot.waitSignal(dialog.listExported, timeout=TIMEOUT_MS):
        dialog.export_list(path)
    with shop.unit_of_work() as uow:
        rows = overdue_report_rows(uow.session, TODAY)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert tuple(lines[0]) == CSV_HEADER
    assert [(line[0], line[1]) for line in lines[1:]] == [(format_cpf(r.cpf), r.name) for r in rows]
    assert dialog.export_status.text() == f"Lista salva em {path}"

    import openpyxl

    book = tmp_path / "inadimplentes.xlsx"
    with qtbot.waitSignal(dialog.listExported, timeout=TIMEOUT_MS):
        dialog.export_list(book)
    workbook = openpyxl.load_workbook(book, read_only=True)  # keeps the file open until closed
    try:
        assert workbook.active.max_row == len(rows) + 1
    finally:
        workbook.close()


def test_the_page_closes_the_chosen_day(
    qtbot: QtBot, owner_ctx: AppContext, busy_day: date
) -> None:
    page = OverduePage(owner_ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    with qtbot.waitSignal(page.rowsLoaded, timeout=TIMEOUT_MS):
        page.show()
    with qtbot.waitSignal(page.rowsLoaded, timeout=TIMEOUT_MS):
        page.set_day(busy_day)
    page.close_day_button.click()
    dialog = page.day_close_dialog
    assert isinstance(dialog, DayCloseDialog)
    assert dialog.day == busy_day
    assert dialog.windowTitle() == f"Fechar o dia {busy_day.strftime('%d/%m/%Y')}"
    qtbot.waitSignal(dialog.summaryLoaded, timeout=TIMEOUT_MS).wait()
    # A second click brings the same dialog forward rather than opening another.
    page.close_day_button.click()
    assert page.day_close_dialog is dialog
    dialog.close()


def test_closing_today_settles_the_promises(qtbot: QtBot, owner_ctx: AppContext) -> None:
    from sqlalchemy import select

    from models import Customer, PromiseStatus, PromiseToPay

    db = owner_ctx.db
    with db.unit_of_work(write=True) as uow:
        customer_id = uow.session.scalars(select(Customer.id).order_by(Customer.id)).first()
        promise = PromiseToPay(
            customer_id=customer_id,
            made_at=datetime(2026, 11, 16, 10, 0),
            promised_date=date(2026, 11, 20),
            amount=Decimal("999.00"),  # nobody paid that much since
        )
        uow.session.add(promise)
        uow.commit()
        promise_id = promise.id
    _open(qtbot, owner_ctx, TODAY)
    with db.unit_of_work() as uow:
        stored = uow.session.get(PromiseToPay, promise_id)
        assert stored is not None
        assert (stored.status, stored.resolved_on) == (PromiseStatus.BROKEN, date(2026, 11, 21))


def test_closing_today_follows_the_agreements(qtbot: QtBot, owner_ctx: AppContext) -> None:
    from sqlalchemy import select

    from models import Agreement, AgreementStatus, Installment, InstallmentStatus
    from services import agreements
    from services import settings as settings_service

    db = owner_ctx.db
    signed = datetime(2026, 9, 1, 10, 0)
    with db.unit_of_work() as uow:
        late = uow.session.scalars(
            select(Installment)
            .where(Installment.status == InstallmentStatus.OPEN)
            .where(Installment.due_date < signed.date())
            .order_by(Installment.id)
        ).first()
        assert late is not None
        shop = settings_service.load(uow.session)
        debt = agreements.debt_for(uow.session, late.customer_id, [late.id], on=signed.date())
    # Two installments from 01/10: the first is 53 days late on 23/11, beyond the 30 allowed.
    plan = agreements.simulate(
        debt,
        agreements.AgreementTerms(count=2, first_due=date(2026, 10, 1)),
        shop.agreements,
        collection_policy=shop.policy,
    )
    with db.unit_of_work(write=True) as uow:
        agreement_id = agreements.confirm_agreement(
            uow,
            plan,
            customer_id=debt.customer_id,
            installment_ids=list(debt.installment_ids),
            expected_versions=debt.versions,
            operator=owner_ctx.operator,
            owner=None,
            now=signed,
        )
    _open(qtbot, owner_ctx, TODAY)
    with db.unit_of_work() as uow:
        stored = uow.session.get(Agreement, agreement_id)
        assert stored is not None
        # 31 days late, "more than 30", on 01/11.
        assert (stored.status, stored.broken_on) == (AgreementStatus.BROKEN, date(2026, 11, 1))
