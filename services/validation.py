"""Field validation with messages in Portuguese, shared by every form and import.

Each validator takes what a person typed and returns the value as stored, or raises
:class:`FieldError` naming the field, so a form can show the message beside that field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from stdnum.br import cnpj as stdnum_cnpj
from stdnum.br import cpf as stdnum_cpf

from services.text import digits

UFS = (
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB",
    "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
)  # fmt: skip

# Valid DDDs (Anatel); a number with another area code is a typo.
DDDS = frozenset(
    int(x)
    for x in [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "22",
        "24",
        "27",
        "28",
        "31",
        "32",
        "33",
        "34",
        "35",
        "37",
        "38",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "53",
        "54",
        "55",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
        "68",
        "69",
        "71",
        "73",
        "74",
        "75",
        "77",
        "79",
        "81",
        "82",
        "83",
        "84",
        "85",
        "86",
        "87",
        "88",
        "89",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
        "97",
        "98",
        "99",
    ]
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Refused(ValueError):
    """A use case said no, and why, in Portuguese words a person can act on.

    The services' own refusals (a payment, a print, an agreement…) derive from it, so a screen
    shows their message as it is.
    """


@dataclass
class FieldError(ValueError):
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ValidationErrors(ValueError):
    """Several field errors at once, so a form can mark every wrong field in one go."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


class FieldCollector:
    """Runs a form's validators and keeps going, so every wrong field is reported at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.values: dict[str, Any] = {}

    def take(self, name: str, validate: Callable[[], Any]) -> None:
        """Store ``validate()`` under ``name``, or remember the FieldError it raised."""
        try:
            self.values[name] = validate()
        except FieldError as error:
            self.errors.append(error)

    def add(self, error: FieldError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)


def cpf(text: str, field: str = "cpf") -> str:
    d = digits(text)
    if not d:
        raise FieldError(field, "Informe o CPF.")
    if len(d) != 11:
        raise FieldError(field, "O CPF tem 11 dígitos.")
    # Eleven equal digits pass the check-digit arithmetic but are never issued.
    if len(set(d)) == 1 or not stdnum_cpf.is_valid(d):
        raise FieldError(field, "CPF inválido: confira os dígitos.")
    return d


def cpf_or_cnpj(text: str, field: str = "document") -> str:
    d = digits(text)
    if not d:
        raise FieldError(field, "Informe o CNPJ ou o CPF.")
    if len(d) == 11:
        return cpf(d, field)
    if len(d) == 14:
        if len(set(d)) == 1 or not stdnum_cnpj.is_valid(d):
            raise FieldError(field, "CNPJ inválido: confira os dígitos.")
        return d
    raise FieldError(field, "Informe um CPF (11 dígitos) ou um CNPJ (14 dígitos).")


def cep(text: str | None, field: str = "cep", *, required: bool = False) -> str | None:
    d = digits(text)
    if not d:
        if required:
            raise FieldError(field, "Informe o CEP.")
        return None
    if len(d) != 8:
        raise FieldError(field, "O CEP tem 8 dígitos (ex.: 01310-100).")
    return d


def phone(text: str, field: str = "phone") -> str:
    """A Brazilian phone with DDD: 10 digits (landline) or 11 (mobile, starting with 9)."""
    d = digits(text)
    if d.startswith("55") and len(d) in (12, 13):
        d = d[2:]
    if d.startswith("0") and len(d) in (11, 12):
        d = d[1:]
    if len(d) not in (10, 11):
        raise FieldError(field, "Telefone com DDD: 10 ou 11 dígitos, ex.: (11) 98765-4321.")
    if int(d[:2]) not in DDDS:
        raise FieldError(field, f"DDD {d[:2]} não existe.")
    if len(d) == 11 and d[2] != "9":
        raise FieldError(field, "Celular com 11 dígitos começa com 9 depois do DDD.")
    if len(d) == 10 and d[2] in "01":
        raise FieldError(field, "Número de telefone fixo inválido.")
    return d


def uf(text: str | None, field: str = "uf", *, required: bool = False) -> str | None:
    value = (text or "").strip().upper()
    if not value:
        if required:
            raise FieldError(field, "Informe a UF.")
        return None
    if value not in UFS:
        raise FieldError(field, f"UF desconhecida: {value}.")
    return value


def email(text: str | None, field: str = "email") -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if not _EMAIL.match(value) or len(value) > 160:
        raise FieldError(field, "E-mail inválido.")
    return value.lower()


def required_text(text: str | None, field: str, label: str, max_length: int) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise FieldError(field, f"Informe {label}.")
    if len(value) > max_length:
        raise FieldError(field, f"No máximo {max_length} caracteres.")
    return value


def optional_text(text: str | None, field: str, max_length: int) -> str | None:
    value = " ".join((text or "").split())
    if not value:
        return None
    if len(value) > max_length:
        raise FieldError(field, f"No máximo {max_length} caracteres.")
    return value


def birth_date(value: date | None, today: date, field: str = "birth_date") -> date | None:
    if value is None:
        return None
    if value > today:
        raise FieldError(field, "A data de nascimento está no futuro.")
    if value.year < today.year - 120:
        raise FieldError(field, "Data de nascimento improvável: confira o ano.")
    return value


def non_negative_money(value: Decimal, field: str, label: str) -> Decimal:
    if value < 0:
        raise FieldError(field, f"{label} não pode ser negativo.")
    if value != value.quantize(Decimal("0.01")):
        raise FieldError(field, f"{label}: no máximo duas casas decimais.")
    if value > Decimal("99999999.99"):
        raise FieldError(field, f"{label}: valor alto demais.")
    return value
