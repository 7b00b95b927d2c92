"""Static Pix BR Code: the payload a phone's banking app reads from the slip's QR code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.pix import (
    brcode,
    crc16_ccitt_false,
    parse_brcode,
    parse_tlv,
    pix_key,
    txid_for_slip,
)
from services.slips import slip_code_for

EVP = "123e4567-e12b-12d1-a456-426655440000"
# DOMAIN.md, "Pix on the slip": the known-good payload from BCB's BR Code manual.
KNOWN_GOOD = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_known_good_payload() -> None:
    assert brcode(EVP, "Fulano de Tal", "BRASILIA") == KNOWN_GOOD


def test_crc_check_value() -> None:
    # The catalogue check value of CRC-16/CCITT-FALSE (reveng.sourceforge.io).
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize(
    "payload",
    [
        KNOWN_GOOD,
        # piggly-dev/php-pix tests/PayloadTest.php (they also send field 01, initiation method)
        "00020101021126580014br.gov.bcb.pix0136aae2196f-5f93-46e4-89e6-73bf4138427b520400005303"
        "9865802BR5913STUDIO PIGGLY6007Uberaba63042546",
        "00020101021126740014br.gov.bcb.pix0136aae2196f-5f93-46e4-89e6-73bf4138427b0212Pagament"
        "o 015204000053039865406109.905802BR5913STUDIO PIGGLY6007Uberaba62130509034593-096304E828",
    ],
)
def test_third_party_payloads_pass_our_crc(payload: str) -> None:
    fields = parse_brcode(payload)
    assert fields["00"] == "01"
    assert parse_tlv(fields["26"])["00"] == "br.gov.bcb.pix"


def test_parse_known_good_fields() -> None:
    fields = parse_brcode(KNOWN_GOOD)
    assert list(fields) == ["00", "26", "52", "53", "58", "59", "60", "62", "63"]
    assert parse_tlv(fields["26"]) == {"00": "br.gov.bcb.pix", "01": EVP}
    assert fields["59"] == "Fulano de Tal"
    assert fields["60"] == "BRASILIA"
    assert parse_tlv(fields["62"]) == {"05": "***"}
    assert fields["63"] == "1D3D"


@pytest.mark.parametrize(
    "payload",
    [
        KNOWN_GOOD[:-1] + "E",  # wrong CRC
        KNOWN_GOOD.replace("BRASILIA", "BRASILIO"),  # altered content
        KNOWN_GOOD[:-8],  # no CRC field
        KNOWN_GOOD[:40],
    ],
)
def test_parse_refuses_a_damaged_payload(payload: str) -> None:
    with pytest.raises(ValueError, match="CRC"):
        parse_brcode(payload)


def test_amount_goes_in_field_54_with_a_dot() -> None:
    payload = brcode(EVP, "Fulano de Tal", "BRASILIA", Decimal("1234.5"))
    fields = parse_brcode(payload)
    assert fields["54"] == "1234.50"
    assert list(fields).index("54") == list(fields).index("53") + 1


def test_payload_with_amount_matches_a_published_one() -> None:
    # Cross-checked with a payload a banking app accepted, published with the lib's tests
    # (fictitious key), 117,84 BRL: field 54 = "117.84", CRC 76B9.
    payload = brcode(
        "7d9f2a1c-3b4e-4f5a-8c6d-0e1f2a3b4c5d", "FERNANDO", "BRASIL", Decimal("117.84")
    )
    assert payload == (
        "00020126580014br.gov.bcb.pix01367d9f2a1c-3b4e-4f5a-8c6d-0e1f2a3b4c5d5204000053039865406"
        "117.845802BR5908FERNANDO6006BRASIL62070503***630476B9"
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "positivo"),
        (Decimal("-1"), "positivo"),
        (Decimal("1.005"), "duas casas"),
        (Decimal("Infinity"), "duas casas"),
        (Decimal("10000000000"), "alto demais"),
    ],
)
def test_bad_amounts_are_refused(amount: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        brcode(EVP, "Loja", "Recife", amount)


def test_description_goes_inside_field_26() -> None:
    payload = brcode(EVP, "Loja", "Recife", description="Parcela 3/10 – João")
    account = parse_tlv(parse_brcode(payload)["26"])
    assert account == {"00": "br.gov.bcb.pix", "01": EVP, "02": "Parcela 3/10 - Joao"}


def test_description_that_does_not_fit_field_26_is_refused() -> None:
    room = 99 - len("0014br.gov.bcb.pix0136" + EVP) - 4
    brcode(EVP, "Loja", "Recife", description="x" * room)
    with pytest.raises(ValueError, match=f"no máximo {room} caracteres"):
        brcode(EVP, "Loja", "Recife", description="x" * (room + 1))


def test_name_and_city_are_reduced_to_ascii_and_truncated() -> None:
    payload = brcode(EVP, "Confecções São João da Boa Vista Ltda", "São José dos Pinhais", None)
    fields = parse_brcode(payload)
    assert fields["59"] == "Confeccoes Sao Joao da Bo"
    assert len(fields["59"]) == 25
    assert fields["60"] == "Sao Jose dos Pi"
    assert fields["59"].isascii() and fields["60"].isascii()


@pytest.mark.parametrize(("name", "city"), [("", "Recife"), ("Loja", "  "), ("✓✓", "Recife")])
def test_empty_name_or_city_is_refused(name: str, city: str) -> None:
    with pytest.raises(ValueError, match="Informe"):
        brcode(EVP, name, city)


@pytest.mark.parametrize("txid", ["CRED000000000017", "A" * 25, "***"])
def test_txid_in_field_62(txid: str) -> None:
    fields = parse_brcode(brcode(EVP, "Loja", "Recife", txid=txid))
    assert parse_tlv(fields["62"]) == {"05": txid}


@pytest.mark.parametrize("txid", ["", "A" * 26, "parcela 1", "034593-09", "ção"])
def test_bad_txid_is_refused(txid: str) -> None:
    with pytest.raises(ValueError, match="txid"):
        brcode(EVP, "Loja", "Recife", txid=txid)


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("529.982.247-25", "52998224725"),
        ("52998224725", "52998224725"),
        ("11.222.333/0001-81", "11222333000181"),
        ("+55 (11) 98765-4321", "+5511987654321"),
        ("+556133334444", "+556133334444"),
        ("Loja@Exemplo.com.br", "loja@exemplo.com.br"),
        ("123E4567-E12B-12D1-A456-426655440000", EVP),
    ],
)
def test_valid_keys_are_normalised(typed: str, stored: str) -> None:
    assert pix_key(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Informe"),
        ("52998224724", "CPF inválido"),
        ("11111111111", "CPF inválido"),
        ("11222333000182", "CNPJ inválido"),
        ("+5500987654321", "DDD 00"),
        ("+1 415 555 0100", "celular"),
        ("11987654321x", "não reconhecida"),
        ("loja@", "e-mail"),
        ("123e4567-e12b-12d1-a456-42665544000", "não reconhecida"),
        ("chave qualquer", "não reconhecida"),
    ],
)
def test_invalid_keys_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        brcode(typed, "Loja", "Recife")


# --- txid from a slip ------------------------------------------------------------------------


def test_txid_for_slip() -> None:
    code = slip_code_for(17)
    assert txid_for_slip(code) == "CRED" + code
    assert len(txid_for_slip(code)) <= 25


@pytest.mark.parametrize("code", ["", "123", "000000000171", "00000000017x"])
def test_txid_for_an_invalid_slip_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="carnê"):
        txid_for_slip(code)


# --- property --------------------------------------------------------------------------------

names = st.text(min_size=1, max_size=40).filter(
    lambda s: any(c.isalnum() and c.isascii() for c in s)
)
descriptions = st.none() | st.text(max_size=20)
amounts = st.none() | st.integers(1, 999_999_999_999).map(lambda c: Decimal(c) / 100)
txids = st.just("***") | st.integers(1, 10**11 - 1).map(lambda i: txid_for_slip(slip_code_for(i)))


@given(names, names, amounts, txids, descriptions)
def test_every_generated_payload_verifies(
    name: str, city: str, amount: Decimal | None, txid: str, description: str | None
) -> None:
    payload = brcode(EVP, name, city, amount, txid, description)
    fields = parse_brcode(payload)
    assert payload.isascii()
    assert len(fields["59"]) <= 25
    assert len(fields["60"]) <= 15
    assert parse_tlv(fields["62"]) == {"05": txid}
    if amount is not None:
        assert Decimal(fields["54"]) == amount
    else:
        assert "54" not in fields


def test_parse_refuses_non_ascii() -> None:
    with pytest.raises(ValueError, match="padrão"):
        parse_brcode(KNOWN_GOOD.replace("Fulano", "Fulanã"))


def test_public_api_keyword_names() -> None:
    payload = brcode(
        key=EVP, name="Fulano de Tal", city="BRASILIA", amount=None, txid="***", description=None
    )
    assert parse_brcode(payload=payload)["63"] == "1D3D"
    assert txid_for_slip(slip_code=slip_code_for(1)).startswith("CRED")
