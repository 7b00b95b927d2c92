from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.profile import PaymentHistory, Profile, profile_for

# Um bom cliente: 20 pagas, 19 em dia (95 %), atraso médio de 2 dias, nada em aberto.
GOOD = PaymentHistory(
    installments_paid=20,
    paid_on_time=19,
    average_days_late=Decimal(2),
    max_days_late_open=0,
    renegotiations=0,
    broken_promises=0,
    broken_agreements=0,
    months_as_customer=24,
)


def letter(**changes: object) -> str:
    return profile_for(replace(GOOD, **changes)).letter  # type: ignore[arg-type]


def test_a_pays_on_time() -> None:
    assert profile_for(GOOD) == Profile("A", "Paga em dia: 95 % das parcelas pagas no vencimento.")


def test_a_boundaries() -> None:
    assert letter(paid_on_time=18) == "A"  # 90 % exatos
    assert letter(paid_on_time=17) == "B"  # 85 %
    assert letter(max_days_late_open=7) == "A"
    assert letter(max_days_late_open=8) == "B"
    assert letter(broken_promises=0) == "A"
    assert letter(broken_promises=1) == "B"  # uma promessa não cumprida já tira o A


def test_a_broken_promise_names_the_fact() -> None:
    assert profile_for(replace(GOOD, broken_promises=1)) == Profile(
        "B", "Paga em dia, mas tem 1 promessa de pagamento não cumprida."
    )
    assert profile_for(replace(GOOD, broken_promises=2)) == Profile(
        "B", "Paga em dia, mas tem 2 promessas de pagamento não cumpridas."
    )
    # Quem já é B ou C por outro motivo continua com a frase do motivo que decide.
    assert profile_for(replace(GOOD, paid_on_time=13, broken_promises=1)).letter == "C"


def test_b_reasons() -> None:
    assert profile_for(replace(GOOD, paid_on_time=17)) == Profile(
        "B", "Bom pagador: 85 % das parcelas pagas no vencimento."
    )
    assert profile_for(replace(GOOD, max_days_late_open=20)) == Profile(
        "B", "Bom pagador, mas com parcela em aberto há 20 dias."
    )


def test_percent_shown_rounded_down() -> None:
    # 179 de 200 = 89,5 %: não é A, e a frase não pode dizer "90 %".
    result = profile_for(replace(GOOD, installments_paid=200, paid_on_time=179))
    assert result == Profile("B", "Bom pagador: 89 % das parcelas pagas no vencimento.")


def test_new_customer_is_b() -> None:
    new = replace(GOOD, installments_paid=2, paid_on_time=0, average_days_late=Decimal(40))
    assert profile_for(new) == Profile("B", "Cliente novo: ainda sem histórico suficiente.")
    assert letter(installments_paid=0, paid_on_time=0, average_days_late=Decimal(0)) == "B"
    assert letter(installments_paid=3, paid_on_time=3) == "A"  # 3 pagas já contam


def test_c_boundaries() -> None:
    assert letter(paid_on_time=14) == "B"  # 70 % exatos
    assert profile_for(replace(GOOD, paid_on_time=13)) == Profile(
        "C", "Atrasa com frequência: só 65 % das parcelas pagas no vencimento."
    )
    assert letter(average_days_late=Decimal(15)) == "A"
    assert profile_for(replace(GOOD, average_days_late=Decimal(18))) == Profile(
        "C", "Atrasa com frequência: média de 18 dias de atraso."
    )
    assert profile_for(replace(GOOD, average_days_late=Decimal("15.01"))).reason == (
        "Atrasa com frequência: média de 15,1 dias de atraso."
    )


def test_c_renegotiation_counts_even_for_new_customers() -> None:
    assert profile_for(replace(GOOD, renegotiations=1)) == Profile(
        "C", "Já renegociou a dívida 1 vez."
    )
    assert letter(renegotiations=2, installments_paid=1, paid_on_time=1) == "C"


def test_d_boundaries_and_reasons() -> None:
    assert letter(max_days_late_open=60) == "B"
    assert profile_for(replace(GOOD, max_days_late_open=75)) == Profile(
        "D", "Inadimplente: parcela em aberto há 75 dias."
    )
    assert profile_for(replace(GOOD, broken_agreements=1)) == Profile(
        "D", "Alto risco: 1 acordo descumprido."
    )
    assert profile_for(replace(GOOD, broken_agreements=2)).reason == (
        "Alto risco: 2 acordos descumpridos."
    )
    assert profile_for(replace(GOOD, broken_promises=3)) == Profile(
        "D", "Alto risco: 3 promessas de pagamento não cumpridas."
    )
    # D vale também para cliente novo
    assert letter(installments_paid=0, paid_on_time=0, max_days_late_open=61) == "D"


@pytest.mark.parametrize(
    "changes",
    [
        {"paid_on_time": 21},
        {"installments_paid": -1, "paid_on_time": 0},
        {"renegotiations": -1},
        {"average_days_late": Decimal(-1)},
        {"average_days_late": Decimal("NaN")},
    ],
)
def test_inconsistent_history_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(GOOD, **changes)  # type: ignore[arg-type]


def test_float_average_is_refused() -> None:
    with pytest.raises(TypeError):
        replace(GOOD, average_days_late=2.5)  # type: ignore[arg-type]


histories = st.builds(
    lambda paid, on_time_share, avg, open_late, reneg, promises, agreements, months: PaymentHistory(
        installments_paid=paid,
        paid_on_time=paid * on_time_share // 100,
        average_days_late=Decimal(avg) / 10,
        max_days_late_open=open_late,
        renegotiations=reneg,
        broken_promises=promises,
        broken_agreements=agreements,
        months_as_customer=months,
    ),
    st.integers(0, 300),
    st.integers(0, 100),
    st.integers(0, 1000),
    st.integers(-30, 200),
    st.integers(0, 3),
    st.integers(0, 5),
    st.integers(0, 2),
    st.integers(0, 240),
)


@given(histories)
def test_every_history_gets_one_letter_and_one_sentence(history: PaymentHistory) -> None:
    result = profile_for(history)
    assert result.letter in {"A", "B", "C", "D"}
    assert result.reason.endswith(".") and result.reason.count(".") == 1
    if history.broken_agreements or history.max_days_late_open > 60:
        assert result.letter == "D"
    if result.letter == "A":
        assert history.paid_on_time * 10 >= history.installments_paid * 9
        assert history.max_days_late_open <= 7
        assert history.broken_promises == 0


def test_never_on_time_reads_naturally() -> None:
    history = PaymentHistory(
        installments_paid=6,
        paid_on_time=0,
        average_days_late=Decimal("5"),
        max_days_late_open=0,
        renegotiations=0,
        broken_promises=0,
        broken_agreements=0,
        months_as_customer=12,
    )
    profile = profile_for(history)
    assert profile.letter == "C"
    assert profile.reason == "Atrasa com frequência: nenhuma parcela paga no vencimento."
