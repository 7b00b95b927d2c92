"""The Clientes workspace driven like a cashier would: search, register, edit, read the detail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import Customer, CustomerPhone, Installment, InstallmentStatus
from services import customers as cs
from services.bands import Band
from services.db import Database
from services.slips import slip_code_for
from tests.conftest import NOW, TODAY
from tests.ui.conftest import DemoShop
from ui.context import AppContext
from ui.customers import CustomersPage
from ui.customers.editor import CustomerEditor
from ui.customers.models import ALIGN, ID_ROLE, RIGHT
from ui.widgets import BAND_ROLE

pytestmark = pytest.mark.gui


PEOPLE = [
    ("João da Silva", "11144477735", "11987654321", "Ribeirão Preto"),
    ("Joana Souza", "52998224725", "1633334444", "Sertãozinho"),
    ("Maria José Gonçalves", "39053344705", "21912345678", "Ribeirão Preto"),
    ("Antônio Carlos Jobim", "87748248800", "1134567890", "Cravinhos"),
    ("Sílvia Araújo", "71428793860", "31988887777", "Ribeirão Preto"),
]


def seed(db: Database) -> dict[str, int]:
    ids = {}
    with db.unit_of_work(write=True) as uow:
        for name, cpf, phone, city in PEOPLE:
            data = cs.CustomerInput(
                name=name,
                cpf=cpf,
                phones=[(phone, True, "")],
                street="Rua Tibiriçá",
                number="50",
                district="Centro",
                city=city,
                uf="SP",
            )
            ids[name] = cs.create_customer(uow.session, data, user_id=None, now=NOW)
        uow.commit()
    return ids


def add_sale(db: Database, customer_id: int) -> list[int]:
    """Geladeira in 3 × R$ 300,00 due 10/10, 10/11, 10/12 (44 and 13 days late on TODAY)."""
    from models import CreditSale

    with db.unit_of_work(write=True) as uow:
        s = uow.session
        sale = CreditSale(
            customer_id=customer_id,
            sold_on=date(2026, 9, 10),
            description="Geladeira Frost Free 400 L",
            cash_price=Decimal("900.00"),
            down_payment=Decimal(0),
            financed_amount=Decimal("900.00"),
            installment_count=3,
            created_at=datetime(2026, 9, 10, 10),
        )
        s.add(sale)
        s.flush()
        items = [
            Installment(
                customer_id=customer_id,
                sale_id=sale.id,
                number=n,
                count=3,
                due_date=date(2026, 9 + n, 10),
                amount=Decimal("300.00"),
            )
            for n in (1, 2, 3)
        ]
        s.add_all(items)
        s.flush()
        for item in items:
            item.slip_code = slip_code_for(item.id)
        uow.commit()
        return [i.id for i in items]


def open_page(qtbot: QtBot, ctx: AppContext) -> CustomersPage:
    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitUntil(lambda: page.list_status.text() != "", timeout=5000)
    return page


def listed(page: CustomersPage) -> list[str]:
    model = page.list_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def search(qtbot: QtBot, page: CustomersPage, typed: str) -> None:
    with qtbot.waitSignal(page.searchFinished, timeout=5000):
        page.search_field.setText(typed)


def find(widget: QWidget, kind: type, name: str) -> object:
    found = widget.findChild(kind, name)
    assert found is not None, name
    return found


def wait_editor(qtbot: QtBot, page: CustomersPage) -> CustomerEditor:
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=5000)
    assert page.editor is not None
    assert page.editor.objectName() == "customerEditor"
    return page.editor


def error_under(editor: CustomerEditor, field: str) -> str:
    row = editor.errors.rows[field]
    return row.error_label.text() if row.error_label.isVisibleTo(editor) else ""


def customers_in_db(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Customer)) or 0)


# --- tests -------------------------------------------------------------------------------------


def test_the_list_opens_alphabetical_with_masked_cpf_and_band_chips(
    qtbot: QtBot, ctx: AppContext, db: Database, qtmodeltester: object
) -> None:
    ids = seed(db)
    add_sale(db, ids["Sílvia Araújo"])
    page = open_page(qtbot, ctx)
    assert page.objectName() == "customersPage"
    assert listed(page) == [
        "Antônio Carlos Jobim",
        "Joana Souza",
        "João da Silva",
        "Maria José Gonçalves",
        "Sílvia Araújo",
    ]
    model = page.list_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Nome",
        "CPF",
        "Cidade",
        "Faixa",
    ]
    row = listed(page).index("Sílvia Araújo")
    assert model.index(row, 1).data() == "***.287.938-**"
    assert model.index(row, 2).data() == "Ribeirão Preto"
    assert model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole) == "Ribeirão Preto/SP"
    band = model.index(row, 3).data(BAND_ROLE)
    assert isinstance(band, Band) and band.label == "31–60 dias"
    assert model.index(row, 3).data() == "31–60 dias"  # the label, not only the colour
    assert model.index(0, 3).data(BAND_ROLE).label == "Em dia"
    assert page.list_status.text() == "5 clientes encontrados."
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_search_as_you_type(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    seed(db)
    page = open_page(qtbot, ctx)
    search_field = find(page, QLineEdit, "customerSearch")
    assert search_field is page.search_field
    with qtbot.waitSignal(page.searchFinished, timeout=5000):
        qtbot.keyClicks(page.search_field, "silva jo")
    assert listed(page) == ["João da Silva"]
    # A single result opens its detail at once.
    qtbot.waitUntil(lambda: page.detail.customer_id is not None, timeout=5000)
    assert page.detail.name_label.text() == "João da Silva"

    search(qtbot, page, "SILVIA")
    assert listed(page) == ["Sílvia Araújo"]
    search(qtbot, page, "529.982.247-25")
    assert listed(page) == ["Joana Souza"]
    search(qtbot, page, "3333-4444")
    assert listed(page) == ["Joana Souza"]
    search(qtbot, page, "ninguém")
    assert listed(page) == []
    assert page.list_status.text() == (
        "Nenhum cliente encontrado para “ninguém”. Use “Novo cliente” para cadastrar."
    )
    assert page.detail.customer_id is None


def test_a_late_answer_to_an_old_search_is_dropped(
    qtbot: QtBot, ctx: AppContext, db: Database
) -> None:
    seed(db)
    page = open_page(qtbot, ctx)
    search(qtbot, page, "joana")
    stale = cs.SearchHit(1, "Resposta Antiga", "***.***.***-**", "")
    page._on_search_done((page._search_serial - 1, "jo", [stale], Decimal(1000)))
    assert listed(page) == ["Joana Souza"]


def test_new_customer_bad_cpf_then_fixed(
    qtbot: QtBot, ctx: AppContext, db: Database, screenshot_dir: Path
) -> None:
    seed(db)
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(find(page, QPushButton, "newCustomerButton"), Qt.MouseButton.LeftButton)
    editor = wait_editor(qtbot, page)
    assert editor.windowTitle() == "Novo cliente"
    qtbot.keyClicks(editor.name, "Beatriz Helena Camargo")
    qtbot.keyClicks(editor.cpf, "123.456.789-00")
    qtbot.keyClicks(editor.phone_rows[0].number, "16991234567")
    editor.phone_rows[0].whatsapp.setChecked(True)
    editor.birth_date.setText("31/02/1990")
    editor.email.setText("beatriz@")
    editor.street.setText("Avenida Nove de Julho")
    editor.number.setText("1200")
    editor.city.setText("Ribeirão Preto")
    editor.uf.setCurrentIndex(editor.uf.findData("SP"))

    with qtbot.waitSignal(editor.saveFailed, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert error_under(editor, "cpf") == "CPF inválido: confira os dígitos."
    assert error_under(editor, "birth_date") == "Data inexistente: confira dia e mês."
    assert error_under(editor, "email") == "E-mail inválido."
    assert error_under(editor, "name") == ""
    assert editor.isVisible()  # nothing typed is lost
    assert editor.name.text() == "Beatriz Helena Camargo"
    assert editor.phone_rows[0].number.text() == "(16) 99123-4567"  # formatted as typed
    assert customers_in_db(db) == 0 + len(PEOPLE)
    editor.grab().save(str(screenshot_dir / "customer-editor-errors.png"))

    editor.cpf.clear()
    qtbot.keyClicks(editor.cpf, "27309283082")
    editor.birth_date.setText("28/02/1990")
    editor.email.setText("beatriz@exemplo.com.br")
    with qtbot.waitSignal(page.customerSaved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.editor is None, timeout=5000)
    qtbot.waitUntil(lambda: page.detail.name_label.text() == "Beatriz Helena Camargo", timeout=5000)
    assert "Beatriz Helena Camargo" in listed(page)
    assert page.selected_customer_id() == page.detail.customer_id
    assert "CPF 273.092.830-82" in page.detail.subtitle.text()
    assert page.detail.limit_value.text() == "R$ 1.000,00"
    with db.unit_of_work() as uow:
        c = uow.session.scalars(select(Customer).where(Customer.cpf == "27309283082")).one()
        assert (c.birth_date, c.email) == (date(1990, 2, 28), "beatriz@exemplo.com.br")
        assert uow.session.scalars(select(CustomerPhone.number)).all().count("16991234567") == 1


def test_ctrl_n_opens_the_form_with_what_was_searched(
    qtbot: QtBot, ctx: AppContext, db: Database
) -> None:
    page = open_page(qtbot, ctx)
    assert page.list_status.text().startswith("Nenhum cliente cadastrado ainda")
    search(qtbot, page, "marta rocha")
    page.activateWindow()
    page.search_field.setFocus()
    qtbot.keyClick(page.search_field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = wait_editor(qtbot, page)
    assert editor.name.text() == "Marta Rocha"
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.editor is None, timeout=5000)
    assert customers_in_db(db) == 0


def test_edit_a_customer(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    ids = seed(db)
    page = open_page(qtbot, ctx)
    search(qtbot, page, "joana")
    qtbot.waitUntil(lambda: page.detail.customer_id == ids["Joana Souza"], timeout=5000)
    edit = find(page, QPushButton, "editCustomerButton")
    assert isinstance(edit, QPushButton) and edit.isEnabled()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    editor = wait_editor(qtbot, page)
    assert editor.windowTitle() == "Editar cliente — Joana Souza"
    assert editor.cpf.text() == "529.982.247-25"  # the form shows the whole CPF
    assert editor.phone_rows[0].number.text() == "(16) 3333-4444"
    editor.city.setText("Jardinópolis")
    editor.phone_rows[1].number.setText("(16) 99777-1234")
    editor.credit_limit.setText("1.500,00")
    with qtbot.waitSignal(page.customerSaved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Jardinópolis" in page.detail.address_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: page.list_model.index(0, 2).data() == "Jardinópolis", timeout=5000)
    assert page.detail.limit_value.text() == "R$ 1.500,00"
    assert "(16) 99777-1234" in page.detail.phones_label.text()
    assert page.detail.history_model.rowCount() == 2  # created, then changed
    assert page.detail.history_model.index(0, 2).data().startswith("Cadastro alterado: ")


def test_enter_on_the_list_edits(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    seed(db)
    page = open_page(qtbot, ctx)
    page.list_view.setFocus()
    page.list_view.setCurrentIndex(page.list_model.index(1, 0))
    qtbot.keyClick(page.list_view, Qt.Key.Key_Return)
    editor = wait_editor(qtbot, page)
    assert editor.name.text() == "Joana Souza"
    editor.reject()
    qtbot.waitUntil(lambda: page.editor is None, timeout=5000)


def test_detail_shows_the_open_installments(
    qtbot: QtBot,
    ctx: AppContext,
    db: Database,
    qtmodeltester: object,
) -> None:
    ids = seed(db)
    add_sale(db, ids["João da Silva"])
    page = open_page(qtbot, ctx)
    row = listed(page).index("João da Silva")
    with qtbot.waitSignal(page.detail.detailLoaded, timeout=5000):
        page.list_view.selectRow(row)
    detail = page.detail
    assert detail.objectName() == "customerDetail"
    assert detail.band_chip.text() == "31–60 dias"
    assert detail.profile_badge.text() == "B"
    assert "Cliente novo" in detail.profile_sentence.text()
    assert (detail.limit_value.text(), detail.used_value.text(), detail.available_value.text()) == (
        "R$ 1.000,00",
        "R$ 900,00",
        "R$ 100,00",
    )
    assert "44 dias" in detail.credit_reasons.text().replace("\u00a0", " ")

    view = find(detail, QTableView, "customerInstallments")
    assert isinstance(view, QTableView)
    model = view.model()
    cells = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert cells == [
        ["1/3", "Geladeira Frost Free 400 L (venda nº 1)", "10/10/2026", "44 dias",
         "R$ 300,00", "R$ 300,00", "R$ 6,00", "R$ 4,40", "R$ 310,40", "31–60 dias"],
        ["2/3", "Geladeira Frost Free 400 L (venda nº 1)", "10/11/2026", "13 dias",
         "R$ 300,00", "R$ 300,00", "R$ 6,00", "R$ 1,30", "R$ 307,30", "8–30 dias"],
        ["3/3", "Geladeira Frost Free 400 L (venda nº 1)", "10/12/2026", "",
         "R$ 300,00", "R$ 300,00", "R$ 0,00", "R$ 0,00", "R$ 300,00", "Em dia"],
    ]  # fmt: skip
    assert model.index(0, 8).data(ALIGN) == RIGHT  # amounts right-aligned
    assert model.index(0, 9).data(BAND_ROLE).colour == "#f6b3a8"
    assert detail.installments_footer.text() == (
        "3 parcelas em aberto, 2 vencidas · Total hoje R$ 917,70"
    )
    assert detail.tabs.tabText(0) == "Parcelas em aberto (3)"
    for table_model in detail.table_models():
        qtmodeltester.check(table_model)  # type: ignore[attr-defined]


def test_slip_code_opens_the_customer_on_that_installment(
    qtbot: QtBot, ctx: AppContext, db: Database
) -> None:
    ids = seed(db)
    installments = add_sale(db, ids["Maria José Gonçalves"])
    page = open_page(qtbot, ctx)
    with qtbot.waitSignal(page.detail.detailLoaded, timeout=5000):
        page.search_field.setText(slip_code_for(installments[1]))
    assert listed(page) == ["Maria José Gonçalves"]
    view = page.detail.installments_view
    selected = view.selectionModel().selectedRows()
    assert [index.data(ID_ROLE) for index in selected] == [installments[1]]
    assert page.detail.tabs.currentIndex() == 0


def test_screenshot_of_a_shop(
    qtbot: QtBot, ctx: AppContext, db: Database, demo_shop: DemoShop, screenshot_dir: Path
) -> None:
    demo_shop(customers=40, sales=90, seed=7)
    page = open_page(qtbot, ctx)
    assert page.list_model.rowCount() == 40
    # The customer with the most overdue installments makes the richest picture.
    with db.unit_of_work() as uow:
        busiest = uow.session.execute(
            select(Installment.customer_id)
            .where(Installment.status == InstallmentStatus.OPEN, Installment.due_date < TODAY)
            .group_by(Installment.customer_id)
            .order_by(func.count().desc(), Installment.customer_id)
            .limit(1)
        ).scalar_one()
    row = page.list_model.row_of_id(busiest)
    assert row is not None
    with qtbot.waitSignal(page.detail.detailLoaded, timeout=10_000):
        page.list_view.selectRow(row)
    page.list_view.scrollTo(page.list_model.index(row, 0))
    assert page.detail.installments_model.rowCount() > 0
    name = page.detail.findChild(QLabel, "customerName")
    assert isinstance(name, QLabel) and name.text()
    qtbot.wait(50)
    page.grab().save(str(screenshot_dir / "customers.png"))
    assert page.splitter.orientation() == Qt.Orientation.Vertical

    page.resize(1680, 900)  # a wide monitor: list and detail side by side
    qtbot.waitUntil(lambda: page.splitter.orientation() == Qt.Orientation.Horizontal)
    qtbot.wait(50)
    page.grab().save(str(screenshot_dir / "customers-wide.png"))
    page.detail.tabs.setCurrentIndex(1)
    page.detail.grab().save(str(screenshot_dir / "customers-payments.png"))
    page.detail.tabs.setCurrentIndex(2)
    page.detail.grab().save(str(screenshot_dir / "customers-history.png"))
