"""Collection letters in batch: the friendly letter and the notice before a bureau report."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from services.documents.letters import (
    CollectionLetter,
    LetterKind,
    LettersCancelled,
    OverdueItem,
    Recipient,
    render_letters,
)
from services.money import amount_in_words
from tests.documents.conftest import (
    LONG_ADDRESS,
    LONG_NAME,
    normalized_text,
    pdf_pages,
    save_png,
    shop,
)

TODAY = date(2026, 11, 23)
NAMES = ("José Antônio Conceição", "Maria Aparecida Lima", "Raimundo Nonato Ferreira")


def items(count: int = 3) -> tuple[OverdueItem, ...]:
    """Installments 3.. of sale 1237, due on the 10th of each month from July 2026.

    Longer lists start earlier, so the last one is always due 10/09/2026 or before.
    """
    out = []
    first = 2026 * 12 + 6 - max(0, count - 3)  # months since year 0, July 2026 for three
    for k in range(count):
        month = first + k
        due = date(month // 12, month % 12 + 1, 10)
        days = (TODAY - due).days
        interest = (Decimal("91.67") * Decimal("0.01") * days / 30).quantize(Decimal("0.01"))
        out.append(
            OverdueItem(
                sale_number="1237",
                installment=3 + k,
                installments=max(12, 2 + count),
                due_date=due,
                amount=Decimal("91.67"),
                fee=Decimal("1.83"),
                interest=interest,
                description="Geladeira Frost Free 375 L",
            )
        )
    return tuple(out)


def letter(
    name: str = NAMES[0],
    kind: LetterKind = LetterKind.FRIENDLY,
    count: int = 3,
    **kwargs: Any,
) -> CollectionLetter:
    values: dict[str, Any] = {
        "kind": kind,
        "shop": shop(),
        "recipient": Recipient(
            name=name,
            cpf="52998224725",
            address_lines=(
                "Rua das Acácias, 45 – ap. 12",
                "Jardim Brasília – Uberlândia/MG – CEP 38401-120",
            ),
        ),
        "items": items(count),
        "issued_on": TODAY,
        "city": "Uberlândia/MG",
        "deadline": TODAY + timedelta(days=15),
        "pix_key": "12.345.678/0001-95",
        "late_fee_pct": Decimal("2"),
        "monthly_interest_pct": Decimal("1"),
    }
    values.update(kwargs)
    return CollectionLetter(**values)


def notice(name: str = NAMES[0], count: int = 3, **kwargs: Any) -> CollectionLetter:
    return letter(name, LetterKind.NOTICE, count, **kwargs)


def test_worked_example_to_the_cent() -> None:
    # 91,67 + 2 % fee (1,83) + 1 % a month pro rata: 136 days → 4,16; 105 → 3,21; 74 → 2,26.
    first, second, third = items(3)
    assert (first.interest, second.interest, third.interest) == (
        Decimal("4.16"),
        Decimal("3.21"),
        Decimal("2.26"),
    )
    assert first.total == Decimal("97.66")
    assert letter().total == Decimal("97.66") + Decimal("96.71") + Decimal("95.76")


def test_batch_of_three_has_one_letter_per_customer_each_on_its_own_page() -> None:
    pdf = render_letters([letter(NAMES[0]), notice(NAMES[1]), letter(NAMES[2])])
    save_png(pdf, "cartas-lote-3")
    pages = normalized_text(pdf)
    assert len(pages) == 3
    for page, name in zip(pages, NAMES, strict=True):
        assert name in page
        assert [other for other in NAMES if other in page] == [name]
        assert "Página 1 de 1" in page
    assert "Aviso de pendência" in pages[0]
    assert "Notificação de débito em aberto" in pages[1]


def test_friendly_letter_lists_the_installments_and_the_total_in_words() -> None:
    pdf = render_letters([letter()])
    save_png(pdf, "carta-cobranca-amigavel")
    (text,) = normalized_text(pdf)
    for expected in (
        "Magazine Estrela D'Ávila Ltda.",
        "CNPJ 12.345.678/0001-95",
        "Av. Getúlio Vargas, 1500, Centro, Uberlândia/MG, CEP 38400-000",
        "Rua das Acácias, 45 – ap. 12",
        "Jardim Brasília – Uberlândia/MG – CEP 38401-120",
        "Uberlândia/MG, 23/11/2026",
        "3/12 10/07/2026 R$ 91,67 R$ 1,83 R$ 4,16 R$ 97,66",
        "4/12 10/08/2026 R$ 91,67 R$ 1,83 R$ 3,21 R$ 96,71",
        "5/12 10/09/2026 R$ 91,67 R$ 1,83 R$ 2,26 R$ 95,76",
        "Total R$ 275,01 R$ 5,49 R$ 9,63 R$ 290,13",
        "Total atualizado em 23/11/2026: R$ 290,13",
        amount_in_words(Decimal("290.13")),
        "pendência",
        "12.345.678/0001-95",  # the Pix key
        "acordo",
        "08/12/2026",
        "CPF ***.982.247-**",
    ):
        assert expected in text, expected
    assert "duzentos e noventa reais e treze centavos" in text
    # CDC art. 42: the friendly letter threatens nothing and does not shout "dívida".
    for word in ("SPC", "Serasa", "negativ", "dívida", "protesto"):
        assert word not in text, word
    assert "529.982.247-25" not in text  # LGPD: CPF masked


def test_notice_has_the_deadline_the_cdc_wording_and_the_creditor() -> None:
    pdf = render_letters([notice(deadline=TODAY + timedelta(days=12))])
    save_png(pdf, "notificacao-previa-negativacao")
    (text,) = normalized_text(pdf)
    for expected in (
        "Notificação de débito em aberto",
        "art. 43, § 2º",
        "Magazine Estrela D'Ávila Ltda., CNPJ 12.345.678/0001-95, com endereço em "
        "Av. Getúlio Vargas, 1500, Centro, Uberlândia/MG, CEP 38400-000",
        "Prezado(a) Sr.(a) José Antônio Conceição, CPF ***.982.247-**",
        "3/12 10/07/2026 R$ 91,67 R$ 1,83 R$ 4,16 R$ 97,66",
        "Total atualizado em 23/11/2026: R$ 290,13 (duzentos e noventa reais e treze centavos)",
        "Caso o valor não seja pago ou negociado até 05/12/2026 (12 dias a contar desta "
        "notificação), seu CPF poderá ser registrado nos serviços de proteção ao crédito "
        "(SPC, Serasa e Boa Vista)",
        "não reconhece este débito ou discorda de algum valor",
        "Telefone (34) 3232-1000",
        "multa de 2,00 % e os juros de mora de 1,00 % ao mês",
    ):
        assert expected in text, expected


def test_notice_with_less_than_ten_days_is_refused() -> None:
    with pytest.raises(ValueError, match="pelo menos 10 dias"):
        render_letters([notice(deadline=TODAY + timedelta(days=9))])
    render_letters([notice(deadline=TODAY + timedelta(days=10))])


def test_letter_without_shop_identity_is_refused() -> None:
    with pytest.raises(ValueError, match="falta endereço"):
        render_letters([letter(shop=dataclasses.replace(shop(), address=""))])


def test_twelve_installments_fit_one_page_and_a_long_letter_flows_to_a_second() -> None:
    for kind in LetterKind:
        pdf = render_letters([letter(kind=kind, count=12)])
        save_png(pdf, f"carta-12-parcelas-{kind.value}")
        assert pdf_pages(pdf) == 1, kind

    long_one = render_letters([notice(NAMES[0], count=40), letter(NAMES[1])])
    save_png(long_one, "notificacao-40-parcelas-e-carta")
    pages = normalized_text(long_one)
    assert len(pages) == 3
    assert "Página 1 de 2" in pages[0]
    assert "Página 2 de 2" in pages[1]
    assert "Página 1 de 1" in pages[2]
    # The second page repeats the creditor's header and the table's headings.
    assert "Magazine Estrela D'Ávila Ltda." in pages[1]
    assert "CNPJ 12.345.678/0001-95" in pages[1]
    assert "Vencimento" in pages[1]
    assert "(continuação)" in pages[1]
    assert NAMES[1] not in pages[0] + pages[1]
    assert NAMES[0] not in pages[2]


def test_same_input_gives_the_same_bytes() -> None:
    batch = [letter(NAMES[0]), notice(NAMES[1], count=20)]
    assert render_letters(batch) == render_letters(batch)


def test_progress_is_reported_after_each_letter() -> None:
    calls: list[tuple[int, int]] = []
    render_letters(
        [letter(name) for name in NAMES], progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_cancelling_stops_the_batch() -> None:
    calls: list[int] = []

    def cancelled() -> bool:
        return len(calls) >= 2

    with pytest.raises(LettersCancelled, match="cancelada") as raised:
        render_letters(
            [letter(f"Cliente {n}") for n in range(10)],
            progress=lambda done, total: calls.append(done),
            cancelled=cancelled,
        )
    assert calls == [1, 2]
    assert (raised.value.done, raised.value.total) == (2, 10)


def test_a_batch_has_one_letter_per_customer_each_on_its_own_pages() -> None:
    batch = [
        (notice if n % 3 == 0 else letter)(f"Cliente {n:03d}", count=1 + n % 12) for n in range(30)
    ]
    pdf = render_letters(batch)
    assert pdf_pages(pdf) == 30
    texts = normalized_text(pdf)
    assert all(f"Cliente {n:03d}" in texts[n] for n in range(30))


def test_long_names_addresses_and_a_partial_payment_stay_in_their_boxes() -> None:
    long_shop = dataclasses.replace(
        shop(),
        name="Comércio de Móveis e Eletrodomésticos São João Batista da Silva Irmãos e "
        "Companhia Limitada — Filial Centro",
        address=LONG_ADDRESS,
    )
    first, *rest = items(3)
    partial = dataclasses.replace(
        first,
        paid=Decimal("50.00"),
        description="Conjunto de sofá retrátil e reclinável de 3 e 2 lugares em suede cinza",
    )
    one = letter(
        LONG_NAME,
        shop=long_shop,
        items=(partial, *rest),
        recipient=Recipient(LONG_NAME, "52998224725", (LONG_ADDRESS,)),
    )
    pdf = render_letters([one, dataclasses.replace(one, kind=LetterKind.NOTICE)])
    save_png(pdf, "cartas-nomes-longos-pagamento-parcial")
    pages = normalized_text(pdf)
    assert len(pages) == 2
    # The partially paid installment: 91,67 − 50,00 + 1,83 + 4,16 = 47,66.
    assert "3/12 10/07/2026 R$ 91,67 R$ 50,00 R$ 1,83 R$ 4,16 R$ 47,66" in pages[0]
    assert "Total R$ 275,01 R$ 50,00 R$ 5,49 R$ 9,63 R$ 240,13" in pages[0]
    for page in pages:
        assert "Página 1 de 1" in page


def test_an_agreements_installment_is_named_as_such() -> None:
    base = letter("Cliente Acordo", count=1)
    item = dataclasses.replace(base.items[0], sale_number="A12", description="renegociação")
    text = normalized_text(render_letters([dataclasses.replace(base, items=(item,))]))[0]
    assert "Acordo 12 · renegociação" in text
    assert "Venda A12" not in text
