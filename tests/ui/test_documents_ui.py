"""Printing from the customer detail: 2ª via, carnês and receipts, previewed, saved and printed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Installment, InstallmentStatus, Payment, Setting
from services import pix
from services import printing as printing_service
from services.db import Database
from tests.conftest import TODAY
from tests.documents.conftest import decode, normalized_text, pdf_pages
from tests.ui.conftest import DemoShop
from ui import tasks
from ui.context import AppContext
from ui.customers import CustomersPage
from ui.customers.models import ID_ROLE
from ui.documents import print_documents
from ui.documents.preview import PdfPreviewDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def shop(ctx: AppContext, demo_shop: DemoShop) -> AppContext:
    """A demo shop on top of the owner and identity of ``ctx`` (generate keeps both)."""
    demo_shop(customers=20, sales=50, seed=5)
    return ctx


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []

    def warning(parent: QWidget | None, title: str, text: str, *args: Any) -> int:
        shown.append((title, text))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


def customer_with(db: Database, *, sales: int = 1, overdue: bool = True) -> int:
    """The first customer with at least ``sales`` open sales (and something overdue)."""
    with db.unit_of_work() as uow:
        query = (
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.sale_id.is_not(None))
            .group_by(Installment.customer_id)
            .having(func.count(func.distinct(Installment.sale_id)) >= sales)
            .order_by(Installment.customer_id)
        )
        if overdue:
            query = query.having(func.min(Installment.due_date) < TODAY)
        return int(uow.session.scalars(query).first())  # type: ignore[arg-type]


def open_customer(qtbot: QtBot, ctx: AppContext, customer_id: int) -> CustomersPage:
    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.list_status.text() != "", timeout=10_000)
    row = page.list_model.row_of_id(customer_id)
    assert row is not None
    with qtbot.waitSignal(page.detail.detailLoaded, timeout=10_000):
        page.list_view.selectRow(row)
    return page


def wait_preview(qtbot: QtBot, parent: QWidget) -> PdfPreviewDialog:
    qtbot.waitUntil(
        lambda: (
            (d := parent.findChild(PdfPreviewDialog, "pdfPreview")) is not None and d.isVisible()
        ),
        timeout=20_000,
    )
    preview = parent.findChild(PdfPreviewDialog, "pdfPreview")
    assert isinstance(preview, PdfPreviewDialog)
    return preview


def select_overdue_installment(page: CustomersPage) -> tuple[int, str]:
    detail = page.detail
    model = detail.installments_model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).days_late > 0)
    detail.installments_view.selectRow(row)
    item = model.row_at(row)
    assert item.slip_code
    return item.installment_id, item.slip_code


def test_buttons_follow_the_selection(qtbot: QtBot, shop: AppContext, db: Database) -> None:
    page = open_customer(qtbot, shop, customer_with(db))
    detail = page.detail
    assert not detail.slip_button.isEnabled() and not detail.carne_button.isEnabled()
    assert detail.all_carnes_button.isEnabled()
    assert "(Ctrl+P)" in detail.slip_button.toolTip()
    assert "Ctrl+Shift+P" in detail.carne_button.toolTip()
    select_overdue_installment(page)
    assert detail.slip_button.isEnabled() and detail.carne_button.isEnabled()
    assert not detail.receipt_button.isEnabled()
    detail.tabs.setCurrentIndex(1)
    if detail.payments_model.rowCount():
        detail.payments_view.selectRow(0)
        assert detail.receipt_button.isEnabled() == (
            not detail.payments_model.row_at(0).is_reversal
        )


def test_duplicate_slip_preview_save_and_print(
    qtbot: QtBot,
    shop: AppContext,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    screenshot_dir: Path,
) -> None:
    page = open_customer(qtbot, shop, customer_with(db))
    installment_id, code = select_overdue_installment(page)
    page.detail.slip_button.click()
    preview = wait_preview(qtbot, page.detail)
    assert preview.page_count() >= 1
    assert preview.pages_label.text() == "1 página"
    assert preview.windowTitle().startswith("2ª via — ")
    assert preview.print_button.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    assert preview.save_button.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    qtbot.wait(100)
    preview.grab().save(str(screenshot_dir / "documents-preview-slip.png"))

    # Salvar PDF…: the very document, with this installment's code and Pix txid.
    target = tmp_path / "segunda-via.pdf"
    offered: list[str] = []

    def save_name(*args: Any) -> tuple[str, str]:
        offered.append(args[2])
        return str(target), "PDF (*.pdf)"

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", save_name)
    preview.save_button.click()
    assert offered[0].endswith(f"2a-via-parcela-{installment_id}.pdf")
    pdf = target.read_bytes()
    assert pdf == preview.pdf
    text = normalized_text(pdf)[0]
    assert code in text
    assert "2ª via: valor atualizado até 23/11/2026" in text
    qr = [d.text for d in decode(pdf) if "QR" in d.format.upper()]
    assert any(pix.txid_for_slip(code) in payload for payload in qr)

    # Imprimir…: accepted dialog, printer writing to a PDF file.
    printed = tmp_path / "impresso.pdf"
    original = PdfPreviewDialog.create_printer

    def to_file(self: PdfPreviewDialog) -> QPrinter:
        printer = original(self)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    monkeypatch.setattr(PdfPreviewDialog, "create_printer", to_file)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted))
    preview.print_button.click()
    assert printed.exists()
    printed_pdf = printed.read_bytes()
    assert pdf_pages(printed_pdf) == preview.page_count()
    # The raster copy still carries a readable Pix QR code.
    assert any(pix.txid_for_slip(code) in d.text for d in decode(printed_pdf))

    # Cancelled half-way: the printer job is aborted, the preview stays.
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    printed.unlink()
    assert preview.print_to(to_file(preview)) is False
    assert preview.isVisible()

    preview.close_button.click()
    qtbot.waitUntil(lambda: page.detail.findChild(PdfPreviewDialog, "pdfPreview") is None)


def test_a_save_that_fails_says_so_and_keeps_the_preview(
    qtbot: QtBot,
    shop: AppContext,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    warnings: list[tuple[str, str]],
) -> None:
    page = open_customer(qtbot, shop, customer_with(db))
    select_overdue_installment(page)
    page.detail.slip_button.click()
    preview = wait_preview(qtbot, page.detail)
    nowhere = tmp_path / "não-existe" / "boleto.pdf"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a: (str(nowhere), "")
    )
    preview.save_button.click()
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Não foi possível salvar"
    assert "não foi salvo" in text and "continua aberto" in text
    assert preview.isVisible()


def test_carne_and_all_carnes(qtbot: QtBot, shop: AppContext, db: Database) -> None:
    customer_id = customer_with(db, sales=2, overdue=False)
    with db.unit_of_work() as uow:
        sales = printing_service.open_sales_of(uow.session, customer_id)
    page = open_customer(qtbot, shop, customer_id)
    page.detail.installments_view.selectRow(0)
    page.detail.carne_button.click()
    preview = wait_preview(qtbot, page.detail)
    assert preview.page_count() >= 1
    preview.close()
    qtbot.waitUntil(lambda: page.detail.findChild(PdfPreviewDialog, "pdfPreview") is None)

    page.detail.all_carnes_button.click()
    preview = wait_preview(qtbot, page.detail)
    assert preview.page_count() >= len(sales)
    text = " ".join(normalized_text(preview.pdf))
    for sale_id in sales:
        assert str(sale_id) in text


def test_a_batch_shows_progress_and_can_be_cancelled(
    qtbot: QtBot, shop: AppContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_render = printing_service.render
    rendered: list[int] = []

    def slow_render(session: Any, job: printing_service.PrintJob) -> bytes:
        rendered.append(job.record_id)
        time.sleep(0.15)
        return real_render(session, job)

    monkeypatch.setattr(printing_service, "render", slow_render)
    with db.unit_of_work() as uow:
        sale_ids = list(
            uow.session.scalars(
                select(Installment.sale_id)
                .where(Installment.status == InstallmentStatus.OPEN)
                .where(Installment.sale_id.is_not(None))
                .group_by(Installment.sale_id)
                .order_by(Installment.sale_id)
                .limit(12)
            )
        )
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    jobs = [printing_service.PrintJob("carne", s, TODAY) for s in sale_ids]  # type: ignore[arg-type]
    print_documents(parent, shop, jobs, "Carnês", "carnes.pdf")
    progress = parent.findChild(QProgressDialog, "renderProgress")
    assert isinstance(progress, QProgressDialog)
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    assert progress.windowTitle() == "Carnês"
    qtbot.waitUntil(lambda: progress.value() >= 1, timeout=10_000)
    assert progress.maximum() == len(jobs)
    assert "de 12" in progress.labelText()
    cancel = progress.findChild(QPushButton)
    assert isinstance(cancel, QPushButton) and cancel.text() == "Cancelar"
    cancel.click()
    qtbot.waitUntil(lambda: tasks.pending_jobs() == 0, timeout=10_000)
    qtbot.wait(50)
    assert parent.findChild(PdfPreviewDialog, "pdfPreview") is None
    assert parent.findChild(QProgressDialog, "renderProgress") is None
    assert len(rendered) < len(jobs)  # it stopped, it did not just hide the result


def test_a_refused_document_shows_what_to_fix(
    qtbot: QtBot, shop: AppContext, db: Database, warnings: list[tuple[str, str]]
) -> None:
    with db.unit_of_work(write=True) as uow:
        row = uow.session.get(Setting, "identity")
        assert row is not None
        row.value = {**row.value, "street": ""}
        uow.commit()
    page = open_customer(qtbot, shop, customer_with(db))
    select_overdue_installment(page)
    page.detail.slip_button.click()
    qtbot.waitUntil(lambda: len(warnings) == 1, timeout=10_000)
    title, text = warnings[0]
    assert title == "Não foi possível imprimir"
    assert text.startswith("Complete os dados da loja em Configurações")
    assert page.detail.findChild(PdfPreviewDialog, "pdfPreview") is None


def test_receipt_from_the_payments_tab(
    qtbot: QtBot, shop: AppContext, db: Database, screenshot_dir: Path
) -> None:
    with db.unit_of_work() as uow:
        payment_id, customer_id = uow.session.execute(
            select(Payment.id, Payment.customer_id)
            .where(Payment.reverses_id.is_(None))
            .order_by(Payment.id)
            .limit(1)
        ).one()
    page = open_customer(qtbot, shop, customer_id)
    detail = page.detail
    qtbot.wait(50)
    page.grab().save(str(screenshot_dir / "documents-detail-buttons.png"))
    detail.tabs.setCurrentIndex(1)
    row = detail.payments_model.row_of_id(payment_id)
    assert row is not None
    detail.payments_view.selectRow(row)
    assert detail.payments_view.selectionModel().selectedRows()[0].data(ID_ROLE) == payment_id
    qtbot.wait(50)
    detail.grab().save(str(screenshot_dir / "documents-detail-payments.png"))
    detail.receipt_button.click()
    preview = wait_preview(qtbot, detail)
    assert f"{payment_id:06d}" in normalized_text(preview.pdf)[0]
    assert preview.document.pagePointSize(0).width() < 240  # 80 mm roll
    qtbot.wait(100)
    preview.grab().save(str(screenshot_dir / "documents-preview-receipt.png"))
    preview.close()
    qtbot.waitUntil(lambda: detail.findChild(PdfPreviewDialog, "pdfPreview") is None)

    detail.receipt_a4_button.click()
    preview = wait_preview(qtbot, detail)
    assert round(preview.document.pagePointSize(0).width()) == 595  # A4
