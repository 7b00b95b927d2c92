"""From the database to a printed document: builds the renderers' data and renders it.

The renderers (``services.documents``) know nothing of the database; this module reads a sale,
an installment or a payment with the shop's settings, computes the codes (slip code, FEBRABAN
barcode, Pix BR Code) and hands a frozen dataclass to the renderer. Time is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    AuditEvent,
    CashSession,
    CreditSale,
    Customer,
    Installment,
    InstallmentStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    User,
)
from services import boleto, pix
from services import cash as cash_service
from services import settings as settings_service
from services.charges import amount_due
from services.documents.data import (
    BankFields,
    Carne,
    CashClosing,
    CashClosingMethod,
    CashClosingPayment,
    Disclosure,
    DisclosureInstallment,
    Payer,
    Receipt,
    ReceiptItem,
    Reversal,
    Shop,
    Slip,
)
from services.plans import yearly_from_monthly
from services.settings import BankAgreement, ShopSettings
from services.slips import slip_code_for
from services.text import format_phone
from services.validation import Refused

if TYPE_CHECKING:
    from services.db import Database
    from services.documents.agreement import AgreementLetter

METHOD_LABELS = {
    PaymentMethod.CASH: "Dinheiro",
    PaymentMethod.PIX: "Pix",
    PaymentMethod.DEBIT: "Cartão de débito",
    PaymentMethod.CREDIT: "Cartão de crédito",
    PaymentMethod.OTHER: "Outro",
}

# Banks whose free field (campo livre) this app builds, with the printed code and name.
BANKS = {"001": ("001-9", "Banco do Brasil"), "104": ("104-0", "Caixa Econômica Federal")}


class PrintRefused(Refused):
    """A document that must not be printed as things stand; the message says what to fix."""


def shop_for(settings: ShopSettings) -> Shop:
    """The creditor as printed; refused while the identity is incomplete (CDC art. 42-A)."""
    identity = settings.identity
    missing = identity.missing()
    if missing:
        raise PrintRefused(
            "Complete os dados da loja em Configurações antes de imprimir (exigência do CDC, "
            f"art. 42-A): falta {', '.join(missing)}."
        )
    return Shop(
        name=identity.name,
        document=identity.document,
        address=identity.address_line(),
        phone=format_phone(identity.phone) if identity.phone else "",
    )


def address_of(customer: Customer) -> str:
    street = ", ".join(p for p in (customer.street, customer.number) if p)
    place = "/".join(p for p in (customer.city, customer.uf) if p)
    cep = f"CEP {customer.cep[:5]}-{customer.cep[5:]}" if customer.cep else ""
    parts = [street, customer.complement, customer.district, place, cep]
    return " – ".join(p for p in parts if p)


def payer_for(customer: Customer) -> Payer:
    return Payer(name=customer.name, cpf=customer.cpf, address=address_of(customer))


def _bank_fields(
    bank: BankAgreement, installment_id: int, due: date, amount: Decimal
) -> tuple[BankFields, str]:
    """The FEBRABAN barcode for one installment and its nosso número (bank mode)."""
    if bank.bank_code not in BANKS:
        raise PrintRefused(
            f"O banco {bank.bank_code} ainda não é suportado nos boletos; use o carnê próprio "
            "(apague o convênio em Configurações › Banco) ou um destes: "
            + ", ".join(f"{code} ({name})" for code, (_, name) in BANKS.items())
            + "."
        )
    printed_code, name = BANKS[bank.bank_code]
    sequence = f"{installment_id:010d}"
    try:
        if bank.bank_code == "001":
            convenio = bank.agreement_code.strip()
            free = boleto.bb_free_field(convenio, sequence, bank.wallet.strip() or "18")
            our_number = boleto.nosso_numero_bb(convenio, sequence)
            agency = f"{bank.agency} / {bank.account}".strip(" /")
        else:
            beneficiary = bank.agreement_code.strip()
            nosso17 = boleto.nosso_numero_caixa(f"{installment_id:015d}")
            free = boleto.caixa_sigcb_free_field(beneficiary, nosso17)
            our_number = f"{nosso17}-{boleto.nosso_numero_caixa_dv(nosso17)}"
            agency = f"{bank.agency} / {beneficiary}-{boleto.caixa_beneficiary_dv(beneficiary)}"
    except ValueError as exc:
        raise PrintRefused(f"Convênio bancário incompleto em Configurações › Banco: {exc}") from exc
    code = boleto.barcode(bank.bank_code, due, amount, free)
    fields = BankFields(
        bank_code=printed_code,
        bank_name=name,
        agency_code=agency,
        barcode=code,
        digitable_line=boleto.digitable_line(code),
    )
    return fields, our_number


def _slip(
    settings: ShopSettings,
    installment: Installment,
    *,
    sale_number: str,
    document_date: date,
    due: date,
    amount: Decimal,
    extra: tuple[str, ...] = (),
) -> Slip:
    code = installment.slip_code or slip_code_for(installment.id)
    bank = None
    our_number = code
    if settings.bank.enabled:
        bank, our_number = _bank_fields(settings.bank, installment.id, due, amount)
    payload = None
    if settings.pix.enabled:
        payload = pix.brcode(
            settings.pix.key,
            settings.pix.merchant_name or settings.identity.name,
            settings.pix.merchant_city or settings.identity.city,
            amount=amount,
            txid=pix.txid_for_slip(code),
        )
    policy = settings.policy
    return Slip(
        sale_number=sale_number,
        installment=installment.number,
        installments=installment.count,
        due_date=due,
        amount=amount,
        code=code,
        document_date=document_date,
        our_number=our_number,
        late_fee_pct=policy.late_fee_pct,
        monthly_interest_pct=policy.monthly_interest_pct,
        extra_instructions=extra,
        pix_payload=payload,
        bank=bank,
    )


def _origin_number(installment: Installment) -> str:
    if installment.sale_id is not None:
        return str(installment.sale_id)
    return f"A{installment.agreement_id}"


def carne_for_sale(session: Session, sale_id: int, *, per_page: int = 3) -> Carne:
    """The carnê of a sale: one slip per installment still open, at its original amount."""
    sale = session.get(CreditSale, sale_id)
    if sale is None:
        raise PrintRefused(f"Venda nº {sale_id} não encontrada.")
    return _carne(
        session,
        sale.customer_id,
        sale.installments,
        document_date=sale.sold_on,
        nothing_open=f"A venda nº {sale_id} não tem parcelas em aberto para imprimir.",
        per_page=per_page,
    )


def carne_for_agreement(session: Session, agreement_id: int, *, per_page: int = 3) -> Carne:
    """The new carnê of an agreement: one slip per open installment, numbered "A<id>-n/N"."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise PrintRefused(f"Acordo nº {agreement_id} não encontrado.")
    return _carne(
        session,
        agreement.customer_id,
        agreement.installments,
        document_date=agreement.agreed_on,
        nothing_open=f"O acordo nº {agreement_id} não tem parcelas em aberto para imprimir.",
        per_page=per_page,
    )


def _carne(
    session: Session,
    customer_id: int,
    installments: Sequence[Installment],
    *,
    document_date: date,
    nothing_open: str,
    per_page: int,
) -> Carne:
    """One slip per installment still open, numbered by its origin (sale or "A<agreement>")."""
    settings = settings_service.load(session)
    shop = shop_for(settings)
    customer = session.get(Customer, customer_id)
    assert customer is not None
    open_installments = [i for i in installments if i.status is InstallmentStatus.OPEN]
    if not open_installments:
        raise PrintRefused(nothing_open)
    slips = tuple(
        _slip(
            settings,
            i,
            sale_number=_origin_number(i),
            document_date=document_date,
            due=i.due_date,
            amount=i.amount - i.principal_paid,
        )
        for i in open_installments
    )
    return Carne(shop=shop, payer=payer_for(customer), slips=slips, per_page=per_page)


def _charges_discount(session: Session, agreement: Agreement) -> Decimal:
    """The part of the discount granted on fees and interest (the rest is on the principal).

    The row keeps one discount; ``services.agreements`` records the split in the audit entry of
    the signing. Without that entry the discount counts against the charges first.
    """
    after = session.scalar(
        select(AuditEvent.after)
        .where(
            AuditEvent.entity == "agreement",
            AuditEvent.entity_id == agreement.id,
            AuditEvent.action == "agreement.create",
        )
        .order_by(AuditEvent.id)
        .limit(1)
    )
    charges = agreement.fees + agreement.interest
    if isinstance(after, dict):
        try:
            on_charges = Decimal(str(after["charges_discount"]))
            on_principal = Decimal(str(after["principal_discount"]))
        except (KeyError, ArithmeticError):
            pass
        else:
            if on_charges + on_principal == agreement.discount and 0 <= on_charges <= charges:
                return on_charges
    return min(agreement.discount, charges)


def agreement_letter_for(session: Session, agreement_id: int, *, today: date) -> AgreementLetter:
    """The Termo de Acordo e Confissão de Dívida of an agreement, as signed on ``agreed_on``.

    The figures are the agreement's own (principal, fees, interest, discount, total). Per
    replaced installment, fee and interest are recomputed as of ``agreed_on`` with today's
    policy (less what was already paid of them); when those do not add up to what the agreement
    stored (the policy changed since, or charges were negotiated as a whole) the letter prints
    only the totals, never per-installment figures that disagree with them. The split of the
    discount between charges and principal comes from the signing's audit entry. The down
    payment is the agreement's installment 1 (``services.agreements``); a down payment kept
    apart from the installments prints as "Entrada". The breach rule printed is
    the one stored on the agreement at signing. ``today`` is accepted for symmetry with the
    other documents: a reprint shows the agreement as signed, not updated.
    """
    from services.customers import charges_paid, installment_charges
    from services.documents.agreement import AgreementLetter, NewInstallment, ReplacedInstallment

    del today  # the letter is dated and computed as of the agreement, whenever reprinted
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise PrintRefused(f"Acordo nº {agreement_id} não encontrado.")
    settings = settings_service.load(session)
    shop = shop_for(settings)
    customer = session.get(Customer, agreement.customer_id)
    assert customer is not None
    policy = settings.policy
    rows = session.execute(
        select(Installment, CreditSale.description)
        .outerjoin(CreditSale, CreditSale.id == Installment.sale_id)
        .where(Installment.renegotiated_into_id == agreement.id)
        .order_by(Installment.due_date, Installment.id)
    ).all()
    if not rows:
        raise PrintRefused(f"O acordo nº {agreement_id} não tem parcelas renegociadas.")
    paid = charges_paid(session, [inst.id for inst, _ in rows])
    zero = Decimal("0.00")
    computed: list[tuple[Installment, str, Decimal, Decimal]] = []
    for inst, description in rows:
        fee_paid, interest_paid = paid.get(inst.id, (zero, zero))
        fee, interest = installment_charges(
            inst.amount - inst.principal_paid,
            inst.due_date,
            agreement.agreed_on,
            policy,
            fee_paid=fee_paid,
            interest_paid=interest_paid,
        )
        computed.append((inst, description or "", fee, interest))
    per_installment = (
        sum((c[2] for c in computed), zero) == agreement.fees
        and sum((c[3] for c in computed), zero) == agreement.interest
    )
    replaced = tuple(
        ReplacedInstallment(
            origin=_origin_number(inst),
            number=inst.number,
            count=inst.count,
            due_date=inst.due_date,
            amount=inst.amount,
            open_principal=inst.amount - inst.principal_paid,
            fee=fee if per_installment else None,
            interest=interest if per_installment else None,
            description=description.split(";")[0].strip(),
        )
        for inst, description, fee, interest in computed
    )
    # services.agreements: the down payment is the agreement's installment 1 (due on signing)
    # and every signed installment counts them all; a breach under "lose_discount" may add one
    # more installment later, which is not part of what was signed and is left out here.
    new = list(agreement.installments)
    down_in_schedule = (
        agreement.down_payment > 0
        and bool(new)
        and new[0].count == agreement.installment_count + 1
        and new[0].amount == agreement.down_payment
    )
    signed = agreement.installment_count + (1 if down_in_schedule else 0)
    schedule = tuple(
        NewInstallment(
            number=i.number,
            count=i.count,
            due_date=i.due_date,
            amount=i.amount,
            is_down_payment=down_in_schedule and i.number == 1,
        )
        for i in new
        if i.number <= signed
    )
    # Installments not yet due entered the agreement at present value (CDC art. 52 §2).
    open_principal = sum((r.open_principal for r in replaced), zero)
    rebate = max(zero, open_principal - agreement.principal)
    discount_charges = _charges_discount(session, agreement)
    rules = settings.agreements
    identity = settings.identity
    return AgreementLetter(
        shop=shop,
        debtor=payer_for(customer),
        number=str(agreement.id),
        agreed_on=agreement.agreed_on,
        city="/".join(part for part in (identity.city, identity.uf) if part),
        replaced=replaced,
        principal=agreement.principal,
        fees=agreement.fees,
        interest=agreement.interest,
        discount_charges=discount_charges,
        discount_principal=agreement.discount - discount_charges,
        total=agreement.total,
        schedule=schedule,
        late_fee_pct=policy.late_fee_pct,
        monthly_interest_pct=policy.monthly_interest_pct,
        down_payment=zero if down_in_schedule else agreement.down_payment,
        down_payment_due=agreement.agreed_on,
        monthly_rate_pct=agreement.monthly_rate,
        breach_days=rules.breach_days,
        breach_clause=agreement.breach_clause or rules.breach_clause,
        rebate=rebate,
    )


def slip_for_installment(session: Session, installment_id: int, *, today: date) -> Carne:
    """One slip; overdue, it is a 2ª via with the amount updated to ``today`` and due today."""
    installment = session.get(Installment, installment_id)
    if installment is None:
        raise PrintRefused(f"Parcela nº {installment_id} não encontrada.")
    if installment.status is not InstallmentStatus.OPEN:
        raise PrintRefused("Esta parcela não está em aberto: não há boleto a imprimir.")
    settings = settings_service.load(session)
    shop = shop_for(settings)
    customer = session.get(Customer, installment.customer_id)
    assert customer is not None
    policy = settings.policy
    charges = amount_due(
        installment.amount - installment.principal_paid,
        installment.due_date,
        today,
        late_fee_pct=policy.late_fee_pct,
        monthly_interest_pct=policy.monthly_interest_pct,
        grace_days=policy.grace_days,
    )
    due, amount = installment.due_date, charges.principal
    extra: tuple[str, ...] = ()
    if today > installment.due_date:
        due, amount = today, charges.total
        extra = (
            f"2ª via: valor atualizado até {today:%d/%m/%Y} (vencimento original "
            f"{installment.due_date:%d/%m/%Y}).",
        )
    slip = _slip(
        settings,
        installment,
        sale_number=_origin_number(installment),
        document_date=today,
        due=due,
        amount=amount,
        extra=extra,
    )
    return Carne(shop=shop, payer=payer_for(customer), slips=(slip,), per_page=1)


def receipt_for_payment(session: Session, payment_id: int) -> Receipt:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise PrintRefused(f"Pagamento nº {payment_id} não encontrado.")
    if payment.reverses_id is not None:
        raise PrintRefused(
            f"O lançamento nº {payment_id} é um estorno; imprima o recibo do pagamento "
            f"nº {payment.reverses_id}, que sai marcado como estornado."
        )
    settings = settings_service.load(session)
    shop = shop_for(settings)
    customer = session.get(Customer, payment.customer_id)
    assert customer is not None
    rows = session.execute(
        select(PaymentAllocation, Installment)
        .join(Installment, Installment.id == PaymentAllocation.installment_id)
        .where(PaymentAllocation.payment_id == payment_id)
        .order_by(Installment.due_date, Installment.id)
    ).all()
    items = tuple(
        ReceiptItem(
            installment=inst.number,
            installments=inst.count,
            due_date=inst.due_date,
            principal=alloc.principal,
            fee=alloc.fee,
            interest=alloc.interest,
            discount=alloc.discount,
            sale_number=_origin_number(inst),
            rebate=alloc.rebate,
        )
        for alloc, inst in rows
    )
    reversal_row = session.scalar(select(Payment).where(Payment.reverses_id == payment_id))
    reversal = (
        Reversal(on=reversal_row.received_at.date(), reason=reversal_row.reversal_reason or "")
        if reversal_row is not None
        else None
    )
    operator = session.get(User, payment.operator_id)
    return Receipt(
        shop=shop,
        number=f"{payment.id:06d}",
        issued_at=payment.received_at,
        payer_name=customer.name,
        payer_cpf=customer.cpf,
        items=items,
        method=METHOD_LABELS[payment.method],
        operator=operator.full_name if operator else "",
        amount_tendered=payment.tendered,
        reversal=reversal,
        city=settings.identity.city,
    )


def disclosure_for_sale(session: Session, sale_id: int) -> Disclosure:
    """What the customer is told before a credit sale (CDC art. 52 and 54-B)."""
    sale = session.get(CreditSale, sale_id)
    if sale is None:
        raise PrintRefused(f"Venda nº {sale_id} não encontrada.")
    settings = settings_service.load(session)
    shop = shop_for(settings)
    customer = session.get(Customer, sale.customer_id)
    assert customer is not None
    return Disclosure(
        shop=shop,
        payer=payer_for(customer),
        sale_number=str(sale.id),
        sale_date=sale.sold_on,
        cash_price=sale.cash_price,
        down_payment=sale.down_payment,
        installments=tuple(
            DisclosureInstallment(i.number, i.due_date, i.amount) for i in sale.installments
        ),
        monthly_rate_pct=sale.monthly_rate,
        yearly_rate_pct=yearly_from_monthly(sale.monthly_rate),
        cet_yearly_pct=sale.cet_yearly,
        late_fee_pct=settings.policy.late_fee_pct,
        monthly_interest_pct=settings.policy.monthly_interest_pct,
        items=tuple(part.strip() for part in sale.description.split(";") if part.strip()),
        city=settings.identity.city,
    )


def cash_closing_for_session(
    session: Session, cash_session_id: int, *, printed_on: date
) -> CashClosing:
    """The shift's closing report; a shift still open prints as a partial check."""
    row = session.get(CashSession, cash_session_id)
    if row is None:
        raise PrintRefused(f"Caixa nº {cash_session_id} não encontrado.")
    summary = cash_service.session_summary(session, cash_session_id)
    operator = session.get(User, row.operator_id)
    methods = tuple(
        CashClosingMethod(
            METHOD_LABELS[method],
            summary.received.get(method, Decimal("0.00")),
            summary.reversed.get(method, Decimal("0.00")),
        )
        for method in PaymentMethod
        if method is not PaymentMethod.OTHER
        or summary.received.get(method)
        or summary.reversed.get(method)
    )
    entries = session.execute(
        select(Payment.id, Payment.received_at, Payment.method, Payment.amount, Payment.reverses_id)
        .where(Payment.cash_session_id == cash_session_id)
        .order_by(Payment.received_at, Payment.id)
    ).all()
    payments = tuple(
        CashClosingPayment(
            at=at,
            receipt=f"{reverses if reverses is not None else pid:06d}",
            method=METHOD_LABELS[method],
            amount=abs(amount),  # a reversal is stored negative; printed with a minus sign
            is_reversal=reverses is not None,
        )
        for pid, at, method, amount, reverses in entries
    )
    return CashClosing(
        shop=shop_for(settings_service.load(session)),
        number=f"{row.id:06d}",
        terminal=row.terminal,
        operator=operator.full_name if operator else "",
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        printed_on=printed_on,
        methods=methods,
        payments=payments,
        opening_float=summary.opening_float,
        cash_tendered=summary.cash_tendered,
        change_given=summary.change_given,
        cash_reversed=summary.reversed.get(PaymentMethod.CASH, Decimal("0.00")),
        expected_cash=summary.expected_cash,
        counted_cash=summary.counted_cash,
        notes=summary.notes or "",
    )


@dataclass(frozen=True)
class PrintJob:
    """What the shell and the preview ask for: a kind of document and its record."""

    kind: str  # "carne", "slip", "receipt", "disclosure", "cash_closing", "agreement",
    # "agreement_carne"
    record_id: int
    today: date
    receipt_size: str = "roll"  # "roll" (80 mm) or "a4", for receipts and cash closings
    per_page: int = 3


def render(session: Session, job: PrintJob) -> bytes:
    """Build the document's data from the database and render it to PDF bytes."""
    if job.kind == "carne":
        from services.documents.slip import render_carne

        return render_carne(carne_for_sale(session, job.record_id, per_page=job.per_page))
    if job.kind == "slip":
        from services.documents.slip import render_carne

        return render_carne(slip_for_installment(session, job.record_id, today=job.today))
    if job.kind == "receipt":
        from services.documents.receipt import render_receipt

        receipt = receipt_for_payment(session, job.record_id)
        return render_receipt(receipt, "a4" if job.receipt_size == "a4" else "roll")
    if job.kind == "disclosure":
        from services.documents.disclosure import render_disclosure

        return render_disclosure(disclosure_for_sale(session, job.record_id))
    if job.kind == "cash_closing":
        from services.documents.cash_closing import render_cash_closing

        closing = cash_closing_for_session(session, job.record_id, printed_on=job.today)
        return render_cash_closing(closing, "a4" if job.receipt_size == "a4" else "roll")
    if job.kind == "agreement":
        from services.documents.agreement import render_agreement

        return render_agreement(agreement_letter_for(session, job.record_id, today=job.today))
    if job.kind == "agreement_carne":
        from services.documents.slip import render_carne

        return render_carne(carne_for_agreement(session, job.record_id, per_page=job.per_page))
    raise ValueError(f"unknown document kind: {job.kind}")


class Cancelled(Exception):
    """The person stopped a batch before it finished; nothing was produced."""


def render_batch(
    db: Database,
    jobs: Sequence[PrintJob],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> bytes:
    """Render several documents into one PDF, reporting progress and stopping when asked.

    Each document is read in a unit of work of its own, so a long batch never holds a
    transaction open, and a refusal names the document it concerns.
    """
    from pypdf import PdfReader, PdfWriter

    if not jobs:
        raise PrintRefused("Nada a imprimir.")
    writer = PdfWriter()
    for done, job in enumerate(jobs):
        if cancelled():
            raise Cancelled("Impressão cancelada.")
        if progress is not None:
            progress(done, len(jobs))
        with db.unit_of_work() as uow:
            pdf = render(uow.session, job)
        if len(jobs) == 1:
            return pdf
        writer.append(PdfReader(BytesIO(pdf)))
    if progress is not None:
        progress(len(jobs), len(jobs))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def carne_job_for_installment(session: Session, installment_id: int, today: date) -> PrintJob:
    """The carnê of the sale an installment belongs to (agreements print their own slips)."""
    installment = session.get(Installment, installment_id)
    if installment is None:
        raise PrintRefused(f"Parcela nº {installment_id} não encontrada.")
    if installment.sale_id is None:
        raise PrintRefused("Esta parcela é de um acordo e não tem carnê; imprima a “2ª via”.")
    return PrintJob("carne", installment.sale_id, today)


def open_sales_of(session: Session, customer_id: int) -> list[int]:
    """The customer's sales that still have open installments, oldest first (for carnês)."""
    return list(
        session.scalars(
            select(Installment.sale_id)
            .where(
                Installment.customer_id == customer_id,
                Installment.status == InstallmentStatus.OPEN,
                Installment.sale_id.is_not(None),
            )
            .group_by(Installment.sale_id)
            .order_by(Installment.sale_id)
        )
    )
