"""What a person reads when something is refused or fails."""

from __future__ import annotations

import pytest

from services.agreements import AgreementRefused
from services.cash import CashSessionError
from services.collection import CollectionRefused
from services.payments import PaymentConflict, PaymentRefused
from services.printing import PrintRefused
from ui.widgets import error_message


@pytest.mark.parametrize(
    "exc",
    [
        AgreementRefused("As parcelas mudaram em outro caixa; nada foi gravado."),
        CashSessionError("O caixa nº 3 já foi fechado."),
        CollectionRefused("Informe como a contestação foi resolvida."),
        PaymentRefused("Escolha ao menos uma parcela."),
        PaymentConflict(),
        PrintRefused("Acordo nº 9 não encontrado."),
    ],
)
def test_a_services_refusal_is_shown_in_its_own_words(exc: Exception) -> None:
    assert error_message(exc) == str(exc)


def test_an_unexpected_failure_says_nothing_was_saved() -> None:
    assert "nada foi salvo" in error_message(KeyError("x"))
