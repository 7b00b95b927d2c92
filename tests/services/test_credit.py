from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.credit import CreditDecision, check_credit
from services.money import from_cents

D = Decimal


def test_approved_within_limit() -> None:
    # Limite 1.000,00, deve 500,00 → disponível 500,00; pede 500,00: aprovado.
    decision = check_credit(
        limit=D("1000"), open_principal=D("500"), requested=D("500"), max_days_late=0, blocked=False
    )
    assert decision == CreditDecision(True, D("1000"), D("500"), D("500"), ())


def test_refused_above_available() -> None:
    decision = check_credit(
        limit=D("1000"), open_principal=D("500"), requested=D("900"), max_days_late=0, blocked=False
    )
    assert not decision.approved
    assert decision.reasons == (
        "Valor financiado (R$ 900,00) acima do limite disponível (R$ 500,00).",
    )


def test_available_never_below_zero() -> None:
    # Deve 1.200,00 com limite 1.000,00 (limite reduzido depois da compra)
    decision = check_credit(
        limit=D("1000"), open_principal=D("1200"), requested=D("10"), max_days_late=0, blocked=False
    )
    assert decision.available == 0
    assert decision.used == D("1200")
    assert decision.reasons == (
        "Valor financiado (R$ 10,00) acima do limite disponível (R$ 0,00).",
    )


def test_late_boundary() -> None:
    def late(days: int) -> CreditDecision:
        return check_credit(
            limit=D("1000"),
            open_principal=D(0),
            requested=D("100"),
            max_days_late=days,
            blocked=False,
        )

    assert late(30).approved
    assert late(31).reasons == ("Parcela em atraso há 31 dias (máximo permitido: 30).",)
    assert late(-5).approved  # nada vencido


def test_custom_late_allowance_and_singular() -> None:
    decision = check_credit(
        limit=D("1000"),
        open_principal=D(0),
        requested=D("100"),
        max_days_late=1,
        blocked=False,
        max_days_late_allowed=0,
    )
    assert decision.reasons == ("Parcela em atraso há 1 dia (máximo permitido: 0).",)


def test_every_failing_rule_gives_its_reason() -> None:
    decision = check_credit(
        limit=D("500"), open_principal=D(0), requested=D("900"), max_days_late=45, blocked=True
    )
    assert decision.approved is False
    assert decision.reasons == (
        "Cliente bloqueado para novas compras.",
        "Parcela em atraso há 45 dias (máximo permitido: 30).",
        "Valor financiado (R$ 900,00) acima do limite disponível (R$ 500,00).",
    )


@pytest.mark.parametrize(
    ("limit", "used", "requested"),
    [(D("-1"), D(0), D("10")), (D("100"), D("-1"), D("10")), (D("100"), D(0), D("-1"))],
)
def test_negative_amounts_refused(limit: Decimal, used: Decimal, requested: Decimal) -> None:
    with pytest.raises(ValueError):
        check_credit(
            limit=limit, open_principal=used, requested=requested, max_days_late=0, blocked=False
        )


def test_floats_refused() -> None:
    with pytest.raises(TypeError):
        check_credit(
            limit=100.0,  # type: ignore[arg-type]
            open_principal=D(0),
            requested=D("10"),
            max_days_late=0,
            blocked=False,
        )


money = st.integers(min_value=0, max_value=10**9).map(from_cents)


@given(money, money, money, st.integers(-100, 400), st.booleans())
def test_decision_properties(
    limit: Decimal, used: Decimal, requested: Decimal, late: int, blocked: bool
) -> None:
    decision = check_credit(
        limit=limit, open_principal=used, requested=requested, max_days_late=late, blocked=blocked
    )
    assert decision.available == max(D(0), limit - used)
    assert decision.approved == (not decision.reasons)
    assert decision.approved == (not blocked and late <= 30 and requested <= decision.available)
