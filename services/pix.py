"""Static Pix BR Code (EMV QR "copia e cola") printed on a slip.

Layout per BCB's "Manual de Padrões para Iniciação do Pix" (DOMAIN.md, "Pix on the slip"):
TLV fields ``ID(2) LEN(2) VALUE`` in a fixed order, ending in a CRC-16/CCITT-FALSE over
everything up to and including ``6304``. Pure functions: the slip renderer draws the QR.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from stdnum.br import cnpj as stdnum_cnpj
from stdnum.br import cpf as stdnum_cpf

from services.slips import parse_slip_code
from services.text import digits, strip_accents
from services.validation import DDDS

GUI = "br.gov.bcb.pix"
NAME_MAX = 25
CITY_MAX = 15
TXID_MAX = 25
NO_TXID = "***"
EMAIL_KEY_MAX = 77  # DICT limit for e-mail keys
MAX_AMOUNT = Decimal("9999999999.99")  # field 54 holds at most 13 characters

_TXID = re.compile(r"^[A-Za-z0-9]{1,25}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_PHONE = re.compile(r"^\+55[0-9]{10,11}$")
_CPF_CNPJ_TYPED = re.compile(r"^[0-9./\- ]+$")
_SPACES = re.compile(r"\s+")
# Typographic punctuation that word processors and phones insert, in its ASCII form.
_TYPOGRAPHIC = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "º": "o"})


# ---------------------------------------------------------------------------------------------
# CRC and TLV


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(field_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"Campo {field_id} do Pix com mais de 99 caracteres.")
    return f"{field_id}{len(value):02d}{value}"


def parse_tlv(text: str) -> dict[str, str]:
    """``ID(2) LEN(2) VALUE`` records into a dict; ValueError on a truncated record."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValueError(f"Registro TLV malformado na posição {position}.")
        length = int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ValueError(f"Campo {header[:2]} do Pix termina antes do tamanho declarado.")
        fields[header[:2]] = value
        position += 4 + length
    return fields


def parse_brcode(payload: str) -> dict[str, str]:
    """Top-level fields of a BR Code after checking its CRC (field 63, the last one)."""
    if not payload.isascii():
        raise ValueError("Código Pix com caracteres que não fazem parte do padrão.")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("Código Pix sem o campo 63 (CRC) no fim.")
    expected = f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}"
    if payload[-4:].upper() != expected:
        raise ValueError("Código Pix com CRC errado: o código foi alterado ou copiado pela metade.")
    return parse_tlv(payload)


# ---------------------------------------------------------------------------------------------
# Field values


def _ascii(text: str) -> str:
    """Accents stripped and anything outside printable ASCII dropped, spaces collapsed."""
    plain = strip_accents(text.translate(_TYPOGRAPHIC))
    printable = "".join(ch for ch in plain if " " <= ch <= "~")
    return _SPACES.sub(" ", printable).strip()


def pix_key(key: str) -> str:
    """A Pix key as the DICT stores it, or ValueError saying why it is not one.

    CPF and CNPJ: digits only (punctuation accepted when typed); phone: ``+55`` + DDD + number;
    e-mail: lower case; random key (EVP): a UUID in lower case.
    """
    value = key.strip()
    if not value:
        raise ValueError("Informe a chave Pix.")
    if "@" in value:
        if len(value) > EMAIL_KEY_MAX or not _EMAIL.match(value) or not value.isascii():
            raise ValueError("Chave Pix: e-mail inválido.")
        return value.lower()
    if value.startswith("+"):
        phone = "+" + digits(value)
        if not _PHONE.match(phone) or not set(value) <= set("+0123456789 ()-"):
            raise ValueError("Chave Pix: celular no formato +55 DDD número, ex.: +5511987654321.")
        if int(phone[3:5]) not in DDDS:
            raise ValueError(f"Chave Pix: DDD {phone[3:5]} não existe.")
        return phone
    if _UUID.match(value):
        return value.lower()
    if _CPF_CNPJ_TYPED.match(value):
        number = digits(value)
        if len(number) == 11:
            if len(set(number)) == 1 or not stdnum_cpf.is_valid(number):
                raise ValueError("Chave Pix: CPF inválido (celular como chave começa com +55).")
            return number
        if len(number) == 14:
            if len(set(number)) == 1 or not stdnum_cnpj.is_valid(number):
                raise ValueError("Chave Pix: CNPJ inválido.")
            return number
    raise ValueError(
        "Chave Pix não reconhecida: use CPF, CNPJ, celular (+55…), e-mail ou chave aleatória."
    )


def _name(name: str) -> str:
    value = _ascii(name)[:NAME_MAX].strip()
    if not value:
        raise ValueError("Informe o nome do recebedor do Pix.")
    return value


def _city(city: str) -> str:
    value = _ascii(city)[:CITY_MAX].strip()
    if not value:
        raise ValueError("Informe a cidade do recebedor do Pix.")
    return value


def _amount(amount: Decimal) -> str:
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    try:
        exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        exact = False
    if not exact:
        raise ValueError("Valor do Pix: no máximo duas casas decimais.")
    if amount <= 0:
        raise ValueError("Valor do Pix deve ser positivo (ou não informe valor).")
    if amount > MAX_AMOUNT:
        raise ValueError("Valor do Pix alto demais.")
    return f"{amount:.2f}"


def _txid(txid: str) -> str:
    if txid == NO_TXID:
        return txid
    if not _TXID.match(txid):
        raise ValueError("Identificador (txid) do Pix: até 25 letras ou números, sem espaços.")
    return txid


# ---------------------------------------------------------------------------------------------
# BR Code


def brcode(
    key: str,
    name: str,
    city: str,
    amount: Decimal | None = None,
    txid: str = NO_TXID,
    description: str | None = None,
) -> str:
    """The static Pix payload ("copia e cola") the slip's QR code carries."""
    account = _tlv("00", GUI) + _tlv("01", pix_key(key))
    if description is not None and (text := _ascii(description)):
        room = 99 - len(account) - 4
        if len(text) > room:
            raise ValueError(f"Descrição do Pix longa demais: no máximo {room} caracteres.")
        account += _tlv("02", text)
    payload = (
        _tlv("00", "01")
        + _tlv("26", account)
        + _tlv("52", "0000")
        + _tlv("53", "986")
        + (_tlv("54", _amount(amount)) if amount is not None else "")
        + _tlv("58", "BR")
        + _tlv("59", _name(name))
        + _tlv("60", _city(city))
        + _tlv("62", _tlv("05", _txid(txid)))
        + "6304"
    )
    return payload + f"{crc16_ccitt_false(payload.encode('ascii')):04X}"


def txid_for_slip(slip_code: str) -> str:
    """``CRED`` + the slip code: a txid that ties a Pix credit back to its installment."""
    if parse_slip_code(slip_code) is None:
        raise ValueError("Código do carnê inválido: não dá para gerar o identificador do Pix.")
    return "CRED" + slip_code.strip()
