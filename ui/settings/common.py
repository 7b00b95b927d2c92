"""Pieces the settings sections share: percent entry, labelled inputs and the section frame.

Each section edits one ``ShopSettings`` section and saves it on its own, in one transaction, off
the UI thread; the service validates and names the fields, and the messages go under them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from services import settings as settings_service
from services.db import Database, DatabaseError
from services.users import AuthError
from services.validation import UFS, FieldError, ValidationErrors
from ui.context import AppContext
from ui.forms import FieldRow, FormErrors
from ui.tasks import run_in_background
from ui.widgets import MoneyEdit, error_message

# Local rules only: the application's stylesheet may restyle the rest.
FORM_STYLE = """
QListWidget#sectionList { font-size: 10.5pt; }
QListWidget#sectionList::item { padding: 7px 10px; }
QLabel#sectionTitle { font-size: 11pt; font-weight: 600; color: #10223a; }
QLabel#loginError { color: #b3261e; }
QLabel#loginHint {
    color: #3b4351; background: #eef3fa; border: 1px solid #cfe0f5;
    border-radius: 4px; padding: 6px 8px;
}
QLabel#shopName { color: #3b4351; font-size: 11pt; }
QLabel[tone="warning"] {
    color: #5c3300; background: #fff4e0; border: 1px solid #f0c987;
    border-radius: 4px; padding: 5px 8px;
}
QLabel#readOnlyNote {
    background: #fff1b8; color: #574300; border: 1px solid #e0c96a;
    border-radius: 4px; padding: 6px 10px;
}
QLabel#statusLine[state="ok"] { color: #1b5e20; }
QLabel#statusLine[state="error"], QLabel#loadStatus[state="error"] { color: #b3261e; }
QFrame#legalLimits, QFrame#identityPreview, QFrame#bandsFrame {
    background: #ffffff; border: 1px solid #d5d9e0; border-radius: 6px;
}
"""

UF_NAMES = {
    "AC": "Acre", "AL": "Alagoas", "AP": "Amapá", "AM": "Amazonas", "BA": "Bahia",
    "CE": "Ceará", "DF": "Distrito Federal", "ES": "Espírito Santo", "GO": "Goiás",
    "MA": "Maranhão", "MT": "Mato Grosso", "MS": "Mato Grosso do Sul", "MG": "Minas Gerais",
    "PA": "Pará", "PB": "Paraíba", "PR": "Paraná", "PE": "Pernambuco", "PI": "Piauí",
    "RJ": "Rio de Janeiro", "RN": "Rio Grande do Norte", "RS": "Rio Grande do Sul",
    "RO": "Rondônia", "RR": "Roraima", "SC": "Santa Catarina", "SP": "São Paulo",
    "SE": "Sergipe", "TO": "Tocantins",
}  # fmt: skip

log = logging.getLogger(__name__)

_RATE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,4})?")


def parse_percent(text: str, field: str) -> Decimal:
    """A rate typed in percent, Brazilian style ("1,5" or "1,5 %"); up to four decimals."""
    value = text.replace("%", "").strip()
    if not value:
        raise FieldError(field, "Informe a taxa (use 0 para nenhuma).")
    if "," in value and "." in value:
        raise FieldError(field, "Use só a vírgula para as casas decimais (ex.: 1,5).")
    value = value.replace(",", ".")
    if not _RATE.fullmatch(value):
        raise FieldError(field, "Taxa inválida: digite um número, ex.: 1,5.")
    return Decimal(value)


def format_rate(value: Decimal) -> str:
    """``Decimal("2")`` → ``"2,00"``; keeps up to four decimals when they matter."""
    text = f"{value:.4f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"{whole},{fraction.ljust(2, '0')}"


def format_decimal_comma(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


class PercentEdit(QLineEdit):
    """A rate in percent; ``value()`` raises FieldError naming ``field`` when unreadable."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0,00")
        self.setMaximumWidth(110)

    def value(self) -> Decimal:
        return parse_percent(self.text(), self.field)

    def set_value(self, value: Decimal) -> None:
        self.setText(format_rate(value))


def with_unit(widget: QWidget, *, before: str = "", after: str = "", note: str = "") -> QWidget:
    """The input with its unit ("R$", "%", "dias") and an optional note to its right."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    if before:
        layout.addWidget(QLabel(before))
    layout.addWidget(widget)
    if after:
        layout.addWidget(QLabel(after))
    if note:
        label = QLabel(note)
        label.setObjectName("hint")
        layout.addSpacing(8)
        layout.addWidget(label)
    layout.addStretch(1)
    box.setFocusProxy(widget)
    return box


def money_edit(field: str) -> MoneyEdit:
    edit = MoneyEdit(field=field)
    edit.setMaximumWidth(140)
    return edit


def note_label(text: str, object_name: str = "hint") -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    if object_name == "warning":
        label.setProperty("tone", "warning")
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def make_default(button: QPushButton) -> None:
    """Make ``button`` the dialog's Enter button, wide enough for the bold the theme gives it.

    Call it once the button is inside its dialog: set earlier, the dialog does not remember it
    and hands Enter to another button when focus moves.
    """
    font = QFont(button.font())
    font.setBold(True)
    width = QFontMetrics(font).horizontalAdvance(button.text()) + 44  # theme padding + border
    button.setMinimumWidth(max(button.minimumWidth(), width))
    button.setDefault(True)


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def uf_combo(*, blank: str = "") -> QComboBox:
    """UFs by abbreviation with the state's name; ``currentData()`` is the abbreviation."""
    combo = QComboBox()
    combo.addItem(blank, "")
    for uf in UFS:
        combo.addItem(f"{uf} – {UF_NAMES[uf]}", uf)
    combo.setMaxVisibleItems(15)
    return combo


def set_label_state(label: QLabel, state: str) -> None:
    """Colour a status line by its meaning (ok / error / ""), text always saying it too."""
    label.setProperty("state", state)
    label.style().unpolish(label)
    label.style().polish(label)


def failure_message(exc: BaseException) -> str:
    """What to say about a failure in a form; an unexpected one is logged with its traceback."""
    if isinstance(exc, ValidationErrors | FieldError | AuthError | DatabaseError):
        return str(exc)
    log.error("form failure: %r\n%s", exc, getattr(exc, "__traceback_text__", ""))
    return error_message(exc)


def collect_errors(*steps: Callable[[], Any]) -> list[Any]:
    """Run each reader; gather every FieldError so the form marks all wrong fields at once."""
    values: list[Any] = []
    errors: list[FieldError] = []
    for step in steps:
        try:
            values.append(step())
        except FieldError as e:
            errors.append(e)
            values.append(None)
        except ValidationErrors as e:
            errors += e.errors
            values.append(None)
    if errors:
        raise ValidationErrors(errors)
    return values


def _save_job(db: Database, key: str, value: Any, user_id: int, now: Any) -> Any:
    with db.unit_of_work(write=True) as uow:
        cleaned = settings_service.save_section(uow.session, key, value, user_id=user_id, now=now)
        uow.commit()
    return cleaned


class SectionPage(QWidget):
    """One settings section: heading, explanation, form, "Salvar" and a status line.

    Subclasses build the form in ``build()``, fill it in ``set_value()`` and read it back in
    ``collect()`` (raising ValidationErrors for what cannot even be parsed).
    """

    key = ""
    title = ""
    heading = ""
    intro = ""
    save_button_name = ""

    saved = Signal(str, object)
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"{self.key}Section")
        self._filling = False
        self._saving = False
        self.read_only = False
        self.dirty = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)

        heading = QLabel(self.heading)
        heading.setObjectName("pageTitle")
        outer.addWidget(heading)
        if self.intro:
            outer.addWidget(note_label(self.intro))

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 4, 12, 4)
        self.body_layout.setSpacing(12)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)

        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.errors = FormErrors(self.general_error)
        self.build()
        self.body_layout.addStretch(1)
        outer.addWidget(self.general_error)

        bar = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLine")
        self.status_label.setWordWrap(True)
        bar.addWidget(self.status_label, 1)
        self.save_button = QPushButton("Salvar")
        self.save_button.setObjectName(self.save_button_name)
        self.save_button.setMinimumWidth(110)
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.save_button)
        outer.addLayout(bar)

    @property
    def saving(self) -> bool:
        """A save is running in background."""
        return self._saving

    # --- for subclasses ------------------------------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def collect(self) -> Any:
        raise NotImplementedError

    def form(self, title: str = "", note: str = "") -> QFormLayout:
        """A form block in the body, optionally under a small title and an explanation."""
        if title:
            self.body_layout.addSpacing(6)
            self.body_layout.addWidget(section_title(title))
        if note:
            self.body_layout.addWidget(note_label(note))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.body_layout.addLayout(form)
        return form

    def add_row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> FieldRow:
        return self.errors.add_row(form, label, field, widget)

    def watch(self, *signals: Any) -> None:
        """Mark the section as changed when any of these signals fire."""
        for signal in signals:
            signal.connect(self._on_edited)

    def show_errors(self, errors: ValidationErrors | FieldError) -> None:
        first = self.errors.show(errors)
        if first is not None:
            first.setFocus()

    # --- behaviour -----------------------------------------------------------------------------

    def load(self, value: Any) -> None:
        """Fill the form with what is stored (not a change)."""
        self._filling = True
        try:
            self.set_value(value)
        finally:
            self._filling = False
        self.errors.clear()
        self.dirty = False
        if self.read_only:
            self.set_read_only(True)  # rows rebuilt by set_value come up editable
        if not self._saving:
            self.status_label.clear()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.save_button.setVisible(not read_only)
        for edit in self.body.findChildren(QLineEdit):
            edit.setReadOnly(read_only)
        for spin in self.body.findChildren(QAbstractSpinBox):
            # Arrows stay (they do nothing on a read-only box): with NoButtons the app's
            # stylesheet collapses the number field to 1 px and the value disappears.
            spin.setReadOnly(read_only)
        for widget in (
            *self.body.findChildren(QComboBox),
            *self.body.findChildren(QAbstractButton),
        ):
            widget.setEnabled(not read_only)

    def _on_edited(self, *_args: Any) -> None:
        if self._filling or self.read_only:
            return
        self.dirty = True
        self.status_label.setText("Alterações não salvas.")
        set_label_state(self.status_label, "")
        self.changed.emit()

    def save(self) -> None:
        if self.read_only or self._saving:
            return
        self.errors.clear()
        try:
            value = self.collect()
        except (ValidationErrors, FieldError) as e:
            self._refused(e)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.status_label.setText("Salvando…")
        set_label_state(self.status_label, "")
        db, key, user_id, now = self.ctx.db, self.key, self.ctx.operator.id, self.ctx.now()
        run_in_background(
            lambda: _save_job(db, key, value, user_id, now), self._on_saved, self._on_save_failed
        )

    def _on_saved(self, cleaned: Any) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.load(cleaned)
        self.status_label.setText(f"Salvo às {self.ctx.now():%H:%M}.")
        set_label_state(self.status_label, "ok")
        self.saved.emit(self.key, cleaned)

    def _on_save_failed(self, exc: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationErrors | FieldError):
            self._refused(exc)
            return
        self.status_label.setText(failure_message(exc))
        set_label_state(self.status_label, "error")

    def _refused(self, errors: ValidationErrors | FieldError) -> None:
        self.show_errors(errors)
        self.status_label.setText("Corrija os campos marcados; nada foi salvo.")
        set_label_state(self.status_label, "error")


class BackgroundFormDialog(QDialog):
    """A small form dialog: heading, form, inline errors, buttons; the work runs in background.

    Subclasses fill ``form`` (and ``layout_``), call :meth:`finish_layout`, and in ``_submit``
    call :meth:`run` with the work. Without ``on_done`` a success stores ``result_value`` and
    accepts the dialog.
    """

    enter_confirms = True  # Enter presses the main button; False where the action is final

    def __init__(
        self, title: str, ok_text: str, ok_name: str, parent: QWidget | None, *, style: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(style or FORM_STYLE)
        self.heading = QLabel(title)
        self.heading.setObjectName("pageTitle")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 14, 18, 14)
        self.layout_.setSpacing(10)
        self.layout_.addWidget(self.heading)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.general = QLabel()
        self.general.setObjectName("generalError")
        self.general.setWordWrap(True)
        self.general.hide()
        self.errors = FormErrors(self.general)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName(ok_name)
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.busy = False
        self.result_value: Any = None

    def finish_layout(self) -> None:
        if self.form.parent() is None:  # not placed by the subclass: it goes under the rest
            self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.general)
        self.layout_.addWidget(self.buttons)
        if self.enter_confirms:
            make_default(self.ok_button)
        else:
            self.ok_button.setAutoDefault(False)
            self.ok_button.setDefault(False)

    def _submit(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None) -> None:
        if self.busy:
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        self.errors.clear()
        run_in_background(work, lambda result: self._finish(on_done, result), self._on_failed)

    def _finish(self, on_done: Callable[[Any], None] | None, result: Any) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        self.ok_button.setDefault(self.enter_confirms)  # disabling it handed Enter elsewhere
        if on_done is not None:
            on_done(result)
        else:
            self.result_value = result
            self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        self.ok_button.setDefault(self.enter_confirms)  # disabling it handed Enter elsewhere
        self.refuse(exc)

    def message_for(self, exc: BaseException) -> str:
        return failure_message(exc)

    def refuse(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors | FieldError):
            first = self.errors.show(exc)
            if first is not None:
                first.setFocus()
        else:
            self.errors.clear()
            self.general.setText(self.message_for(exc))
            self.general.show()
        self.grow_to_fit()

    def grow_to_fit(self) -> None:
        """Make room for a message just shown, so it never squeezes the buttons off the edge."""
        self.layout_.activate()
        hint = self.sizeHint()
        width = max(self.width(), hint.width())
        height = hint.height()
        if self.layout_.hasHeightForWidth():  # wrapped messages need more height when narrow
            height = max(height, self.layout_.totalHeightForWidth(width))
        self.resize(width, max(self.height(), height))
