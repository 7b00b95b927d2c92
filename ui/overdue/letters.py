"""Cartas em lote: the friendly collection letter or the written notice before a bureau report.

The person picks the kind and the customers (from the contact queue's letter steps, all ticked
by default), the letters are built (``services.reports.letters_for``, which says who was left
out and why) and drawn into ONE PDF off the UI thread with progress and Cancelar, then shown in
the preview. Only once the person says the letters were printed are they recorded as sent
(``services.reports.record_letters``): each becomes a contact of its customer, and a notice
starts the 10 days before a bureau report may be made (CDC art. 43 §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from services import reports
from services.collection import CollectionRefused
from services.money import format_brl
from services.printing import PrintRefused
from ui.context import AppContext
from ui.tasks import CancelToken, run_in_background
from ui.widgets import error_message

if TYPE_CHECKING:
    from services.contact_queue import QueueItem
    from services.reports import LetterBatch

# ``services.documents.letters.LetterKind`` values (the cadence step keys); kept as plain strings
# here so opening the screen does not import reportlab (ENGINEERING.md: import it when printing).
FRIENDLY = "collection_letter"
NOTICE = "bureau_notice"
KINDS = (FRIENDLY, NOTICE)

STYLE = """
QLabel#lettersSkipped {
    color: #5c3300; background: #fff4e0; border: 1px solid #f0c987;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#lettersError {
    color: #a1261b; background: #fdecea; border: 1px solid #f3b8b0;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#lettersDone {
    color: #1b4d24; background: #dff2e1; border: 1px solid #9fd3a8;
    border-radius: 4px; padding: 6px 8px;
}
QFrame#printedBar { background: #eef4fb; border: 1px solid #b9cde6; border-radius: 6px; }
QLabel#printedQuestion { font-weight: 600; }
QLabel#lettersHint, QLabel#selectionCount { color: #5f6368; }
"""

KIND_LABELS = {
    FRIENDLY: "Carta de cobrança amigável",
    NOTICE: "Notificação antes da negativação (CDC art. 43 §2)",
}
KIND_HINTS = {
    FRIENDLY: (
        "Lembrete cordial por escrito, com as parcelas em aberto e um prazo de 7 dias para "
        "pagar ou conversar com a loja."
    ),
    NOTICE: (
        "Aviso por escrito exigido antes de negativar (CDC art. 43 §2): dá ao menos 10 dias "
        "para o cliente pagar. A negativação só é possível 10 dias depois de registrada."
    ),
}
FILENAMES = {FRIENDLY: "cartas-de-cobranca", NOTICE: "notificacoes"}


@dataclass(frozen=True)
class LetterCandidate:
    """A customer who may get a letter: who, which cadence step the queue has for them, how late."""

    customer_id: int
    name: str
    step_key: str
    days_late: int
    total: Decimal

    @classmethod
    def from_item(cls, item: QueueItem) -> LetterCandidate:
        return cls(item.customer_id, item.name, item.step.key, item.days_late, item.total)

    def text(self) -> str:
        late = _count(self.days_late, "dia", "dias")
        return f"{self.name} — {late} em atraso — {format_brl(self.total)}"


def letter_candidates(items: Sequence[QueueItem]) -> list[LetterCandidate]:
    """The queue items whose step is a letter (collection letter or notice)."""
    return [LetterCandidate.from_item(i) for i in items if i.step.key in KINDS]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Rendered:
    batch: LetterBatch
    pdf: bytes


class LettersBatchDialog(QDialog):
    """Choose, render, preview, confirm printed, record; emits ``lettersRecorded(count)``."""

    lettersRecorded = Signal(int)
    rendered = Signal()  # the PDF is ready (the preview is opening)

    def __init__(
        self,
        ctx: AppContext,
        candidates: Sequence[LetterCandidate],
        *,
        kind: str = FRIENDLY,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lettersBatchDialog")
        self.setWindowTitle("Cartas em lote")
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.candidates = list(candidates)
        self.today: date = ctx.today()
        self.result_: Rendered | None = None
        self.kind_rendered: str | None = None
        self.preview: QDialog | None = None
        self.progress: QProgressDialog | None = None
        self.token: CancelToken | None = None
        self._busy = False

        title = QLabel("Cartas em lote")
        title.setObjectName("pageTitle")
        self.friendly_radio = QRadioButton(KIND_LABELS[FRIENDLY])
        self.friendly_radio.setObjectName("friendlyLetterRadio")
        self.notice_radio = QRadioButton(KIND_LABELS[NOTICE])
        self.notice_radio.setObjectName("noticeLetterRadio")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.friendly_radio)
        self.kind_group.addButton(self.notice_radio)
        self.hint = QLabel()
        self.hint.setObjectName("lettersHint")
        self.hint.setWordWrap(True)

        self.list = QListWidget()
        self.list.setObjectName("letterCustomers")
        self.list.setMinimumHeight(180)
        self.count_label = QLabel()
        self.count_label.setObjectName("selectionCount")
        self.all_button = QPushButton("Marcar todos")
        self.all_button.setObjectName("selectAllButton")
        self.none_button = QPushButton("Desmarcar todos")
        self.none_button.setObjectName("selectNoneButton")

        self.skipped_label = QLabel()
        self.skipped_label.setObjectName("lettersSkipped")
        self.skipped_label.setWordWrap(True)
        self.skipped_label.hide()
        self.error_label = QLabel()
        self.error_label.setObjectName("lettersError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.done_label = QLabel()
        self.done_label.setObjectName("lettersDone")
        self.done_label.setWordWrap(True)
        self.done_label.hide()

        # Asked after the preview: only letters that were really printed count as sent.
        self.printed_bar = QFrame()
        self.printed_bar.setObjectName("printedBar")
        self.printed_question = QLabel()
        self.printed_question.setObjectName("printedQuestion")
        self.printed_question.setWordWrap(True)
        self.printed_note = QLabel(
            "Registre somente depois de imprimir: cada carta vira um contato do cliente."
        )
        self.printed_note.setObjectName("lettersHint")
        self.printed_note.setWordWrap(True)
        self.record_button = QPushButton("Sim, registrar como enviadas")
        self.record_button.setObjectName("recordLettersButton")
        self.not_yet_button = QPushButton("Ainda não")
        self.not_yet_button.setObjectName("notPrintedButton")
        self.preview_again_button = QPushButton("Ver o PDF de novo")
        self.preview_again_button.setObjectName("previewAgainButton")
        bar = QVBoxLayout(self.printed_bar)
        bar.setContentsMargins(10, 8, 10, 8)
        bar.addWidget(self.printed_question)
        bar.addWidget(self.printed_note)
        bar_buttons = QHBoxLayout()
        bar_buttons.addWidget(self.preview_again_button)
        bar_buttons.addStretch(1)
        bar_buttons.addWidget(self.not_yet_button)
        bar_buttons.addWidget(self.record_button)
        bar.addLayout(bar_buttons)
        self.printed_bar.hide()

        self.generate_button = QPushButton("Gerar cartas")
        self.generate_button.setObjectName("generateLettersButton")
        self.generate_button.setDefault(True)
        self.close_button = QPushButton("Fechar")
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.friendly_radio)
        layout.addWidget(self.notice_radio)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        selection = QHBoxLayout()
        selection.addWidget(self.count_label)
        selection.addStretch(1)
        selection.addWidget(self.all_button)
        selection.addWidget(self.none_button)
        layout.addLayout(selection)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.done_label)
        layout.addWidget(self.printed_bar)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        (self.notice_radio if kind == NOTICE else self.friendly_radio).setChecked(True)
        self.kind_group.buttonToggled.connect(self._on_kind_changed)
        self.list.itemChanged.connect(self._update_count)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        self.generate_button.clicked.connect(self.generate)
        self.close_button.clicked.connect(self.reject)
        self.record_button.clicked.connect(self._on_record)
        self.not_yet_button.clicked.connect(self._on_not_printed)
        self.preview_again_button.clicked.connect(self._open_preview)
        self._fill()

    # --- choosing ----------------------------------------------------------------------------

    def kind(self) -> str:
        return NOTICE if self.notice_radio.isChecked() else FRIENDLY

    def set_kind(self, kind: str) -> None:
        (self.notice_radio if kind == NOTICE else self.friendly_radio).setChecked(True)

    def selected_ids(self) -> list[int]:
        ids = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def set_checked(self, customer_id: int, checked: bool) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if int(item.data(Qt.ItemDataRole.UserRole)) == customer_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _fill(self) -> None:
        kind = self.kind()
        self.hint.setText(KIND_HINTS[kind])
        self.list.blockSignals(True)
        self.list.clear()
        for candidate in self.candidates:
            if candidate.step_key != kind:
                continue  # a notice only where the cadence reached it; a letter likewise
            item = QListWidgetItem(candidate.text())
            item.setData(Qt.ItemDataRole.UserRole, candidate.customer_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.list.count():
            empty = QListWidgetItem(
                "Nenhum cliente da lista de contatos está nesta etapa da régua."
            )
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            empty.setData(Qt.ItemDataRole.UserRole, 0)
            self.list.addItem(empty)
        self._update_count()

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(state)

    def _update_count(self) -> None:
        chosen = len(self.selected_ids())
        total = sum(
            1
            for row in range(self.list.count())
            if self.list.item(row).flags() & Qt.ItemFlag.ItemIsUserCheckable
        )
        self.count_label.setText(f"{chosen} de {total} selecionados")
        self.generate_button.setEnabled(chosen > 0 and not self._busy)
        noun = "notificações" if self.kind() == NOTICE else "cartas"
        self.generate_button.setText(f"Gerar {chosen} {noun}" if chosen else "Gerar cartas")

    def _on_kind_changed(self, _button: object, checked: bool) -> None:
        if checked:
            self._reset_result()
            self._fill()

    def _reset_result(self) -> None:
        self.result_ = None
        self.kind_rendered = None
        self.printed_bar.hide()
        self.skipped_label.hide()
        self.error_label.hide()
        self.done_label.hide()

    # --- rendering ---------------------------------------------------------------------------

    def generate(self) -> None:
        ids = self.selected_ids()
        if self._busy or not ids:
            return
        self._reset_result()
        self._set_busy(True)
        db, kind, today = self.ctx.db, self.kind(), self.today

        def work(token: CancelToken) -> Rendered:
            from services.documents.letters import LetterKind, render_letters

            with db.unit_of_work() as uow:
                batch = reports.letters_for(uow.session, ids, LetterKind(kind), today=today)
            if not batch.letters:
                return Rendered(batch, b"")
            pdf = render_letters(
                batch.letters, progress=token.progress, cancelled=lambda: token.cancelled
            )
            return Rendered(batch, pdf)

        self.progress = QProgressDialog("Gerando as cartas…", "Cancelar", 0, len(ids), self)
        self.progress.setObjectName("lettersProgress")
        self.progress.setWindowTitle("Cartas em lote")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(300)
        self.progress.setMinimumWidth(360)
        self.progress.canceled.connect(self.cancel)
        self.kind_rendered = kind
        self.token = run_in_background(
            work, self._on_rendered, self._on_failed, on_progress=self._on_progress, with_token=True
        )

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.progress.setLabelText(f"Gerando as cartas… {done} de {total}")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.friendly_radio, self.notice_radio, self.list):
            widget.setEnabled(not busy)
        self._update_count()

    def _on_rendered(self, result: Rendered) -> None:
        cancelled = self.token is not None and self.token.cancelled
        self._close_progress()
        self._set_busy(False)
        if cancelled:
            self._show_error("Geração das cartas cancelada: nada foi impresso nem registrado.")
            return
        message = result.batch.skipped_message()
        self.skipped_label.setText(f"Sem carta: {message}" if message else "")
        self.skipped_label.setVisible(bool(message))
        if not result.batch.letters:
            self._show_error("Nenhuma carta a gerar para os clientes escolhidos.")
            return
        self.result_ = result
        self._open_preview()
        self.rendered.emit()

    def _on_failed(self, exc: Exception) -> None:
        self._close_progress()
        self._set_busy(False)
        from services.documents.letters import LettersCancelled

        if isinstance(exc, LettersCancelled):
            self._show_error("Geração das cartas cancelada: nada foi impresso nem registrado.")
        elif isinstance(exc, PrintRefused | ValueError):
            self._show_error(str(exc))
        else:
            self._show_error(error_message(exc))

    def _open_preview(self) -> None:
        if self.result_ is None or self.kind_rendered is None:
            return
        from ui.documents.preview import PdfPreviewDialog

        letters = len(self.result_.batch.letters)
        title = f"{KIND_LABELS[self.kind_rendered]} — {_count(letters, 'carta', 'cartas')}"
        filename = f"{FILENAMES[self.kind_rendered]}-{self.today:%Y-%m-%d}.pdf"
        self.preview = PdfPreviewDialog(self.result_.pdf, title, filename, self)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.finished.connect(self._on_preview_closed)
        self.preview.open()

    def _on_preview_closed(self, _result: int = 0) -> None:
        self.preview = None
        if self.result_ is None:
            return
        n = len(self.result_.batch.letters)
        noun = "Notificações impressas" if self.kind_rendered == NOTICE else "Cartas impressas"
        self.printed_question.setText(
            f"{noun} — registrar como enviadas? ({_count(n, 'cliente', 'clientes')})"
        )
        self.printed_bar.show()
        self.record_button.setFocus()

    # --- recording ---------------------------------------------------------------------------

    def _on_not_printed(self) -> None:
        self.printed_bar.hide()
        self.done_label.setText("Nada foi registrado. Gere de novo quando for imprimir.")
        self.done_label.show()
        self.result_ = None

    def _on_record(self) -> None:
        if self.result_ is None or self.kind_rendered is None or self._busy:
            return
        self._busy = True
        self.record_button.setEnabled(False)
        db, kind, now = self.ctx.db, self.kind_rendered, self.ctx.now()
        ids, operator = list(self.result_.batch.customer_ids), self.ctx.operator

        def job() -> int:
            from services.documents.letters import LetterKind

            with db.unit_of_work(write=True) as uow:
                return reports.record_letters(
                    uow, ids, LetterKind(kind), operator=operator, now=now
                )

        run_in_background(job, self._on_recorded, self._on_record_refused)

    def _on_recorded(self, count: int) -> None:
        self._busy = False
        self.record_button.setEnabled(True)
        self.printed_bar.hide()
        recorded = {c for c in (self.result_.batch.customer_ids if self.result_ else ())}
        self.result_ = None
        self.candidates = [c for c in self.candidates if c.customer_id not in recorded]
        self._fill()
        sent = _count(count, "carta registrada", "cartas registradas")
        self.done_label.setText(
            f"{sent} como enviada{'s' if count != 1 else ''} em {self.today:%d/%m/%Y}."
        )
        self.done_label.show()
        self.lettersRecorded.emit(count)

    def _on_record_refused(self, exc: Exception) -> None:
        self._busy = False
        self.record_button.setEnabled(True)
        self._show_error(str(exc) if isinstance(exc, CollectionRefused) else error_message(exc))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
