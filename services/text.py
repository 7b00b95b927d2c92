"""Normalising and formatting the identifiers people type and read (names, CPF, phones, CEP)."""

from __future__ import annotations

import re
import unicodedata

_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


def digits(text: str | None) -> str:
    return _NON_DIGITS.sub("", text or "")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(text: str) -> str:
    """Lower case, no accents, single spaces: what the counter search compares against."""
    return _SPACES.sub(" ", strip_accents(text).casefold()).strip()


def clean_name(text: str) -> str:
    """A person's name as stored: trimmed, inner spaces collapsed, case kept as typed."""
    return _SPACES.sub(" ", text).strip()


def format_cpf(cpf: str) -> str:
    d = digits(cpf)
    if len(d) != 11:
        return cpf
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def mask_cpf(cpf: str) -> str:
    """``***.456.789-**``: what lists and printed reports show (LGPD, DOMAIN.md)."""
    d = digits(cpf)
    if len(d) != 11:
        return "***.***.***-**"
    return f"***.{d[3:6]}.{d[6:9]}-**"


def format_cnpj(cnpj: str) -> str:
    d = digits(cnpj)
    if len(d) != 14:
        return cnpj
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def format_document(document: str) -> str:
    """CPF or CNPJ, formatted by its length."""
    d = digits(document)
    return format_cpf(d) if len(d) == 11 else format_cnpj(d)


def format_phone(number: str) -> str:
    d = digits(number)
    if len(d) == 11:
        return f"({d[:2]}) {d[2:7]}-{d[7:]}"
    if len(d) == 10:
        return f"({d[:2]}) {d[2:6]}-{d[6:]}"
    return number


def format_cep(cep: str | None) -> str:
    d = digits(cep)
    return f"{d[:5]}-{d[5:]}" if len(d) == 8 else (cep or "")
