"""Settings: what is saved comes back the same, what breaks a rule is refused by field."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from models import AuditEvent, Setting
from services import audit
from services import settings as settings_service
from services.bands import DEFAULT_BANDS, Band
from services.db import Database
from services.settings import (
    BankAgreement,
    CollectionPolicy,
    ContactPolicy,
    ContactWindow,
    CreditRules,
    PixSettings,
    ShopIdentity,
    ShopSettings,
)
from services.validation import ValidationErrors

IDENTITY = ShopIdentity(
    name="Magazine  Bom Preço Ltda",
    document="11.222.333/0001-81",
    street="Avenida Brasil",
    number="1500",
    complement="Loja 2",
    district="Centro",
    city="Fortaleza",
    uf="ce",
    cep="60025-100",
    phone="(85) 3222-1100",
    email="Contato@BomPreco.com.br",
)


def save(db: Database, key: str, value: Any, now: datetime, user_id: int | None = None) -> Any:
    with db.unit_of_work(write=True) as uow:
        cleaned = settings_service.save_section(uow.session, key, value, user_id=user_id, now=now)
        uow.commit()
    return cleaned


def load(db: Database) -> ShopSettings:
    with db.unit_of_work() as uow:
        return settings_service.load(uow.session)


def refused(db: Database, key: str, value: Any, now: datetime) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as caught:
        save(db, key, value, now)
    return caught.value.by_field()


def test_an_empty_database_reads_as_the_documented_defaults(db: Database) -> None:
    settings = load(db)
    assert settings == ShopSettings()
    assert settings.policy.late_fee_pct == Decimal("2.00")
    assert settings.policy.bands == DEFAULT_BANDS
    assert settings.contact.default_window == ContactWindow(time(9), time(18))
    assert not settings.pix.enabled and not settings.bank.enabled
    with db.unit_of_work() as uow:
        assert not settings_service.is_configured(uow.session)


# --- round trips ---------------------------------------------------------------------------------


def test_identity_is_stored_cleaned_and_read_back(db: Database, now: datetime) -> None:
    cleaned = save(db, "identity", IDENTITY, now)
    expected = dataclasses.replace(
        IDENTITY,
        name="Magazine Bom Preço Ltda",
        document="11222333000181",
        uf="CE",
        cep="60025100",
        phone="8532221100",
        email="contato@bompreco.com.br",
    )
    assert cleaned == expected
    assert load(db).identity == expected
    assert expected.address_line() == (
        "Avenida Brasil, 1500 – Loja 2 – Centro – Fortaleza/CE – CEP 60025-100"
    )
    with db.unit_of_work() as uow:
        assert settings_service.is_configured(uow.session)


def test_collection_policy_with_custom_bands_round_trips(db: Database, now: datetime) -> None:
    bands = (
        Band("em_dia", "Em dia", 0, "#dff2e1", "#1b4d24"),
        Band("atraso", "Atrasado", 30, "#ffd8a8", "#6b3400"),
        Band("grave", "Mais de 30 dias", None, "#4a235a", "#ffffff"),
    )
    policy = CollectionPolicy(
        late_fee_pct=Decimal("1.5"),
        monthly_interest_pct=Decimal("0.99"),
        grace_days=3,
        cashier_waiver_limit=Decimal("12.50"),
        bands=bands,
    )
    save(db, "policy", policy, now)
    assert load(db).policy == policy


def test_credit_rules_round_trip(db: Database, now: datetime) -> None:
    rules = CreditRules(
        default_limit=Decimal("1500.00"),
        max_days_late=45,
        max_installments=10,
        default_monthly_rate=Decimal("2.49"),
        min_installment=Decimal("25.00"),
    )
    save(db, "credit", rules, now)
    assert load(db).credit == rules


def test_contact_policy_with_state_windows_round_trips(db: Database, now: datetime) -> None:
    contact = ContactPolicy(
        default_window=ContactWindow(time(9), time(17, 30)),
        by_state={
            "SP": ContactWindow(time(8), time(20), time(8), time(14)),
            "RJ": ContactWindow(time(9), time(19)),
        },
        skip_birthday=False,
        max_contacts_per_day=2,
    )
    save(db, "contact", contact, now)
    stored = load(db).contact
    assert stored == contact
    assert stored.window_for("sp") == contact.by_state["SP"]
    assert stored.window_for("MG") == contact.default_window
    assert stored.window_for(None) == contact.default_window


def test_pix_and_bank_round_trip_and_switch_on(db: Database, now: datetime) -> None:
    save(db, "pix", PixSettings("11222333000181", " Bom Preço ", "FORTALEZA"), now)
    save(db, "bank", BankAgreement(" 001 ", "1234", "56789-0", "17", "1234567"), now)
    settings = load(db)
    assert settings.pix == PixSettings("11222333000181", "Bom Preço", "FORTALEZA")
    assert settings.pix.enabled
    assert settings.bank == BankAgreement("001", "1234", "56789-0", "17", "1234567")
    assert settings.bank.enabled


def test_blank_pix_and_bank_mean_switched_off(db: Database, now: datetime) -> None:
    save(db, "pix", PixSettings("chave@loja.com.br", "Loja", "Recife"), now)
    save(db, "pix", PixSettings("", "", ""), now)
    save(db, "bank", BankAgreement(), now)
    settings = load(db)
    assert not settings.pix.enabled and not settings.bank.enabled


def test_a_section_that_cannot_be_read_falls_back_to_its_defaults(
    db: Database, now: datetime
) -> None:
    with db.unit_of_work(write=True) as uow:
        uow.session.add(Setting(key="policy", value={"bands": "nonsense"}, updated_at=now))
        uow.commit()
    assert load(db).policy == CollectionPolicy()


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fee", ["2.01", "2.5", "10", "-0.5"])
def test_late_fee_above_two_percent_is_refused(db: Database, now: datetime, fee: str) -> None:
    errors = refused(db, "policy", CollectionPolicy(late_fee_pct=Decimal(fee)), now)
    assert errors == {"late_fee_pct": "A multa vai de 0 % a 2 % (CDC art. 52 §1)."}
    assert load(db).policy == CollectionPolicy()


def test_exactly_two_percent_is_allowed(db: Database, now: datetime) -> None:
    save(db, "policy", CollectionPolicy(late_fee_pct=Decimal("2")), now)
    assert load(db).policy.late_fee_pct == Decimal("2")


def test_every_wrong_policy_field_is_named_at_once(db: Database, now: datetime) -> None:
    policy = CollectionPolicy(
        late_fee_pct=Decimal("3"),
        monthly_interest_pct=Decimal("11"),
        grace_days=31,
        cashier_waiver_limit=Decimal("-1"),
    )
    assert set(refused(db, "policy", policy, now)) == {
        "late_fee_pct", "monthly_interest_pct", "grace_days", "cashier_waiver_limit",
    }  # fmt: skip


def test_bad_cnpj_and_missing_fields_are_refused_by_field(db: Database, now: datetime) -> None:
    identity = dataclasses.replace(
        IDENTITY, name=" ", document="11.222.333/0001-80", uf="XX", cep="6002", email="a@b"
    )
    assert refused(db, "identity", identity, now) == {
        "name": "Informe o nome da loja.",
        "document": "CNPJ inválido: confira os dígitos.",
        "uf": "UF desconhecida: XX.",
        "cep": "O CEP tem 8 dígitos (ex.: 01310-100).",
        "email": "E-mail inválido.",
    }
    with db.unit_of_work() as uow:
        assert not settings_service.is_configured(uow.session)


def test_a_cpf_is_accepted_as_the_shop_document(db: Database, now: datetime) -> None:
    save(db, "identity", dataclasses.replace(IDENTITY, document="529.982.247-25"), now)
    assert load(db).identity.document == "52998224725"


def test_sao_paulo_saturday_until_15h_is_refused(db: Database, now: datetime) -> None:
    contact = ContactPolicy(by_state={"SP": ContactWindow(time(9), time(18), time(8), time(15))})
    assert refused(db, "contact", contact, now) == {
        "by_state.SP": "A lei de SP permite contato aos sábados das 08:00 às 14:00."
    }


def test_rio_saturday_is_refused(db: Database, now: datetime) -> None:
    contact = ContactPolicy(by_state={"RJ": ContactWindow(time(9), time(18), time(9), time(12))})
    assert refused(db, "contact", contact, now) == {
        "by_state.RJ": "A lei de RJ não permite contato de cobrança aos sábados."
    }


def test_state_window_outside_the_weekday_law_is_refused(db: Database, now: datetime) -> None:
    contact = ContactPolicy(by_state={"CE": ContactWindow(time(8), time(19))})
    assert refused(db, "contact", contact, now) == {
        "by_state.CE": "A lei de CE permite contato em dias úteis das 08:00 às 18:00."
    }


def test_nonsense_windows_are_refused(db: Database, now: datetime) -> None:
    contact = ContactPolicy(
        default_window=ContactWindow(time(18), time(9)),
        by_state={"MG": ContactWindow(time(9), time(18), time(8), None)},
        max_contacts_per_day=0,
    )
    assert refused(db, "contact", contact, now) == {
        "default_window": "O horário de início deve ser antes do fim.",
        "by_state.MG": "Sábado: informe início e fim, ou nenhum dos dois.",
        "max_contacts_per_day": "Entre 1 e 3 contatos por dia.",
    }


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "Configure ao menos uma faixa de atraso."),
        (
            (
                Band("a", "A", 10, "#ffffff", "#000000"),
                Band("b", "B", 5, "#ffffff", "#000000"),
                Band("c", "C", None, "#ffffff", "#000000"),
            ),
            "Faixa 2: o limite de dias deve ser maior que o da faixa anterior.",
        ),
        (
            (Band("a", "A", 10, "#ffffff", "#000000"), Band("b", "B", 20, "#ffffff", "#000000")),
            "A última faixa deve ficar sem limite de dias.",
        ),
        (
            (Band("a", "A", None, "#ffffff", "#000000"), Band("b", "B", None, "#fff", "#000000")),
            "Faixa 1: só a última faixa pode ficar sem limite de dias.",
        ),
        (
            (Band("a", "A", 0, "white", "#000000"), Band("b", "B", None, "#ffffff", "#000000")),
            "Faixa 1: cor inválida “white” (use #rrggbb).",
        ),
        (
            (Band("a", "A", 0, "#ffffff", "#000000"), Band("a", "B", None, "#ffffff", "#000")),
            "Faixa 2: a chave “a” está repetida.",
        ),
        (
            (Band("a", " ", 0, "#ffffff", "#000000"), Band("b", "B", None, "#ffffff", "#000000")),
            "Faixa 1: informe o nome da faixa.",
        ),
    ],
)
def test_bands_that_leave_days_without_a_band_are_refused(
    db: Database, now: datetime, bands: tuple[Band, ...], message: str
) -> None:
    errors = refused(db, "policy", CollectionPolicy(bands=bands), now)
    assert errors == {"bands": message}
    assert load(db).policy.bands == DEFAULT_BANDS


def test_low_contrast_bands_are_allowed(db: Database, now: datetime) -> None:
    bands = (Band("a", "A", 0, "#ffffff", "#eeeeee"), Band("b", "B", None, "#ffffff", "#000000"))
    save(db, "policy", CollectionPolicy(bands=bands), now)  # warned in the screen, not blocked
    assert load(db).policy.bands == bands


def test_bank_code_must_have_three_digits(db: Database, now: datetime) -> None:
    assert refused(db, "bank", BankAgreement("12", "", "", "", "123"), now) == {
        "bank_code": "O código do banco tem 3 dígitos (ex.: 001).",
        "agency": "Informe a agência.",
    }


def test_pix_key_needs_receiver_name_and_city(db: Database, now: datetime) -> None:
    assert refused(db, "pix", PixSettings("chave@loja.com.br", "", " "), now) == {
        "merchant_name": "Informe o nome do recebedor do Pix.",
        "merchant_city": "Informe a cidade do recebedor do Pix.",
    }


def test_wrong_type_for_a_section_is_a_programming_error(db: Database, now: datetime) -> None:
    with pytest.raises(TypeError):
        save(db, "policy", CreditRules(), now)
    with pytest.raises(TypeError):
        save(db, "colours", CreditRules(), now)


# --- audit ---------------------------------------------------------------------------------------


def _events(db: Database) -> list[tuple[str, int | None, Any, Any]]:
    with db.unit_of_work() as uow:
        return [
            (e.action, e.user_id, e.before, e.after)
            for e in uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "settings.update")
                .order_by(AuditEvent.id)
            )
        ]


def test_each_save_leaves_an_audit_entry_with_before_and_after(db: Database, now: datetime) -> None:
    save(db, "credit", CreditRules(max_installments=10), now)
    save(db, "credit", CreditRules(max_installments=8), now, user_id=None)
    save(db, "credit", CreditRules(max_installments=8), now)  # unchanged: nothing to record
    events = _events(db)
    assert len(events) == 2
    action, user_id, before, after = events[1]
    assert (action, user_id) == ("settings.update", None)
    assert before == {"section": "credit", "value": {**after["value"], "max_installments": 10}}
    assert after["section"] == "credit" and after["value"]["max_installments"] == 8
    assert events[0][2] == {"section": "credit", "value": None}
    with db.unit_of_work() as uow:
        assert audit.verify(uow.session).ok


def test_a_refused_save_leaves_no_audit_entry(db: Database, now: datetime) -> None:
    refused(db, "policy", CollectionPolicy(late_fee_pct=Decimal("5")), now)
    assert _events(db) == []


def test_the_window_for_a_state_never_exceeds_its_law() -> None:
    from datetime import time

    from services.settings import ContactPolicy, ContactWindow

    wide = ContactPolicy(default_window=ContactWindow(time(8), time(20), time(8), time(14)))
    rj = wide.window_for("RJ")
    assert (rj.weekday_start, rj.weekday_end) == (time(9), time(19))
    assert rj.saturday_start is None  # RJ: no Saturday
    sp = wide.window_for("SP")
    assert (sp.weekday_start, sp.weekday_end, sp.saturday_end) == (time(8), time(20), time(14))
    assert wide.window_for("MG") == wide.default_window  # no state law recorded: the shop's own


def test_pix_name_without_a_key_is_refused(db: Database, now: datetime) -> None:
    from services.settings import PixSettings

    with db.unit_of_work(write=True) as uow, pytest.raises(ValidationErrors) as info:
        settings_service.save_section(
            uow.session, "pix", PixSettings("", "Loja", "Ribeirão Preto"), user_id=None, now=now
        )
    assert "key" in info.value.by_field()


def test_a_cashier_cannot_change_settings(db: Database, now: datetime) -> None:
    from models import Role
    from services import users
    from services.settings import CollectionPolicy
    from services.users import NotAllowed

    with db.unit_of_work(write=True) as uow:
        owner = users.create_user(
            uow.session,
            username="dona",
            full_name="Dona",
            role=Role.OWNER,
            password="segredo1",
            now=now,
            created_by=None,
        )
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa",
            role=Role.CASHIER,
            password="segredo2",
            now=now,
            created_by=owner.id,
        )
        with pytest.raises(NotAllowed):
            settings_service.save_section(
                uow.session, "policy", CollectionPolicy(), user_id=cashier.id, now=now
            )


# --- régua de cobrança and city holidays ---------------------------------------------------------


def _edit(steps: Any, key: str, **changes: Any) -> Any:
    return tuple(dataclasses.replace(s, **changes) if s.key == key else s for s in steps)


def test_the_cadences_default_to_the_issues_steps(db: Database) -> None:
    from services.cadence import DEFAULT_SOFT, DEFAULT_STANDARD

    cadence = load(db).cadence
    assert cadence.standard == DEFAULT_STANDARD
    assert cadence.soft == DEFAULT_SOFT
    assert [s.offset_days for s in cadence.standard] == [-3, 1, 7, 15, 30, 45, 60, 90]


def test_an_edited_cadence_round_trips_and_is_audited(db: Database, now: datetime) -> None:
    from models import ContactChannel
    from services.settings import CadencePolicy

    policy = CadencePolicy()
    edited = CadencePolicy(
        standard=_edit(
            policy.standard,
            "contact",
            offset_days=8,
            channels=(ContactChannel.PHONE, ContactChannel.WHATSAPP),
            template="  Olá, {primeiro_nome}! Aqui é da {loja}.  ",
            label=" Ligação   da loja ",
        ),
        soft=_edit(policy.soft, "gentle_reminder", enabled=False),
    )
    cleaned = save(db, "cadence", edited, now)
    stored = load(db).cadence
    assert stored == cleaned
    contact = {s.key: s for s in stored.standard}["contact"]
    assert contact.offset_days == 8
    assert contact.channels == (ContactChannel.PHONE, ContactChannel.WHATSAPP)
    assert contact.template == "Olá, {primeiro_nome}! Aqui é da {loja}."
    assert contact.label == "Ligação da loja"
    assert not {s.key: s for s in stored.soft}["gentle_reminder"].enabled
    assert _events(db)[-1][3]["section"] == "cadence"


def test_a_stored_cadence_missing_a_step_keeps_that_steps_default(
    db: Database, now: datetime
) -> None:
    from services.cadence import DEFAULT_STANDARD
    from services.settings import CadencePolicy

    data = settings_service.section_to_json(CadencePolicy())
    data["standard"] = [s for s in data["standard"] if s["key"] != "review"]
    assert settings_service.section_from_json("cadence", data).standard == DEFAULT_STANDARD


def test_cadence_mistakes_are_refused_by_step_and_field(db: Database, now: datetime) -> None:
    from models import ContactChannel
    from services.settings import CadencePolicy

    policy = CadencePolicy()
    steps = _edit(policy.standard, "contact", offset_days=1, channels=())
    steps = _edit(
        steps,
        "collection_letter",
        template="Prezado {cliente}, {nome",
        channels=(ContactChannel.LETTER, ContactChannel.EMAIL),
    )
    steps = _edit(steps, "bureau_notice", channels=(ContactChannel.WHATSAPP,))
    steps = _edit(steps, "bureau_report", offset_days=50)
    steps = _edit(steps, "reminder", offset_days=2, label="  ")
    errors = refused(db, "cadence", CadencePolicy(standard=steps), now)
    assert errors == {
        "standard.reminder.offset_days": "O lembrete vai de 15 dias antes até o dia do vencimento.",
        "standard.reminder.label": "Informe o nome do passo.",
        "standard.contact.offset_days": "Deve vir depois de “Lembrete gentil” (D+1).",
        "standard.contact.channels": "Escolha pelo menos um canal.",
        "standard.collection_letter.template": (
            "Chave { ou } sem par: cada campo vai entre chaves, ex.: {nome}."
        ),
        "standard.collection_letter.channels": "A carta de cobrança é só por carta.",
        "standard.bureau_notice.channels": (
            "O aviso antes da negativação é só por carta (CDC art. 43 §2)."
        ),
        "standard.bureau_report.offset_days": (
            "A negativação vem pelo menos 10 dias depois do aviso por escrito (CDC art. 43 §2)."
        ),
    }
    with pytest.raises(ValidationErrors) as caught:
        save(db, "cadence", CadencePolicy(standard=steps), now)
    messages = [e.message for e in caught.value.errors if e.field.endswith("letter.template")]
    assert messages[0].startswith("Campo desconhecido: {cliente}.")
    assert load(db).cadence == CadencePolicy()


def test_a_bureau_report_without_the_written_notice_is_refused(db: Database, now: datetime) -> None:
    from services.settings import CadencePolicy

    soft = _edit(CadencePolicy().soft, "bureau_notice", enabled=False)
    assert refused(db, "cadence", CadencePolicy(soft=soft), now) == {
        "soft.bureau_notice.enabled": (
            "Sem o aviso por escrito não pode haver negativação (CDC art. 43 §2): ative o aviso "
            "ou desative a negativação."
        )
    }
    both_off = _edit(soft, "bureau_report", enabled=False)
    assert save(db, "cadence", CadencePolicy(soft=both_off), now).soft == both_off


def test_a_cashier_cannot_change_the_cadence(db: Database, now: datetime) -> None:
    from models import Role
    from services import users
    from services.settings import CadencePolicy
    from services.users import NotAllowed

    with db.unit_of_work(write=True) as uow:
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa",
            role=Role.CASHIER,
            password="segredo2",
            now=now,
            created_by=None,
        )
        with pytest.raises(NotAllowed):
            settings_service.save_section(
                uow.session, "cadence", CadencePolicy(), user_id=cashier.id, now=now
            )


def test_city_holidays_round_trip_sorted_and_cleaned(db: Database, now: datetime) -> None:
    from services.settings import LocalHoliday

    contact = ContactPolicy(
        local_holidays=(
            LocalHoliday("Corpus  Christi", 6, 4, 2026),
            LocalHoliday("Aniversário da cidade", 6, 19),
            LocalHoliday("São Sebastião", 1, 20),
        )
    )
    cleaned = save(db, "contact", contact, now)
    assert load(db).contact == cleaned
    assert [(h.name, h.date_text()) for h in cleaned.local_holidays] == [
        ("São Sebastião", "20/01"),
        ("Corpus Christi", "04/06/2026"),
        ("Aniversário da cidade", "19/06"),
    ]


def test_wrong_city_holidays_are_refused(db: Database, now: datetime) -> None:
    from services.settings import LocalHoliday

    for holiday, message in (
        (LocalHoliday("", 6, 19), "Informe o nome do feriado."),
        (LocalHoliday("Dia 31", 4, 31), "Data inválida: 31/04."),
        (LocalHoliday("Bissexto", 2, 29, 2027), "Data inválida: 29/02/2027."),
    ):
        contact = ContactPolicy(local_holidays=(holiday,))
        assert refused(db, "contact", contact, now) == {"local_holidays": message}
    twice = ContactPolicy(local_holidays=(LocalHoliday("A", 6, 19), LocalHoliday("B", 6, 19)))
    assert refused(db, "contact", twice, now) == {"local_holidays": "Feriado repetido em 19/06."}
    leap = ContactPolicy(local_holidays=(LocalHoliday("Todo 29/02", 2, 29),))
    assert save(db, "contact", leap, now) == leap


# --- acordos (issue 6) ---------------------------------------------------------------------------


def test_agreement_limits_default_to_the_issues_values(db: Database) -> None:
    from services.settings import KEEP_DISCOUNT, LOSE_DISCOUNT, AgreementPolicy

    policy = load(db).agreements
    assert policy == AgreementPolicy()
    assert policy.max_discount_charges_pct == Decimal("100")
    assert policy.max_discount_principal_pct == Decimal("10")
    assert policy.max_installments == 12
    assert policy.min_installment == Decimal("20.00")
    assert policy.breach_days == 30
    assert policy.breach_clause == LOSE_DISCOUNT != KEEP_DISCOUNT
    assert policy.write_off_below == Decimal("100.00")
    assert policy.write_off_silent_days == 180


def test_agreement_limits_round_trip_and_are_audited(db: Database, now: datetime) -> None:
    from services.settings import KEEP_DISCOUNT, AgreementPolicy

    policy = AgreementPolicy(
        max_discount_charges_pct=Decimal("50.5"),
        max_discount_principal_pct=Decimal("0"),
        max_installments=24,
        min_installment=Decimal("35.00"),
        breach_days=45,
        breach_clause=KEEP_DISCOUNT,
        write_off_below=Decimal("250.00"),
        write_off_silent_days=365,
    )
    assert save(db, "agreements", policy, now) == policy
    assert load(db).agreements == policy
    with db.unit_of_work() as uow:
        row = uow.session.get(Setting, "agreements")
        assert row is not None
        assert row.value["max_discount_charges_pct"] == "50.5"
        assert row.value["breach_clause"] == "keep_discount"
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.update")
        ).one()
        assert event.after == {"section": "agreements", "value": row.value}
        assert audit.verify(uow.session).ok


def test_every_wrong_agreement_limit_is_named_at_once(db: Database, now: datetime) -> None:
    from services.settings import AgreementPolicy

    errors = refused(
        db,
        "agreements",
        AgreementPolicy(
            max_discount_charges_pct=Decimal("120"),
            max_discount_principal_pct=Decimal("-1"),
            max_installments=0,
            min_installment=Decimal("19.999"),
            breach_days=0,
            breach_clause="perdoa_tudo",
            write_off_below=Decimal("-5.00"),
            write_off_silent_days=10,
        ),
        now,
    )
    assert errors == {
        "max_discount_charges_pct": "Desconto na multa e nos juros entre 0 % e 100 %.",
        "max_discount_principal_pct": "Desconto no valor principal entre 0 % e 100 %.",
        "max_installments": "Entre 1 e 120 parcelas.",
        "min_installment": "Use no máximo duas casas decimais.",
        "breach_days": "O acordo é rompido com atraso de 1 a 365 dias.",
        "breach_clause": "Escolha o que acontece com o desconto.",
        "write_off_below": "O valor não pode ser negativo.",
        "write_off_silent_days": "Entre 30 e 3.650 dias sem resposta.",
    }
    assert load(db).agreements == settings_service.AgreementPolicy()


def test_a_cashier_cannot_change_the_agreement_limits(db: Database, now: datetime) -> None:
    from models import Role
    from services import users
    from services.settings import AgreementPolicy
    from services.users import NotAllowed

    with db.unit_of_work(write=True) as uow:
        owner = users.create_user(
            uow.session,
            username="dona",
            full_name="Dona",
            role=Role.OWNER,
            password="segredo1",
            now=now,
            created_by=None,
        )
        cashier = users.create_user(
            uow.session,
            username="caixa",
            full_name="Caixa",
            role=Role.CASHIER,
            password="segredo2",
            now=now,
            created_by=owner.id,
        )
        with pytest.raises(NotAllowed, match="Somente o dono"):
            settings_service.save_section(
                uow.session,
                "agreements",
                AgreementPolicy(max_discount_principal_pct=Decimal("100")),
                user_id=cashier.id,
                now=now,
            )
        settings_service.save_section(
            uow.session, "agreements", AgreementPolicy(breach_days=60), user_id=owner.id, now=now
        )
        assert settings_service.load(uow.session).agreements.breach_days == 60
