"""Contatos para amanhã: whom to contact on a day, through which channel, with which message,
and whether the contact may happen then (``services.contact_queue.contact_queue``).

A table lists the day's actions, broken promises first (the service sorts); selecting one shows
its ready message, why the customer is queued and the actions: open WhatsApp with the message,
copy the text (for SMS), open an e-mail, the phone script, record the contact, open the
customer. Sending actions are disabled, with the reason as tooltip, when the contact may not
happen (contact hours by state, Sunday, holiday, birthday, one contact a day, consent) and when
the list is for another day than today: the permission was judged for that day. Internal steps
(bureau report, review) are the owner's tasks, with their own buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.enums import ContactChannel
from services.cadence import CHANNEL_LABELS, day_label
from services.contact_queue import QueueItem, contact_queue
from services.money import format_brl
from ui.context import AppContext
from ui.overdue.bureau import OwnerAction, confirm, report_action
from ui.overdue.contact_dialog import RecordContactDialog
from ui.overdue.letters import FRIENDLY, NOTICE, LettersBatchDialog, letter_candidates
from ui.tasks import run_in_background
from ui.widgets import BAND_ROLE, BandChip, BandChipDelegate, error_message

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FONT = Qt.ItemDataRole.FontRole
ID_ROLE = Qt.ItemDataRole.UserRole + 10
ALLOWED_COLOUR = QColor("#1b5e20")
REFUSED_COLOUR = QColor("#b3261e")
DONE_COLOUR = QColor("#6f6f6f")
TASK_COLOUR = QColor("#123d63")

COLUMNS = ("Cliente", "Faixa", "Atraso", "Total", "Etapa", "Canal", "Pode contatar?")
COL_NAME, COL_BAND, COL_LATE, COL_TOTAL, COL_STEP, COL_CHANNEL, COL_PERMISSION = range(7)

STYLE = """
QWidget#contactQueue QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f2328; }
QWidget#contactQueue QLabel#queueStatus { color: #5f6368; padding: 2px; }
QWidget#contactQueue QFrame#queueDetail {
    background: #fbfcfd; border: 1px solid #d5d9e0; border-radius: 6px;
}
QWidget#contactQueue QLabel#detailName { font-size: 12pt; font-weight: 600; }
QWidget#contactQueue QLabel#detailCpf, QWidget#contactQueue QLabel#detailHint { color: #5f6368; }
QWidget#contactQueue QLabel#detailReason { color: #1f2328; }
QWidget#contactQueue QLabel#detailPermission { font-weight: 600; }
QWidget#contactQueue QLabel#detailPermission[state="allowed"] { color: #1b5e20; }
QWidget#contactQueue QLabel#detailPermission[state="refused"] { color: #b3261e; }
QWidget#contactQueue QLabel#detailPermission[state="done"] { color: #6f6f6f; }
QWidget#contactQueue QLabel#detailPermission[state="task"] { color: #123d63; }
QWidget#contactQueue QPlainTextEdit#queueMessage { background: #f6f8fb; color: #1d2733; }
QWidget#contactQueue QLabel#queueError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QWidget#contactQueue QPushButton { padding: 5px 12px; }
QWidget#contactQueue QPushButton#whatsappButton { font-weight: 600; }
"""


def open_url(url: str) -> bool:
    """Open a link in the browser or mail program (tests replace this function)."""
    return QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))


def _hour(at: datetime) -> str:
    return f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"


def _when(day: date, today: date) -> str:
    if day == today:
        return "hoje"
    if day == today + timedelta(days=1):
        return "amanhã"
    return f"em {day:%d/%m}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def is_task(item: QueueItem) -> bool:
    return item.channel is None or item.step.internal


def permission_text(item: QueueItem, today: date, *, recorded: bool = False) -> str:
    """``"✓ pode amanhã às 9h"`` or ``"✗ não pode: feriado: … — a partir de 24/11 às 9h"``."""
    if recorded:
        return "✓ registrado"
    permission = item.permission
    if is_task(item):
        if permission.allowed:
            return "Tarefa do dono: pode fazer"
        text = f"Tarefa do dono: ainda não — {_lower_first(permission.reason or '')}"
        if permission.next_allowed is not None:
            text += f" (a partir de {permission.next_allowed:%d/%m})"
        return text
    if permission.allowed:
        at = item.planned_at
        if item.channel is ContactChannel.LETTER:
            return f"✓ pode enviar {_when(at.date(), today)}"
        return f"✓ pode {_when(at.date(), today)} às {_hour(at)}"
    text = f"✗ não pode: {_lower_first(permission.reason or 'contato recusado')}"
    nxt = permission.next_allowed
    if nxt is not None:
        text += f" — a partir de {nxt:%d/%m} às {_hour(nxt)}"
    return text


def step_text(item: QueueItem) -> str:
    return f"{day_label(item.step.offset_days)} · {item.step.label}"


def late_text(item: QueueItem) -> str:
    if item.days_late <= 0:
        return "a vencer"
    return f"{item.days_late} dia{'s' if item.days_late != 1 else ''}"


class ContactQueueModel(QAbstractTableModel):
    """The day's queue: ids plus the items, answered by role; band chips via ``BAND_ROLE``."""

    def __init__(self, today: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.items: list[QueueItem] = []
        self.recorded: set[int] = set()

    def set_items(self, items: Sequence[QueueItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.recorded = set()
        self.endResetModel()

    def mark_recorded(self, customer_id: int) -> None:
        self.recorded.add(customer_id)
        for row, item in enumerate(self.items):
            if item.customer_id == customer_id:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, column = self.items[index.row()], index.column()
        recorded = item.customer_id in self.recorded
        if role == _DISPLAY:
            if column == COL_NAME:
                return f"⚠ {item.name}" if item.broken_promise else item.name
            if column == COL_BAND:
                return item.band.label if item.band is not None else "A vencer"
            if column == COL_LATE:
                return late_text(item)
            if column == COL_TOTAL:
                return format_brl(item.total)
            if column == COL_STEP:
                return step_text(item)
            if column == COL_CHANNEL:
                if item.channel is None:
                    return "— tarefa interna"
                return CHANNEL_LABELS[item.channel]
            if column == COL_PERMISSION:
                return permission_text(item, self.today, recorded=recorded)
            return None
        if role == BAND_ROLE and column == COL_BAND:
            return item.band
        if role == ID_ROLE:
            return item.customer_id
        if role == _FOREGROUND:
            if recorded:
                return DONE_COLOUR
            if column == COL_PERMISSION:
                if is_task(item):
                    return TASK_COLOUR if item.permission.allowed else REFUSED_COLOUR
                return ALLOWED_COLOUR if item.permission.allowed else REFUSED_COLOUR
            if column == COL_NAME and item.broken_promise:
                return REFUSED_COLOUR
            return None
        if role == _TOOLTIP:
            if column == COL_PERMISSION:
                return permission_text(item, self.today, recorded=recorded)
            return item.reason
        if role == _ALIGN and column in (COL_LATE, COL_TOTAL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == _DISPLAY and horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None


class PhoneScriptDialog(QDialog):
    """The short script for a collection call, to read while on the phone."""

    def __init__(self, name: str, script: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneScriptDialog")
        self.setWindowTitle(f"Roteiro de ligação — {name}")
        self.setMinimumSize(560, 360)
        self.text = QPlainTextEdit(script)
        self.text.setObjectName("phoneScript")
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fechar")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class ContactQueueWidget(QWidget):
    """The contact queue of a day (default tomorrow) with the actions of the selected item."""

    customerRequested = Signal(int)
    contactRecorded = Signal(int)  # customer id
    loaded = Signal(int)  # how many items are listed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactQueue")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.today = ctx.today()
        self.day = self.today + timedelta(days=1)
        self.current: QueueItem | None = None
        self.dialog: QDialog | None = None
        self.action: OwnerAction | None = None
        self._serial = 0
        self._build()
        self.refresh()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Contatos da régua de cobrança")
        title.setObjectName("pageTitle")
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("queueDay")
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
        self.refresh_button = QPushButton("Atualizar")
        self.refresh_button.setObjectName("refreshQueueButton")
        self.letters_button = QPushButton("Cartas em lote…")
        self.letters_button.setObjectName("lettersButton")
        self.status_label = QLabel("Carregando…")
        self.status_label.setObjectName("queueStatus")
        self.error_label = QLabel()
        self.error_label.setObjectName("queueError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel("Contatos para:"))
        top.addWidget(self.day_edit)
        top.addWidget(self.refresh_button)
        top.addWidget(self.letters_button)

        self.model = ContactQueueModel(self.today, self)
        self.table = QTableView()
        self.table.setObjectName("contactQueueTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_BAND, BandChipDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The permission's reason can be long (a holiday's name): it takes the room left and is
        # cut with "…"; the whole text is in the tooltip and under the list.
        header.setSectionResizeMode(COL_PERMISSION, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.detail = self._build_detail()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("queueSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([440, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)

        self.day_edit.dateChanged.connect(self._on_day_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.letters_button.clicked.connect(self.open_letters)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self._on_open_customer())

    def _build_detail(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("queueDetail")
        self.name_label = QLabel()
        self.name_label.setObjectName("detailName")
        self.band_chip = BandChip()
        self.cpf_label = QLabel()
        self.cpf_label.setObjectName("detailCpf")
        self.reason_label = QLabel()
        self.reason_label.setObjectName("detailReason")
        self.reason_label.setWordWrap(True)
        self.permission_label = QLabel()
        self.permission_label.setObjectName("detailPermission")
        self.permission_label.setWordWrap(True)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("detailHint")
        self.hint_label.setWordWrap(True)
        self.message_view = QPlainTextEdit()
        self.message_view.setObjectName("queueMessage")
        self.message_view.setReadOnly(True)
        self.message_view.setMinimumHeight(96)

        self.whatsapp_button = QPushButton("Abrir WhatsApp")
        self.whatsapp_button.setObjectName("whatsappButton")
        self.copy_button = QPushButton("Copiar texto")
        self.copy_button.setObjectName("copyTextButton")
        self.email_button = QPushButton("E-mail")
        self.email_button.setObjectName("emailButton")
        self.script_button = QPushButton("Roteiro")
        self.script_button.setObjectName("phoneScriptButton")
        self.record_button = QPushButton("Registrar contato…")
        self.record_button.setObjectName("recordContactButton")
        self.report_button = QPushButton("Negativar…")
        self.report_button.setObjectName("queueReportButton")
        self.open_button = QPushButton("Abrir cliente")
        self.open_button.setObjectName("openCustomerButton")
        self.action_buttons = (
            self.whatsapp_button,
            self.copy_button,
            self.email_button,
            self.script_button,
            self.record_button,
            self.report_button,
            self.open_button,
        )

        heading = QHBoxLayout()
        heading.addWidget(self.name_label)
        heading.addWidget(self.band_chip)
        heading.addWidget(self.cpf_label)
        heading.addStretch(1)
        buttons = QHBoxLayout()
        for button in self.action_buttons[:-1]:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(heading)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.permission_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.message_view, 1)
        layout.addLayout(buttons)

        self.whatsapp_button.clicked.connect(self._on_whatsapp)
        self.copy_button.clicked.connect(self._on_copy)
        self.email_button.clicked.connect(self._on_email)
        self.script_button.clicked.connect(self._on_script)
        self.record_button.clicked.connect(self._on_record)
        self.report_button.clicked.connect(self._on_report)
        self.open_button.clicked.connect(self._on_open_customer)
        self._show_item(None)
        return frame

    # --- loading -----------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day_edit.setDate(QDate(day.year, day.month, day.day))

    def _on_day_changed(self, value: QDate) -> None:
        day = value.toPython()
        assert isinstance(day, date)
        self.day = day
        self.refresh()

    def refresh(self) -> None:
        self._serial += 1
        serial, db, day, now = self._serial, self.ctx.db, self.day, self.ctx.now()
        self.status_label.setText("Carregando…")

        def job() -> tuple[int, list[QueueItem]]:
            with db.unit_of_work() as uow:
                return serial, contact_queue(uow.session, day=day, now=now)

        # Bound methods, not lambdas: Qt drops the delivery if this widget is gone by then.
        run_in_background(job, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, result: tuple[int, list[QueueItem]]) -> None:
        serial, items = result
        if serial != self._serial:
            return  # an older day's list arriving late
        self.error_label.hide()
        selected = self.current.customer_id if self.current is not None else None
        self.model.set_items(items)
        self._show_item(None)
        self.status_label.setText(self._summary(items))
        if selected is not None:
            self.select_customer(selected)
        self.loaded.emit(len(items))

    def _on_load_failed(self, exc: Exception) -> None:
        self.status_label.setText("")
        self.error_label.setText(error_message(exc))
        self.error_label.show()

    def _summary(self, items: Sequence[QueueItem]) -> str:
        day = f"{self.day:%d/%m/%Y}"
        if not items:
            return f"Nenhum contato para {day}."
        contacts = [i for i in items if not is_task(i)]
        refused = sum(1 for i in contacts if not i.permission.allowed)
        broken = sum(1 for i in items if i.broken_promise)
        tasks = len(items) - len(contacts)
        parts = [f"{len(contacts)} contato{'s' if len(contacts) != 1 else ''} para {day}"]
        if broken:
            plural = "s" if broken != 1 else ""
            parts.append(f"{broken} promessa{plural} não cumprida{plural} (no topo)")
        if refused:
            parts.append(f"{refused} não pode{'m' if refused != 1 else ''} nesse dia")
        if tasks:
            parts.append(f"{tasks} tarefa{'s' if tasks != 1 else ''} do dono")
        return " · ".join(parts)

    # --- selection ---------------------------------------------------------------------------

    def select_customer(self, customer_id: int) -> bool:
        for row, item in enumerate(self.model.items):
            if item.customer_id == customer_id:
                self.table.selectRow(row)
                return True
        return False

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_item(self.model.items[rows[0].row()] if rows else None)

    def _show_item(self, item: QueueItem | None) -> None:
        self.current = item
        if item is None:
            self.name_label.setText("Escolha um contato da lista")
            self.band_chip.set_band(None)
            for label in (self.cpf_label, self.reason_label, self.permission_label):
                label.clear()
            self.hint_label.clear()
            self.hint_label.hide()
            self.message_view.clear()
            self.message_view.hide()
            for button in self.action_buttons:
                button.hide()
            return
        recorded = item.customer_id in self.model.recorded
        self.name_label.setText(item.name)
        self.band_chip.set_band(item.band)
        self.cpf_label.setText(f"CPF {item.cpf_masked}")
        self.reason_label.setText(f"Por que está na lista: {item.reason}")
        self.permission_label.setText(permission_text(item, self.today, recorded=recorded))
        state = (
            "done"
            if recorded
            else "task"
            if is_task(item) and item.permission.allowed
            else "allowed"
            if item.permission.allowed
            else "refused"
        )
        self.permission_label.setProperty("state", state)
        self.permission_label.style().unpolish(self.permission_label)
        self.permission_label.style().polish(self.permission_label)
        self.message_view.setPlainText(item.message)
        self.message_view.setVisible(bool(item.message))
        self.hint_label.setText(self._hint(item))
        self.hint_label.setVisible(bool(self.hint_label.text()))
        self._update_buttons(item, recorded)

    def _hint(self, item: QueueItem) -> str:
        if item.step.key == "bureau_report":
            return (
                "Tarefa do dono: incluir o cliente no birô de crédito e registrar aqui. A lei "
                "exige a notificação por escrito 10 dias antes (CDC art. 43 §2)."
            )
        if item.step.key == "review":
            return (
                "Tarefa do dono: rever o caso (protesto, cobrança por empresa parceira ou "
                "baixa como perda). Abra o cliente para ver o histórico."
            )
        if item.channel is ContactChannel.LETTER:
            return "Imprima as cartas do dia em “Cartas em lote…”; cada carta vira um contato."
        if item.channel is ContactChannel.IN_PERSON:
            return "Converse com o cliente quando ele vier à loja e registre o contato."
        return ""

    def _send_refusal(self, item: QueueItem) -> str | None:
        """Why the sending actions are disabled now (None: they may be used)."""
        if not item.permission.allowed:
            return permission_text(item, self.today)
        if self.day != self.today:
            when = item.permission.next_allowed or item.planned_at
            return (
                f"Lista de {self.day:%d/%m/%Y}: envie no próprio dia, a partir de "
                f"{when:%d/%m} às {_hour(when)}."
            )
        return None

    def _update_buttons(self, item: QueueItem, recorded: bool) -> None:
        task = is_task(item)
        shown = {
            self.whatsapp_button: item.whatsapp_url is not None,
            self.copy_button: bool(item.message)
            and item.channel in (ContactChannel.SMS, ContactChannel.WHATSAPP, ContactChannel.EMAIL),
            self.email_button: item.mailto_url is not None,
            self.script_button: item.phone_script is not None,
            self.record_button: not task,
            self.report_button: item.step.key == "bureau_report",
            self.open_button: True,
        }
        for button, visible in shown.items():
            button.setVisible(visible)
            button.setEnabled(True)
            button.setToolTip("")
        refusal = "Contato já registrado." if recorded else self._send_refusal(item)
        for button in (
            self.whatsapp_button,
            self.copy_button,
            self.email_button,
            self.script_button,
        ):
            if refusal is not None:
                button.setEnabled(False)
                button.setToolTip(refusal)
        self.whatsapp_button.setToolTip(
            self.whatsapp_button.toolTip() or "Abre a conversa com a mensagem pronta no navegador"
        )
        if recorded:
            self.record_button.setEnabled(False)
            self.record_button.setToolTip("Contato já registrado.")
        if self.action is not None:
            self.report_button.setEnabled(False)
        elif item.step.key == "bureau_report" and not item.permission.allowed:
            self.report_button.setToolTip(item.permission.reason or "")

    # --- actions -----------------------------------------------------------------------------

    def _on_whatsapp(self) -> None:
        item = self.current
        if item is not None and item.whatsapp_url and self.whatsapp_button.isEnabled():
            open_url(item.whatsapp_url)

    def _on_copy(self) -> None:
        item = self.current
        if item is not None and item.message:
            QGuiApplication.clipboard().setText(item.message)
            self.hint_label.setText(
                "Texto copiado: cole no SMS e envie, depois registre o contato."
            )

    def _on_email(self) -> None:
        item = self.current
        if item is not None and item.mailto_url and self.email_button.isEnabled():
            open_url(item.mailto_url)

    def _on_script(self) -> None:
        item = self.current
        if item is None or not item.phone_script:
            return
        dialog = PhoneScriptDialog(item.name, item.phone_script, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._forget(dialog))
        dialog.open()

    def _on_record(self) -> None:
        item = self.current
        if item is None or is_task(item):
            return
        dialog = RecordContactDialog(
            self.ctx,
            item.customer_id,
            channel=item.channel,
            cadence_step=item.step.key,
            message=item.message,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        customer_id = item.customer_id
        dialog.contactRecorded.connect(lambda _contact_id: self._on_recorded(customer_id))
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_recorded(self, customer_id: int) -> None:
        self.model.mark_recorded(customer_id)
        if self.current is not None and self.current.customer_id == customer_id:
            self._show_item(self.current)
        self.contactRecorded.emit(customer_id)

    def _on_report(self) -> None:
        item = self.current
        if item is None or self.action is not None:
            return
        if not confirm(
            self,
            "Negativar cliente",
            f"Registrar que {item.name} foi incluído(a) no cadastro de inadimplentes hoje "
            f"({self.today:%d/%m/%Y})?\n\nFaça a inclusão no site do birô antes de registrar.",
        ):
            return
        action = report_action(self, self.ctx, item.customer_id, item.name)
        customer_id = item.customer_id
        action.done.connect(lambda: self._on_reported(customer_id))
        action.refused.connect(self._on_action_refused)
        self.action = action
        self.report_button.setEnabled(False)
        self.error_label.hide()
        action.start()

    def _on_reported(self, customer_id: int) -> None:
        self.action = None
        self._on_recorded(customer_id)
        self.refresh()

    def _on_action_refused(self, message: str) -> None:
        self.action = None
        self.error_label.setText(message)
        self.error_label.show()
        if self.current is not None:
            self._update_buttons(self.current, self.current.customer_id in self.model.recorded)

    def _on_open_customer(self) -> None:
        if self.current is not None:
            self.customerRequested.emit(self.current.customer_id)

    def open_letters(self) -> LettersBatchDialog:
        """Cartas em lote with the day's letter steps (the notice when only notices are due)."""
        candidates = [
            c
            for c in letter_candidates(self.model.items)
            if c.customer_id not in self.model.recorded
        ]
        kinds = {c.step_key for c in candidates}
        kind = NOTICE if kinds == {NOTICE} else FRIENDLY
        dialog = LettersBatchDialog(self.ctx, candidates, kind=kind, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.lettersRecorded.connect(lambda _n: self.refresh())
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog
