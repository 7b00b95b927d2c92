from hypothesis import given
from hypothesis import strategies as st

from services.slips import mod10, parse_slip_code, slip_code_for


def test_slip_code_has_an_even_number_of_digits_and_a_check_digit() -> None:
    code = slip_code_for(123)
    assert code == "00000000123" + str(mod10("00000000123"))
    assert len(code) % 2 == 0


def test_febraban_mod10_worked_example() -> None:
    # Field 1 of the Banco do Brasil example in DOMAIN.md: 001905009 → DV 5.
    assert mod10("001905009") == 5


@given(st.integers(min_value=1, max_value=10**11 - 1))
def test_round_trip(installment_id: int) -> None:
    assert parse_slip_code(slip_code_for(installment_id)) == installment_id


@given(st.integers(min_value=1, max_value=10**11 - 1), st.integers(0, 11), st.integers(1, 9))
def test_a_single_mistyped_digit_is_refused(installment_id: int, pos: int, delta: int) -> None:
    code = slip_code_for(installment_id)
    wrong = code[:pos] + str((int(code[pos]) + delta) % 10) + code[pos + 1 :]
    assert parse_slip_code(wrong) != installment_id


def test_other_text_is_not_a_slip_code() -> None:
    assert parse_slip_code("João") is None
    assert parse_slip_code("5299822472") is None  # a CPF-length prefix
    assert parse_slip_code("000000000000") is None
