"""Slip codes: the digits under the carnê's barcode that open an installment at the counter.

Twelve digits (Interleaved 2 of 5 needs an even count): the installment id on eleven digits and a
FEBRABAN-style mod-10 check digit, so a mistyped code is refused rather than opening another
customer's installment.
"""

from __future__ import annotations

from services.text import digits

SLIP_CODE_LENGTH = 12


# A digit weighted 2, with a product over 9 counted as the sum of its digits (0→0 … 9→9).
_DOUBLED = {str(d): (2 * d) - 9 if 2 * d > 9 else 2 * d for d in range(10)}
_SINGLE = {str(d): d for d in range(10)}


def mod10(number: str) -> int:
    """FEBRABAN mod 10: weights 2,1,2,1… from the right, products over 9 add their digits."""
    backwards = number[::-1]
    total = sum(_DOUBLED[c] for c in backwards[0::2]) + sum(_SINGLE[c] for c in backwards[1::2])
    return (10 - total % 10) % 10


def slip_code_for(installment_id: int) -> str:
    if not 0 < installment_id < 10**11:
        raise ValueError(f"installment id out of range for a slip code: {installment_id}")
    body = f"{installment_id:011d}"
    return body + str(mod10(body))


def parse_slip_code(text: str) -> int | None:
    """The installment id a typed or scanned code stands for, or None if it is not one."""
    code = digits(text)
    if len(code) != SLIP_CODE_LENGTH or code != text.strip():
        return None
    body, check = code[:-1], int(code[-1])
    if mod10(body) != check or int(body) == 0:
        return None
    return int(body)
