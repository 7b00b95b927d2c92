from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.charges import (
    MAX_LATE_FEE_PCT,
    Charges,
    Imputation,
    amount_due,
    early_settlement_value,
    impute_payment,
)
from services.money import from_cents

D = Decimal
DUE = date(2026, 1, 10)

principals = st.integers(min_value=0, max_value=10**9).map(from_cents)
fee_pcts = st.integers(min_value=0, max_value=200).map(lambda bp: Decimal(bp) / 100)
interest_pcts = st.integers(min_value=0, max_value=1000).map(lambda bp: Decimal(bp) / 100)


def due_on(on: date, principal: str = "100.00", grace_days: int = 0) -> Charges:
    return amount_due(
        D(principal),
        DUE,
        on,
        late_fee_pct=D("2"),
        monthly_interest_pct=D("1"),
        grace_days=grace_days,
    )


# --- amount_due ------------------------------------------------------------------------


def test_worked_example_thirty_days_late() -> None:
    # R$ 100,00 vencida em 10/01/2026, paga em 09/02/2026 (30 dias), multa 2 %, juros 1 % a.m.:
    # multa 2,00 + juros 100 × 1 % / 30 × 30 = 1,00 → total 103,00.
    charges = due_on(date(2026, 2, 9))
    assert charges == Charges(D("100.00"), D("2.00"), D("1.00"), D("103.00"), 30)


def test_nothing_before_or_on_the_due_date() -> None:
    for on in (date(2025, 12, 1), date(2026, 1, 9), DUE):
        charges = due_on(on)
        assert (charges.fee, charges.interest, charges.total) == (D(0), D(0), D("100.00"))
        assert charges.days_late == 0


def test_one_day_late() -> None:
    # 11/01/2026: multa 2,00 + juros 100 × 1 % / 30 × 1 = 0,0333… → 0,03 → 102,03
    charges = due_on(date(2026, 1, 11))
    assert (charges.fee, charges.interest, charges.total, charges.days_late) == (
        D("2.00"),
        D("0.03"),
        D("102.03"),
        1,
    )


def test_grace_days_boundary() -> None:
    # Carência de 5 dias: até 15/01 nada; em 16/01 (6 dias) multa e juros desde o vencimento.
    on_last_grace_day = due_on(date(2026, 1, 15), grace_days=5)
    assert on_last_grace_day.total == D("100.00")
    assert on_last_grace_day.days_late == 5
    after_grace = due_on(date(2026, 1, 16), grace_days=5)
    # juros: 100 × 1 % / 30 × 6 = 0,20
    assert (after_grace.fee, after_grace.interest, after_grace.total) == (
        D("2.00"),
        D("0.20"),
        D("102.20"),
    )


def test_zero_principal_has_no_charges() -> None:
    charges = due_on(date(2026, 6, 1), principal="0")
    assert charges == Charges(D("0.00"), D("0.00"), D("0.00"), D("0.00"), 142)


def test_rounding_half_up_once() -> None:
    # R$ 0,50 com multa 1 % = 0,005 → 0,01 (meio centavo arredonda para cima)
    charges = amount_due(
        D("0.50"), DUE, date(2026, 1, 11), late_fee_pct=D("1"), monthly_interest_pct=D(0)
    )
    assert charges.fee == D("0.01")
    # R$ 15,00 com juros 1 % a.m. por 1 dia: 15 × 1 % / 30 = 0,005 → 0,01
    charges = amount_due(
        D("15.00"), DUE, DUE + timedelta(days=1), late_fee_pct=D(0), monthly_interest_pct=D(1)
    )
    assert charges.interest == D("0.01")
    # R$ 1.000,00 a 1 % a.m. por 10 dias: 3,333… → 3,33 (sem arredondar a taxa diária antes)
    charges = amount_due(
        D("1000"), DUE, DUE + timedelta(days=10), late_fee_pct=D(0), monthly_interest_pct=D("1")
    )
    assert charges.interest == D("3.33")


def test_rounding_never_lifts_the_fee_above_two_percent() -> None:
    # R$ 12,25 com multa 2 %: 0,245 arredondaria para 0,25, acima do teto legal de 0,245;
    # a multa fica em 0,24 (CDC art. 52 §1).
    charges = amount_due(
        D("12.25"), DUE, date(2026, 1, 11), late_fee_pct=D("2"), monthly_interest_pct=D(0)
    )
    assert charges.fee == D("0.24")


def test_late_fee_above_two_percent_is_refused() -> None:
    assert D("2") == MAX_LATE_FEE_PCT
    with pytest.raises(ValueError, match=r"CDC art\. 52 §1"):
        amount_due(
            D("100"), DUE, date(2026, 2, 9), late_fee_pct=D("2.01"), monthly_interest_pct=D("1")
        )


@pytest.mark.parametrize(
    ("principal", "fee", "interest", "grace"),
    [
        (D("-1"), D("2"), D("1"), 0),
        (D("100"), D("-0.5"), D("1"), 0),
        (D("100"), D("2"), D("-1"), 0),
        (D("100"), D("2"), D("1"), -1),
        (D("100.001"), D("2"), D("1"), 0),
    ],
)
def test_amount_due_refuses_negatives(
    principal: Decimal, fee: Decimal, interest: Decimal, grace: int
) -> None:
    with pytest.raises(ValueError):
        amount_due(
            principal,
            DUE,
            date(2026, 2, 9),
            late_fee_pct=fee,
            monthly_interest_pct=interest,
            grace_days=grace,
        )


def test_amount_due_refuses_floats() -> None:
    with pytest.raises(TypeError):
        amount_due(100.0, DUE, DUE, late_fee_pct=D(2), monthly_interest_pct=D(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        amount_due(D(100), DUE, DUE, late_fee_pct=2.0, monthly_interest_pct=D(1))  # type: ignore[arg-type]


@given(
    principals,
    st.integers(min_value=-60, max_value=3650),
    fee_pcts,
    interest_pcts,
    st.integers(min_value=0, max_value=15),
)
def test_charges_properties(
    principal: Decimal, days: int, fee_pct: Decimal, rate: Decimal, grace: int
) -> None:
    def on_day(offset: int) -> Charges:
        return amount_due(
            principal,
            DUE,
            DUE + timedelta(days=offset),
            late_fee_pct=fee_pct,
            monthly_interest_pct=rate,
            grace_days=grace,
        )

    today, tomorrow = on_day(days), on_day(days + 1)
    assert today.total == today.principal + today.fee + today.interest
    assert today.principal == principal
    assert today.fee <= principal * D("0.02")  # CDC art. 52 §1
    assert tomorrow.total >= today.total
    assert tomorrow.interest >= today.interest
    if days <= grace:
        assert today.total == principal


# --- impute_payment --------------------------------------------------------------------


def test_partial_payment_goes_to_interest_then_fee_then_principal() -> None:
    # Deve 100,00 + multa 2,00 + juros 1,00. Paga 2,50: 1,00 juros, 1,50 multa, 0 principal.
    charges = due_on(date(2026, 2, 9))
    assert impute_payment(D("2.50"), charges) == Imputation(D("1.00"), D("1.50"), D(0), D(0))
    # Paga 50,00: 1,00 juros, 2,00 multa, 47,00 principal.
    assert impute_payment(D("50"), charges) == Imputation(D("1"), D("2"), D("47"), D(0))
    # Paga 110,00: quita tudo e sobram 7,00.
    assert impute_payment(D("110"), charges) == Imputation(D("1"), D("2"), D("100"), D("7"))


def test_impute_refuses_negative_payment() -> None:
    with pytest.raises(ValueError):
        impute_payment(D("-1"), due_on(DUE))


@given(principals, st.integers(min_value=0, max_value=400), principals)
def test_imputation_properties(principal: Decimal, days: int, paid: Decimal) -> None:
    charges = amount_due(
        principal,
        DUE,
        DUE + timedelta(days=days),
        late_fee_pct=D("2"),
        monthly_interest_pct=D("1"),
    )
    parts = impute_payment(paid, charges)
    assert parts.interest + parts.fee + parts.principal == min(paid, charges.total)
    assert parts.leftover == max(D(0), paid - charges.total)
    assert 0 <= parts.interest <= charges.interest
    assert 0 <= parts.fee <= charges.fee
    assert 0 <= parts.principal <= charges.principal
    # nothing reaches the principal while interest or fee are still open (CC art. 354)
    if parts.principal > 0:
        assert parts.interest == charges.interest and parts.fee == charges.fee


# --- early_settlement_value ------------------------------------------------------------


def test_early_settlement_one_month_ahead() -> None:
    # Parcela de R$ 102,00 a 2 % a.m., paga 30 dias antes: 102 / 1,02 = 100,00 (CDC art. 52 §2)
    value = early_settlement_value(D("102.00"), DUE, DUE - timedelta(days=30), D("2"))
    assert value == D("100.00")


def test_early_settlement_fifteen_days_ahead() -> None:
    # R$ 100,00 a 2 % a.m., 15 dias antes: 100 / 1,02^0,5 = 99,0148… → 99,01
    value = early_settlement_value(D("100"), DUE, DUE - timedelta(days=15), D("2"))
    assert value == D("99.01")


def test_no_discount_on_or_after_due_date_or_without_interest() -> None:
    assert early_settlement_value(D("100"), DUE, DUE, D("2")) == D("100.00")
    assert early_settlement_value(D("100"), DUE, DUE + timedelta(days=3), D("2")) == D("100.00")
    assert early_settlement_value(D("100"), DUE, DUE - timedelta(days=90), D(0)) == D("100.00")


def test_early_settlement_refuses_negative_rate() -> None:
    with pytest.raises(ValueError):
        early_settlement_value(D("100"), DUE, DUE - timedelta(days=1), D("-1"))


@given(principals, st.integers(min_value=0, max_value=3650), interest_pcts)
def test_early_settlement_never_exceeds_the_installment(
    amount: Decimal, days_early: int, rate: Decimal
) -> None:
    earlier = early_settlement_value(amount, DUE, DUE - timedelta(days=days_early + 1), rate)
    later = early_settlement_value(amount, DUE, DUE - timedelta(days=days_early), rate)
    assert 0 <= earlier <= later <= amount
