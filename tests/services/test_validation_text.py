from datetime import date

import pytest

from services import validation
from services.text import (
    format_cep,
    format_cnpj,
    format_cpf,
    format_phone,
    mask_cpf,
    normalize_name,
)
from services.validation import FieldError


def test_cpf_accepts_punctuation_and_refuses_wrong_check_digits() -> None:
    assert validation.cpf("529.982.247-25") == "52998224725"
    with pytest.raises(FieldError, match="CPF inválido"):
        validation.cpf("529.982.247-26")
    with pytest.raises(FieldError, match="11 dígitos"):
        validation.cpf("5299822472")
    with pytest.raises(FieldError, match="Informe o CPF"):
        validation.cpf("  ")
    with pytest.raises(FieldError, match="CPF inválido"):
        validation.cpf("111.111.111-11")


def test_cnpj_or_cpf() -> None:
    assert validation.cpf_or_cnpj("11.222.333/0001-81") == "11222333000181"
    assert validation.cpf_or_cnpj("52998224725") == "52998224725"
    with pytest.raises(FieldError, match="CNPJ inválido"):
        validation.cpf_or_cnpj("11.222.333/0001-82")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(16) 99123-4567", "16991234567"),
        ("16 3333-4444", "1633334444"),
        ("+55 16 99123-4567", "16991234567"),
        ("016 99123-4567", "16991234567"),
    ],
)
def test_phone_is_stored_as_ddd_and_number(typed: str, stored: str) -> None:
    assert validation.phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("99123-4567", "DDD"),
        ("(20) 99123-4567", "DDD 20 não existe"),
        ("(16) 89123-4567", "começa com 9"),
    ],
)
def test_bad_phones_say_why(typed: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        validation.phone(typed)


def test_cep_uf_email_birth_date() -> None:
    assert validation.cep("14010-000") == "14010000"
    assert validation.cep("") is None
    with pytest.raises(FieldError, match="8 dígitos"):
        validation.cep("1401-000")
    assert validation.uf("sp") == "SP"
    with pytest.raises(FieldError, match="UF desconhecida"):
        validation.uf("XX")
    assert validation.email(" Ana@Exemplo.com.br ") == "ana@exemplo.com.br"
    with pytest.raises(FieldError, match="E-mail inválido"):
        validation.email("ana@")
    today = date(2026, 11, 23)
    with pytest.raises(FieldError, match="futuro"):
        validation.birth_date(date(2027, 1, 1), today)
    with pytest.raises(FieldError, match="improvável"):
        validation.birth_date(date(1890, 1, 1), today)


def test_names_normalize_for_search() -> None:
    assert normalize_name("  João   da SILVA ") == "joao da silva"
    assert normalize_name("Conceição Araújo") == "conceicao araujo"


def test_formats_and_masks() -> None:
    assert format_cpf("52998224725") == "529.982.247-25"
    assert mask_cpf("52998224725") == "***.982.247-**"
    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
    assert format_phone("16991234567") == "(16) 99123-4567"
    assert format_phone("1633334444") == "(16) 3333-4444"
    assert format_cep("14010000") == "14010-000"
