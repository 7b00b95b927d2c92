from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.money import (
    CENT,
    amount_in_words,
    format_brl,
    format_brl_babel,
    format_percent,
    from_cents,
    parse_brl,
    round_money,
    split_evenly,
    to_cents,
)

# Any amount from R$ 0,00 to R$ 1.000.000.000,00, to the cent.
amounts = st.integers(min_value=0, max_value=10**11).map(from_cents)


# --- parse_brl -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("R$ 1.234,56", "1234.56"),
        ("R$1.234,56", "1234.56"),
        ("r$ 10", "10.00"),
        ("R$\u00a01.234,56", "1234.56"),  # as Babel writes it, with a no-break space
        ("1234.56", "1234.56"),  # keypad / spreadsheet: one dot, two digits
        ("0.5", "0.50"),
        ("1234", "1234.00"),
        ("0,5", "0.50"),
        (",5", "0.50"),
        ("5,", "5.00"),
        ("  12,30  ", "12.30"),
        ("1.234", "1234.00"),  # pt_BR thousands separator: mil duzentos e trinta e quatro
        ("1.500", "1500.00"),  # três dígitos depois do ponto: milhar
        ("1.50", "1.50"),  # dois dígitos depois do ponto: centavos (teclado numérico)
        ("12.345.678,90", "12345678.90"),
        ("1.000.000", "1000000.00"),
        ("0", "0.00"),
        ("007,00", "7.00"),
    ],
)
def test_parse_brl_accepts(text: str, expected: str) -> None:
    result = parse_brl(text)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Informe um valor."),
        ("   ", "Informe um valor."),
        ("R$", "Informe um valor."),
        ("-10,00", "Valor negativo não é aceito."),
        ("R$ -10,00", "Valor negativo não é aceito."),
        ("-R$ 10,00", "Valor negativo não é aceito."),
        ("1,234", "Use no máximo duas casas decimais."),
        ("0,125", "Use no máximo duas casas decimais."),
        ("1.23.4", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("12.3456", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("1234.567", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("1,234.56", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("1,2,3", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("12.34,56", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("0.500", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
        ("01.234,00", "Valor ambíguo: use vírgula para os centavos (ex.: 1.234,56)."),
    ],
)
def test_parse_brl_refuses_with_portuguese_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_brl(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    "text",
    ["abc", "NaN", "nan", "Infinity", "inf", "1e5", "12a", "+5", "1 234,56", ",", "١٢٣", "US$ 5"],
)
def test_parse_brl_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="Valor inválido"):
        parse_brl(text)


def test_parse_brl_refuses_absurd_size() -> None:
    with pytest.raises(ValueError, match="Valor alto demais"):
        parse_brl("1" * 16)


@given(amounts)
def test_parse_brl_reads_back_what_format_brl_writes(value: Decimal) -> None:
    assert parse_brl(format_brl(value)) == value


# --- format_brl ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", "R$ 1.234,56"),
        ("0", "R$ 0,00"),
        ("0.5", "R$ 0,50"),
        ("1000000", "R$ 1.000.000,00"),
        ("-1234.56", "-R$ 1.234,56"),
        ("-0.00", "R$ 0,00"),
        ("0.005", "R$ 0,01"),  # half up, not Babel's half even
        ("2.345", "R$ 2,35"),
    ],
)
def test_format_brl(value: str, expected: str) -> None:
    assert format_brl(Decimal(value)) == expected


@given(
    st.decimals(
        min_value=Decimal("-99999999999.99"),
        max_value=Decimal("99999999999.99"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_format_brl_writes_what_babel_writes(value: Decimal) -> None:
    assert format_brl(value) == format_brl_babel(value)


def test_format_brl_uses_plain_spaces() -> None:
    assert "\u00a0" not in format_brl(Decimal("1")) and "\u202f" not in format_brl(Decimal("1"))


@pytest.mark.parametrize(
    "function", [format_brl, to_cents, round_money, amount_in_words, format_percent]
)
def test_money_functions_refuse_floats(function: Callable[..., object]) -> None:
    with pytest.raises(TypeError):
        function(1.5)


def test_refuses_decimal_nan() -> None:
    with pytest.raises(ValueError):
        format_brl(Decimal("NaN"))


# --- cents -----------------------------------------------------------------------------


def test_cents_round_trip() -> None:
    assert to_cents(Decimal("1234.56")) == 123456
    assert to_cents(Decimal("0.5")) == 50
    assert to_cents(Decimal("-3.00")) == -300
    assert from_cents(123456) == Decimal("1234.56")
    assert from_cents(7) == Decimal("0.07")


def test_to_cents_refuses_sub_cent() -> None:
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))


def test_from_cents_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        from_cents(Decimal("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_cents(True)


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_cents_round_trip_property(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


# --- rounding --------------------------------------------------------------------------


def test_round_money_half_up() -> None:
    assert Decimal("0.01") == CENT
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("0.135")) == Decimal("0.14")
    assert round_money(Decimal("0.124")) == Decimal("0.12")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")


# --- split_evenly ----------------------------------------------------------------------


def test_split_evenly_puts_remainder_on_last() -> None:
    # R$ 100,00 em 3 → 33,33 + 33,33 + 33,34
    assert split_evenly(Decimal("100.00"), 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    # R$ 0,05 em 3 → 0,01 + 0,01 + 0,03
    assert split_evenly(Decimal("0.05"), 3) == [Decimal("0.01"), Decimal("0.01"), Decimal("0.03")]
    assert split_evenly(Decimal("90"), 1) == [Decimal("90.00")]
    assert split_evenly(Decimal("0"), 2) == [Decimal("0.00"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("total", "count"), [(Decimal("10"), 0), (Decimal("-10"), 2), (Decimal("10.001"), 2)]
)
def test_split_evenly_refuses(total: Decimal, count: int) -> None:
    with pytest.raises(ValueError):
        split_evenly(total, count)


@given(amounts, st.integers(min_value=1, max_value=500))
def test_split_evenly_sums_to_the_cent(total: Decimal, count: int) -> None:
    parts = split_evenly(total, count)
    assert len(parts) == count
    assert sum(parts) == total
    assert all(part == part.quantize(CENT) and part >= 0 for part in parts)
    # every part but the last is the same, and the last is never smaller
    assert len(set(parts[:-1])) <= 1
    assert parts[-1] >= parts[0]
    assert parts[-1] - parts[0] < CENT * count


# --- amount_in_words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", "mil, duzentos e trinta e quatro reais e cinquenta e seis centavos"),
        ("1", "um real"),
        ("100", "cem reais"),
        ("21", "vinte e um reais"),
        ("2500.50", "dois mil e quinhentos reais e cinquenta centavos"),
        ("1000000", "um milhão de reais"),
        ("0.5", "zero reais e cinquenta centavos"),
        ("1000.01", "mil reais e um centavo"),
    ],
)
def test_amount_in_words(value: str, expected: str) -> None:
    assert amount_in_words(Decimal(value)) == expected


# --- format_percent --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", "2,00 %"),
        ("0", "0,00 %"),
        ("26.8242", "26,82 %"),
        ("0.125", "0,13 %"),
        ("1234.5", "1.234,50 %"),
        ("-0.001", "0,00 %"),
    ],
)
def test_format_percent(value: str, expected: str) -> None:
    assert format_percent(Decimal(value)) == expected
