"""Contato: when collection may contact a customer, per state, inside the state laws."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from services.settings import (
    LEGAL_CONTACT_LIMITS,
    ContactPolicy,
    ContactWindow,
    LocalHoliday,
    window_problems,
)
from services.validation import UFS, FieldError, ValidationErrors
from ui.settings.common import UF_NAMES, SectionPage, note_label, section_title, with_unit


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _span(start: time | None, end: time | None) -> str:
    if start is None or end is None:
        return "não"
    return f"{start:%H:%M}–{end:%H:%M}"


def _clip(window: ContactWindow, legal: ContactWindow | None) -> ContactWindow:
    """The shop's window narrowed to what a state's law allows (a safe starting point)."""
    if legal is None:
        return window
    start = max(window.weekday_start, legal.weekday_start)
    end = min(window.weekday_end, legal.weekday_end)
    sat_start = sat_end = None
    if (
        window.saturday_start
        and window.saturday_end
        and legal.saturday_start
        and legal.saturday_end
    ):
        sat_start = max(window.saturday_start, legal.saturday_start)
        sat_end = min(window.saturday_end, legal.saturday_end)
    return ContactWindow(start, end, sat_start, sat_end)


class WindowEditor(QWidget):
    """Weekdays from–to and, optionally, Saturday from–to; problems shown underneath, live."""

    changed = Signal()

    def __init__(self, uf: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.uf = uf
        self.weekday_start = self._time_edit()
        self.weekday_end = self._time_edit()
        self.saturday = QCheckBox("Sábado:")
        self.saturday_start = self._time_edit()
        self.saturday_end = self._time_edit()
        self.problems = note_label("", "fieldError")
        self.problems.hide()

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        line.addWidget(QLabel("Dias úteis:"))
        line.addWidget(self.weekday_start)
        line.addWidget(QLabel("às"))
        line.addWidget(self.weekday_end)
        line.addSpacing(16)
        line.addWidget(self.saturday)
        line.addWidget(self.saturday_start)
        line.addWidget(QLabel("às"))
        line.addWidget(self.saturday_end)
        line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.problems)

        for edit in (self.weekday_start, self.weekday_end, self.saturday_start, self.saturday_end):
            edit.timeChanged.connect(self._on_changed)
        self.saturday.toggled.connect(self._on_changed)
        self.set_window(ContactWindow())

    @staticmethod
    def _time_edit() -> QTimeEdit:
        edit = QTimeEdit()
        edit.setDisplayFormat("HH:mm")
        edit.setMinimumWidth(84)
        return edit

    def set_window(self, window: ContactWindow) -> None:
        self.weekday_start.setTime(_qtime(window.weekday_start))
        self.weekday_end.setTime(_qtime(window.weekday_end))
        has_saturday = window.saturday_start is not None and window.saturday_end is not None
        self.saturday.setChecked(has_saturday)
        legal = LEGAL_CONTACT_LIMITS.get(self.uf or "")
        self.saturday_start.setTime(
            _qtime(window.saturday_start or (legal and legal.saturday_start) or time(8))
        )
        self.saturday_end.setTime(
            _qtime(window.saturday_end or (legal and legal.saturday_end) or time(12))
        )
        self._refresh()

    def window(self) -> ContactWindow:
        saturday = self.saturday.isChecked()
        return ContactWindow(
            _time(self.weekday_start.time()),
            _time(self.weekday_end.time()),
            _time(self.saturday_start.time()) if saturday else None,
            _time(self.saturday_end.time()) if saturday else None,
        )

    def show_messages(self, messages: list[str]) -> None:
        self.problems.setText("\n".join(messages))
        self.problems.setVisible(bool(messages))

    def set_read_only(self, read_only: bool) -> None:
        self.saturday.setEnabled(not read_only)
        self._refresh()

    def _on_changed(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        saturday = self.saturday.isChecked()
        self.saturday_start.setEnabled(saturday)
        self.saturday_end.setEnabled(saturday)
        self.show_messages(window_problems(self.uf, self.window()))


class _StateRow:
    def __init__(self, section: ContactSection, uf: str, window: ContactWindow) -> None:
        self.uf = uf
        self.label = QLabel(f"{uf} – {UF_NAMES.get(uf, uf)}")
        self.label.setMinimumWidth(150)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setContentsMargins(0, 7, 0, 0)  # level with the time fields' text
        self.editor = WindowEditor(uf)
        self.editor.set_window(window)
        self.remove_button = QPushButton("Remover")
        self.remove_button.setToolTip(f"Voltar a usar o horário padrão em {uf}")
        self.editor.changed.connect(section._on_windows_changed)
        self.editor.changed.connect(section._on_edited)
        self.remove_button.clicked.connect(lambda: section.remove_state(uf))


class ContactSection(SectionPage):
    key = "contact"
    title = "Contato"
    heading = "Contato de cobrança"
    intro = (
        "Quando a loja pode ligar ou mandar mensagem de cobrança. Leis estaduais limitam os "
        "horários; nenhuma permite domingos ou feriados, que o programa sempre evita. "
        "Cobrar não pode expor o cliente ao ridículo nem constrangê-lo (CDC art. 42)."
    )
    save_button_name = "saveContactButton"

    def build(self) -> None:
        # The default window and, beside it, the state laws it must be read against.
        top = QHBoxLayout()
        top.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(section_title("Horário padrão"))
        left.addWidget(note_label("Vale para clientes de estados sem horário próprio abaixo."))
        self.default_editor = WindowEditor(None)
        left.addWidget(self.default_editor)
        self.default_warning = note_label("", "warning")
        self.default_warning.setObjectName("defaultWindowWarning")
        self.default_warning.hide()
        left.addWidget(self.default_warning)
        left.addStretch(1)
        top.addLayout(left, 1)
        top.addWidget(self._legal_box(), 0, Qt.AlignmentFlag.AlignTop)
        self.body_layout.addLayout(top)

        self.body_layout.addWidget(section_title("Horários por estado"))
        self.body_layout.addWidget(
            note_label(
                "Para clientes que moram num estado com regra diferente. Ao adicionar um estado "
                "com lei própria, o horário já vem ajustado a ela."
            )
        )
        left = self.body_layout
        self.states_frame = QFrame()
        self.states_grid = QGridLayout(self.states_frame)
        self.states_grid.setContentsMargins(0, 0, 0, 0)
        self.states_grid.setHorizontalSpacing(10)
        self.states_grid.setVerticalSpacing(6)
        self.states_grid.setColumnStretch(1, 1)
        left.addWidget(self.states_frame)
        self.no_states = note_label("Nenhum estado com horário próprio.")
        left.addWidget(self.no_states)

        add_line = QHBoxLayout()
        self.add_combo = QComboBox()
        self.add_combo.setObjectName("addStateCombo")
        self.add_combo.setMinimumWidth(220)
        self.add_button = QPushButton("Adicionar estado")
        self.add_button.setObjectName("addStateButton")
        self.add_button.clicked.connect(lambda: self.add_state(self.add_combo.currentData()))
        add_line.addWidget(self.add_combo)
        add_line.addWidget(self.add_button)
        add_line.addStretch(1)
        left.addLayout(add_line)

        self.birthday_check = QCheckBox("Não cobrar no dia do aniversário do cliente")
        self.max_spin = QSpinBox()
        self.max_spin.setRange(1, 3)
        self.max_spin.setMaximumWidth(80)
        form = self.form("Boas práticas")
        form.addRow("", self.birthday_check)
        self.add_row(
            form,
            "Contatos por dia:",
            "max_contacts_per_day",
            with_unit(self.max_spin, note="no máximo, por cliente (1 é o recomendado)"),
        )

        self._build_city_holidays()

        self.state_rows: dict[str, _StateRow] = {}
        self.default_editor.changed.connect(self._on_windows_changed)
        self.watch(
            self.default_editor.changed, self.birthday_check.toggled, self.max_spin.valueChanged
        )
        self._refresh_states()

    def _build_city_holidays(self) -> None:
        """The city's own holidays: national and state ones come from the ``holidays`` package."""
        self.city_holidays: list[LocalHoliday] = []
        form = self.form(
            "Feriados da cidade",
            "Feriados nacionais e estaduais o programa já conhece. Acrescente os da cidade da "
            "loja (aniversário da cidade, padroeiro; Corpus Christi, se for feriado, ano a ano).",
        )
        self.holidays_list = QListWidget()
        self.holidays_list.setObjectName("cityHolidaysList")
        self.holidays_list.setMaximumHeight(110)
        self.holiday_name_edit = QLineEdit()
        self.holiday_name_edit.setObjectName("cityHolidayName")
        self.holiday_name_edit.setPlaceholderText("Nome do feriado")
        self.holiday_name_edit.setMaxLength(60)
        self.holiday_date_edit = QDateEdit()
        self.holiday_date_edit.setObjectName("cityHolidayDate")
        self.holiday_date_edit.setDisplayFormat("dd/MM/yyyy")
        today = self.ctx.now().date()
        self.holiday_date_edit.setDate(QDate(today.year, today.month, today.day))
        self.holiday_yearly_check = QCheckBox("todo ano")
        self.holiday_yearly_check.setObjectName("cityHolidayYearly")
        self.holiday_yearly_check.setChecked(True)
        self.add_holiday_button = QPushButton("Adicionar feriado")
        self.add_holiday_button.setObjectName("addCityHolidayButton")
        self.remove_holiday_button = QPushButton("Remover")
        self.remove_holiday_button.setObjectName("removeCityHolidayButton")
        line = QHBoxLayout()
        line.setSpacing(6)
        line.addWidget(self.holiday_name_edit, 1)
        line.addWidget(self.holiday_date_edit)
        line.addWidget(self.holiday_yearly_check)
        line.addWidget(self.add_holiday_button)
        line.addWidget(self.remove_holiday_button)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.holidays_list)
        column.addLayout(line)
        box.setFocusProxy(self.holiday_name_edit)
        self.add_row(form, "Feriados:", "local_holidays", box)
        self.add_holiday_button.clicked.connect(self._on_add_holiday)
        self.remove_holiday_button.clicked.connect(self._on_remove_holiday)
        self.holiday_name_edit.returnPressed.connect(self._on_add_holiday)

    def add_city_holiday(self, holiday: LocalHoliday) -> None:
        self.city_holidays.append(holiday)
        self._refresh_city_holidays()
        self._on_edited()

    def _refresh_city_holidays(self) -> None:
        self.holidays_list.clear()
        for holiday in self.city_holidays:
            when = "todo ano" if holiday.year is None else "só neste ano"
            item = QListWidgetItem(f"{holiday.date_text()} – {holiday.name} ({when})")
            self.holidays_list.addItem(item)
        if not self.city_holidays:
            item = QListWidgetItem("Nenhum feriado municipal cadastrado.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.holidays_list.addItem(item)

    def _on_add_holiday(self) -> None:
        if self.read_only:
            return
        day = self.holiday_date_edit.date()
        year = None if self.holiday_yearly_check.isChecked() else day.year()
        name = " ".join(self.holiday_name_edit.text().split())
        row = self.errors.rows["local_holidays"]
        if not name:
            row.set_error("Informe o nome do feriado.")
            self.holiday_name_edit.setFocus()
            return
        row.set_error(None)
        self.add_city_holiday(LocalHoliday(name, day.month(), day.day(), year))
        self.holiday_name_edit.clear()

    def _on_remove_holiday(self) -> None:
        row = self.holidays_list.currentRow()
        if self.read_only or not 0 <= row < len(self.city_holidays):
            return
        del self.city_holidays[row]
        self._refresh_city_holidays()
        self._on_edited()

    def _legal_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("legalLimits")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setFixedWidth(300)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        grid.addWidget(section_title("Limites das leis estaduais"), 0, 0, 1, 3)
        for column, text in enumerate(("UF", "Dias úteis", "Sábado")):
            header = QLabel(text)
            header.setObjectName("hint")
            grid.addWidget(header, 1, column)
        for row, (uf, legal) in enumerate(sorted(LEGAL_CONTACT_LIMITS.items()), start=2):
            grid.addWidget(QLabel(uf), row, 0)
            grid.addWidget(QLabel(_span(legal.weekday_start, legal.weekday_end)), row, 1)
            grid.addWidget(QLabel(_span(legal.saturday_start, legal.saturday_end)), row, 2)
        footer = note_label(
            "Domingos e feriados: nunca, em nenhum estado. No CE a regra vale também para "
            "SMS e WhatsApp."
        )
        grid.addWidget(footer, len(LEGAL_CONTACT_LIMITS) + 2, 0, 1, 3)
        return box

    # --- states --------------------------------------------------------------------------------

    def add_state(self, uf: str | None) -> None:
        if not uf or uf in self.state_rows:
            return
        window = _clip(self.default_editor.window(), LEGAL_CONTACT_LIMITS.get(uf))
        self.state_rows[uf] = _StateRow(self, uf, window)
        self._refresh_states()
        self._on_edited()
        self.state_rows[uf].editor.weekday_start.setFocus()

    def remove_state(self, uf: str) -> None:
        if self.state_rows.pop(uf, None) is not None:
            self._refresh_states()
            self._on_edited()

    def _refresh_states(self) -> None:
        while self.states_grid.count():
            item = self.states_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and not any(
                widget in (r.label, r.editor, r.remove_button) for r in self.state_rows.values()
            ):
                widget.hide()
                widget.deleteLater()
        for i, uf in enumerate(sorted(self.state_rows)):
            row = self.state_rows[uf]
            self.states_grid.addWidget(row.label, i, 0, Qt.AlignmentFlag.AlignTop)
            self.states_grid.addWidget(row.editor, i, 1)
            self.states_grid.addWidget(row.remove_button, i, 2, Qt.AlignmentFlag.AlignTop)
            for widget in (row.label, row.editor, row.remove_button):
                widget.show()
        self.states_frame.setVisible(bool(self.state_rows))
        self.no_states.setVisible(not self.state_rows)
        current = self.add_combo.currentData()
        self.add_combo.clear()
        for uf in UFS:
            if uf not in self.state_rows:
                mark = " (lei própria)" if uf in LEGAL_CONTACT_LIMITS else ""
                self.add_combo.addItem(f"{uf} – {UF_NAMES[uf]}{mark}", uf)
        self.add_combo.setCurrentIndex(max(0, self.add_combo.findData(current)))
        self._on_windows_changed()
        if self.read_only:
            self.set_read_only(True)

    def _on_windows_changed(self) -> None:
        """Warn when the default window breaks a law of a state that has no window of its own."""
        default = self.default_editor.window()
        broken = [
            uf
            for uf in sorted(LEGAL_CONTACT_LIMITS)
            if uf not in self.state_rows and window_problems(uf, default)
        ]
        if broken and not window_problems(None, default):
            names = ", ".join(broken)
            self.default_warning.setText(
                f"Este horário passa do permitido em {names}. Se a loja tem clientes "
                f"nesses estados, adicione um horário para cada um deles."
            )
            self.default_warning.show()
        else:
            self.default_warning.hide()

    # --- section -------------------------------------------------------------------------------

    def set_value(self, value: ContactPolicy) -> None:
        self.default_editor.set_window(value.default_window)
        self.state_rows = {uf: _StateRow(self, uf, w) for uf, w in value.by_state.items()}
        self._refresh_states()
        self.birthday_check.setChecked(value.skip_birthday)
        self.max_spin.setValue(value.max_contacts_per_day)
        self.city_holidays = list(value.local_holidays)
        self._refresh_city_holidays()

    def collect(self) -> ContactPolicy:
        return ContactPolicy(
            default_window=self.default_editor.window(),
            by_state={uf: row.editor.window() for uf, row in sorted(self.state_rows.items())},
            skip_birthday=self.birthday_check.isChecked(),
            max_contacts_per_day=self.max_spin.value(),
            local_holidays=tuple(self.city_holidays),
        )

    def show_errors(self, errors: ValidationErrors | FieldError) -> None:
        """Window problems go under their own window; the rest as usual."""
        items = errors.errors if isinstance(errors, ValidationErrors) else [errors]
        by_editor: dict[WindowEditor, list[str]] = {}
        rest: list[FieldError] = []
        for error in items:
            editor: WindowEditor | None = None
            if error.field == "default_window":
                editor = self.default_editor
            elif error.field.startswith("by_state."):
                row = self.state_rows.get(error.field.split(".", 1)[1])
                editor = row.editor if row is not None else None
            if editor is None:
                rest.append(error)
            else:
                by_editor.setdefault(editor, []).append(error.message)
        for editor, messages in by_editor.items():
            editor.show_messages(messages)
        if rest:
            super().show_errors(ValidationErrors(rest))
        elif by_editor:
            next(iter(by_editor)).weekday_start.setFocus()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for editor in (self.default_editor, *(r.editor for r in self.state_rows.values())):
            editor.set_read_only(read_only)
        self.add_combo.setVisible(not read_only)
        self.add_button.setVisible(not read_only)
        for widget in (
            self.holiday_name_edit,
            self.holiday_date_edit,
            self.holiday_yearly_check,
            self.add_holiday_button,
            self.remove_holiday_button,
        ):
            widget.setVisible(not read_only)
