"""The collection cadence on the calendar: which step is next, and when contact may happen."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import ContactChannel
from services import cadence
from services.cadence import (
    DEFAULT_SOFT,
    DEFAULT_STANDARD,
    cadence_for,
    contact_permission,
    mailto_link,
    message_values,
    next_step,
    phone_script,
    render_message,
    template_problems,
    whatsapp_link,
)
from services.settings import CadencePolicy, ContactPolicy, ContactWindow, LocalHoliday

W = ContactChannel.WHATSAPP
LETTER = ContactChannel.LETTER
DEFAULT = ContactPolicy()
SP_SATURDAYS = ContactPolicy(by_state={"SP": ContactWindow(time(9), time(18), time(8), time(14))})
RIBEIRAO = ContactPolicy(local_holidays=(LocalHoliday("Aniversário de Ribeirão Preto", 6, 19),))


def may(
    at: datetime,
    *,
    uf: str | None = "SP",
    policy: ContactPolicy = DEFAULT,
    birth_date: date | None = None,
    contacts_today: int = 0,
    consent: bool = True,
    channel: ContactChannel = W,
) -> cadence.ContactPermission:
    return contact_permission(
        at,
        uf=uf,
        birth_date=birth_date,
        contacts_today=contacts_today,
        consent=consent,
        channel=channel,
        policy=policy,
    )


# --- contact permission: the calendar --------------------------------------------------------


def test_a_monday_morning_is_allowed_and_the_first_moment_is_now() -> None:
    at = datetime(2026, 11, 23, 10, 30)
    assert may(at) == cadence.ContactPermission(True, None, at)


def test_sao_paulo_saturday_until_14h_when_the_shop_uses_it() -> None:
    assert may(datetime(2026, 11, 28, 13, 0), policy=SP_SATURDAYS).allowed
    late = may(datetime(2026, 11, 28, 15, 0), policy=SP_SATURDAYS)
    assert not late.allowed
    assert late.reason == "Fora do horário (8h às 14h)"
    assert late.next_allowed == datetime(2026, 11, 30, 9, 0)  # Monday morning
    assert may(datetime(2026, 11, 28, 7, 59), policy=SP_SATURDAYS).next_allowed == datetime(
        2026, 11, 28, 8, 0
    )


def test_sao_paulo_saturday_without_saturday_hours_in_the_settings() -> None:
    result = may(datetime(2026, 11, 28, 10, 0))
    assert result.reason == "Sábado: a loja não faz contato de cobrança aos sábados"
    assert result.next_allowed == datetime(2026, 11, 30, 9, 0)


def test_rio_de_janeiro_never_on_saturday_even_if_the_shop_would() -> None:
    wide = ContactPolicy(default_window=ContactWindow(time(9), time(18), time(9), time(13)))
    result = may(datetime(2026, 11, 28, 10, 0), uf="RJ", policy=wide)
    assert result == cadence.ContactPermission(
        False, "Sábado: contato não permitido em RJ", datetime(2026, 11, 30, 9, 0)
    )
    assert may(datetime(2026, 11, 28, 10, 0), uf="MG", policy=wide).allowed


def test_never_on_sunday() -> None:
    result = may(datetime(2026, 11, 22, 10, 0), policy=SP_SATURDAYS)
    assert result.reason == "Domingo: contato não permitido"
    assert result.next_allowed == datetime(2026, 11, 23, 9, 0)


def test_national_holidays_by_name() -> None:
    # 15/11/2026 is a Sunday and a holiday: the holiday is named.
    assert may(datetime(2026, 11, 15, 10, 0)).reason == "Feriado: Proclamação da República"
    # 20/11 is a national holiday since Lei 14.759/2023; in 2026 a Friday.
    friday = may(datetime(2026, 11, 20, 10, 0))
    assert friday.reason == "Feriado: Dia Nacional de Zumbi e da Consciência Negra"
    assert friday.next_allowed == datetime(2026, 11, 23, 9, 0)  # not Saturday, not Sunday


def test_a_state_holiday_counts_only_in_that_state() -> None:
    # 09/07/2026, a Thursday: Revolução Constitucionalista, São Paulo only.
    assert may(datetime(2026, 7, 9, 10, 0)).reason == "Feriado: Revolução Constitucionalista"
    assert may(datetime(2026, 7, 9, 10, 0)).next_allowed == datetime(2026, 7, 10, 9, 0)
    assert may(datetime(2026, 7, 9, 10, 0), uf="MG").allowed
    # 23/04/2026, a Thursday: Dia de São Jorge in Rio de Janeiro.
    assert may(datetime(2026, 4, 23, 10, 0), uf="RJ").reason == "Feriado: São Jorge"


def test_the_shops_city_holiday() -> None:
    result = may(datetime(2026, 6, 19, 10, 0), policy=RIBEIRAO)  # a Friday
    assert result.reason == "Feriado: Aniversário de Ribeirão Preto"
    assert result.next_allowed == datetime(2026, 6, 22, 9, 0)
    # A customer in another city: the caller leaves the city's holidays out.
    other_city = contact_permission(
        datetime(2026, 6, 19, 10, 0),
        uf="SP",
        birth_date=None,
        contacts_today=0,
        consent=True,
        channel=W,
        policy=RIBEIRAO,
        local_holidays=(),
    )
    assert other_city.allowed


def test_a_one_year_city_holiday_applies_in_that_year_only() -> None:
    corpus = ContactPolicy(local_holidays=(LocalHoliday("Corpus Christi", 6, 4, 2026),))
    assert may(datetime(2026, 6, 4, 10, 0), policy=corpus).reason == "Feriado: Corpus Christi"
    assert may(datetime(2027, 6, 4, 10, 0), policy=corpus).allowed


def test_not_on_the_customers_birthday_and_the_next_morning_is_fine() -> None:
    result = may(datetime(2026, 11, 23, 10, 0), birth_date=date(1980, 11, 23))
    assert result.reason == "Aniversário do cliente"
    assert result.next_allowed == datetime(2026, 11, 24, 9, 0)
    no_rule = ContactPolicy(skip_birthday=False)
    assert may(datetime(2026, 11, 23, 10, 0), birth_date=date(1980, 11, 23), policy=no_rule).allowed


def test_a_birthday_on_friday_before_a_weekend_moves_to_monday() -> None:
    result = may(datetime(2026, 11, 27, 10, 0), birth_date=date(1990, 11, 27))
    assert result.next_allowed == datetime(2026, 11, 30, 9, 0)


def test_a_leap_day_birthday_is_kept_on_28_february() -> None:
    assert may(datetime(2027, 2, 26, 10, 0), birth_date=date(2000, 2, 29)).allowed
    assert may(datetime(2030, 2, 28, 10, 0), birth_date=date(2000, 2, 29)).reason == (
        "Aniversário do cliente"
    )


def test_at_20h_it_waits_for_the_next_morning() -> None:
    result = may(datetime(2026, 11, 23, 20, 0))
    assert result.reason == "Fora do horário (9h às 18h)"
    assert result.next_allowed == datetime(2026, 11, 24, 9, 0)
    assert not may(datetime(2026, 11, 23, 18, 0)).allowed  # the end is exclusive
    assert may(datetime(2026, 11, 23, 17, 59)).allowed
    early = may(datetime(2026, 11, 23, 7, 0))
    assert early.next_allowed == datetime(2026, 11, 23, 9, 0)


def test_minutes_show_in_the_window() -> None:
    policy = ContactPolicy(default_window=ContactWindow(time(8, 30), time(17, 45)))
    assert may(datetime(2026, 11, 23, 18, 0), policy=policy).reason == (
        "Fora do horário (8h30 às 17h45)"
    )


def test_a_second_contact_the_same_day_waits_for_tomorrow() -> None:
    result = may(datetime(2026, 11, 23, 10, 30), contacts_today=1)
    assert result.reason == "Já houve contato hoje"
    assert result.next_allowed == datetime(2026, 11, 24, 9, 0)
    friday = may(datetime(2026, 11, 27, 10, 0), contacts_today=1)
    assert friday.next_allowed == datetime(2026, 11, 30, 9, 0)
    two = ContactPolicy(max_contacts_per_day=2)
    assert may(datetime(2026, 11, 23, 10, 30), contacts_today=1, policy=two).allowed
    assert may(datetime(2026, 11, 23, 10, 30), contacts_today=2, policy=two).reason == (
        "Já houve 2 contatos hoje (máximo 2)"
    )


def test_without_consent_no_message_or_call_but_a_letter_still_goes() -> None:
    monday = datetime(2026, 11, 23, 10, 30)
    for channel in (W, ContactChannel.SMS, ContactChannel.PHONE, ContactChannel.EMAIL):
        result = may(monday, consent=False, channel=channel)
        assert result == cadence.ContactPermission(False, "Cliente não autorizou contato", None)
    assert may(monday, consent=False, channel=LETTER).allowed


def test_a_letter_ignores_hours_weekends_and_holidays_but_counts_as_the_days_contact() -> None:
    sunday_night = datetime(2026, 11, 22, 21, 0)
    assert may(sunday_night, channel=LETTER).allowed
    assert may(datetime(2026, 11, 20, 10, 0), channel=LETTER).allowed  # holiday
    second = may(datetime(2026, 11, 23, 19, 0), channel=LETTER, contacts_today=1)
    assert second.reason == "Já houve contato hoje"
    assert second.next_allowed == datetime(2026, 11, 24, 0, 0)


def test_in_person_keeps_the_hours_but_not_the_consent() -> None:
    person = ContactChannel.IN_PERSON
    assert may(datetime(2026, 11, 23, 10, 0), channel=person, consent=False).allowed
    assert not may(datetime(2026, 11, 23, 20, 0), channel=person).allowed


def test_the_year_end_holidays_push_to_the_next_working_morning() -> None:
    # Thu 31/12/2026 at 19h → Fri 01/01 is a holiday, then the weekend → Mon 04/01/2027.
    result = may(datetime(2026, 12, 31, 19, 0))
    assert result.next_allowed == datetime(2027, 1, 4, 9, 0)


@settings(max_examples=300, deadline=None)
@given(
    at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    uf=st.sampled_from(["SP", "RJ", "CE", "MG", None]),
    birthday=st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31)),
    contacts=st.integers(min_value=0, max_value=2),
)
def test_whatever_the_moment_the_answer_keeps_every_rule(
    at: datetime, uf: str | None, birthday: date, contacts: int
) -> None:
    result = may(at, uf=uf, birth_date=birthday, contacts_today=contacts, policy=SP_SATURDAYS)
    if result.allowed:
        assert at.weekday() != 6
        assert cadence.holiday_name(at.date(), uf) is None
        assert contacts == 0
        return
    moment = result.next_allowed
    assert moment is not None and moment >= at
    again = may(
        moment,
        uf=uf,
        birth_date=birthday,
        contacts_today=contacts if moment.date() == at.date() else 0,
        policy=SP_SATURDAYS,
    )
    assert again.allowed, (result, again)
    # It is the first such moment: a minute earlier (same day, after `at`) is not allowed.
    earlier = moment - timedelta(minutes=1)
    if earlier >= at and earlier.date() == moment.date():
        before = may(
            earlier,
            uf=uf,
            birth_date=birthday,
            contacts_today=contacts if earlier.date() == at.date() else 0,
            policy=SP_SATURDAYS,
        )
        assert not before.allowed


# --- which cadence --------------------------------------------------------------------------------


def test_good_history_gets_the_soft_cadence_and_the_rest_the_standard_one() -> None:
    policy = CadencePolicy()
    assert cadence_for("A", policy) == DEFAULT_SOFT
    assert cadence_for("b", policy) == DEFAULT_SOFT
    assert cadence_for("B", policy, new_customer=True) == DEFAULT_STANDARD
    assert cadence_for("C", policy) == DEFAULT_STANDARD
    assert cadence_for("D", policy) == DEFAULT_STANDARD
    assert cadence_for(None, policy) == DEFAULT_STANDARD


def test_the_default_cadences_are_the_issues_steps_and_the_soft_one_is_later() -> None:
    assert [(s.key, cadence.day_label(s.offset_days)) for s in DEFAULT_STANDARD] == [
        ("reminder", "D−3"),
        ("gentle_reminder", "D+1"),
        ("contact", "D+7"),
        ("collection_letter", "D+15"),
        ("agreement_proposal", "D+30"),
        ("bureau_notice", "D+45"),
        ("bureau_report", "D+60"),
        ("review", "D+90"),
    ]
    standard = {s.key: s for s in DEFAULT_STANDARD}
    assert standard["reminder"].channels == (W, ContactChannel.SMS)
    assert standard["contact"].channels == (W, ContactChannel.PHONE)
    assert standard["bureau_notice"].channels == (LETTER,)
    assert standard["collection_letter"].channels == (LETTER,)
    for soft in DEFAULT_SOFT:
        assert soft.offset_days >= standard[soft.key].offset_days
    assert {s.key: s.offset_days for s in DEFAULT_SOFT}["gentle_reminder"] > 1
    assert {s.key: s.offset_days for s in DEFAULT_SOFT}["bureau_notice"] > 45


def test_default_messages_are_soft_name_the_shop_and_use_known_fields() -> None:
    for step in (*DEFAULT_STANDARD, *DEFAULT_SOFT):
        assert template_problems(step.template) == []
        text = step.template.lower()
        assert "dívida" not in text
        for threat in ("processo", "justiça", "polícia", "último aviso"):
            assert threat not in text
        if not step.internal:
            assert "{loja}" in step.template


# --- next step ------------------------------------------------------------------------------------

TODAY = date(2026, 11, 23)


def nxt(
    days_late: int | None,
    done: set[str],
    *,
    steps: tuple[cadence.CadenceStep, ...] = DEFAULT_STANDARD,
    next_due: date | None = None,
    notice_days_ago: int | None = None,
    paused: bool = False,
) -> cadence.ScheduledStep | None:
    oldest = TODAY - timedelta(days=days_late) if days_late is not None else None
    notice = TODAY - timedelta(days=notice_days_ago) if notice_days_ago is not None else None
    return next_step(
        steps,
        oldest_due=oldest,
        next_due=next_due,
        done_steps=done,
        today=TODAY,
        notice_sent_on=notice,
        paused=paused,
    )


def test_not_late_the_reminder_falls_three_days_before_the_due_date() -> None:
    found = nxt(None, set(), next_due=date(2026, 12, 10))
    assert found is not None
    assert (found.key, found.on, found.behind) == ("reminder", date(2026, 12, 7), False)
    assert nxt(None, {"reminder"}, next_due=date(2026, 12, 10)) is None
    assert nxt(None, set()) is None  # nothing to pay


def test_a_reminder_missed_goes_today_while_still_before_the_due_date() -> None:
    found = nxt(None, set(), next_due=date(2026, 11, 24))
    assert found is not None and (found.key, found.on) == ("reminder", TODAY)
    assert found.planned == date(2026, 11, 21)
    # Due today is not late yet: still the reminder.
    assert nxt(0, set(), next_due=TODAY) == nxt(None, set(), next_due=TODAY)


def test_at_d_plus_8_with_only_the_reminder_done_the_contact_is_due_today() -> None:
    found = nxt(8, {"reminder"})
    assert found is not None
    assert (found.key, found.on, found.planned) == ("contact", TODAY, TODAY - timedelta(days=1))
    assert found.skipped == ("gentle_reminder",)


def test_one_day_late_the_gentle_reminder_is_today_then_the_contact_at_d_plus_7() -> None:
    found = nxt(1, {"reminder"})
    assert found is not None and (found.key, found.on, found.skipped) == (
        "gentle_reminder",
        TODAY,
        (),
    )
    after = nxt(1, {"reminder", "gentle_reminder"})
    assert after is not None and (after.key, after.on) == ("contact", TODAY + timedelta(days=6))


def test_a_step_done_out_of_order_makes_the_earlier_ones_obsolete() -> None:
    found = nxt(3, {"contact"})
    assert found is not None and (found.key, found.on) == (
        "collection_letter",
        TODAY + timedelta(days=12),
    )


def test_the_soft_cadence_waits_longer() -> None:
    found = nxt(1, {"reminder"}, steps=DEFAULT_SOFT)
    assert found is not None and (found.key, found.on) == ("gentle_reminder", TODAY + timedelta(2))


def test_disabled_steps_are_passed_over() -> None:
    steps = tuple(
        s if s.key != "gentle_reminder" else cadence.CadenceStep(**{**s.__dict__, "enabled": False})
        for s in DEFAULT_STANDARD
    )
    found = nxt(1, set(), steps=steps)
    assert found is not None and (found.key, found.on) == ("contact", TODAY + timedelta(days=6))


def test_far_behind_the_written_notice_is_never_skipped() -> None:
    found = nxt(70, {"contact"})
    assert found is not None
    assert found.key == "bureau_notice" and found.on == TODAY
    assert found.skipped == ("collection_letter", "agreement_proposal")


def test_the_bureau_report_waits_ten_days_after_the_notice() -> None:
    done = {"reminder", "gentle_reminder", "contact", "collection_letter", "bureau_notice"}
    # Notice sent at D+45 (15 days ago): report due at D+60 = today.
    found = nxt(60, done, notice_days_ago=15)
    assert found is not None and (found.key, found.on) == ("bureau_report", TODAY)
    # Notice sent only 4 days ago, at D+66: the report waits until 10 days after it.
    late = nxt(70, done, notice_days_ago=4)
    assert late is not None
    assert (late.key, late.on) == ("bureau_report", TODAY + timedelta(days=6))
    # At D+95 the review is overdue, but the report is not jumped over.
    review_time = nxt(95, done, notice_days_ago=3)
    assert review_time is not None and review_time.key == "bureau_report"
    assert review_time.on == TODAY + timedelta(days=7)


def test_without_the_notice_date_the_report_is_never_scheduled() -> None:
    done = {"contact", "collection_letter", "agreement_proposal", "bureau_notice"}
    found = nxt(65, done)
    assert found is not None and (found.key, found.on) == ("review", TODAY + timedelta(days=25))


def test_after_the_report_the_review_and_then_nothing() -> None:
    done = {"bureau_notice", "bureau_report"}
    found = nxt(91, done, notice_days_ago=40)
    assert found is not None and (found.key, found.on) == ("review", TODAY)
    assert nxt(120, {*done, "review"}, notice_days_ago=70) is None


def test_a_paused_cadence_has_no_next_step() -> None:
    assert nxt(10, set(), paused=True) is None


# --- messages and links ---------------------------------------------------------------------------

VALUES = message_values(
    customer_name="MARIA  aparecida da Silva",
    shop_name="Magazine Osório",
    shop_phone="1633334444",
    amount=Decimal("1234.5"),
    due=date(2026, 11, 10),
    days_late=13,
    installments=2,
)


def test_message_values_are_formatted_as_people_read_them() -> None:
    assert VALUES == {
        "nome": "MARIA aparecida da Silva",
        "primeiro_nome": "Maria",
        "loja": "Magazine Osório",
        "telefone_loja": "(16) 3333-4444",
        "valor": "R$ 1.234,50",
        "vencimento": "10/11/2026",
        "dias": "13 dias",
        "parcelas": "2 parcelas",
    }
    one = message_values(
        customer_name="João",
        shop_name="Loja",
        shop_phone="",
        amount=Decimal("10"),
        due=None,
        days_late=1,
        installments=1,
    )
    assert (one["dias"], one["parcelas"], one["vencimento"]) == ("1 dia", "1 parcela", "")


def test_the_contact_message_reads_right() -> None:
    step = {s.key: s for s in DEFAULT_STANDARD}["contact"]
    assert render_message(step.template, VALUES) == (
        "Olá, Maria, tudo bem? Aqui é da Magazine Osório. Consta uma pendência de R$ 1.234,50 "
        "(2 parcelas, desde 10/11/2026). Podemos ajudar a encontrar a melhor forma de "
        "regularizar? Responda esta mensagem ou ligue (16) 3333-4444."
    )


def test_unknown_or_broken_placeholders_never_crash_rendering() -> None:
    assert (
        render_message("Oi {nome}, {saldo} {", VALUES) == "Oi MARIA aparecida da Silva, {saldo} {"
    )
    assert render_message("{0} {} {nome!r} }{", VALUES) == "{0} {} {nome!r} }{"
    assert template_problems("Oi {saldo} e {nome}") == [
        "Campo desconhecido: {saldo}. Use {nome}, {primeiro_nome}, {loja}, {telefone_loja}, "
        "{valor}, {vencimento}, {dias}, {parcelas}."
    ]
    assert template_problems("Oi {nome") == [
        "Chave { ou } sem par: cada campo vai entre chaves, ex.: {nome}."
    ]
    assert template_problems("Oi {nome}") == []


@given(st.text(max_size=200))
def test_rendering_any_text_never_raises(template: str) -> None:
    render_message(template, VALUES)
    template_problems(template)


def test_whatsapp_link_has_the_country_code_and_the_encoded_text() -> None:
    link = whatsapp_link("(16) 99876-5432", "Olá, Maria! R$ 10,00 & mais?")
    assert link.startswith("https://wa.me/5516998765432?text=")
    assert parse_qs(urlsplit(link).query)["text"] == ["Olá, Maria! R$ 10,00 & mais?"]
    assert " " not in link
    assert whatsapp_link("+55 16 99876-5432", "x") == "https://wa.me/5516998765432?text=x"
    with pytest.raises(ValueError):
        whatsapp_link("99876", "x")


def test_mailto_link_keeps_line_breaks() -> None:
    link = mailto_link("maria@exemplo.com.br", "Pendência – Loja", "Linha 1\nLinha 2")
    assert link.startswith("mailto:maria@exemplo.com.br?subject=")
    query = urlsplit(link).query
    assert "%0D%0A" in query
    parts = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(parts["subject"]) == "Pendência – Loja"
    assert unquote(parts["body"]) == "Linha 1\r\nLinha 2"


def test_the_phone_script_names_the_shop_and_protects_the_customer() -> None:
    script = phone_script(VALUES)
    assert "Magazine Osório" in script
    assert "R$ 1.234,50" in script
    assert "não fale da pendência" in script  # someone else answered (CDC art. 42)
    assert "{" not in script
