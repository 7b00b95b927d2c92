"""What the documents print: frozen inputs, built elsewhere (no database, no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Shop:
    """The creditor. CDC art. 42-A: name, address and CPF/CNPJ on every collection document."""

    name: str
    document: str  # CNPJ or CPF, digits or formatted
    address: str  # one line: street, number, district, city/UF, CEP
    phone: str = ""


@dataclass(frozen=True)
class Payer:
    name: str
    cpf: str
    address: str


@dataclass(frozen=True)
class BankFields:
    """A bank agreement's codes, computed elsewhere; the renderer only draws them."""

    bank_code: str  # with its check digit, e.g. "001-9"
    bank_name: str
    agency_code: str  # agência / código do beneficiário, e.g. "1234-5 / 123456-7"
    barcode: str  # 44 digits
    digitable_line: str  # 47 digits, formatted "00190.50095 40144.816069 …"


@dataclass(frozen=True)
class Slip:
    """One installment's slip (carnê page or boleto-style ficha)."""

    sale_number: str
    installment: int
    installments: int
    due_date: date
    amount: Decimal
    code: str  # the slip code the counter scans, digits, even length (ITF)
    document_date: date
    our_number: str
    late_fee_pct: Decimal
    monthly_interest_pct: Decimal
    payment_place: str = "Pagável na loja ou por Pix"
    extra_instructions: tuple[str, ...] = ()
    pix_payload: str | None = None
    bank: BankFields | None = None

    @property
    def document_number(self) -> str:
        return f"{self.sale_number}-{self.installment}/{self.installments}"

    @property
    def instructions(self) -> tuple[str, ...]:
        from services.money import format_percent  # Babel/num2words load on first render only

        late = (
            f"Após o vencimento: multa de {format_percent(self.late_fee_pct)} e juros de "
            f"{format_percent(self.monthly_interest_pct)} ao mês."
        )
        return (late, *self.extra_instructions)

    @property
    def barcode_digits(self) -> str:
        """What the bars encode: the FEBRABAN barcode with a bank, else the slip code."""
        return self.bank.barcode if self.bank is not None else self.code


@dataclass(frozen=True)
class Carne:
    shop: Shop
    payer: Payer
    slips: tuple[Slip, ...]
    per_page: int = 3  # 3 slips stacked on an A4 page, or 1


@dataclass(frozen=True)
class ReceiptItem:
    """One installment paid on this receipt."""

    installment: int
    installments: int
    due_date: date
    principal: Decimal
    fee: Decimal = Decimal("0.00")
    interest: Decimal = Decimal("0.00")
    # Charges waived at the counter: shown, never paid, so not part of the total. Principal, fee
    # and interest are what was paid (as in models.PaymentAllocation).
    discount: Decimal = Decimal("0.00")
    sale_number: str = ""
    # Interest taken off for paying before the due date (CDC art. 52 §2): settles principal with
    # no money, so, like the waiver, it is shown and not part of the total.
    rebate: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.principal + self.fee + self.interest


@dataclass(frozen=True)
class Reversal:
    on: date
    reason: str


@dataclass(frozen=True)
class Receipt:
    shop: Shop
    number: str
    issued_at: datetime
    payer_name: str
    payer_cpf: str
    items: tuple[ReceiptItem, ...]
    method: str  # "Dinheiro", "Pix", "Cartão de débito"…
    operator: str
    amount_tendered: Decimal | None = None  # cash handed over; change is tendered − total
    reversal: Reversal | None = None
    city: str = ""

    @property
    def total(self) -> Decimal:
        return sum((item.total for item in self.items), Decimal("0.00"))

    @property
    def change(self) -> Decimal:
        if self.amount_tendered is None:
            return Decimal("0.00")
        return max(self.amount_tendered - self.total, Decimal("0.00"))


@dataclass(frozen=True)
class DisclosureInstallment:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Disclosure:
    """The credit-sale terms told before the sale (CDC art. 52 caput and art. 54-B)."""

    shop: Shop
    payer: Payer
    sale_number: str
    sale_date: date
    cash_price: Decimal
    down_payment: Decimal
    installments: tuple[DisclosureInstallment, ...]
    monthly_rate_pct: Decimal
    yearly_rate_pct: Decimal
    cet_yearly_pct: Decimal
    late_fee_pct: Decimal
    monthly_interest_pct: Decimal
    items: tuple[str, ...] = field(default=())  # what was bought, one line each
    city: str = ""

    @property
    def financed_amount(self) -> Decimal:
        return self.cash_price - self.down_payment

    @property
    def installments_total(self) -> Decimal:
        return sum((i.amount for i in self.installments), Decimal("0.00"))

    @property
    def total_with_financing(self) -> Decimal:
        return self.down_payment + self.installments_total


@dataclass(frozen=True)
class CashClosingMethod:
    """One payment method's line on the closing: received, reversed (positive) and net."""

    method: str
    received: Decimal
    reversed: Decimal

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed


@dataclass(frozen=True)
class CashClosingPayment:
    """One entry of the shift: a payment, or the reversal of one (``is_reversal``)."""

    at: datetime
    receipt: str
    method: str
    amount: Decimal
    is_reversal: bool = False


@dataclass(frozen=True)
class CashClosing:
    """A cash session's closing report (fechamento de caixa), printed for the drawer's check.

    ``closed_at`` None means the shift is still open: the printout is a partial check of
    ``printed_on`` and says so.
    """

    shop: Shop
    number: str
    terminal: str
    operator: str
    opened_at: datetime
    closed_at: datetime | None
    printed_on: date
    methods: tuple[CashClosingMethod, ...]
    payments: tuple[CashClosingPayment, ...]
    opening_float: Decimal
    cash_tendered: Decimal
    change_given: Decimal
    cash_reversed: Decimal
    expected_cash: Decimal
    counted_cash: Decimal | None = None
    notes: str = ""

    @property
    def net_total(self) -> Decimal:
        return sum((m.net for m in self.methods), Decimal("0.00"))

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash
