"""The shop's settings, typed, with their defaults from DOMAIN.md.

Stored as one JSON value per section in the ``settings`` table; every save is audited. Bands and
contact windows are data the owner edits, not code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Setting
from models.enums import ContactChannel
from services import audit, cadence, validation
from services.bands import DEFAULT_BANDS, Band, bands_from_json, bands_to_json, validate_bands
from services.cadence import DEFAULT_SOFT, DEFAULT_STANDARD, CadenceStep
from services.text import digits
from services.validation import FieldError, ValidationErrors

MAX_LATE_FEE_PCT = Decimal("2")  # CDC art. 52 §1


@dataclass(frozen=True)
class ShopIdentity:
    """Who the creditor is: printed on every collection document (CDC art. 42-A)."""

    name: str = ""
    document: str = ""  # CNPJ or CPF, digits
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    uf: str = ""
    cep: str = ""
    phone: str = ""
    email: str = ""

    def missing(self) -> list[str]:
        """What a printed document would lack, in the words the settings screen uses."""
        labels = {
            "name": "nome da loja",
            "document": "CNPJ ou CPF",
            "street": "endereço",
            "city": "cidade",
            "uf": "UF",
        }
        return [label for key, label in labels.items() if not getattr(self, key).strip()]

    @property
    def complete(self) -> bool:
        return not self.missing()

    def address_line(self) -> str:
        parts = [f"{self.street}, {self.number}".strip(", ")]
        if self.complement:
            parts.append(self.complement)
        if self.district:
            parts.append(self.district)
        place = f"{self.city}/{self.uf}" if self.uf else self.city
        if place:
            parts.append(place)
        if self.cep:
            d = self.cep
            parts.append(f"CEP {d[:5]}-{d[5:]}" if len(d) == 8 else d)
        return " – ".join(p for p in parts if p)


@dataclass(frozen=True)
class CollectionPolicy:
    late_fee_pct: Decimal = Decimal("2.00")
    monthly_interest_pct: Decimal = Decimal("1.00")
    grace_days: int = 0
    # What a cashier may waive of fee and interest on one receipt without the owner.
    cashier_waiver_limit: Decimal = Decimal("10.00")
    bands: tuple[Band, ...] = DEFAULT_BANDS


@dataclass(frozen=True)
class CreditRules:
    default_limit: Decimal = Decimal("1000.00")
    max_days_late: int = 30
    max_installments: int = 12
    default_monthly_rate: Decimal = Decimal("0.00")
    min_installment: Decimal = Decimal("20.00")


@dataclass(frozen=True)
class ContactWindow:
    """When a customer may be contacted: weekdays, and Saturdays if at all. Never Sundays."""

    weekday_start: time = time(9)
    weekday_end: time = time(18)
    saturday_start: time | None = None
    saturday_end: time | None = None


def clamp_window(window: ContactWindow, legal: ContactWindow) -> ContactWindow:
    """The part of ``window`` that a state's law allows."""
    saturday_start = saturday_end = None
    if (
        window.saturday_start is not None
        and window.saturday_end is not None
        and legal.saturday_start is not None
        and legal.saturday_end is not None
    ):
        saturday_start = max(window.saturday_start, legal.saturday_start)
        saturday_end = min(window.saturday_end, legal.saturday_end)
        if saturday_start >= saturday_end:
            saturday_start = saturday_end = None
    return ContactWindow(
        weekday_start=max(window.weekday_start, legal.weekday_start),
        weekday_end=min(window.weekday_end, legal.weekday_end),
        saturday_start=saturday_start,
        saturday_end=saturday_end,
    )


# State laws on collection contact hours (DOMAIN.md); the shop's window must sit inside them.
LEGAL_CONTACT_LIMITS: dict[str, ContactWindow] = {
    "SP": ContactWindow(time(8), time(20), time(8), time(14)),
    "RJ": ContactWindow(time(9), time(19)),
    "ES": ContactWindow(time(8), time(19)),
    "AL": ContactWindow(time(8), time(20), time(8), time(14)),
    "CE": ContactWindow(time(8), time(18)),
}


@dataclass(frozen=True)
class LocalHoliday:
    """A holiday of the shop's city, which the ``holidays`` package does not know.

    ``year`` None means every year on that day (the city's anniversary, its patron saint);
    a year makes it one date only (a movable one such as Corpus Christi, set each year).
    """

    name: str
    month: int
    day: int
    year: int | None = None

    def falls_on(self, day: date) -> bool:
        return (day.month, day.day) == (self.month, self.day) and self.year in (None, day.year)

    def date_text(self) -> str:
        return f"{self.day:02d}/{self.month:02d}" + (f"/{self.year}" if self.year else "")


@dataclass(frozen=True)
class ContactPolicy:
    default_window: ContactWindow = ContactWindow()
    by_state: dict[str, ContactWindow] = field(default_factory=dict)
    skip_birthday: bool = True
    max_contacts_per_day: int = 1
    local_holidays: tuple[LocalHoliday, ...] = ()

    def window_for(self, uf: str | None) -> ContactWindow:
        """The shop's window for a customer's state, never wider than that state's law."""
        state = (uf or "").upper()
        window = self.by_state.get(state, self.default_window)
        legal = LEGAL_CONTACT_LIMITS.get(state)
        return window if legal is None else clamp_window(window, legal)


@dataclass(frozen=True)
class CadencePolicy:
    """The two collection cadences (régua de cobrança); see ``services.cadence`` for which
    customer follows which, and why."""

    standard: tuple[CadenceStep, ...] = DEFAULT_STANDARD
    soft: tuple[CadenceStep, ...] = DEFAULT_SOFT


CADENCE_NAMES = {"standard": "Régua padrão", "soft": "Régua suave"}


@dataclass(frozen=True)
class PixSettings:
    key: str = ""
    merchant_name: str = ""
    merchant_city: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.key.strip())


@dataclass(frozen=True)
class BankAgreement:
    """A bank's collection agreement; when set, slips carry the real FEBRABAN barcode."""

    bank_code: str = ""
    agency: str = ""
    account: str = ""
    wallet: str = ""
    agreement_code: str = ""  # convênio / código do beneficiário

    @property
    def enabled(self) -> bool:
        return bool(self.bank_code.strip() and self.agreement_code.strip())


# What happens to the discount when an agreement is broken; the agreement keeps the clause it was
# signed with (``Agreement.breach_clause``), so a later change here never rewrites a signed deal.
LOSE_DISCOUNT = "lose_discount"
KEEP_DISCOUNT = "keep_discount"
BREACH_CLAUSES: dict[str, str] = {
    LOSE_DISCOUNT: "Perde o desconto: a parte do desconto proporcional ao que falta pagar volta a "
    "ser devida",
    KEEP_DISCOUNT: "Mantém o desconto: só o saldo do acordo continua a ser cobrado",
}


@dataclass(frozen=True)
class AgreementPolicy:
    """Limits of a renegotiation without the owner's override, the breach rule and write-offs.

    ``breach_days``: an agreement is broken when one of its installments is more than this many
    days late. ``write_off_below`` / ``write_off_silent_days``: a debt under this amount whose
    customer has not answered for this many days is suggested for write-off (baixa por perda).
    """

    max_discount_charges_pct: Decimal = Decimal("100")
    max_discount_principal_pct: Decimal = Decimal("10")
    max_installments: int = 12
    min_installment: Decimal = Decimal("20.00")
    breach_days: int = 30
    breach_clause: str = LOSE_DISCOUNT
    write_off_below: Decimal = Decimal("100.00")
    write_off_silent_days: int = 180


@dataclass(frozen=True)
class ShopSettings:
    identity: ShopIdentity = ShopIdentity()
    policy: CollectionPolicy = CollectionPolicy()
    credit: CreditRules = CreditRules()
    contact: ContactPolicy = ContactPolicy()
    cadence: CadencePolicy = CadencePolicy()
    pix: PixSettings = PixSettings()
    bank: BankAgreement = BankAgreement()
    agreements: AgreementPolicy = AgreementPolicy()


SECTIONS: dict[str, type[Any]] = {
    "identity": ShopIdentity,
    "policy": CollectionPolicy,
    "credit": CreditRules,
    "contact": ContactPolicy,
    "cadence": CadencePolicy,
    "pix": PixSettings,
    "bank": BankAgreement,
    "agreements": AgreementPolicy,
}

# --- JSON encoding -----------------------------------------------------------------------------


def _time_to_json(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _time_from_json(value: Any) -> time | None:
    if value in (None, ""):
        return None
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def _window_to_json(w: ContactWindow) -> dict[str, Any]:
    return {k: _time_to_json(getattr(w, k)) for k in ContactWindow.__dataclass_fields__}


def _window_from_json(data: dict[str, Any]) -> ContactWindow:
    default = ContactWindow()
    return ContactWindow(
        weekday_start=_time_from_json(data.get("weekday_start")) or default.weekday_start,
        weekday_end=_time_from_json(data.get("weekday_end")) or default.weekday_end,
        saturday_start=_time_from_json(data.get("saturday_start")),
        saturday_end=_time_from_json(data.get("saturday_end")),
    )


def _holiday_to_json(h: LocalHoliday) -> dict[str, Any]:
    return {"name": h.name, "month": h.month, "day": h.day, "year": h.year}


def _holiday_from_json(data: dict[str, Any]) -> LocalHoliday:
    year = data.get("year")
    return LocalHoliday(
        name=str(data["name"]),
        month=int(data["month"]),
        day=int(data["day"]),
        year=None if year in (None, "") else int(year),
    )


def _step_to_json(step: CadenceStep) -> dict[str, Any]:
    return {
        "key": step.key,
        "offset_days": step.offset_days,
        "channels": [str(c) for c in step.channels],
        "label": step.label,
        "template": step.template,
        "enabled": step.enabled,
    }


def _steps_from_json(data: Any, defaults: tuple[CadenceStep, ...]) -> tuple[CadenceStep, ...]:
    """Stored steps by key, in the cadence's order; a key not stored keeps its default."""
    stored = {item["key"]: item for item in data or [] if isinstance(item, dict)}
    steps: list[CadenceStep] = []
    for default in defaults:
        item = stored.get(default.key)
        if item is None:
            steps.append(default)
            continue
        steps.append(
            CadenceStep(
                key=default.key,
                offset_days=int(item.get("offset_days", default.offset_days)),
                channels=tuple(ContactChannel(c) for c in item.get("channels", [])),
                label=str(item.get("label", default.label)),
                template=str(item.get("template", default.template)),
                enabled=bool(item.get("enabled", True)),
            )
        )
    return tuple(steps)


def section_to_json(value: Any) -> dict[str, Any]:
    if isinstance(value, ContactPolicy):
        return {
            "default_window": _window_to_json(value.default_window),
            "by_state": {uf: _window_to_json(w) for uf, w in sorted(value.by_state.items())},
            "skip_birthday": value.skip_birthday,
            "max_contacts_per_day": value.max_contacts_per_day,
            "local_holidays": [_holiday_to_json(h) for h in value.local_holidays],
        }
    if isinstance(value, CadencePolicy):
        return {
            "standard": [_step_to_json(s) for s in value.standard],
            "soft": [_step_to_json(s) for s in value.soft],
        }
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        if isinstance(v, Decimal):
            out[f.name] = str(v)
        elif f.name == "bands":
            out[f.name] = bands_to_json(v)
        else:
            out[f.name] = v
    return out


def section_from_json(key: str, data: dict[str, Any]) -> Any:
    cls = SECTIONS[key]
    if cls is ContactPolicy:
        return ContactPolicy(
            default_window=_window_from_json(data.get("default_window", {})),
            by_state={uf: _window_from_json(w) for uf, w in data.get("by_state", {}).items()},
            skip_birthday=bool(data.get("skip_birthday", True)),
            max_contacts_per_day=int(data.get("max_contacts_per_day", 1)),
            local_holidays=tuple(_holiday_from_json(h) for h in data.get("local_holidays", [])),
        )
    if cls is CadencePolicy:
        return CadencePolicy(
            standard=_steps_from_json(data.get("standard"), DEFAULT_STANDARD),
            soft=_steps_from_json(data.get("soft"), DEFAULT_SOFT),
        )
    defaults = cls()
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        current = getattr(defaults, f.name)
        if f.name == "bands":
            kwargs[f.name] = bands_from_json(raw)
        elif isinstance(current, Decimal):
            kwargs[f.name] = Decimal(str(raw))
        elif isinstance(current, int) and not isinstance(current, bool):
            kwargs[f.name] = int(raw)
        else:
            kwargs[f.name] = raw
    return cls(**kwargs)


# --- validation --------------------------------------------------------------------------------


def _validate_identity(v: ShopIdentity) -> ShopIdentity:
    form = validation.FieldCollector()
    take = form.take
    take("name", lambda: validation.required_text(v.name, "name", "o nome da loja", 120))
    take("document", lambda: validation.cpf_or_cnpj(v.document, "document"))
    take("street", lambda: validation.required_text(v.street, "street", "o endereço", 160))
    take("number", lambda: validation.optional_text(v.number, "number", 20) or "")
    take("complement", lambda: validation.optional_text(v.complement, "complement", 80) or "")
    take("district", lambda: validation.optional_text(v.district, "district", 80) or "")
    take("city", lambda: validation.required_text(v.city, "city", "a cidade", 80))
    take("uf", lambda: validation.uf(v.uf, "uf", required=True))
    take("cep", lambda: validation.cep(v.cep, "cep") or "")
    take("phone", lambda: validation.phone(v.phone, "phone") if digits(v.phone) else "")
    take("email", lambda: validation.email(v.email, "email") or "")
    form.raise_if_any()
    return ShopIdentity(**form.values)


def _validate_policy(v: CollectionPolicy) -> CollectionPolicy:
    errors: list[FieldError] = []
    if not Decimal(0) <= v.late_fee_pct <= MAX_LATE_FEE_PCT:
        errors.append(FieldError("late_fee_pct", "A multa vai de 0 % a 2 % (CDC art. 52 §1)."))
    if not Decimal(0) <= v.monthly_interest_pct <= Decimal(10):
        errors.append(FieldError("monthly_interest_pct", "Juros de mora entre 0 % e 10 % ao mês."))
    if not 0 <= v.grace_days <= 30:
        errors.append(FieldError("grace_days", "Carência entre 0 e 30 dias."))
    if v.cashier_waiver_limit < 0:
        errors.append(FieldError("cashier_waiver_limit", "O limite não pode ser negativo."))
    try:
        validate_bands(v.bands)
    except ValueError as e:
        errors.append(FieldError("bands", str(e)))
    if errors:
        raise ValidationErrors(errors)
    return v


def _validate_credit(v: CreditRules) -> CreditRules:
    errors: list[FieldError] = []
    if v.default_limit < 0:
        errors.append(FieldError("default_limit", "O limite não pode ser negativo."))
    if not 0 <= v.max_days_late <= 365:
        errors.append(FieldError("max_days_late", "Entre 0 e 365 dias."))
    if not 1 <= v.max_installments <= 120:
        errors.append(FieldError("max_installments", "Entre 1 e 120 parcelas."))
    if not Decimal(0) <= v.default_monthly_rate <= Decimal(10):
        errors.append(FieldError("default_monthly_rate", "Taxa entre 0 % e 10 % ao mês."))
    if v.min_installment < 0:
        errors.append(FieldError("min_installment", "A parcela mínima não pode ser negativa."))
    if errors:
        raise ValidationErrors(errors)
    return v


def window_problems(uf: str | None, w: ContactWindow) -> list[str]:
    """Why a window breaks the state's law or plain sense (empty when fine)."""
    problems: list[str] = []
    if w.weekday_start >= w.weekday_end:
        problems.append("O horário de início deve ser antes do fim.")
    if (w.saturday_start is None) != (w.saturday_end is None):
        problems.append("Sábado: informe início e fim, ou nenhum dos dois.")
    elif w.saturday_start and w.saturday_end and w.saturday_start >= w.saturday_end:
        problems.append("Sábado: o início deve ser antes do fim.")
    legal = LEGAL_CONTACT_LIMITS.get((uf or "").upper())
    if legal is not None and uf:
        if w.weekday_start < legal.weekday_start or w.weekday_end > legal.weekday_end:
            problems.append(
                f"A lei de {uf} permite contato em dias úteis das "
                f"{legal.weekday_start:%H:%M} às {legal.weekday_end:%H:%M}."
            )
        if w.saturday_start is not None and w.saturday_end is not None:
            if legal.saturday_start is None or legal.saturday_end is None:
                problems.append(f"A lei de {uf} não permite contato de cobrança aos sábados.")
            elif w.saturday_start < legal.saturday_start or w.saturday_end > legal.saturday_end:
                problems.append(
                    f"A lei de {uf} permite contato aos sábados das "
                    f"{legal.saturday_start:%H:%M} às {legal.saturday_end:%H:%M}."
                )
    return problems


def _validate_contact(v: ContactPolicy) -> ContactPolicy:
    errors = [FieldError("default_window", p) for p in window_problems(None, v.default_window)]
    for uf, w in v.by_state.items():
        if uf not in validation.UFS:
            errors.append(FieldError(f"by_state.{uf}", f"UF desconhecida: {uf}."))
        errors += [FieldError(f"by_state.{uf}", p) for p in window_problems(uf, w)]
    if not 1 <= v.max_contacts_per_day <= 3:
        errors.append(FieldError("max_contacts_per_day", "Entre 1 e 3 contatos por dia."))
    holidays: list[LocalHoliday] = []
    for h in v.local_holidays:
        cleaned = LocalHoliday(" ".join(h.name.split()), h.month, h.day, h.year)
        if not cleaned.name:
            errors.append(FieldError("local_holidays", "Informe o nome do feriado."))
        elif len(cleaned.name) > 60:
            errors.append(FieldError("local_holidays", "Nome do feriado: no máximo 60 caracteres."))
        try:
            # 2000 was a leap year, so 29/02 is a valid yearly holiday.
            date(h.year or 2000, h.month, h.day)
        except ValueError:
            errors.append(FieldError("local_holidays", f"Data inválida: {h.date_text()}."))
            continue
        if h.year is not None and not 2000 <= h.year <= 2100:
            errors.append(FieldError("local_holidays", f"Ano improvável: {h.year}."))
        if any((x.month, x.day, x.year) == (h.month, h.day, h.year) for x in holidays):
            errors.append(FieldError("local_holidays", f"Feriado repetido em {h.date_text()}."))
        holidays.append(cleaned)
    if errors:
        raise ValidationErrors(errors)
    return dataclasses.replace(
        v, local_holidays=tuple(sorted(holidays, key=lambda h: (h.month, h.day, h.year or 0)))
    )


MAX_TEMPLATE_LENGTH = 2000
MAX_OFFSET_DAYS = 365
MIN_REMINDER_OFFSET = -15


def _cadence_problems(name: str, steps: tuple[CadenceStep, ...]) -> list[FieldError]:
    """Every problem of one cadence, each on ``<cadence>.<step key>.<attribute>``."""
    errors: list[FieldError] = []
    if tuple(s.key for s in steps) != cadence.STEP_KEYS:
        return [FieldError(name, "A régua deve ter os 8 passos, na ordem.")]
    by_key = {s.key: s for s in steps}
    previous: CadenceStep | None = None
    for step in steps:
        where = f"{name}.{step.key}"
        if step.key == cadence.REMINDER:
            if not MIN_REMINDER_OFFSET <= step.offset_days <= 0:
                errors.append(
                    FieldError(
                        f"{where}.offset_days",
                        f"O lembrete vai de {-MIN_REMINDER_OFFSET} dias antes até o dia do "
                        "vencimento.",
                    )
                )
        elif not 1 <= step.offset_days <= MAX_OFFSET_DAYS:
            errors.append(
                FieldError(
                    f"{where}.offset_days",
                    f"Depois do vencimento: de 1 a {MAX_OFFSET_DAYS} dias.",
                )
            )
        elif previous is not None and step.offset_days <= previous.offset_days:
            errors.append(
                FieldError(
                    f"{where}.offset_days",
                    f"Deve vir depois de “{' '.join(previous.label.split())}” "
                    f"({cadence.day_label(previous.offset_days)}).",
                )
            )
        if step.key != cadence.REMINDER:  # the reminder's range already puts it first
            previous = step
        label = " ".join(step.label.split())
        if not label:
            errors.append(FieldError(f"{where}.label", "Informe o nome do passo."))
        elif len(label) > 60:
            errors.append(FieldError(f"{where}.label", "No máximo 60 caracteres."))
        if step.internal:
            if step.channels:
                errors.append(FieldError(f"{where}.channels", "Passo interno da loja: sem canal."))
        elif not step.channels:
            errors.append(FieldError(f"{where}.channels", "Escolha pelo menos um canal."))
        elif len(set(step.channels)) != len(step.channels):
            errors.append(FieldError(f"{where}.channels", "Canal repetido."))
        if step.key in cadence.LETTER_STEPS and step.channels != (ContactChannel.LETTER,):
            errors.append(
                FieldError(
                    f"{where}.channels",
                    "O aviso antes da negativação é só por carta (CDC art. 43 §2)."
                    if step.key == cadence.BUREAU_NOTICE
                    else "A carta de cobrança é só por carta.",
                )
            )
        if not step.template.strip() and not step.internal:
            errors.append(FieldError(f"{where}.template", "Escreva a mensagem."))
        elif len(step.template) > MAX_TEMPLATE_LENGTH:
            errors.append(
                FieldError(f"{where}.template", f"No máximo {MAX_TEMPLATE_LENGTH} caracteres.")
            )
        errors += [
            FieldError(f"{where}.template", p) for p in cadence.template_problems(step.template)
        ]
    notice, report = by_key[cadence.BUREAU_NOTICE], by_key[cadence.BUREAU_REPORT]
    gap = cadence.BUREAU_NOTICE_MIN_DAYS
    if report.offset_days - notice.offset_days < gap:
        errors.append(
            FieldError(
                f"{name}.{cadence.BUREAU_REPORT}.offset_days",
                f"A negativação vem pelo menos {gap} dias depois do aviso por escrito "
                "(CDC art. 43 §2).",
            )
        )
    if report.enabled and not notice.enabled:
        errors.append(
            FieldError(
                f"{name}.{cadence.BUREAU_NOTICE}.enabled",
                "Sem o aviso por escrito não pode haver negativação (CDC art. 43 §2): ative o "
                "aviso ou desative a negativação.",
            )
        )
    return errors


def _clean_steps(steps: tuple[CadenceStep, ...]) -> tuple[CadenceStep, ...]:
    return tuple(
        dataclasses.replace(s, label=" ".join(s.label.split()), template=s.template.strip())
        for s in steps
    )


def _validate_cadence(v: CadencePolicy) -> CadencePolicy:
    errors = _cadence_problems("standard", v.standard) + _cadence_problems("soft", v.soft)
    if errors:
        raise ValidationErrors(errors)
    return CadencePolicy(standard=_clean_steps(v.standard), soft=_clean_steps(v.soft))


def _validate_pix(v: PixSettings) -> PixSettings:
    key = v.key.strip()
    if not key:
        if v.merchant_name.strip() or v.merchant_city.strip():
            raise ValidationErrors(
                [FieldError("key", "Informe a chave Pix, ou apague também nome e cidade.")]
            )
        return PixSettings()
    errors: list[FieldError] = []
    if len(key) > 77:
        errors.append(FieldError("key", "Chave Pix longa demais."))
    if not v.merchant_name.strip():
        errors.append(FieldError("merchant_name", "Informe o nome do recebedor do Pix."))
    if not v.merchant_city.strip():
        errors.append(FieldError("merchant_city", "Informe a cidade do recebedor do Pix."))
    if errors:
        raise ValidationErrors(errors)
    return PixSettings(key, v.merchant_name.strip(), v.merchant_city.strip())


def _validate_bank(v: BankAgreement) -> BankAgreement:
    if not any(x.strip() for x in (v.bank_code, v.agency, v.account, v.wallet, v.agreement_code)):
        return BankAgreement()
    errors: list[FieldError] = []
    code = digits(v.bank_code)
    if len(code) != 3:
        errors.append(FieldError("bank_code", "O código do banco tem 3 dígitos (ex.: 001)."))
    if not digits(v.agreement_code):
        errors.append(FieldError("agreement_code", "Informe o convênio / código do beneficiário."))
    if not digits(v.agency):
        errors.append(FieldError("agency", "Informe a agência."))
    if errors:
        raise ValidationErrors(errors)
    return dataclasses.replace(v, bank_code=code)


def _validate_agreements(v: AgreementPolicy) -> AgreementPolicy:
    errors: list[FieldError] = []
    if not Decimal(0) <= v.max_discount_charges_pct <= Decimal(100):
        errors.append(
            FieldError(
                "max_discount_charges_pct", "Desconto na multa e nos juros entre 0 % e 100 %."
            )
        )
    if not Decimal(0) <= v.max_discount_principal_pct <= Decimal(100):
        errors.append(
            FieldError(
                "max_discount_principal_pct", "Desconto no valor principal entre 0 % e 100 %."
            )
        )
    if not 1 <= v.max_installments <= 120:
        errors.append(FieldError("max_installments", "Entre 1 e 120 parcelas."))
    if v.min_installment < 0:
        errors.append(FieldError("min_installment", "A parcela mínima não pode ser negativa."))
    if not 1 <= v.breach_days <= 365:
        errors.append(FieldError("breach_days", "O acordo é rompido com atraso de 1 a 365 dias."))
    if v.breach_clause not in BREACH_CLAUSES:
        errors.append(FieldError("breach_clause", "Escolha o que acontece com o desconto."))
    if v.write_off_below < 0:
        errors.append(FieldError("write_off_below", "O valor não pode ser negativo."))
    if not 30 <= v.write_off_silent_days <= 3650:
        errors.append(FieldError("write_off_silent_days", "Entre 30 e 3.650 dias sem resposta."))
    for name in (
        "max_discount_charges_pct",
        "max_discount_principal_pct",
        "min_installment",
        "write_off_below",
    ):
        value: Decimal = getattr(v, name)
        if value != value.quantize(Decimal("0.01")):
            errors.append(FieldError(name, "Use no máximo duas casas decimais."))
    if errors:
        raise ValidationErrors(errors)
    return v


_VALIDATORS: dict[str, Any] = {
    "identity": _validate_identity,
    "policy": _validate_policy,
    "credit": _validate_credit,
    "contact": _validate_contact,
    "cadence": _validate_cadence,
    "pix": _validate_pix,
    "bank": _validate_bank,
    "agreements": _validate_agreements,
}

# --- load / save -------------------------------------------------------------------------------


def load(session: Session) -> ShopSettings:
    rows = {row.key: row.value for row in session.scalars(select(Setting))}
    kwargs: dict[str, Any] = {}
    for key in SECTIONS:
        if key in rows and isinstance(rows[key], dict):
            try:
                kwargs[key] = section_from_json(key, rows[key])
            except (ValueError, TypeError, KeyError, InvalidOperation):
                kwargs[key] = SECTIONS[key]()  # unreadable → defaults, never a crash
    return ShopSettings(**kwargs)


def save_section(
    session: Session, key: str, value: Any, *, user_id: int | None, now: datetime
) -> Any:
    """Validate and store one section, with an audit entry of before and after."""
    if key not in SECTIONS or not isinstance(value, SECTIONS[key]):
        raise TypeError(f"unknown settings section {key!r} for {type(value).__name__}")
    from services.users import require_owner

    require_owner(session, user_id)
    cleaned = _VALIDATORS[key](value)
    data = section_to_json(cleaned)
    row = session.get(Setting, key)
    before = row.value if row is not None else None
    if before == data:
        return cleaned
    if row is None:
        session.add(Setting(key=key, value=data, updated_at=now, updated_by_id=user_id))
    else:
        row.value = data
        row.updated_at = now
        row.updated_by_id = user_id
    audit.record(
        session,
        at=now,
        user_id=user_id,
        action="settings.update",
        entity="settings",
        before={"section": key, "value": before},
        after={"section": key, "value": data},
    )
    return cleaned


def is_configured(session: Session) -> bool:
    """Has the first-run dialog been completed (shop identity saved)?"""
    return session.get(Setting, "identity") is not None
