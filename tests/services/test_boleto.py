"""FEBRABAN barcode and linha digitável: the digits a bank's reader and a cashier would check."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.boleto import (
    barcode,
    barcode_from_digitable_line,
    bb_free_field,
    caixa_beneficiary_dv,
    caixa_sigcb_free_field,
    check_barcode,
    digitable_line,
    due_date_factor,
    mod11_general,
    nosso_numero_bb,
    nosso_numero_caixa,
    nosso_numero_caixa_dv,
)

# DOMAIN.md, worked example from Banco do Brasil's manual.
BB_MANUAL_BARCODE = "00193373700000001000500940144816060680935031"
BB_MANUAL_LINE = "00190.50095 40144.816069 06809.350314 3 37370000000100"


def _digits(line: str) -> str:
    return line.replace(".", "").replace(" ", "")


# --- due-date factor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "factor"),
    [
        (date(1997, 10, 8), "0001"),
        (date(2000, 7, 3), "1000"),
        (date(2008, 2, 3), "3771"),
        (date(2025, 2, 21), "9999"),
        (date(2025, 2, 22), "1000"),
        (date(2025, 2, 24), "1002"),
        (date(2026, 12, 21), "1667"),
        (date(2049, 10, 13), "9999"),
        (date(2049, 10, 14), "1000"),
    ],
)
def test_due_date_factor(due: date, factor: str) -> None:
    assert due_date_factor(due) == factor


def test_no_due_date_is_factor_zero() -> None:
    assert due_date_factor(None) == "0000"


@pytest.mark.parametrize("due", [date(1997, 10, 7), date(1997, 10, 6), date(1990, 1, 1)])
def test_due_date_on_or_before_the_base_is_refused(due: date) -> None:
    with pytest.raises(ValueError, match="anterior a 08/10/1997"):
        due_date_factor(due)


@given(st.dates(min_value=date(1997, 10, 8), max_value=date(2100, 1, 1)))
def test_factor_increases_by_one_day_by_day_within_a_cycle(due: date) -> None:
    today, tomorrow = int(due_date_factor(due)), int(due_date_factor(due + timedelta(days=1)))
    if today == 9999:
        assert tomorrow == 1000  # the cycle restarts
    else:
        assert tomorrow == today + 1


# --- barcode ---------------------------------------------------------------------------------


def test_general_check_digit_of_the_bb_manual_example() -> None:
    body = BB_MANUAL_BARCODE[:4] + BB_MANUAL_BARCODE[5:]
    assert mod11_general(body) == 3


def test_barcode_layout() -> None:
    code = barcode("001", date(2008, 2, 3), Decimal("135.00"), "0" * 6 + "1" * 19)
    assert len(code) == 44
    assert code[:3] == "001"
    assert code[3] == "9"
    assert code[5:9] == "3771"
    assert code[9:19] == "0000013500"
    assert code[19:] == "0" * 6 + "1" * 19


def test_barcode_without_due_date_carries_factor_zero() -> None:
    code = barcode("001", None, Decimal("10"), "0" * 25)
    assert code[5:9] == "0000"
    check_barcode(code)


@pytest.mark.parametrize(
    ("bank", "amount", "free", "currency", "message"),
    [
        ("01", Decimal("1"), "0" * 25, "9", "banco"),
        ("0a1", Decimal("1"), "0" * 25, "9", "banco"),
        ("001", Decimal("1"), "0" * 24, "9", "25 dígitos"),
        ("001", Decimal("1"), "0" * 24 + "x", "9", "25 dígitos"),
        ("001", Decimal("-0.01"), "0" * 25, "9", "negativo"),
        ("001", Decimal("1.001"), "0" * 25, "9", "duas casas"),
        ("001", Decimal("100000000.00"), "0" * 25, "9", "alto demais"),
        ("001", Decimal("NaN"), "0" * 25, "9", "duas casas"),
        ("001", Decimal("1"), "0" * 25, "99", "moeda"),
    ],
)
def test_barcode_refuses_bad_input(
    bank: str, amount: Decimal, free: str, currency: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        barcode(bank, date(2026, 12, 21), amount, free, currency)


def test_barcode_accepts_the_largest_amount() -> None:
    code = barcode("001", None, Decimal("99999999.99"), "0" * 25)
    assert code[9:19] == "9999999999"


def test_barcode_refuses_float_amounts() -> None:
    with pytest.raises(TypeError):
        barcode("001", None, 1.5, "0" * 25)  # type: ignore[arg-type]


# --- linha digitável -------------------------------------------------------------------------


def test_bb_manual_example_barcode_to_line() -> None:
    assert digitable_line(BB_MANUAL_BARCODE) == BB_MANUAL_LINE


@pytest.mark.parametrize(
    "typed", [BB_MANUAL_LINE, _digits(BB_MANUAL_LINE), "  " + BB_MANUAL_LINE.replace(" ", "  ")]
)
def test_bb_manual_example_line_to_barcode(typed: str) -> None:
    assert barcode_from_digitable_line(typed) == BB_MANUAL_BARCODE


def test_digitable_line_refuses_a_barcode_with_a_wrong_check_digit() -> None:
    wrong = BB_MANUAL_BARCODE[:4] + "4" + BB_MANUAL_BARCODE[5:]
    with pytest.raises(ValueError, match="verificador geral"):
        digitable_line(wrong)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (BB_MANUAL_LINE[:-1], "47 dígitos"),
        (BB_MANUAL_LINE + "0", "47 dígitos"),
        (BB_MANUAL_LINE.replace("3 3737", "3-3737"), "só tem números"),
        # one digit changed in each field
        (BB_MANUAL_LINE.replace("00190.50095", "00190.50195"), "Campo 1"),
        (BB_MANUAL_LINE.replace("40144.816069", "40144.716069"), "Campo 2"),
        (BB_MANUAL_LINE.replace("06809.350314", "06809.350315"), "Campo 3"),
        (BB_MANUAL_LINE.replace(" 3 ", " 4 "), "Campo 4"),
        (BB_MANUAL_LINE.replace("37370000000100", "37370000000101"), "Campo 4"),
    ],
)
def test_line_with_a_wrong_digit_is_refused_naming_the_field(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        barcode_from_digitable_line(typed)


def test_field_five_has_no_check_digit_of_its_own() -> None:
    """FEBRABAN blind spot: remainders 0, 1 and 10 all give a general DV of 1.

    With DV 1, R$ 321,12 typed as R$ 321,16 still passes every check. Documented here so no
    one "fixes" the parser into rejecting linhas that every bank accepts.
    """
    code = "10491324200000321120055077000100040000000190"
    line = digitable_line(code)
    assert line.endswith(" 1 32420000032112")
    mistyped = line[:-1] + "6"
    assert barcode_from_digitable_line(mistyped) != code


# --- property tests --------------------------------------------------------------------------

banks = st.text(alphabet="0123456789", min_size=3, max_size=3)
free_fields = st.text(alphabet="0123456789", min_size=25, max_size=25)
dues = st.none() | st.dates(min_value=date(1997, 10, 8), max_value=date(2100, 12, 31))
amounts = st.integers(min_value=0, max_value=9_999_999_999).map(lambda c: Decimal(c) / 100)


@given(banks, dues, amounts, free_fields)
def test_barcode_line_barcode_round_trip(
    bank: str, due: date | None, amount: Decimal, free: str
) -> None:
    code = barcode(bank, due, amount, free)
    line = digitable_line(code)
    assert len(_digits(line)) == 47
    assert barcode_from_digitable_line(line) == code
    assert barcode_from_digitable_line(_digits(line)) == code


def _general_remainder(code: str) -> int:
    body = code[:4] + code[5:]
    return sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(body))) % 11


@given(banks, dues, amounts, free_fields, st.integers(0, 46), st.integers(1, 9))
def test_a_single_changed_digit_in_a_line_is_rejected(
    bank: str, due: date | None, amount: Decimal, free: str, position: int, delta: int
) -> None:
    code = barcode(bank, due, amount, free)
    line = _digits(digitable_line(code))
    changed = str((int(line[position]) + delta) % 10)
    typo = line[:position] + changed + line[position + 1 :]
    try:
        decoded = barcode_from_digitable_line(typo)
    except ValueError:
        return
    # Only the FEBRABAN blind spot above may slip through: a digit of field 5 (no DV of its
    # own) when the general DV is 1 both before and after the change.
    assert position >= 33
    assert code[4] == "1"
    assert _general_remainder(decoded) in (0, 1, 10)


@given(banks, dues, amounts, free_fields, st.integers(0, 32), st.integers(1, 9))
def test_a_changed_digit_in_fields_one_to_four_is_always_rejected(
    bank: str, due: date | None, amount: Decimal, free: str, position: int, delta: int
) -> None:
    line = _digits(digitable_line(barcode(bank, due, amount, free)))
    changed = str((int(line[position]) + delta) % 10)
    with pytest.raises(ValueError, match="Campo"):
        barcode_from_digitable_line(line[:position] + changed + line[position + 1 :])


# --- Banco do Brasil, convênio de 7 dígitos --------------------------------------------------
# Worked examples from kivanio/brcobranca, spec/brcobranca/boleto/banco_brasil_spec.rb
# ("Montar código de barras para convenio de 7 digitos e nosso numero de 10"): convênio
# 1238798, complemento 7777700168, carteira 18, issued 01/02/2008.


def test_bb_free_field_layout() -> None:
    assert bb_free_field("1238798", "7777700168", "18") == "0000001238798777770016818"


def test_bb_nosso_numero_is_convenio_plus_complement() -> None:
    assert nosso_numero_bb("1238798", "7777700168") == "12387987777700168"


@pytest.mark.parametrize(
    ("due", "amount", "code", "line"),
    [
        (
            date(2008, 2, 3),
            Decimal("135.00"),
            "00193377100000135000000001238798777770016818",
            "00190.00009 01238.798779 77700.168188 3 37710000013500",
        ),
        (
            date(2008, 2, 3),
            Decimal("723.56"),
            "00195377100000723560000001238798777770016818",
            "00190.00009 01238.798779 77700.168188 5 37710000072356",
        ),
        (
            date(2008, 2, 1),
            Decimal("723.56"),
            "00194376900000723560000001238798777770016818",
            "00190.00009 01238.798779 77700.168188 4 37690000072356",
        ),
    ],
)
def test_bb_convenio_7_worked_examples(due: date, amount: Decimal, code: str, line: str) -> None:
    free = bb_free_field("1238798", "7777700168", "18")
    assert barcode("001", due, amount, free) == code
    assert digitable_line(code) == line
    assert barcode_from_digitable_line(line) == code


@pytest.mark.parametrize(
    ("convenio", "complement", "carteira"),
    [("123879", "7777700168", "18"), ("1238798", "777770016", "18"), ("1238798", "7" * 10, "1")],
)
def test_bb_free_field_refuses_wrong_lengths(convenio: str, complement: str, carteira: str) -> None:
    with pytest.raises(ValueError, match="dígitos"):
        bb_free_field(convenio, complement, carteira)


# --- Caixa SIGCB -----------------------------------------------------------------------------
# Worked examples:
# - kivanio/brcobranca spec/brcobranca/boleto/caixa_spec.rb: beneficiário 245274 (DV 0),
#   nosso número 14 + 000000000000001 → "14000000000000001-4", free field
#   2452740000100040000000017; beneficiário DVs 123456-0 and 654321-9.
# - caelum-stella CaixaSIGCBTest: beneficiário 005507, nosso número 14000000000000019, due
#   23/08/2006, R$ 321,12 → 10491324200000321120055077000100040000000190.
# - caelum-stella CaixaCarteira24Test: beneficiário 503662-3, nosso número
#   24000000000000006-3, due 10/07/2014, R$ 1,23 → 10498612000000001235036623000200040000000060,
#   linha 10495.03665 23000.200040 00000.000604 8 61200000000123.


@pytest.mark.parametrize(
    ("beneficiary", "dv"), [("245274", "0"), ("123456", "0"), ("654321", "9"), ("503662", "3")]
)
def test_caixa_beneficiary_check_digit(beneficiary: str, dv: str) -> None:
    assert caixa_beneficiary_dv(beneficiary) == dv


def test_caixa_nosso_numero() -> None:
    assert nosso_numero_caixa("000000000000001") == "14000000000000001"
    assert nosso_numero_caixa("000000000000006", registered=False) == "24000000000000006"
    assert nosso_numero_caixa_dv("14000000000000001") == "4"
    assert nosso_numero_caixa_dv("24000000000000006") == "3"


def test_caixa_free_field_brcobranca_example() -> None:
    free = caixa_sigcb_free_field("245274", "14000000000000001")
    assert free == "2452740000100040000000017"


def test_caixa_stella_registered_example() -> None:
    free = caixa_sigcb_free_field("005507", "14000000000000019")
    code = barcode("104", date(2006, 8, 23), Decimal("321.12"), free)
    assert code == "10491324200000321120055077000100040000000190"


def test_caixa_stella_unregistered_example() -> None:
    free = caixa_sigcb_free_field("503662", "24000000000000006")
    code = barcode("104", date(2014, 7, 10), Decimal("1.23"), free)
    assert code == "10498612000000001235036623000200040000000060"
    line = "10495.03665 23000.200040 00000.000604 8 61200000000123"
    assert digitable_line(code) == line
    assert barcode_from_digitable_line(line) == code


@pytest.mark.parametrize(
    ("beneficiary", "nosso_numero", "message"),
    [
        ("24527", "14000000000000001", "6 dígitos"),
        ("245274", "1400000000000001", "17 dígitos"),
        ("245274", "34000000000000001", "modalidade"),
        ("245274", "13000000000000001", "emissão"),
    ],
)
def test_caixa_free_field_refuses_bad_input(
    beneficiary: str, nosso_numero: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        caixa_sigcb_free_field(beneficiary, nosso_numero)


def test_public_api_keyword_names() -> None:
    """The names other modules (and the slip renderer) call these functions with."""
    free = bb_free_field(convenio7="1238798", nosso_numero10="7777700168", carteira="18")
    code = barcode(
        bank_code="001",
        due=date(2008, 2, 3),
        amount=Decimal("135.00"),
        free_field=free,
        currency="9",
    )
    assert barcode_from_digitable_line(line=digitable_line(barcode=code)) == code
    assert caixa_sigcb_free_field(beneficiario6="245274", nosso_numero17="14000000000000001")
    assert due_date_factor(due=None) == "0000"
