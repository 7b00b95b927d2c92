"""FEBRABAN boleto: the 44-digit barcode, the 47-digit linha digitável and banks' free fields.

Pure functions, no Qt and no database: a slip renderer asks for the digits, the counter asks
whether a typed linha is sound. Rules and worked examples are in DOMAIN.md, "Boleto-style slip".

Due-date range (decided here): a due date must be **after 07/10/1997**, the FEBRABAN base
date — the base itself would give factor ``0000``, which means "no due date". From 08/10/1997 to
02/07/2000 the factor is the plain day count (0001–0999); from 03/07/2000 on it cycles through
1000–9999 (``(days − 1000) mod 9000 + 1000``), so it restarted at 1000 on 22/02/2025 and will
restart again on 14/10/2049 under the same rule. Banks tell the cycles apart by a window around
the payment date, so no upper limit is imposed here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from services.slips import mod10

BARCODE_LENGTH = 44
DIGITABLE_LINE_LENGTH = 47
FREE_FIELD_LENGTH = 25

FACTOR_BASE = date(1997, 10, 7)
# The factor reached 1000 on 03/07/2000; from then on it cycles through 1000–9999.
_CYCLE_START_DAYS = 1000
_CYCLE_LENGTH = 9000

MAX_AMOUNT = Decimal("99999999.99")  # ten digits of cents
_CENT = Decimal("0.01")

_ONLY_DIGITS = re.compile(r"^[0-9]+$")
_LINE_SEPARATORS = re.compile(r"[\s.]+")


def _require_digits(value: str, length: int, message: str) -> str:
    if len(value) != length or not _ONLY_DIGITS.match(value):
        raise ValueError(message)
    return value


# ---------------------------------------------------------------------------------------------
# Check digits


def mod11_general(digits: str) -> int:
    """FEBRABAN general check digit (barcode position 5).

    Weights 2…9 from the right, cycling; DV = 11 − (sum mod 11), and a result of 0, 10 or 11
    becomes 1 (a 0 would be indistinguishable from "no DV" on some readers).
    """
    total = _weighted_sum_2_to_9(digits)
    dv = 11 - total % 11
    return 1 if dv in (0, 10, 11) else dv


def _weighted_sum_2_to_9(digits: str) -> int:
    return sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(digits)))


def _mod11_zero(digits: str) -> int:
    """Mod 11 with weights 2…9 where a result of 10 or 11 becomes 0 (Caixa's DVs)."""
    dv = 11 - _weighted_sum_2_to_9(digits) % 11
    return 0 if dv > 9 else dv


# ---------------------------------------------------------------------------------------------
# Due-date factor


def due_date_factor(due: date | None) -> str:
    """Four digits counting days since 07/10/1997, cycling 1000–9999 (see module docstring)."""
    if due is None:
        return "0000"
    days = (due - FACTOR_BASE).days
    if days <= 0:
        raise ValueError(
            "Vencimento anterior a 08/10/1997: não há fator de vencimento para essa data."
        )
    if days < _CYCLE_START_DAYS:
        return f"{days:04d}"
    return f"{(days - _CYCLE_START_DAYS) % _CYCLE_LENGTH + _CYCLE_START_DAYS:04d}"


# ---------------------------------------------------------------------------------------------
# Barcode


def _amount_in_cents(amount: Decimal) -> str:
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    try:
        if not amount.is_finite() or amount != amount.quantize(_CENT):
            raise ValueError("Valor do boleto: no máximo duas casas decimais.")
    except InvalidOperation as error:
        raise ValueError("Valor do boleto alto demais.") from error
    if amount < 0:
        raise ValueError("O valor do boleto não pode ser negativo.")
    if amount > MAX_AMOUNT:
        raise ValueError("Valor do boleto alto demais: o máximo é R$ 99.999.999,99.")
    return f"{int(amount * 100):010d}"


def barcode(
    bank_code: str,
    due: date | None,
    amount: Decimal,
    free_field: str,
    currency: str = "9",
) -> str:
    """The 44 digits under the bars: bank · currency · DV · factor · cents · free field."""
    _require_digits(bank_code, 3, "Código do banco: informe 3 dígitos (ex.: 001).")
    _require_digits(currency, 1, "Código da moeda: 1 dígito (9 = real).")
    _require_digits(
        free_field, FREE_FIELD_LENGTH, "Campo livre do banco: são 25 dígitos exatamente."
    )
    body = bank_code + currency + due_date_factor(due) + _amount_in_cents(amount) + free_field
    return body[:4] + str(mod11_general(body)) + body[4:]


def check_barcode(code: str) -> str:
    """The barcode if it has 44 digits and a matching general DV; ValueError otherwise."""
    _require_digits(code, BARCODE_LENGTH, "O código de barras tem 44 dígitos.")
    if mod11_general(code[:4] + code[5:]) != int(code[4]):
        raise ValueError("Código de barras com dígito verificador geral errado.")
    return code


# ---------------------------------------------------------------------------------------------
# Linha digitável


def digitable_line(barcode: str) -> str:
    """``AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV`` for a barcode."""
    code = check_barcode(barcode)
    field1 = code[0:4] + code[19:24]
    field2 = code[24:34]
    field3 = code[34:44]
    field1 += str(mod10(field1))
    field2 += str(mod10(field2))
    field3 += str(mod10(field3))
    return (
        f"{field1[:5]}.{field1[5:]} {field2[:5]}.{field2[5:]} {field3[:5]}.{field3[5:]} "
        f"{code[4]} {code[5:19]}"
    )


def barcode_from_digitable_line(line: str) -> str:
    """The barcode a typed linha stands for, after checking every field's DV and the general DV.

    Dots and spaces are optional. Note that field 5 (factor and amount) has no DV of its own:
    it is covered only by the general DV, which maps three remainders to 1, so a few single-digit
    slips in field 5 cannot be detected by any reader (FEBRABAN's design, not ours).
    """
    number = _LINE_SEPARATORS.sub("", line.strip())
    if not _ONLY_DIGITS.match(number):
        raise ValueError("A linha digitável só tem números (pontos e espaços são opcionais).")
    if len(number) != DIGITABLE_LINE_LENGTH:
        raise ValueError(f"A linha digitável tem 47 dígitos; foram digitados {len(number)}.")
    fields = ((1, number[0:10]), (2, number[10:21]), (3, number[21:32]))
    for position, field in fields:
        if mod10(field[:-1]) != int(field[-1]):
            raise ValueError(
                f"Campo {position} da linha digitável não confere: confira os dígitos "
                f"desse bloco ({_format_field(field)})."
            )
    code = number[0:4] + number[32] + number[33:47] + number[4:9] + number[10:20] + number[21:31]
    if mod11_general(code[:4] + code[5:]) != int(code[4]):
        raise ValueError(
            "Campo 4 da linha digitável (dígito verificador geral) não confere: confira o "
            "dígito isolado e o vencimento/valor do campo 5."
        )
    return code


def _format_field(field: str) -> str:
    return f"{field[:5]}.{field[5:]}"


# ---------------------------------------------------------------------------------------------
# Banco do Brasil (001): convênio de 7 dígitos, carteiras 16/17/18
#
# Layout from BB's "Especificações técnicas para confecção de boleto de pagamento", as
# implemented and tested in kivanio/brcobranca (spec/brcobranca/boleto/banco_brasil_spec.rb,
# "convenio de 7 digitos e nosso numero de 10"): free field = "000000" + convênio (7) +
# complemento do nosso número (10) + carteira (2); the nosso número printed on the slip is
# convênio + complemento (17 digits) and has no check digit.


def nosso_numero_bb(convenio7: str, nosso_numero10: str) -> str:
    """BB nosso número for a 7-digit convênio: convênio + complemento, 17 digits, no DV."""
    _require_digits(convenio7, 7, "Convênio do Banco do Brasil: 7 dígitos.")
    _require_digits(nosso_numero10, 10, "Complemento do nosso número (BB): 10 dígitos.")
    return convenio7 + nosso_numero10


def bb_free_field(convenio7: str, nosso_numero10: str, carteira: str) -> str:
    """The 25-digit free field of a BB boleto with a 7-digit convênio."""
    _require_digits(convenio7, 7, "Convênio do Banco do Brasil: 7 dígitos.")
    _require_digits(nosso_numero10, 10, "Complemento do nosso número (BB): 10 dígitos.")
    _require_digits(carteira, 2, "Carteira do Banco do Brasil: 2 dígitos (ex.: 18).")
    return "000000" + convenio7 + nosso_numero10 + carteira


# ---------------------------------------------------------------------------------------------
# Caixa Econômica Federal (104): SIGCB
#
# Layout from Caixa's "Leiaute de código de barras SIGCB" (CODIGO_BARRAS_SIGCB.PDF), as
# implemented in kivanio/brcobranca lib/brcobranca/boleto/caixa.rb and caelum-stella
# CaixaSIGCBTest / CaixaCarteira24Test. Nosso número = modalidade (1 registrada, 2 sem registro)
# + emissão (4 = beneficiário) + 15 free digits, with a mod-11 DV printed after a hyphen.
# Free field = código do beneficiário (6) + its DV + nosso número 3–5 + constante 1 (nosso
# número 1) + nosso número 6–8 + constante 2 (nosso número 2) + nosso número 9–17 + DV of the
# first 24 digits. Both DVs: mod 11, weights 2…9, results 10 and 11 become 0.

CAIXA_REGISTERED = "1"
CAIXA_UNREGISTERED = "2"
CAIXA_ISSUED_BY_BENEFICIARY = "4"


def nosso_numero_caixa(sequence15: str, *, registered: bool = True) -> str:
    """Caixa SIGCB nosso número (17 digits, without its DV): modalidade + emissão + sequence."""
    _require_digits(sequence15, 15, "Sequência do nosso número (Caixa): 15 dígitos.")
    modality = CAIXA_REGISTERED if registered else CAIXA_UNREGISTERED
    return modality + CAIXA_ISSUED_BY_BENEFICIARY + sequence15


def nosso_numero_caixa_dv(nosso_numero17: str) -> str:
    """The check digit printed after the Caixa nosso número (``14000000000000001-4``)."""
    _require_digits(nosso_numero17, 17, "Nosso número da Caixa: 17 dígitos.")
    return str(_mod11_zero(nosso_numero17))


def caixa_beneficiary_dv(beneficiario6: str) -> str:
    """Check digit of the código do beneficiário, as printed in "Agência/Código do Beneficiário"."""
    _require_digits(beneficiario6, 6, "Código do beneficiário (Caixa): 6 dígitos.")
    return str(_mod11_zero(beneficiario6))


def caixa_sigcb_free_field(beneficiario6: str, nosso_numero17: str) -> str:
    """The 25-digit free field of a Caixa SIGCB boleto."""
    _require_digits(beneficiario6, 6, "Código do beneficiário (Caixa): 6 dígitos.")
    _require_digits(nosso_numero17, 17, "Nosso número da Caixa: 17 dígitos.")
    if nosso_numero17[0] not in (CAIXA_REGISTERED, CAIXA_UNREGISTERED):
        raise ValueError(
            "Nosso número da Caixa começa com a modalidade: 1 (registrada) ou 2 (sem registro)."
        )
    if nosso_numero17[1] != CAIXA_ISSUED_BY_BENEFICIARY:
        raise ValueError("Nosso número da Caixa: o 2º dígito é 4 (emissão pelo beneficiário).")
    nn = nosso_numero17
    body = (
        beneficiario6
        + caixa_beneficiary_dv(beneficiario6)
        + nn[2:5]
        + nn[0]
        + nn[5:8]
        + nn[1]
        + nn[8:17]
    )
    return body + str(_mod11_zero(body))
