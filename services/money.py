"""Money: parsing, display, cents and splitting.

Amounts are ``Decimal`` in code and integer cents in the database (DOMAIN.md, "Money").
A float never becomes money: every public function refuses one with ``TypeError``,
because a binary float cannot hold most cent values exactly and CDC art. 42 § único
makes the shop repay double anything charged by mistake.

``parse_brl`` rule for a dot without a comma (documented because it is ambiguous):

- ``"1.234"``, ``"12.345.678"``: every group after the first has exactly three digits and
  the first has one to three (not starting with 0), so the dots are pt_BR thousands
  separators: ``"1.500"`` is R$ 1.500,00 while ``"1.50"`` is R$ 1,50.
- ``"1234.56"``, ``"0.5"``: a single dot followed by one or two digits is read as the
  decimal point, as typed on a numeric keypad or pasted from a spreadsheet.
- Anything else with dots (``"1.23.4"``, ``"12.3456"``, ``"1.2345"``) is refused as ambiguous,
  and so is any mix where a comma comes before a dot (``"1,234.56"``, US style).
- With a comma, the comma is the decimal separator and dots before it must be proper
  thousands groups (``"1.234,56"``); more than two digits after the comma is refused.
"""

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import format_currency, format_decimal
from num2words import num2words

__all__ = [
    "CENT",
    "amount_in_words",
    "ensure_money",
    "format_brl",
    "format_percent",
    "from_cents",
    "parse_brl",
    "round_money",
    "split_evenly",
    "to_cents",
]

CENT = Decimal("0.01")

# Above R$ 999.999.999.999.999,99 something was mistyped; refusing also keeps every
# amount well inside Decimal's default 28-digit precision.
_MAX_INTEGER_DIGITS = 15

_MSG_EMPTY = "Informe um valor."
_MSG_NEGATIVE = "Valor negativo não é aceito."
_MSG_AMBIGUOUS = "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."
_MSG_DECIMALS = "Use no máximo duas casas decimais."
_MSG_INVALID = "Valor inválido: digite só números, com vírgula para os centavos (ex.: 1.234,56)."
_MSG_TOO_LARGE = "Valor alto demais: confira o número digitado."

# ASCII digits only: ``\d`` would also accept Arabic-Indic and other Unicode digits.
_PLAIN = re.compile(r"[0-9]+")
# Thousands groups never start with a zero: "0.500" is not five hundred, it is refused.
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_DOT_DECIMAL = re.compile(r"([0-9]+)\.([0-9]{1,2})")
_CURRENCY_PREFIX = re.compile(r"^R\$\s*", re.IGNORECASE)
_SPACES = "\u00a0\u202f"  # Babel writes a no-break (or narrow no-break) space after "R$".


def ensure_money(value: object, name: str = "valor") -> Decimal:
    """Return ``value`` as a finite Decimal; refuse floats so no binary error creeps in.

    ``int`` is accepted (it is exact); ``bool`` and ``float`` are not.
    """
    if isinstance(value, bool | float):
        raise TypeError(f"{name}: use Decimal para dinheiro, nunca float.")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, Decimal):
        raise TypeError(f"{name}: esperado Decimal, recebido {type(value).__name__}.")
    if not value.is_finite():
        raise ValueError(f"{name}: valor não numérico.")
    return value


def _ensure_cents(value: Decimal, name: str) -> None:
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        raise ValueError(f"{name}: {_MSG_DECIMALS}")


def round_money(value: Decimal) -> Decimal:
    """Round to the cent, half up: the rounding people expect on a receipt."""
    return ensure_money(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_brl(text: str) -> Decimal:
    """Read an amount typed by a person, in pt_BR or keypad form (rules in the module doc).

    Refuses rather than guesses: a wrong guess would charge the customer a wrong amount.
    """
    if not isinstance(text, str):
        raise TypeError("parse_brl espera um texto.")
    cleaned = text.strip(" \t\r\n" + _SPACES)
    if cleaned.startswith("-"):
        raise ValueError(_MSG_NEGATIVE)
    cleaned = _CURRENCY_PREFIX.sub("", cleaned).strip(" \t" + _SPACES)
    if cleaned.startswith("-"):
        raise ValueError(_MSG_NEGATIVE)
    if not cleaned:
        raise ValueError(_MSG_EMPTY)

    integer_part, fraction = _split_parts(cleaned)
    digits = integer_part.replace(".", "").lstrip("0")
    if len(digits) > _MAX_INTEGER_DIGITS:
        raise ValueError(_MSG_TOO_LARGE)
    number = Decimal(f"{integer_part.replace('.', '') or '0'}.{fraction or '0'}")
    return number.quantize(CENT)


def _split_parts(cleaned: str) -> tuple[str, str]:
    """Split into (integer digits, possibly with thousands dots; decimal digits)."""
    if cleaned.count(",") > 1:
        raise ValueError(_MSG_AMBIGUOUS if _looks_numeric(cleaned) else _MSG_INVALID)
    if "," in cleaned:
        integer_part, fraction = cleaned.split(",")
        if "." in fraction:
            # "1,234.56": the US order, comma for thousands.
            raise ValueError(_MSG_AMBIGUOUS if _looks_numeric(cleaned) else _MSG_INVALID)
        if fraction and not _PLAIN.fullmatch(fraction):
            raise ValueError(_MSG_INVALID)
        if not integer_part and not fraction:
            raise ValueError(_MSG_INVALID)
        if integer_part and not (
            _PLAIN.fullmatch(integer_part) or _GROUPED.fullmatch(integer_part)
        ):
            raise ValueError(_MSG_AMBIGUOUS if _looks_numeric(integer_part) else _MSG_INVALID)
        if len(fraction) > 2:
            raise ValueError(_MSG_DECIMALS)
        return integer_part, fraction
    if _PLAIN.fullmatch(cleaned):
        return cleaned, ""
    if _GROUPED.fullmatch(cleaned):
        return cleaned, ""
    keypad = _DOT_DECIMAL.fullmatch(cleaned)
    if keypad:
        return keypad.group(1), keypad.group(2)
    if _looks_numeric(cleaned):
        raise ValueError(_MSG_AMBIGUOUS)
    raise ValueError(_MSG_INVALID)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", text))


def format_brl(value: Decimal) -> str:
    """Show an amount as ``R$ 1.234,56`` (pt_BR, as Babel writes it) with a plain space.

    The value is rounded half up to the cent first, so no half-even rounding ever decides a
    cent; the no-break space is normalised so text compares and prints the same everywhere.
    The separators come from Babel's pt_BR data, read once: Babel's ``format_currency`` costs
    about 60 µs a call, which the overdue list and contact queue pay tens of thousands of times
    (a test compares both on random amounts).
    """
    amount = round_money(value)
    if amount == 0:
        amount = abs(amount)  # never show "-R$ 0,00"
    group, decimal, symbol = _brl_symbols()
    digits = f"{abs(amount):,.2f}".translate({ord(","): group, ord("."): decimal})
    return f"{'-' if amount < 0 else ''}{symbol} {digits}"


@cache
def _brl_symbols() -> tuple[str, str, str]:
    """(group separator, decimal separator, "R$") from Babel's pt_BR locale data."""
    from babel import Locale
    from babel.numbers import get_currency_symbol

    locale = Locale.parse("pt_BR")
    symbols = locale.number_symbols["latn"]
    return symbols["group"], symbols["decimal"], get_currency_symbol("BRL", locale=locale)


def format_brl_babel(value: Decimal) -> str:
    """:func:`format_brl` through Babel's ``format_currency`` (the reference the tests hold)."""
    amount = round_money(value)
    if amount == 0:
        amount = abs(amount)
    text = format_currency(amount, "BRL", locale="pt_BR")
    for space in _SPACES:
        text = text.replace(space, " ")
    return text


def to_cents(value: Decimal) -> int:
    """Convert to integer cents for storage; a sub-cent value is a bug upstream, so refuse it."""
    amount = ensure_money(value)
    _ensure_cents(amount, "valor")
    return int(amount * 100)


def from_cents(cents: int) -> Decimal:
    """Convert integer cents from the database back to a Decimal amount."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("from_cents espera um número inteiro de centavos.")
    return (Decimal(cents) / 100).quantize(CENT)


def split_evenly(total: Decimal, count: int) -> list[Decimal]:
    """Split ``total`` into ``count`` parts that add up to it exactly.

    Each part is rounded down to the cent and the remainder goes on the last part
    (DOMAIN.md, "Money"): R$ 100,00 in 3 → 33,33 · 33,33 · 33,34.
    """
    amount = ensure_money(total, "total")
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("Quantidade de parcelas deve ser um número inteiro.")
    if count < 1:
        raise ValueError("Informe ao menos uma parcela.")
    if amount < 0:
        raise ValueError(_MSG_NEGATIVE)
    _ensure_cents(amount, "total")
    cents = to_cents(amount)
    base = cents // count
    parts = [from_cents(base)] * (count - 1)
    parts.append(from_cents(cents - base * (count - 1)))
    return parts


def amount_in_words(value: Decimal) -> str:
    """Write the amount in words for letters and receipts, e.g. "cem reais".

    Delegates to num2words (DOMAIN.md) after rounding to the cent. Its wording is kept
    as is: "mil, duzentos e trinta e quatro reais e cinquenta e seis centavos";
    below R$ 1,00 it says "zero reais e cinquenta centavos".
    """
    amount = round_money(value)
    return str(num2words(amount, lang="pt_BR", to="currency"))


def format_percent(value: Decimal) -> str:
    """Show a rate already in percent units: ``Decimal("2")`` → ``"2,00 %"``.

    The rate is rounded half up to two places here, not by Babel, so the printed rate
    matches what the plan computed.
    """
    rate = ensure_money(value, "taxa").quantize(CENT, rounding=ROUND_HALF_UP)
    if rate == 0:
        rate = abs(rate)
    return f"{format_decimal(rate, format='#,##0.00', locale='pt_BR')} %"
