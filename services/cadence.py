"""The collection cadence (régua de cobrança): its steps as data, when each falls due, whether a
contact may happen at a given moment, and the messages sent.

Everything here is a pure function of its arguments: time, the customer's facts and the
settings come in as parameters, so the queue, the tests and a command-line report all see the
same rules (Tryton's dunning levels take the date the same way).

**Two cadences.** The *standard* one is for new customers, profiles C and D and anyone with a
chronic record; the *soft* one is for customers with a good history (profile A, and B when the
B is not just "too new to tell" — see ``services.profile``: rule 3 gives B to every customer
with fewer than three installments paid, so the caller says ``new_customer=True`` for those).
The soft cadence trusts the history: a good payer one day late has usually forgotten or will pay
on the next visit, so there is no D+1 message (the first nudge is at D+3), the personal contact
waits until D+10, the letter until D+20 and the written notice before a bureau report until
D+60. It never goes further than that on its own: a customer more than 60 days late is profile D
(``profile.D_MAX_DAYS_LATE_OPEN``) and moves to the standard cadence, whose steps share the same
keys, so nothing already done is repeated.

**Contact rules** (DOMAIN.md, "Contact hours"; CDC art. 42): the window of the customer's state
(``ContactPolicy.window_for`` already clamps it to that state's law), never Sundays, never
national, state or the shop's city holidays, not on the customer's birthday, at most
``max_contacts_per_day`` contacts a day, and only remote contact the customer agreed to.

- A **letter** is mailed and read when the customer chooses, so the hour window, weekends,
  holidays and the birthday do not apply to the day it is printed. It is still a contact: it is
  recorded as a ``ContactAttempt`` and counts in ``contacts_today``, and it is refused on a day
  that already had the day's contacts (a letter and a call the same day is pressing).
- **Consent** (``Customer.contact_consent``) covers the remote channels: WhatsApp, SMS, phone
  and e-mail. Letters about an existing debt are still sent without it: the written notice
  before a bureau report is required by CDC art. 43 §2 and a creditor may always write to the
  debtor's address about the contract; a refusal to be messaged is not a refusal to be notified.
  A conversation in person is not blocked by consent either, but keeps the day and hour rules (a
  visit at night is as intrusive as a call).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

import holidays

from models.enums import ContactChannel
from services.money import format_brl
from services.text import clean_name, digits, format_phone

if TYPE_CHECKING:
    from services.settings import CadencePolicy, ContactPolicy, ContactWindow, LocalHoliday

__all__ = [
    "BARRIER_STEPS",
    "BUREAU_NOTICE_MIN_DAYS",
    "CHANNEL_LABELS",
    "DEFAULT_SOFT",
    "DEFAULT_STANDARD",
    "INTERNAL_STEPS",
    "LETTER_STEPS",
    "PLACEHOLDERS",
    "REMOTE_CHANNELS",
    "STEP_KEYS",
    "CadenceStep",
    "ContactPermission",
    "ScheduledStep",
    "cadence_for",
    "contact_permission",
    "day_label",
    "holiday_name",
    "mailto_link",
    "message_values",
    "next_step",
    "phone_script",
    "render_message",
    "sample_values",
    "template_problems",
    "whatsapp_link",
]

# The step keys, in the order the cadence runs them (stored in ContactAttempt.cadence_step).
REMINDER = "reminder"
GENTLE_REMINDER = "gentle_reminder"
CONTACT = "contact"
COLLECTION_LETTER = "collection_letter"
AGREEMENT_PROPOSAL = "agreement_proposal"
BUREAU_NOTICE = "bureau_notice"
BUREAU_REPORT = "bureau_report"
REVIEW = "review"
STEP_KEYS: Final = (
    REMINDER,
    GENTLE_REMINDER,
    CONTACT,
    COLLECTION_LETTER,
    AGREEMENT_PROPOSAL,
    BUREAU_NOTICE,
    BUREAU_REPORT,
    REVIEW,
)
# Steps the shop does by itself: no message to the customer, so no channel.
INTERNAL_STEPS: Final = frozenset({BUREAU_REPORT, REVIEW})
# Steps that are letters by definition (keys.md; services.collection refuses another channel).
LETTER_STEPS: Final = frozenset({COLLECTION_LETTER, BUREAU_NOTICE})
# Formal steps the cadence never jumps over when it is behind (CDC art. 43 §2).
BARRIER_STEPS: Final = frozenset({BUREAU_NOTICE, BUREAU_REPORT})
# The written notice must precede a bureau report by this many days (usual practice 10–15).
BUREAU_NOTICE_MIN_DAYS: Final = 10

REMOTE_CHANNELS: Final = frozenset(
    {ContactChannel.WHATSAPP, ContactChannel.SMS, ContactChannel.PHONE, ContactChannel.EMAIL}
)
CHANNEL_LABELS: Final[dict[ContactChannel, str]] = {
    ContactChannel.WHATSAPP: "WhatsApp",
    ContactChannel.SMS: "SMS",
    ContactChannel.PHONE: "Telefone",
    ContactChannel.EMAIL: "E-mail",
    ContactChannel.LETTER: "Carta",
    ContactChannel.IN_PERSON: "Pessoalmente",
}


@dataclass(frozen=True)
class CadenceStep:
    """One step: ``offset_days`` from the oldest overdue due date (negative: before the next
    due date), the channels to use (the first is the preferred one) and the message."""

    key: str
    offset_days: int
    channels: tuple[ContactChannel, ...]
    label: str
    template: str
    enabled: bool = True

    @property
    def internal(self) -> bool:
        return self.key in INTERNAL_STEPS

    @property
    def preferred_channel(self) -> ContactChannel | None:
        return self.channels[0] if self.channels else None


def day_label(offset_days: int) -> str:
    """``-3`` → ``"D−3"``, ``0`` → ``"D"``, ``15`` → ``"D+15"`` (with a true minus sign)."""
    if offset_days == 0:
        return "D"
    return f"D−{-offset_days}" if offset_days < 0 else f"D+{offset_days}"


# --- default messages --------------------------------------------------------------------------
# Soft tone, "pendência" rather than "dívida", the shop always named, never a threat (CDC art. 42).

_REMINDER_TEXT = (
    "Olá, {primeiro_nome}! Aqui é da {loja}. Passando para lembrar que a sua parcela de {valor} "
    "vence em {vencimento}. Se já pagou, por favor desconsidere. Dúvidas: {telefone_loja}."
)
_GENTLE_TEXT = (
    "Olá, {primeiro_nome}! Aqui é da {loja}. A parcela de {valor} que venceu em {vencimento} "
    "ainda aparece em aberto — pode ter sido só um esquecimento. Se já pagou, desconsidere. "
    "Qualquer dúvida, fale com a gente: {telefone_loja}."
)
_CONTACT_TEXT = (
    "Olá, {primeiro_nome}, tudo bem? Aqui é da {loja}. Consta uma pendência de {valor} "
    "({parcelas}, desde {vencimento}). Podemos ajudar a encontrar a melhor forma de "
    "regularizar? Responda esta mensagem ou ligue {telefone_loja}."
)
_LETTER_TEXT = (
    "Prezado(a) {nome},\n\n"
    "Consta em nosso cadastro uma pendência de {valor}, referente a {parcelas} com vencimento "
    "desde {vencimento}. Caso o pagamento já tenha sido feito, por favor desconsidere esta "
    "carta. Se estiver passando por alguma dificuldade, venha conversar conosco: queremos "
    "encontrar uma solução que caiba no seu orçamento.\n\n"
    "Atenciosamente,\n{loja} – {telefone_loja}"
)
_AGREEMENT_TEXT = (
    "Olá, {primeiro_nome}! Aqui é da {loja}. Sabemos que imprevistos acontecem. Para a "
    "pendência de {valor}, podemos propor um acordo com parcelas que caibam no seu orçamento. "
    "Vamos conversar? {telefone_loja}."
)
_NOTICE_TEXT = (
    "Prezado(a) {nome},\n\n"
    "Informamos que consta em aberto uma pendência de {valor}, referente a {parcelas} com "
    "vencimento desde {vencimento}. Conforme o art. 43, § 2º, do Código de Defesa do "
    "Consumidor, comunicamos que, se ela não for regularizada ou negociada em até 10 dias do "
    "recebimento desta carta, poderá ser informada aos serviços de proteção ao crédito. "
    "Se o pagamento já foi feito, por favor desconsidere este aviso. Estamos à disposição "
    "para negociar.\n\n"
    "Atenciosamente,\n{loja} – {telefone_loja}"
)
_REPORT_TEXT = (
    "Registrar a pendência de {nome} ({valor}) no serviço de proteção ao crédito. Confira "
    "antes que o aviso por escrito foi enviado há pelo menos 10 dias."
)
_REVIEW_TEXT = (
    "Rever a cobrança de {nome} ({valor}, {dias} de atraso): protesto, empresa de cobrança "
    "ou baixa por perda."
)

_W, _S, _P, _L = (
    ContactChannel.WHATSAPP,
    ContactChannel.SMS,
    ContactChannel.PHONE,
    ContactChannel.LETTER,
)

DEFAULT_STANDARD: Final = (
    CadenceStep(REMINDER, -3, (_W, _S), "Lembrete 3 dias antes", _REMINDER_TEXT),
    CadenceStep(GENTLE_REMINDER, 1, (_W, _S), "Lembrete gentil", _GENTLE_TEXT),
    CadenceStep(CONTACT, 7, (_W, _P), "Contato", _CONTACT_TEXT),
    CadenceStep(COLLECTION_LETTER, 15, (_L,), "Carta de cobrança", _LETTER_TEXT),
    CadenceStep(AGREEMENT_PROPOSAL, 30, (_W, _P), "Proposta de acordo", _AGREEMENT_TEXT),
    CadenceStep(BUREAU_NOTICE, 45, (_L,), "Aviso antes da negativação", _NOTICE_TEXT),
    CadenceStep(BUREAU_REPORT, 60, (), "Negativação", _REPORT_TEXT),
    CadenceStep(REVIEW, 90, (), "Revisão: protesto, cobrança externa ou baixa", _REVIEW_TEXT),
)
"""New customers, profiles C and D: the cadence of issue 5, as the shop starts with it."""

DEFAULT_SOFT: Final = (
    CadenceStep(REMINDER, -3, (_W, _S), "Lembrete 3 dias antes", _REMINDER_TEXT),
    CadenceStep(GENTLE_REMINDER, 3, (_W, _S), "Lembrete gentil", _GENTLE_TEXT),
    CadenceStep(CONTACT, 10, (_W, _P), "Contato", _CONTACT_TEXT),
    CadenceStep(COLLECTION_LETTER, 20, (_L,), "Carta de cobrança", _LETTER_TEXT),
    CadenceStep(AGREEMENT_PROPOSAL, 30, (_W, _P), "Proposta de acordo", _AGREEMENT_TEXT),
    CadenceStep(BUREAU_NOTICE, 60, (_L,), "Aviso antes da negativação", _NOTICE_TEXT),
    CadenceStep(BUREAU_REPORT, 75, (), "Negativação", _REPORT_TEXT),
    CadenceStep(REVIEW, 90, (), "Revisão: protesto, cobrança externa ou baixa", _REVIEW_TEXT),
)
"""Good history (A, and B with history): later and fewer nudges; see the module doc."""

SOFT_PROFILES: Final = frozenset({"A", "B"})


def cadence_for(
    profile_letter: str | None, policy: CadencePolicy, *, new_customer: bool = False
) -> tuple[CadenceStep, ...]:
    """The soft cadence for a good history (A/B), the standard one for everyone else.

    ``new_customer`` is for a B that only means "not enough history yet" (``profile`` rule 3);
    without a profile at all the customer is treated as new.
    """
    letter = (profile_letter or "").strip().upper()
    if letter in SOFT_PROFILES and not new_customer:
        return policy.soft
    return policy.standard


# --- when the next step falls due --------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledStep:
    """The step to do next: ``on`` is when (today if it is behind), ``planned`` when it was meant
    to be, ``skipped`` the keys of overdue steps it makes obsolete."""

    step: CadenceStep
    on: date
    planned: date
    skipped: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def behind(self) -> bool:
        return self.planned < self.on


def next_step(
    steps: Sequence[CadenceStep],
    *,
    oldest_due: date | None,
    next_due: date | None,
    done_steps: set[str] | frozenset[str],
    today: date,
    notice_sent_on: date | None = None,
    paused: bool = False,
) -> ScheduledStep | None:
    """The next enabled step not yet done, with the day it falls due.

    - A customer with an installment overdue (``oldest_due`` before ``today``) runs the steps
      after the due date (offset > 0), counted from ``oldest_due``; anyone else runs the steps
      up to the due date (offset ≤ 0), counted from ``next_due``. A late customer gets no
      "vence em breve" reminder: the overdue contact covers it.
    - ``done_steps`` are the keys recorded for this round (the caller picks them, e.g. since the
      oldest open due date); a step before the last one done is obsolete and not proposed.
    - When the cadence is behind, several steps are overdue at once; the latest of them is
      proposed for today and the earlier ones are ``skipped`` (one contact, not three in a row).
      The written notice (``bureau_notice``) and the bureau report are never jumped over.
    - The bureau report is due no earlier than ``BUREAU_NOTICE_MIN_DAYS`` after
      ``notice_sent_on`` (CDC art. 43 §2) and is never scheduled without that date.
    - A paused cadence (dispute or defect) has no next step.
    """
    if paused:
        return None
    late = oldest_due is not None and oldest_due < today
    if late:
        anchor = oldest_due
        phase = [s for s in steps if s.offset_days > 0]
    else:
        anchor = next_due
        phase = [s for s in steps if s.offset_days <= 0]
    if anchor is None:
        return None
    phase.sort(key=lambda s: s.offset_days)
    done_positions = [i for i, s in enumerate(phase) if s.key in done_steps]
    start = done_positions[-1] + 1 if done_positions else 0
    pending = [s for s in phase[start:] if s.enabled and s.key not in done_steps]

    chosen: tuple[CadenceStep, date] | None = None
    skipped: list[str] = []
    for step in pending:
        planned = anchor + timedelta(days=step.offset_days)
        if step.key == BUREAU_REPORT:
            if notice_sent_on is None:
                continue  # no written notice on record: never reported (CDC art. 43 §2)
            planned = max(planned, notice_sent_on + timedelta(days=BUREAU_NOTICE_MIN_DAYS))
        if planned > today:
            chosen = chosen or (step, planned)
            break
        if chosen is not None:
            skipped.append(chosen[0].key)
        chosen = (step, planned)
        if step.key in BARRIER_STEPS:
            break
    if chosen is None:
        return None
    step, planned = chosen
    return ScheduledStep(step, max(planned, today), planned, tuple(skipped))


# --- may we contact now? -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPermission:
    """``allowed`` now, or ``reason`` (Portuguese, for the screen) and ``next_allowed``, the first
    moment it may happen (``at`` itself when allowed; None when it never will, e.g. consent)."""

    allowed: bool
    reason: str | None
    next_allowed: datetime | None


_BR_SUBDIVISIONS: Final = frozenset(holidays.list_supported_countries()["BR"])


@functools.lru_cache(maxsize=64)
def _state_holidays(uf: str, year: int) -> dict[date, str]:
    subdiv = uf if uf in _BR_SUBDIVISIONS else None
    found = holidays.country_holidays("BR", subdiv=subdiv, years=year, language="pt_BR")
    return dict(found.items())


def holiday_name(
    day: date, uf: str | None, local_holidays: Iterable[LocalHoliday] = ()
) -> str | None:
    """The holiday's name on ``day``: national and the state's (``holidays``), then the city's."""
    name = _state_holidays((uf or "").upper(), day.year).get(day)
    if name is not None:
        return name
    for holiday in local_holidays:
        if holiday.falls_on(day):
            return holiday.name
    return None


def _is_birthday(day: date, birth_date: date | None) -> bool:
    if birth_date is None:
        return False
    if (birth_date.month, birth_date.day) == (2, 29) and not _is_leap(day.year):
        return (day.month, day.day) == (2, 28)  # a leap-day birthday is kept on 28/02
    return (day.month, day.day) == (birth_date.month, birth_date.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _hour(value: time) -> str:
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


def _hours_of(day: date, window: ContactWindow) -> tuple[time, time] | None:
    weekday = day.weekday()
    if weekday == 6:
        return None
    if weekday == 5:
        if window.saturday_start is None or window.saturday_end is None:
            return None
        return window.saturday_start, window.saturday_end
    return window.weekday_start, window.weekday_end


def _day_refusal(
    day: date,
    *,
    uf: str | None,
    birth_date: date | None,
    policy: ContactPolicy,
    local: Sequence[LocalHoliday],
    window: ContactWindow,
) -> str | None:
    """Why no contact at all may happen on ``day`` (None when the day itself is fine)."""
    holiday = holiday_name(day, uf, local)
    if holiday is not None:
        return f"Feriado: {holiday}"
    if day.weekday() == 6:
        return "Domingo: contato não permitido"
    if day.weekday() == 5 and _hours_of(day, window) is None:
        from services.settings import LEGAL_CONTACT_LIMITS

        state = (uf or "").upper()
        legal = LEGAL_CONTACT_LIMITS.get(state)
        if legal is not None and legal.saturday_start is None:
            return f"Sábado: contato não permitido em {state}"
        return "Sábado: a loja não faz contato de cobrança aos sábados"
    if policy.skip_birthday and _is_birthday(day, birth_date):
        return "Aniversário do cliente"
    return None


def contact_permission(
    at: datetime,
    *,
    uf: str | None,
    birth_date: date | None,
    contacts_today: int,
    consent: bool,
    channel: ContactChannel,
    policy: ContactPolicy,
    local_holidays: Sequence[LocalHoliday] | None = None,
) -> ContactPermission:
    """May the shop contact this customer at ``at`` (local time) through ``channel``?

    ``uf`` is the customer's state (its law and holidays apply); ``local_holidays`` defaults to
    the shop's city holidays in ``policy`` — pass ``()`` for a customer in another city. The rules
    and the choices for letters and consent are in the module doc.
    """
    local = tuple(policy.local_holidays if local_holidays is None else local_holidays)
    window = policy.window_for(uf)
    letter = channel is ContactChannel.LETTER
    if not consent and channel in REMOTE_CHANNELS:
        return ContactPermission(False, "Cliente não autorizou contato", None)

    limit = policy.max_contacts_per_day
    used_up = contacts_today >= limit
    reason: str | None = None
    if not letter:
        reason = _day_refusal(
            at.date(),
            uf=uf,
            birth_date=birth_date,
            policy=policy,
            local=local,
            window=window,
        )
    if reason is None and used_up:
        reason = (
            "Já houve contato hoje"
            if limit == 1
            else f"Já houve {contacts_today} contatos hoje (máximo {limit})"
        )
    if reason is None and not letter:
        hours = _hours_of(at.date(), window)
        assert hours is not None  # Sundays and Saturdays without hours were refused above
        start, end = hours
        if not start <= at.time() < end:
            reason = f"Fora do horário ({_hour(start)} às {_hour(end)})"
    if reason is None:
        return ContactPermission(True, None, at)

    return ContactPermission(
        False,
        reason,
        _first_allowed(
            at,
            skip_today=used_up,
            letter=letter,
            uf=uf,
            birth_date=birth_date,
            policy=policy,
            local=local,
            window=window,
        ),
    )


def _first_allowed(
    at: datetime,
    *,
    skip_today: bool,
    letter: bool,
    uf: str | None,
    birth_date: date | None,
    policy: ContactPolicy,
    local: Sequence[LocalHoliday],
    window: ContactWindow,
) -> datetime | None:
    first = 1 if skip_today else 0
    for ahead in range(first, 400):  # a year and a bit: every rule repeats within a year
        day = at.date() + timedelta(days=ahead)
        if letter:
            return at if ahead == 0 else datetime.combine(day, time(0))
        if _day_refusal(
            day, uf=uf, birth_date=birth_date, policy=policy, local=local, window=window
        ):
            continue
        hours = _hours_of(day, window)
        if hours is None:
            continue
        start, end = datetime.combine(day, hours[0]), datetime.combine(day, hours[1])
        candidate = max(at, start) if ahead == 0 else start
        if candidate < end:
            return candidate
    return None


# --- messages ----------------------------------------------------------------------------------

PLACEHOLDERS: Final[dict[str, str]] = {
    "nome": "nome completo do cliente",
    "primeiro_nome": "primeiro nome do cliente",
    "loja": "nome da loja",
    "telefone_loja": "telefone da loja",
    "valor": "valor em aberto (ex.: R$ 189,90)",
    "vencimento": "vencimento da parcela mais antiga (dd/mm/aaaa)",
    "dias": "dias de atraso (ex.: 8 dias)",
    "parcelas": "quantidade de parcelas (ex.: 2 parcelas)",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def template_problems(template: str) -> list[str]:
    """What is wrong with a template's placeholders, in Portuguese (empty when fine)."""
    problems: list[str] = []
    unknown = [name for name in _PLACEHOLDER.findall(template) if name.strip() not in PLACEHOLDERS]
    if unknown:
        names = ", ".join(f"{{{n}}}" for n in dict.fromkeys(unknown))
        known = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
        problems.append(f"Campo desconhecido: {names}. Use {known}.")
    leftover = _PLACEHOLDER.sub("", template)
    if "{" in leftover or "}" in leftover:
        problems.append("Chave { ou } sem par: cada campo vai entre chaves, ex.: {nome}.")
    return problems


def render_message(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{campo}`` placeholders; anything unknown or malformed is left as written."""

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1).strip(), match.group(0))

    return _PLACEHOLDER.sub(fill, template)


def _first_name(name: str) -> str:
    first = clean_name(name).split(" ")[0] if name.strip() else ""
    if first.isupper() or first.islower():
        return first.capitalize()  # "MARIA" or "maria" → "Maria"; "McLeod" stays as typed
    return first


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def message_values(
    *,
    customer_name: str,
    shop_name: str,
    shop_phone: str,
    amount: Decimal,
    due: date | None,
    days_late: int,
    installments: int,
) -> dict[str, str]:
    """The placeholders' values from plain data: amounts in R$, dates dd/mm/aaaa."""
    return {
        "nome": clean_name(customer_name),
        "primeiro_nome": _first_name(customer_name),
        "loja": shop_name.strip(),
        "telefone_loja": format_phone(shop_phone) if shop_phone else "",
        "valor": format_brl(amount),
        "vencimento": due.strftime("%d/%m/%Y") if due is not None else "",
        "dias": _count(max(days_late, 0), "dia", "dias"),
        "parcelas": _count(installments, "parcela", "parcelas"),
    }


def sample_values(shop_name: str = "", shop_phone: str = "") -> dict[str, str]:
    """Example values for previewing a template in Settings."""
    return message_values(
        customer_name="Maria Aparecida da Silva",
        shop_name=shop_name or "Loja Exemplo",
        shop_phone=shop_phone or "1633334444",
        amount=Decimal("189.90"),
        due=date(2026, 11, 10),
        days_late=13,
        installments=2,
    )


# --- links and scripts -------------------------------------------------------------------------


def whatsapp_link(phone_digits: str, text: str) -> str:
    """WhatsApp click-to-chat: ``https://wa.me/55<DDD><número>?text=<texto codificado>``."""
    number = digits(phone_digits)
    if number.startswith("55") and len(number) in (12, 13):
        number = number[2:]
    if number.startswith("0") and len(number) in (11, 12):
        number = number[1:]
    if len(number) not in (10, 11):
        raise ValueError("Telefone com DDD: 10 ou 11 dígitos.")
    return f"https://wa.me/55{number}?text={quote(text, safe='')}"


def mailto_link(email: str, subject: str, body: str) -> str:
    """A ``mailto:`` link (RFC 6068: line breaks as CRLF, everything percent-encoded)."""

    def enc(value: str) -> str:
        return quote(value.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    return f"mailto:{quote(email.strip(), safe='@')}?subject={enc(subject)}&body={enc(body)}"


def phone_script(values: Mapping[str, str]) -> str:
    """A short script for a collection call, from ``message_values``."""
    v = {key: values.get(key, "") for key in PLACEHOLDERS}
    return "\n".join(
        [
            f"1. Cumprimente e identifique a loja: “Bom dia, aqui é da {v['loja']}. "
            f"Eu falo com {v['nome']}?”",
            "2. Se não for o próprio cliente, não fale da pendência: pergunte o melhor horário "
            "para retornar e encerre com cordialidade (CDC art. 42).",
            f"3. “Estou ligando sobre {v['parcelas']} em aberto desde {v['vencimento']}, "
            f"no total de {v['valor']}. Está tudo bem com o senhor(a)?”",
            "4. Ouça sem interromper. Se houver defeito no produto ou discordância da cobrança, "
            "anote: a cobrança fica suspensa até a loja resolver.",
            "5. Ofereça caminhos: pagar na loja ou por Pix, marcar uma data (promessa de "
            "pagamento) ou conversar sobre um acordo.",
            f"6. Agradeça, deixe o telefone da loja ({v['telefone_loja']}) e registre o "
            "resultado do contato.",
        ]
    )
