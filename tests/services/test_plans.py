import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.money import CENT, from_cents
from services.plans import (
    MAX_INSTALLMENTS,
    RATE_WARNING_YEARLY,
    add_months,
    cet_yearly,
    price_installment,
    rate_warning,
    split_installments,
    yearly_from_monthly,
)

D = Decimal

# --- add_months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # ano bissexto
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # ancorado no dia 31, não em 28
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 11, 10), 2, date(2027, 1, 10)),
        (date(2026, 12, 31), 14, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- split_installments without interest -----------------------------------------------


def test_split_without_interest() -> None:
    # R$ 1.000,00 em 3 vezes a partir de 31/01/2026 → 333,33 · 333,33 · 333,34
    plan = split_installments(D("1000.00"), 3, date(2026, 1, 31))
    assert plan == [
        (date(2026, 1, 31), D("333.33")),
        (date(2026, 2, 28), D("333.33")),
        (date(2026, 3, 31), D("333.34")),
    ]


def test_single_installment() -> None:
    assert split_installments(D("59.90"), 1, date(2026, 5, 5)) == [(date(2026, 5, 5), D("59.90"))]


@pytest.mark.parametrize(
    ("total", "count", "rate", "message"),
    [
        (D("100"), 0, D(0), "Informe ao menos uma parcela."),
        (D("100"), MAX_INSTALLMENTS + 1, D(0), "No máximo 120 parcelas."),
        (D("0"), 3, D(0), "O valor financiado deve ser maior que zero."),
        (D("-10"), 3, D(0), "O valor financiado deve ser maior que zero."),
        (D("100"), 3, D("-1"), "A taxa de juros não pode ser negativa."),
        (D("100.005"), 3, D(0), "Use no máximo duas casas decimais."),
    ],
)
def test_split_installments_refuses(
    total: Decimal, count: int, rate: Decimal, message: str
) -> None:
    with pytest.raises(ValueError) as error:
        split_installments(total, count, date(2026, 1, 10), rate)
    assert str(error.value) == message


def test_split_installments_refuses_float() -> None:
    with pytest.raises(TypeError):
        split_installments(100.0, 3, date(2026, 1, 10))  # type: ignore[arg-type]


# --- Price table -----------------------------------------------------------------------


def test_price_plan_worked_example() -> None:
    # R$ 1.000,00 a 2 % a.m. em 3: PMT = 1000 × 0,02 / (1 − 1,02⁻³) = 346,7547…
    # 3 × PMT = 1.040,264… → 1.040,26; parcelas 346,75 · 346,75 · 346,76.
    exact = 1000 * 0.02 / (1 - 1.02**-3)
    assert math.isclose(exact, 346.7547, abs_tol=1e-4)
    plan = split_installments(D("1000"), 3, date(2026, 1, 31), D("2"))
    assert [amount for _, amount in plan] == [D("346.75"), D("346.75"), D("346.76")]
    assert [due for due, _ in plan] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert price_installment(D("1000"), D("2"), 3) == D("346.75")


def test_price_plan_last_absorbs_a_downward_difference() -> None:
    # R$ 1.000,00 a 0,95 % a.m. em 5: PMT = 205,7359… → 205,74; 5 × PMT = 1.028,6796… → 1.028,68;
    # a última é 1.028,68 − 4 × 205,74 = 205,72.
    plan = split_installments(D("1000"), 5, date(2026, 2, 1), D("0.95"))
    assert [amount for _, amount in plan] == [D("205.74")] * 4 + [D("205.72")]
    assert sum(amount for _, amount in plan) == D("1028.68")


def test_price_installment_without_interest_matches_the_plan() -> None:
    # R$ 200,00 em 3 sem juros: 66,66 · 66,66 · 66,68 (a regular é 66,66, não 66,67)
    assert price_installment(D("200"), D(0), 3) == D("66.66")


def test_plan_with_installments_of_a_few_cents_is_refused() -> None:
    # R$ 0,02 em 4: duas parcelas sairiam zeradas.
    with pytest.raises(ValueError, match="Parcelas pequenas demais"):
        split_installments(D("0.02"), 4, date(2026, 1, 10))
    # R$ 0,05 a 1 % a.m. em 10: PMT 0,00527… → 0,01; 10 × PMT = 0,0527… → 0,05;
    # a última seria 0,05 − 9 × 0,01 = −0,04.
    with pytest.raises(ValueError, match="Parcelas pequenas demais"):
        split_installments(D("0.05"), 10, date(2026, 1, 10), D("1"))


@given(
    st.integers(min_value=1, max_value=MAX_INSTALLMENTS),
    st.integers(min_value=0, max_value=1500).map(lambda bp: Decimal(bp) / 100),
    st.data(),
)
def test_plan_sums(count: int, rate: Decimal, data: st.DataObject) -> None:
    # from R$ 1,00 per installment up: smaller plans may be refused (test above)
    total = data.draw(st.integers(min_value=100 * count, max_value=10**9).map(from_cents))
    plan = split_installments(total, count, date(2026, 1, 31), rate)
    amounts = [amount for _, amount in plan]
    assert len(plan) == count
    assert all(amount == amount.quantize(CENT) for amount in amounts)
    assert all(amount >= 0 for amount in amounts)
    if rate == 0:
        assert sum(amounts) == total
    else:
        exact_pmt = float(total) * float(rate / 100) / (1 - (1 + float(rate / 100)) ** -count)
        assert abs(float(sum(amounts)) - exact_pmt * count) <= 0.0051 + 1e-9 * exact_pmt * count
        assert sum(amounts) >= total
        # the last one differs from the others by less than half a cent per installment
        assert abs(amounts[-1] - amounts[0]) <= CENT * count / 2
    dues = [due for due, _ in plan]
    assert dues == sorted(dues) and len(set(dues)) == count


# --- yearly rates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "yearly"),
    [("0", "0.00"), ("1", "12.68"), ("2", "26.82"), ("0.5", "6.17"), ("10", "213.84")],
)
def test_yearly_from_monthly(monthly: str, yearly: str) -> None:
    assert yearly_from_monthly(D(monthly)) == D(yearly)


def test_rate_warning() -> None:
    assert D("12") == RATE_WARNING_YEARLY
    assert rate_warning(D(0)) is None
    assert rate_warning(D("0.94")) is None  # 11,91 % a.a.
    assert rate_warning(D("0.95")) == (
        "Atenção: 0,95 % ao mês equivalem a 12,01 % ao ano, acima da referência de "
        "12,00 % ao ano para lojas que não são instituições financeiras."
    )
    warning = rate_warning(D("2"))
    assert warning is not None and "26,82 %" in warning


# --- CET -------------------------------------------------------------------------------


def test_cet_without_interest_is_zero() -> None:
    start = date(2026, 1, 15)
    plan = split_installments(D("1000"), 10, add_months(start, 1))
    assert cet_yearly(D("1000"), plan, start) == D("0.00")
    assert str(cet_yearly(D("1000"), plan, start)) == "0.00"  # never "-0.00"


def test_cet_single_payment_after_a_year() -> None:
    # R$ 1.000,00 hoje, R$ 1.100,00 em 365 dias → CET exatamente 10 % a.a.
    start = date(2025, 3, 1)
    assert cet_yearly(D("1000"), [(start + timedelta(days=365), D("1100"))], start) == D("10.00")


def test_cet_two_yearly_payments_closed_form() -> None:
    # R$ 100,00 pagos em duas parcelas de R$ 58,00 após 365 e 730 dias:
    # 100 = a·v + a·v², v = 1/(1+i) → v = (−a + √(a² + 400a)) / 2a → i = 10,4923…%.
    a = 58.0
    v = (-a + math.sqrt(a * a + 400 * a)) / (2 * a)
    assert math.isclose((1 / v - 1) * 100, 10.4923, abs_tol=1e-4)
    start = date(2026, 1, 1)
    plan = [(start + timedelta(days=365), D("58.00")), (start + timedelta(days=730), D("58.00"))]
    assert cet_yearly(D("100"), plan, start) == D("10.49")


def test_cet_two_percent_a_month_for_a_year() -> None:
    # 2 % a.m. composto ≈ 26,82 % a.a.; com meses de calendário (28 a 31 dias em /365)
    # o CET oscila algumas décimas em torno disso conforme o mês da venda.
    for start in (date(2025, 1, 10), date(2026, 6, 30), date(2027, 9, 1)):
        plan = split_installments(D("1000"), 12, add_months(start, 1), D("2"))
        assert abs(cet_yearly(D("1000"), plan, start) - D("26.82")) < D("0.35")


def test_cet_fees_raise_the_cost() -> None:
    start = date(2026, 1, 1)
    plan = split_installments(D("1000"), 5, add_months(start, 1), D("0.95"))
    without = cet_yearly(D("1000"), plan, start)
    with_fees = cet_yearly(D("1000"), plan, start, fees=D("60"))
    assert with_fees > without + D("20")


@pytest.mark.parametrize(
    ("financed", "schedule", "fees"),
    [
        (D("100"), [], D(0)),
        (D("100"), [(date(2026, 1, 1), D("110"))], D(0)),  # tudo no dia da venda
        (D("100"), [(date(2025, 12, 1), D("110"))], D(0)),  # vence antes da venda
        (D("100"), [(date(2026, 2, 1), D("110"))], D("100")),  # tarifas ≥ financiado
        (D("100"), [(date(2026, 2, 1), D("110"))], D("-1")),
    ],
)
def test_cet_refuses(
    financed: Decimal, schedule: list[tuple[date, Decimal]], fees: Decimal
) -> None:
    with pytest.raises(ValueError):
        cet_yearly(financed, schedule, date(2026, 1, 1), fees)


@given(
    st.integers(min_value=100, max_value=10**8).map(from_cents),
    st.integers(min_value=1, max_value=48),
    st.integers(min_value=0, max_value=800).map(lambda bp: Decimal(bp) / 100),
)
def test_cet_grows_with_the_rate(total: Decimal, count: int, rate: Decimal) -> None:
    total = max(total, D(count))  # at least R$ 1,00 per installment
    start = date(2026, 1, 20)
    plan = split_installments(total, count, add_months(start, 1), rate)
    cheaper = split_installments(total, count, add_months(start, 1), rate / 2)
    assert cet_yearly(total, plan, start) >= cet_yearly(total, cheaper, start) >= 0
