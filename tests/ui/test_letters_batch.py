"""Cartas em lote: one PDF with one letter per customer; recorded as sent only when confirmed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import (
    AuditEvent,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    Customer,
    Installment,
    InstallmentStatus,
)
from services.db import Database
from tests.documents.conftest import normalized_text, save_png
from tests.ui.conftest import DemoShop, operator_ctx
from ui.context import AppContext
from ui.overdue.letters import FRIENDLY, NOTICE, LetterCandidate, LettersBatchDialog

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 17, 30)


@pytest.fixture
def shop(demo_shop: DemoShop) -> Database:
    return demo_shop(customers=20, sales=50, seed=7)


def context(db: Database, username: str = "dono") -> AppContext:
    return operator_ctx(db, username, NOW)


def late_customers(db: Database, count: int) -> list[tuple[int, str]]:
    """Customers late and not paused, with a full address: they can get a letter."""
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Customer.id, Customer.name)
            .join(Installment, Installment.customer_id == Customer.id)
            .where(
                Installment.status == InstallmentStatus.OPEN,
                Installment.due_date < TODAY,
                Customer.collection_paused_since.is_(None),
                Customer.street.is_not(None),
                Customer.cep.is_not(None),
            )
            .group_by(Customer.id, Customer.name)
            .order_by(Customer.id)
            .limit(count)
        ).all()
    assert len(rows) == count
    return [(r[0], r[1]) for r in rows]


def candidates(rows: list[tuple[int, str]], step: str = FRIENDLY) -> list[LetterCandidate]:
    from decimal import Decimal

    return [LetterCandidate(cid, name, step, 20, Decimal("150.00")) for cid, name in rows]


def letter_contacts(db: Database) -> list[ContactAttempt]:
    with db.unit_of_work() as uow:
        found = list(
            uow.session.scalars(
                select(ContactAttempt)
                .where(ContactAttempt.at == NOW, ContactAttempt.channel == ContactChannel.LETTER)
                .order_by(ContactAttempt.customer_id)
            )
        )
        uow.session.expunge_all()
        return found


def test_three_letters_in_one_pdf_recorded_after_confirming(
    qtbot: QtBot, shop: Database, screenshot_dir: Path
) -> None:
    rows = late_customers(shop, 3)
    others = late_customers(shop, 4)[3:]
    dialog = LettersBatchDialog(
        context(shop, "caixa"), candidates(rows) + candidates(others, NOTICE)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    # Only the customers at the letter's step are listed, all ticked.
    assert dialog.selected_ids() == [cid for cid, _ in rows]
    assert dialog.count_label.text() == "3 de 3 selecionados"
    assert dialog.generate_button.text() == "Gerar 3 cartas"
    dialog.grab().save(str(screenshot_dir / "letters_batch_choose.png"))

    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.generate_button.click()
    assert dialog.result_ is not None
    pdf = dialog.result_.pdf
    pages = normalized_text(pdf)
    for _cid, name in rows:
        assert sum(1 for page in pages if name in page) >= 1
    starts = [page for page in pages if "Página 1 de" in page]
    assert len(starts) == 3  # one letter per customer, each starting on its own page
    assert not dialog.skipped_label.isVisible()
    save_png(pdf, "ui-letters-batch", dpi=60)
    assert dialog.preview is not None and dialog.preview.isVisible()
    assert not letter_contacts(shop)  # nothing recorded before the person confirms printing

    dialog.preview.reject()
    qtbot.waitUntil(lambda: dialog.printed_bar.isVisible())
    assert dialog.printed_question.text().startswith("Cartas impressas — registrar como enviadas?")
    dialog.grab().save(str(screenshot_dir / "letters_batch_confirm.png"))
    with qtbot.waitSignal(dialog.lettersRecorded, timeout=10_000) as blocker:
        dialog.record_button.click()
    assert blocker.args == [3]
    assert "3 cartas registradas como enviadas em 23/11/2026" in dialog.done_label.text()
    dialog.grab().save(str(screenshot_dir / "letters_batch_done.png"))

    contacts = letter_contacts(shop)
    assert [c.customer_id for c in contacts] == sorted(cid for cid, _ in rows)
    for contact in contacts:
        assert contact.outcome is ContactOutcome.SENT
        assert contact.cadence_step == "collection_letter"
    with shop.unit_of_work() as uow:
        audited = uow.session.scalar(
            select(func.count()).where(AuditEvent.action == "contact.record", AuditEvent.at == NOW)
        )
    assert audited == 3


def test_a_paused_customer_is_skipped_with_the_reason_and_not_yet_records_nothing(
    qtbot: QtBot, shop: Database
) -> None:
    rows = late_customers(shop, 2)
    with shop.unit_of_work(write=True) as uow:
        customer = uow.session.get(Customer, rows[1][0])
        assert customer is not None
        customer.collection_paused_since = TODAY
        customer.collection_paused_reason = "Contestação: diz que já pagou."
        uow.commit()
    dialog = LettersBatchDialog(context(shop), candidates(rows, NOTICE), kind=NOTICE)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.kind() == NOTICE
    with qtbot.waitSignal(dialog.rendered, timeout=30_000):
        dialog.generate_button.click()
    assert dialog.skipped_label.isVisible()
    assert rows[1][1] in dialog.skipped_label.text()
    assert "cobrança suspensa" in dialog.skipped_label.text()
    assert dialog.result_ is not None and len(dialog.result_.batch.letters) == 1
    assert "Notificação" in " ".join(normalized_text(dialog.result_.pdf))
    assert dialog.preview is not None
    dialog.preview.reject()
    qtbot.waitUntil(lambda: dialog.printed_bar.isVisible())
    dialog.not_yet_button.click()
    assert not dialog.printed_bar.isVisible()
    assert not letter_contacts(shop)


def test_cancelling_the_batch_produces_and_records_nothing(qtbot: QtBot, shop: Database) -> None:
    rows = late_customers(shop, 3)
    dialog = LettersBatchDialog(context(shop), candidates(rows))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.generate_button.click()
    dialog.cancel()  # as the progress dialog's Cancelar does
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=30_000)
    assert "cancelada" in dialog.error_label.text()
    assert dialog.result_ is None and dialog.preview is None
    assert not letter_contacts(shop)


def test_unticking_a_customer_leaves_them_out(qtbot: QtBot, shop: Database) -> None:
    rows = late_customers(shop, 3)
    dialog = LettersBatchDialog(context(shop), candidates(rows))
    qtbot.addWidget(dialog)
    dialog.set_checked(rows[0][0], False)
    assert dialog.selected_ids() == [rows[1][0], rows[2][0]]
    assert dialog.generate_button.text() == "Gerar 2 cartas"
    dialog.none_button.click()
    assert not dialog.generate_button.isEnabled()
    dialog.set_kind(NOTICE)  # nobody in the queue is at the notice step
    assert dialog.selected_ids() == []
    assert "Nenhum cliente" in dialog.list.item(0).text()
