"""Régua de cobrança: the two collection cadences, step by step, with each message's preview.

A table shows the steps (dia relativo, ação, canal, ativo); the selected step is edited below it,
with the placeholders the message may use and a live preview filled with sample values. The
service validates the whole section on save; each message goes under the field it concerns, and
a step with a problem is marked in the table (text, not only colour).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.enums import ContactChannel
from services import cadence
from services.cadence import (
    CHANNEL_LABELS,
    DEFAULT_SOFT,
    DEFAULT_STANDARD,
    PLACEHOLDERS,
    CadenceStep,
    day_label,
    render_message,
    sample_values,
)
from services.settings import (
    CADENCE_NAMES,
    MAX_OFFSET_DAYS,
    MIN_REMINDER_OFFSET,
    CadencePolicy,
    ShopIdentity,
)
from services.validation import FieldError, ValidationErrors
from ui.settings.common import SectionPage, note_label

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_DISABLED_COLOUR = QColor("#6f6f6f")
_ERROR_COLOUR = QColor("#b3261e")
COLUMNS = ("Dia relativo", "Ação", "Canal", "Ativo")
CADENCES = ("standard", "soft")
CADENCE_CHOICES = {
    "standard": "Régua padrão — clientes novos e perfis C e D",
    "soft": "Régua suave — bom histórico (perfis A e B)",
}
DEFAULTS = {"standard": DEFAULT_STANDARD, "soft": DEFAULT_SOFT}
# The channels a cadence step may use, in the order the editor lists them.
EDITABLE_CHANNELS = (
    ContactChannel.WHATSAPP,
    ContactChannel.SMS,
    ContactChannel.PHONE,
    ContactChannel.EMAIL,
    ContactChannel.LETTER,
)
ATTRIBUTES = ("offset_days", "label", "channels", "enabled", "template")

STYLE = """
QFrame#messagePreview {
    background: #f6f8fb; border: 1px solid #d5d9e0; border-radius: 6px;
}
QLabel#previewText { color: #1d2733; }
QPushButton[placeholder="true"] { padding: 2px 6px; font-family: monospace; }
"""


def describe_offset(offset_days: int) -> str:
    """``-3`` → ``"3 dias antes do vencimento"``; ``7`` → ``"7 dias depois do vencimento"``."""
    if offset_days == 0:
        return "no dia do vencimento"
    n = abs(offset_days)
    days = "1 dia" if n == 1 else f"{n} dias"
    if offset_days < 0:
        return f"{days} antes do próximo vencimento"
    return f"{days} depois do vencimento mais antigo em aberto"


def channels_text(step: CadenceStep) -> str:
    if step.internal:
        return "— (ação interna)"
    return " ou ".join(CHANNEL_LABELS[c] for c in step.channels) or "—"


class CadenceStepsModel(QAbstractTableModel):
    """One cadence's steps; a row with a problem shows "⚠" and the message as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[CadenceStep] = []
        self.problems: dict[str, list[str]] = {}

    def set_steps(self, steps: list[CadenceStep], problems: dict[str, list[str]]) -> None:
        self.beginResetModel()
        self.steps = list(steps)
        self.problems = problems
        self.endResetModel()

    def replace(self, row: int, step: CadenceStep) -> None:
        self.steps[row] = step
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.steps)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.steps):
            return None
        step = self.steps[index.row()]
        column = index.column()
        problems = self.problems.get(step.key, [])
        if role == _DISPLAY:
            if column == 0:
                return day_label(step.offset_days)
            if column == 1:
                return f"⚠ {step.label}" if problems else step.label
            if column == 2:
                return channels_text(step)
            if column == 3:
                return "Sim" if step.enabled else "Não"
            return None
        if role == _FOREGROUND:
            if problems:
                return _ERROR_COLOUR
            if not step.enabled:
                return _DISABLED_COLOUR
            return None
        if role == _TOOLTIP:
            if problems:
                return "\n".join(problems)
            return describe_offset(step.offset_days)
        if role == _ALIGN and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            role == _DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None


class CadenceSection(SectionPage):
    key = "cadence"
    title = "Régua de cobrança"
    heading = "Régua de cobrança"
    intro = (
        "Os passos da cobrança, contados do vencimento da parcela mais antiga em atraso (o "
        "lembrete conta do próximo vencimento). Clientes com bom histórico seguem a régua "
        "suave; clientes novos e quem atrasa com frequência, a padrão. As mensagens devem ser "
        "cordiais e identificar a loja: cobrar não pode constranger nem ameaçar (CDC art. 42)."
    )
    save_button_name = "saveCadenceButton"

    def build(self) -> None:
        self.setStyleSheet(STYLE)
        self.policy = CadencePolicy()
        self.steps: dict[str, list[CadenceStep]] = {k: list(DEFAULTS[k]) for k in CADENCES}
        self.problems: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.values = sample_values()
        self._showing = False

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(QLabel("Régua:"))
        self.cadence_combo = QComboBox()
        self.cadence_combo.setObjectName("cadenceCombo")
        for key in CADENCES:
            self.cadence_combo.addItem(CADENCE_CHOICES[key], key)
        top.addWidget(self.cadence_combo)
        top.addStretch(1)
        self.defaults_button = QPushButton("Restaurar o padrão desta régua")
        self.defaults_button.setObjectName("cadenceDefaultsButton")
        top.addWidget(self.defaults_button)
        self.body_layout.addLayout(top)

        self.model = CadenceStepsModel(self)
        self.table = QTableView()
        self.table.setObjectName("cadenceTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setFixedHeight(28 * 8 + header.sizeHint().height() + 4)
        self.body_layout.addWidget(self.table)

        # The selected step.
        self.offset_spin = QSpinBox()
        self.offset_spin.setObjectName("offsetSpin")
        self.offset_spin.setRange(MIN_REMINDER_OFFSET, MAX_OFFSET_DAYS)
        self.offset_spin.setMaximumWidth(90)
        self.offset_note = QLabel()
        self.offset_note.setObjectName("hint")
        offset_box = QWidget()
        line = QHBoxLayout(offset_box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.offset_spin)
        line.addWidget(self.offset_note)
        line.addStretch(1)
        offset_box.setFocusProxy(self.offset_spin)

        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("stepLabelEdit")
        self.label_edit.setMaxLength(60)

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for channel in EDITABLE_CHANNELS:
            self.channel_combo.addItem(CHANNEL_LABELS[channel], str(channel))
        self.also_checks: dict[ContactChannel, QCheckBox] = {}
        channel_box = QWidget()
        line = QHBoxLayout(channel_box)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        line.addWidget(self.channel_combo)
        self.also_label = QLabel("se não der, também:")
        line.addWidget(self.also_label)
        for channel in EDITABLE_CHANNELS:
            check = QCheckBox(CHANNEL_LABELS[channel])
            check.setObjectName(f"alsoChannel_{channel}")
            self.also_checks[channel] = check
            line.addWidget(check)
        self.internal_note = QLabel("Ação interna da loja: nenhuma mensagem ao cliente.")
        self.internal_note.setObjectName("hint")
        line.addWidget(self.internal_note)
        line.addStretch(1)
        channel_box.setFocusProxy(self.channel_combo)

        self.enabled_check = QCheckBox("Passo ativo")
        self.enabled_check.setObjectName("stepEnabledCheck")

        self.template_edit = QPlainTextEdit()
        self.template_edit.setObjectName("templateEdit")
        self.template_edit.setTabChangesFocus(True)
        self.template_edit.setFixedHeight(110)

        self.placeholder_buttons: dict[str, QPushButton] = {}
        self.fields_box = fields_box = QWidget()
        fields_box.setObjectName("placeholderButtons")
        fields = QHBoxLayout(fields_box)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.setSpacing(4)
        fields.addWidget(note_label("Campos:"))
        for name, description in PLACEHOLDERS.items():
            button = QPushButton(f"{{{name}}}")
            button.setProperty("placeholder", True)
            button.setToolTip(f"Inserir {description}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, n=name: self.insert_placeholder(n))
            self.placeholder_buttons[name] = button
            fields.addWidget(button)
        fields.addStretch(1)

        self.preview_frame = QFrame()
        self.preview_frame.setObjectName("messagePreview")
        preview_layout = QVBoxLayout(self.preview_frame)
        preview_layout.setContentsMargins(10, 8, 10, 8)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("previewText")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        preview_layout.addWidget(self.preview_label)
        expanding = QSizePolicy.Policy.Expanding
        self.preview_frame.setSizePolicy(expanding, QSizePolicy.Policy.Minimum)
        self.preview_label.setSizePolicy(expanding, QSizePolicy.Policy.Minimum)

        form = self.form("Passo selecionado")
        self.add_row(form, "Dia relativo:", "offset_days", offset_box)
        self.add_row(form, "Nome do passo:", "label", self.label_edit)
        self.add_row(form, "Canal:", "channels", channel_box)
        self.add_row(form, "", "enabled", self.enabled_check)
        self.add_row(form, "Mensagem:", "template", self.template_edit)
        form.addRow("", fields_box)
        form.addRow("Prévia:", self.preview_frame)
        self.body_layout.addWidget(
            note_label(
                "A prévia usa valores de exemplo. Campo entre chaves que a régua não conhece "
                "não é aceito ao salvar."
            )
        )

        self.cadence_combo.currentIndexChanged.connect(self._on_cadence_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.offset_spin.valueChanged.connect(self._on_step_edited)
        self.label_edit.textEdited.connect(self._on_step_edited)
        self.channel_combo.currentIndexChanged.connect(self._on_step_edited)
        for check in self.also_checks.values():
            check.toggled.connect(self._on_step_edited)
        self.enabled_check.toggled.connect(self._on_step_edited)
        self.template_edit.textChanged.connect(self._on_step_edited)
        self._show_cadence()

    # --- public --------------------------------------------------------------------------------

    @property
    def cadence_key(self) -> str:
        return str(self.cadence_combo.currentData() or "standard")

    @property
    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else 0

    def current_step(self) -> CadenceStep:
        return self.steps[self.cadence_key][self.current_row]

    def select(self, cadence_key: str, step_key: str) -> None:
        """Show ``step_key`` of ``cadence_key`` in the editor."""
        self.cadence_combo.setCurrentIndex(self.cadence_combo.findData(cadence_key))
        row = [s.key for s in self.steps[cadence_key]].index(step_key)
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def set_identity(self, identity: ShopIdentity) -> None:
        """The shop's name and phone in the preview, as customers will read them."""
        self.values = sample_values(identity.name, identity.phone)
        self._refresh_preview()

    def insert_placeholder(self, name: str) -> None:
        if self.template_edit.isReadOnly():
            return
        self.template_edit.insertPlainText(f"{{{name}}}")
        self.template_edit.setFocus()

    def restore_defaults(self) -> None:
        key = self.cadence_key
        self.steps[key] = list(DEFAULTS[key])
        self.problems = {k: v for k, v in self.problems.items() if k[0] != key}
        self._show_cadence(keep_row=True)
        self._on_edited()

    # --- section -------------------------------------------------------------------------------

    def set_value(self, value: CadencePolicy) -> None:
        self.policy = value
        self.steps = {"standard": list(value.standard), "soft": list(value.soft)}
        self.problems = {}
        self._show_cadence(keep_row=True)

    def collect(self) -> CadencePolicy:
        return CadencePolicy(standard=tuple(self.steps["standard"]), soft=tuple(self.steps["soft"]))

    def show_errors(self, errors: ValidationErrors | FieldError) -> None:
        """Each message under its field when its step is shown; the steps marked in the table."""
        items = errors.errors if isinstance(errors, ValidationErrors) else [errors]
        self.problems = {}
        general: list[FieldError] = []
        for error in items:
            parts = error.field.split(".")
            if len(parts) == 3 and parts[0] in CADENCES and parts[2] in ATTRIBUTES:
                self.problems.setdefault((parts[0], parts[1]), []).append((parts[2], error.message))
            else:
                general.append(error)
        if self.problems:
            first_cadence, first_step = next(iter(self.problems))
            others = [
                f"{CADENCE_NAMES[c]} – {self._label(c, k)}"
                for c, k in self.problems
                if (c, k) != (first_cadence, first_step)
            ]
            if others:
                general.append(FieldError("", "Também há problemas em: " + "; ".join(others) + "."))
            self.select(first_cadence, first_step)
            self._show_cadence(keep_row=True)
        if general:
            self.general_error.setText("\n".join(e.message for e in general))
            self.general_error.show()
        first = self._show_step_problems()
        if first is not None:
            first.setFocus()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.cadence_combo.setEnabled(True)  # a cashier still looks at both cadences
        self.template_edit.setReadOnly(read_only)
        self.defaults_button.setVisible(not read_only)
        self.fields_box.setVisible(not read_only)

    # --- internals -----------------------------------------------------------------------------

    def _label(self, cadence_key: str, step_key: str) -> str:
        for step in self.steps[cadence_key]:
            if step.key == step_key:
                return step.label or day_label(step.offset_days)
        return step_key

    def _show_cadence(self, keep_row: bool = False) -> None:
        key = self.cadence_key
        row = self.current_row if keep_row else 0
        problems = {
            step: [message for _attr, message in found]
            for (c, step), found in self.problems.items()
            if c == key
        }
        self.model.set_steps(self.steps[key], problems)
        row = min(row, self.model.rowCount() - 1)
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_step()

    def _show_step(self) -> None:
        step = self.current_step()
        self._showing = True
        try:
            if step.key == cadence.REMINDER:
                self.offset_spin.setRange(MIN_REMINDER_OFFSET, 0)
            else:
                self.offset_spin.setRange(1, MAX_OFFSET_DAYS)
            self.offset_spin.setValue(step.offset_days)
            self.label_edit.setText(step.label)
            preferred = step.preferred_channel
            if preferred is not None:
                self.channel_combo.setCurrentIndex(self.channel_combo.findData(str(preferred)))
            for channel, check in self.also_checks.items():
                check.setChecked(channel in step.channels[1:])
            self.enabled_check.setChecked(step.enabled)
            if self.template_edit.toPlainText() != step.template:
                self.template_edit.setPlainText(step.template)
        finally:
            self._showing = False
        fixed = step.internal or step.key in cadence.LETTER_STEPS
        self.channel_combo.setVisible(not fixed)
        self.also_label.setVisible(not fixed)
        self.internal_note.setText(
            "Ação interna da loja: nenhuma mensagem ao cliente."
            if step.internal
            else "Só por carta: o texto abaixo é o da carta impressa."
        )
        self.internal_note.setVisible(fixed)
        self._refresh_also()
        self._refresh_offset_note()
        self._refresh_preview()
        self._show_step_problems()

    def _show_step_problems(self) -> QWidget | None:
        for row in self.errors.rows.values():
            row.set_error(None)
        found = self.problems.get((self.cadence_key, self.current_step().key), [])
        first: QWidget | None = None
        for attribute, message in found:
            row = self.errors.rows[attribute]
            previous = row.error_label.text()
            row.set_error(f"{previous}\n{message}" if previous else message)
            first = first or row.field_widget
        return first

    def _refresh_also(self) -> None:
        step = self.current_step()
        fixed = step.internal or step.key in cadence.LETTER_STEPS
        preferred = self.channel_combo.currentData()
        for channel, check in self.also_checks.items():
            check.setVisible(not fixed and str(channel) != preferred)

    def _refresh_offset_note(self) -> None:
        value = self.offset_spin.value()
        self.offset_note.setText(f"{day_label(value)} · {describe_offset(value)}")

    def _refresh_preview(self) -> None:
        text = render_message(self.template_edit.toPlainText(), self.values).strip()
        self.preview_label.setText(text or "(sem mensagem)")

    def _step_from_editor(self, step: CadenceStep) -> CadenceStep:
        if step.internal or step.key in cadence.LETTER_STEPS:
            channels: tuple[ContactChannel, ...] = step.channels  # fixed: not edited here
        else:
            preferred = ContactChannel(self.channel_combo.currentData())
            also = tuple(
                c for c, check in self.also_checks.items() if check.isChecked() and c != preferred
            )
            channels = (preferred, *also)
        return dataclasses.replace(
            step,
            offset_days=self.offset_spin.value(),
            label=self.label_edit.text(),
            channels=channels,
            enabled=self.enabled_check.isChecked(),
            template=self.template_edit.toPlainText(),
        )

    # --- slots ---------------------------------------------------------------------------------

    def _on_cadence_changed(self) -> None:
        self._show_cadence(keep_row=True)

    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_step()

    def _on_step_edited(self, *_args: Any) -> None:
        if self._showing:
            return
        self._refresh_also()
        self._refresh_offset_note()
        self._refresh_preview()
        if self.read_only:
            return
        row = self.current_row
        updated = self._step_from_editor(self.steps[self.cadence_key][row])
        if updated != self.steps[self.cadence_key][row]:
            self.steps[self.cadence_key][row] = updated
            self.model.replace(row, updated)
            self._on_edited()
