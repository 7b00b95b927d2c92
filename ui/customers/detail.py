"""The customer detail beside the list: who they are, how they pay, what is open today."""

from __future__ import annotations

import html
import re
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services import customers as customer_service
from services.customers import CustomerDetail, PaymentLine
from services.db import Database
from services.money import format_brl
from services.printing import PrintJob, PrintRefused, carne_job_for_installment, open_sales_of
from ui.context import AppContext
from ui.counter.reversal import ReversalDialog
from ui.customers.common import explain
from ui.customers.models import (
    HistoryModel,
    InstallmentsModel,
    PaymentsModel,
    RowsModel,
    format_date,
    history_entries,
)
from ui.documents import print_documents, print_resolved
from ui.tasks import run_in_background
from ui.widgets import BandChip, BandChipDelegate

PROFILE_COLOURS = {"A": "#1b7f3b", "B": "#1f5f99", "C": "#9a5b00", "D": "#a1261b"}

DETAIL_STYLE = """
QWidget#customerDetail QLabel#customerName { font-size: 16pt; font-weight: 600; color: #1f2328; }
QWidget#customerDetail QLabel#customerSubtitle { color: #5f6368; }
QWidget#customerDetail QLabel#placeholder { color: #6b6f76; font-size: 11pt; }
QWidget#customerDetail QFrame#card {
    background: #f7f8fa; border: 1px solid #e1e4e8; border-radius: 6px;
}
QWidget#customerDetail QLabel#cardTitle {
    color: #5f6368; font-size: 8pt; font-weight: 600; letter-spacing: 0.5px;
}
QWidget#customerDetail QLabel#cardText { color: #1f2328; }
QWidget#customerDetail QLabel#creditValue { color: #1f2328; font-weight: 600; }
QWidget#customerDetail QLabel#creditAvailable { color: #1b5e20; font-weight: 700; }
QWidget#customerDetail QLabel#creditReasons { color: #a1261b; }
QWidget#customerDetail QLabel#profileSentence { color: #1f2328; }
QWidget#customerDetail QLabel#flag {
    background: #fdecea; color: #8c1d13; border: 1px solid #f3b8b0;
    border-radius: 9px; padding: 1px 8px; font-weight: 600;
}
QWidget#customerDetail QLabel#collectionInfo {
    background: #fffaf0; border: 1px solid #ecdcb8; border-radius: 6px; padding: 6px 8px;
    color: #1f2328;
}
QWidget#customerDetail QLabel#tableFooter { color: #1f2328; font-weight: 600; padding: 4px 2px; }
QWidget#customerDetail QLabel#detailError { color: #a1261b; }
"""


LAST_CONTACTS_SHOWN = 2


def collection_lines(d: CustomerDetail, today: date) -> list[str]:
    """Rich-text lines for the panel: notes, pause, current promise, last contacts."""
    lines: list[str] = []
    if d.notes:
        lines.append(f"<b>Observações:</b> {html.escape(d.notes)}")
    if d.collection_paused_since:
        reason = (
            f": {html.escape(d.collection_paused_reason)}" if d.collection_paused_reason else ""
        )
        lines.append(
            f"<b>Cobrança pausada</b> desde {format_date(d.collection_paused_since)}{reason}"
        )
    if d.bureau_removed_on and not d.bureau_reported_on:
        lines.append(
            f"<b>Negativação retirada</b> em {format_date(d.bureau_removed_on)} (pedido de baixa "
            "após o pagamento)"
        )
    if d.agreements:
        shown = "; ".join(html.escape(line.text) for line in d.agreements[:2])
        lines.append(f"<b>Acordo{'s' if len(d.agreements) > 1 else ''}:</b> {shown}")
    if d.promises:
        promise = d.promises[0]  # newest first
        status = promise.status.lower()
        if status == "pendente" and promise.promised_date < today:
            status = "prazo vencido"
        lines.append(
            f"<b>Promessa:</b> {format_brl(promise.amount)} até "
            f"{format_date(promise.promised_date)} ({status})"
        )
    if d.contacts:
        shown = []
        for contact in d.contacts[:LAST_CONTACTS_SHOWN]:
            text = f"{format_date(contact.at)} · {contact.channel} — {contact.outcome.lower()}"
            if contact.notes:
                text += f" ({contact.notes})"
            shown.append(html.escape(text))
        caption = "Último contato" if len(shown) == 1 else "Últimos contatos"
        lines.append(f"<b>{caption}:</b> " + "; ".join(shown))
    return lines


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_NUMBER_AND_UNIT = re.compile(r"(\d) (?=\S)")


def _keep_numbers_with_units(text: str) -> str:
    """Keep "140 dias", "91 %" and "R$ 10,00" together when the line wraps."""
    return _NUMBER_AND_UNIT.sub("\\1\u00a0", text).replace("R$ ", "R$\u00a0")


def _phone_html(phone: customer_service.PhoneLine) -> str:
    parts = [f"<span style='white-space:nowrap'>{html.escape(phone.number)}</span>"]
    if phone.whatsapp:
        parts.append("<span style='color:#1b7f3b; font-weight:600'>WhatsApp</span>")
    if phone.label:
        parts.append(f"<span style='color:#5f6368'>{html.escape(phone.label)}</span>")
    return " · ".join(parts)


def configure_table(view: QTableView, object_name: str) -> None:
    """The look every table of this workspace shares."""
    view.setObjectName(object_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _fit_columns(view: QTableView, stretch: int, minimum: dict[int, int] | None = None) -> None:
    header = view.horizontalHeader()
    model = view.model()
    for column in range(model.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    for column, width in (minimum or {}).items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, max(width, view.sizeHintForColumn(column) + 12))


class Card(QFrame):
    """A titled box of the header (Contato, Endereço, Crédito)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(4)
        heading = QLabel(title.upper(), self)
        heading.setObjectName("cardTitle")
        layout.addWidget(heading)
        self.body = QVBoxLayout()
        self.body.setSpacing(2)
        layout.addLayout(self.body)
        layout.addStretch(1)

    def text_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName("cardText")
        label.setAccessibleName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(label)
        return label


class ProfileBadge(QLabel):
    """The payment profile letter; the sentence beside it says why (never the colour alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(40, 40)

    def set_letter(self, letter: str) -> None:
        self.setText(letter)
        self.setToolTip(f"Perfil de pagamento {letter}")
        colour = PROFILE_COLOURS.get(letter, "#5f6368")
        self.setStyleSheet(
            f"QLabel#profileBadge {{ background: {colour}; color: white; border-radius: 20px; "
            "font-size: 15pt; font-weight: 700; }"
        )


class CustomerDetailPanel(QWidget):
    """Loads and shows one customer; loading runs in the background, stale answers dropped."""

    detailLoaded = Signal(int)
    loadFailed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("customerDetail")
        self.setStyleSheet(DETAIL_STYLE)
        self.detail: CustomerDetail | None = None
        self._serial = 0
        self._highlight: int | None = None

        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(
            "Selecione um cliente na lista para ver cadastro, parcelas e histórico.", self
        )
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # --- building ----------------------------------------------------------------------------

    def _build_content(self) -> QWidget:
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(10)

        # Name, band, subtitle; profile on the right.
        self.name_label = QLabel(content)
        self.name_label.setObjectName("customerName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.band_chip = BandChip(content)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.name_label)
        title_row.addWidget(self.band_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addStretch(1)
        self.subtitle = QLabel(content)
        self.subtitle.setObjectName("customerSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags_row = QHBoxLayout()
        self.flags_row.setSpacing(6)
        self.flags_row.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addLayout(title_row)
        left.addWidget(self.subtitle)
        left.addLayout(self.flags_row)

        self.profile_badge = ProfileBadge(content)
        self.profile_sentence = QLabel(content)
        self.profile_sentence.setObjectName("profileSentence")
        self.profile_sentence.setWordWrap(True)
        self.profile_sentence.setMaximumWidth(330)
        self.profile_sentence.setMinimumWidth(220)
        profile = QHBoxLayout()
        profile.setSpacing(8)
        profile.addWidget(self.profile_badge, 0, Qt.AlignmentFlag.AlignTop)
        profile.addWidget(self.profile_sentence, 0, Qt.AlignmentFlag.AlignTop)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addLayout(left, 1)
        header.addLayout(profile)
        header.setAlignment(profile, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        # Cards.
        contact = Card("Contato", content)
        self.phones_label = contact.text_label("Telefones")
        self.email_label = contact.text_label("E-mail")
        address = Card("Endereço", content)
        self.address_label = address.text_label("Endereço")
        credit = Card("Crédito", content)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.limit_value = QLabel(credit)
        self.used_value = QLabel(credit)
        self.available_value = QLabel(credit)
        for row, (caption, value, name) in enumerate(
            (
                ("Limite", self.limit_value, "creditValue"),
                ("Em uso", self.used_value, "creditValue"),
                ("Disponível", self.available_value, "creditAvailable"),
            )
        ):
            label = QLabel(caption, credit)
            label.setObjectName("cardText")
            value.setObjectName(name)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        credit.body.addLayout(grid)
        self.credit_reasons = QLabel(credit)
        self.credit_reasons.setObjectName("creditReasons")
        self.credit_reasons.setWordWrap(True)
        credit.body.addWidget(self.credit_reasons)
        cards = QHBoxLayout()
        cards.setSpacing(10)
        cards.addWidget(contact, 4)
        cards.addWidget(address, 5)
        cards.addWidget(credit, 4)
        layout.addLayout(cards)

        # Notes, promise and last contacts: what the cashier should know before talking money.
        self.collection_info = QLabel(content)
        self.collection_info.setObjectName("collectionInfo")
        self.collection_info.setWordWrap(True)
        self.collection_info.setTextFormat(Qt.TextFormat.RichText)
        self.collection_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.collection_info.hide()
        self.contact_button = QPushButton("Registrar contato…", content)
        self.contact_button.setObjectName("recordContactButton")
        self.contact_button.setToolTip(
            "Registrar um contato com o cliente: canal, resultado, motivo, promessa (Ctrl+K)"
        )
        self.contact_button.setShortcut(QKeySequence("Ctrl+K"))
        self.contact_button.setAutoDefault(False)
        self.contact_button.clicked.connect(self._on_record_contact)
        self.resume_button = QPushButton("Retomar cobrança…", content)
        self.resume_button.setObjectName("resumeCollectionButton")
        self.resume_button.setToolTip("A contestação ou o defeito foi resolvido: retomar a régua")
        self.resume_button.setAutoDefault(False)
        self.resume_button.clicked.connect(self._on_resume_collection)
        self.resume_button.hide()
        collection_row = QHBoxLayout()
        collection_row.setSpacing(8)
        collection_row.addWidget(self.collection_info, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.contact_button)
        buttons.addWidget(self.resume_button)
        buttons.addStretch(1)
        collection_row.addLayout(buttons)
        layout.addLayout(collection_row)

        # Tabs.
        self.tabs = QTabWidget(content)
        self.tabs.setObjectName("customerTabs")
        self.tabs.setDocumentMode(True)
        self.installments_model = InstallmentsModel(self)
        self.installments_view = QTableView(content)
        configure_table(self.installments_view, "customerInstallments")
        self.installments_view.setModel(self.installments_model)
        self._band_delegates = [BandChipDelegate(self), BandChipDelegate(self)]
        self.installments_view.setItemDelegateForColumn(
            InstallmentsModel.BAND_COLUMN, self._band_delegates[0]
        )
        self.installments_footer = QLabel(content)
        self.installments_footer.setObjectName("tableFooter")
        self.installments_footer.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        installments_tab = QWidget(content)
        tab_layout = QVBoxLayout(installments_tab)
        tab_layout.setContentsMargins(0, 6, 0, 0)
        tab_layout.setSpacing(2)
        tab_layout.addWidget(self.installments_view)
        self.carne_button = self._print_button(
            "Carnê", "printCarneButton", "Ctrl+Shift+P", "Imprimir o carnê da venda desta parcela"
        )
        self.slip_button = self._print_button(
            "2ª via",
            "duplicateSlipButton",
            "Ctrl+P",
            "Imprimir o boleto desta parcela, com o valor atualizado até hoje se estiver vencida",
        )
        self.all_carnes_button = self._print_button(
            "Todos os carnês",
            "printAllCarnesButton",
            "Ctrl+Shift+T",
            "Imprimir um carnê por venda com parcelas em aberto",
        )
        self.carne_button.clicked.connect(self._on_print_carne)
        self.slip_button.clicked.connect(self._on_print_slip)
        self.all_carnes_button.clicked.connect(self._on_print_all_carnes)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        for button in (self.slip_button, self.carne_button, self.all_carnes_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.installments_footer)
        tab_layout.addLayout(bottom)
        self.tabs.addTab(installments_tab, "Parcelas em aberto")

        self.payments_model = PaymentsModel(self)
        self.payments_view = QTableView(content)
        configure_table(self.payments_view, "customerPayments")
        self.payments_view.setModel(self.payments_model)
        self.receipt_button = self._print_button(
            "Recibo",
            "printReceiptButton",
            "Ctrl+R",
            "Imprimir o recibo deste pagamento (bobina 80 mm)",
        )
        self.receipt_a4_button = self._print_button(
            "Recibo A4",
            "printReceiptA4Button",
            "Ctrl+Shift+R",
            "Imprimir o recibo deste pagamento em folha A4",
        )
        self.receipt_button.clicked.connect(lambda: self._on_print_receipt("roll"))
        self.receipt_a4_button.clicked.connect(lambda: self._on_print_receipt("a4"))
        self.reverse_button = QPushButton("Estornar", self)
        self.reverse_button.setObjectName("reversePaymentButton")
        self.reverse_button.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.reverse_button.setToolTip(
            "Estornar este pagamento (somente o dono ou com a senha dele) (Ctrl+Shift+E)"
        )
        self.reverse_button.setAutoDefault(False)
        self.reverse_button.setEnabled(False)
        self.reverse_button.clicked.connect(self._on_reverse_payment)
        payments_tab = self._tab(self.payments_view)
        receipt_row = QHBoxLayout()
        receipt_row.setSpacing(6)
        receipt_row.addWidget(self.receipt_button)
        receipt_row.addWidget(self.receipt_a4_button)
        receipt_row.addStretch(1)
        receipt_row.addWidget(self.reverse_button)
        payments_layout = payments_tab.layout()
        assert isinstance(payments_layout, QVBoxLayout)
        payments_layout.addLayout(receipt_row)
        self.tabs.addTab(payments_tab, "Pagamentos")
        self.installments_view.selectionModel().selectionChanged.connect(self._update_print_buttons)
        self.payments_view.selectionModel().selectionChanged.connect(self._update_print_buttons)
        self.installments_model.modelReset.connect(self._update_print_buttons)
        self.payments_model.modelReset.connect(self._update_print_buttons)

        self.history_model = HistoryModel(self)
        self.history_view = QTableView(content)
        configure_table(self.history_view, "customerHistory")
        self.history_view.setModel(self.history_model)
        self.tabs.addTab(self._tab(self.history_view), "Histórico")
        layout.addWidget(self.tabs, 1)

        self.error_label = QLabel(content)
        self.error_label.setObjectName("detailError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        return content

    def _print_button(self, text: str, name: str, keys: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        sequence = QKeySequence(keys)
        button.setShortcut(sequence)
        shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{tip} ({shown})")
        button.setAutoDefault(False)
        button.setEnabled(False)
        return button

    @staticmethod
    def _tab(view: QTableView) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(view)
        return tab

    # --- loading -----------------------------------------------------------------------------

    @property
    def customer_id(self) -> int | None:
        return self.detail.customer_id if self.detail else None

    def clear(self) -> None:
        self._serial += 1
        self.detail = None
        self.stack.setCurrentIndex(0)

    def load(self, customer_id: int, *, highlight_installment: int | None = None) -> None:
        """Fetch the customer's detail in the background; a newer request wins."""
        self._serial += 1
        serial = self._serial
        self._highlight = highlight_installment
        db, today = self.ctx.db, self.ctx.today()

        def job() -> tuple[int, CustomerDetail]:
            with db.unit_of_work() as uow:
                return serial, customer_service.customer_detail(uow.session, customer_id, today)

        run_in_background(job, self._on_loaded, self._on_failed)

    def _on_loaded(self, result: tuple[int, CustomerDetail]) -> None:
        serial, detail = result
        if serial != self._serial:
            return  # the cashier has moved on to another customer
        self.show_detail(detail)
        self.detailLoaded.emit(detail.customer_id)

    def _on_failed(self, exc: Exception) -> None:
        message = explain(exc)
        if isinstance(exc, LookupError):
            message = str(exc)
        self.error_label.setText(message)
        self.error_label.show()
        self.loadFailed.emit(message)

    # --- showing -----------------------------------------------------------------------------

    def show_detail(self, d: CustomerDetail) -> None:
        today = self.ctx.today()
        self.detail = d
        self.error_label.hide()
        self.name_label.setText(d.name)
        self.band_chip.set_band(d.band)
        parts = [f"CPF {d.cpf}"]
        if d.birth_date:
            parts.append(
                f"nascimento {format_date(d.birth_date)} ({_age(d.birth_date, today)} anos)"
            )
        parts.append(f"cliente desde {format_date(d.created_at)}")
        self.subtitle.setText(" · ".join(parts))
        self._show_flags(d)

        self.profile_badge.set_letter(d.profile.letter)
        reason = _keep_numbers_with_units(html.escape(d.profile.reason))
        self.profile_sentence.setText(f"<b>Perfil {d.profile.letter}</b> — {reason}")

        self.phones_label.setText("<br>".join(_phone_html(p) for p in d.phones) or "Sem telefone")
        self.email_label.setText(d.email)
        self.email_label.setVisible(bool(d.email))
        self.address_label.setText(
            "\n".join(line.replace("CEP ", "CEP\u00a0") for line in d.address_lines)
            or "Sem endereço"
        )

        self.limit_value.setText(format_brl(d.credit.limit))
        self.used_value.setText(format_brl(d.credit.used))
        self.available_value.setText(format_brl(d.credit.available))
        self.credit_reasons.setText(
            "\n".join(_keep_numbers_with_units(r) for r in d.credit.reasons)
        )
        self.credit_reasons.setVisible(bool(d.credit.reasons))

        info = collection_lines(d, today)
        self.collection_info.setText("<br>".join(info))
        self.collection_info.setVisible(bool(info))
        self.resume_button.setVisible(d.collection_paused_since is not None)
        self.contact_button.setEnabled(not d.anonymized)

        self.installments_model.set_rows(d.installments)
        _fit_columns(self.installments_view, stretch=1)
        self.installments_view.horizontalHeader().setSectionResizeMode(
            InstallmentsModel.BAND_COLUMN, QHeaderView.ResizeMode.Interactive
        )
        self.installments_view.setColumnWidth(
            InstallmentsModel.BAND_COLUMN,
            self.installments_view.sizeHintForColumn(InstallmentsModel.BAND_COLUMN) + 8,
        )
        overdue = d.overdue_count
        if d.installments:
            count = len(d.installments)
            text = f"{count} parcela{'s' if count > 1 else ''} em aberto"
            if overdue:
                text += f", {overdue} vencida{'s' if overdue > 1 else ''}"
            self.installments_footer.setText(f"{text} · Total hoje {format_brl(d.open_total)}")
        else:
            self.installments_footer.setText("Nenhuma parcela em aberto.")
        self.tabs.setTabText(0, f"Parcelas em aberto ({len(d.installments)})")

        self.payments_model.set_rows(d.payments)
        _fit_columns(self.payments_view, stretch=3)
        self.tabs.setTabText(1, f"Pagamentos ({len(d.payments)})")
        history = history_entries(d.contacts, d.promises, d.audit)
        self.history_model.set_rows(history)
        _fit_columns(self.history_view, stretch=2)
        self.tabs.setTabText(2, f"Histórico ({len(history)})")

        self.stack.setCurrentIndex(1)
        if self._highlight is not None:
            self.select_installment(self._highlight)

    def select_installment(self, installment_id: int) -> None:
        row = self.installments_model.row_of_id(installment_id)
        if row is None:
            return
        self.tabs.setCurrentIndex(0)
        self.installments_view.selectRow(row)
        self.installments_view.scrollTo(self.installments_model.index(row, 0))

    def _show_flags(self, d: CustomerDetail) -> None:
        while self.flags_row.count() > 1:
            item = self.flags_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        flags: list[str] = []
        if d.anonymized:
            flags.append("Dados anonimizados (LGPD)")
        if d.blocked:
            flags.append("Bloqueado para compras a prazo")
        if d.in_court:
            flags.append("Cobrança judicial")
        if d.collection_paused_since:
            flags.append(f"Cobrança pausada desde {format_date(d.collection_paused_since)}")
        if d.bureau_reported_on:
            flags.append(f"Negativado em {format_date(d.bureau_reported_on)}")
        if d.protested_on:
            flags.append(f"Protestado em {format_date(d.protested_on)}")
        if d.collection_agency:
            flags.append(f"Cobrança: {d.collection_agency}")
        if not d.contact_consent:
            flags.append("Não autoriza contato")
        for position, text in enumerate(flags):
            label = QLabel(text)
            label.setObjectName("flag")
            self.flags_row.insertWidget(position, label)

    # --- printing ----------------------------------------------------------------------------

    def selected_installment_id(self) -> int | None:
        rows = self.installments_view.selectionModel().selectedRows()
        return (
            self.installments_model.row_id(self.installments_model.row_at(rows[0].row()))
            if rows
            else None
        )

    def selected_payment(self) -> PaymentLine | None:
        rows = self.payments_view.selectionModel().selectedRows()
        return self.payments_model.row_at(rows[0].row()) if rows else None

    def _update_print_buttons(self) -> None:
        installment = self.selected_installment_id() is not None
        self.carne_button.setEnabled(installment)
        self.slip_button.setEnabled(installment)
        self.all_carnes_button.setEnabled(self.installments_model.rowCount() > 0)
        payment = self.selected_payment()
        printable = payment is not None and not payment.is_reversal
        self.receipt_button.setEnabled(printable)
        self.receipt_a4_button.setEnabled(printable)
        self.reverse_button.setEnabled(printable and payment is not None and not payment.reversed)

    def _on_print_slip(self) -> None:
        installment_id = self.selected_installment_id()
        if installment_id is None or self.detail is None:
            return
        job = PrintJob("slip", installment_id, self.ctx.today())
        print_documents(
            self,
            self.ctx,
            [job],
            f"2ª via — {self.detail.name}",
            f"2a-via-parcela-{installment_id}.pdf",
        )

    def _on_print_carne(self) -> None:
        installment_id = self.selected_installment_id()
        if installment_id is None or self.detail is None:
            return
        today = self.ctx.today()

        def jobs(db: Database) -> list[PrintJob]:
            with db.unit_of_work() as uow:
                return [carne_job_for_installment(uow.session, installment_id, today)]

        print_resolved(
            self,
            self.ctx,
            jobs,
            f"Carnê — {self.detail.name}",
            f"carne-parcela-{installment_id}.pdf",
        )

    def _on_print_all_carnes(self) -> None:
        if self.detail is None:
            return
        customer_id, today = self.detail.customer_id, self.ctx.today()

        def jobs(db: Database) -> list[PrintJob]:
            with db.unit_of_work() as uow:
                sales = open_sales_of(uow.session, customer_id)
            if not sales:
                raise PrintRefused("Este cliente não tem vendas com parcelas em aberto.")
            return [PrintJob("carne", sale_id, today) for sale_id in sales]

        print_resolved(
            self,
            self.ctx,
            jobs,
            f"Carnês — {self.detail.name}",
            f"carnes-cliente-{customer_id}.pdf",
        )

    def _on_print_receipt(self, size: str) -> None:
        payment = self.selected_payment()
        if payment is None or payment.is_reversal or self.detail is None:
            return
        job = PrintJob("receipt", payment.payment_id, self.ctx.today(), receipt_size=size)
        print_documents(
            self,
            self.ctx,
            [job],
            f"Recibo — {self.detail.name}",
            f"recibo-{payment.payment_id:06d}.pdf",
        )

    def _on_reverse_payment(self) -> None:
        payment = self.selected_payment()
        if payment is None or payment.is_reversal or payment.reversed or self.detail is None:
            return
        customer_id = self.detail.customer_id
        summary = (
            f"Pagamento nº {payment.payment_id} de {self.detail.name}\n"
            f"{payment.received_at:%d/%m/%Y %H:%M} — {format_brl(payment.amount)} — "
            f"{payment.method}\nParcelas: {payment.installments}"
        )
        dialog = ReversalDialog(self.ctx, payment.payment_id, summary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.paymentReversed.connect(lambda _reversal_id: self.load(customer_id))
        dialog.open()

    def _on_record_contact(self) -> None:
        if self.detail is None:
            return
        from ui.overdue.contact_dialog import RecordContactDialog

        customer_id = self.detail.customer_id
        dialog = RecordContactDialog(self.ctx, customer_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contactRecorded.connect(lambda _contact_id: self.load(customer_id))
        dialog.open()

    def _on_resume_collection(self) -> None:
        d = self.detail
        if d is None or d.collection_paused_since is None:
            return
        from ui.overdue.resume import ResumeCollectionDialog

        reason = f": {d.collection_paused_reason}" if d.collection_paused_reason else ""
        summary = (
            f"{d.name} — cobrança pausada desde {format_date(d.collection_paused_since)}{reason}"
        )
        dialog = ResumeCollectionDialog(self.ctx, d.customer_id, summary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.collectionResumed.connect(lambda customer_id: self.load(customer_id))
        dialog.open()

    def table_models(self) -> list[RowsModel]:
        return [self.installments_model, self.payments_model, self.history_model]
