"""Field-level validation messages for forms: the message sits under the field it concerns;
and the "first due date or day of the month" choice of the sale and the agreement."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.validation import FieldError, ValidationErrors

ERROR_PROPERTY = "invalid"


class FieldRow(QWidget):
    """A field with room for its error message underneath."""

    def __init__(self, field_widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_widget = field_widget
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field_widget)
        layout.addWidget(self.error_label)

    def set_error(self, message: str | None) -> None:
        self.field_widget.setProperty(ERROR_PROPERTY, bool(message))
        # Re-polish so the stylesheet's [invalid="true"] rule applies at once.
        self.field_widget.style().unpolish(self.field_widget)
        self.field_widget.style().polish(self.field_widget)
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))


class FormErrors:
    """Maps service field names to rows; shows a ValidationErrors on the right fields."""

    def __init__(self, general: QLabel | None = None) -> None:
        self.rows: dict[str, FieldRow] = {}
        self.general = general

    def add_row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> FieldRow:
        row = FieldRow(widget)
        self.rows[field] = row
        form.addRow(label, row)
        return row

    def clear(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        if self.general is not None:
            self.general.clear()
            self.general.hide()

    def show(self, errors: ValidationErrors | FieldError) -> QWidget | None:
        """Mark every field in error; returns the first one, to focus it."""
        self.clear()
        items = errors.errors if isinstance(errors, ValidationErrors) else [errors]
        first: QWidget | None = None
        unplaced: list[str] = []
        for error in items:
            row = self.rows.get(error.field) or self.rows.get(error.field.split(".")[0])
            if row is None:
                unplaced.append(error.message)
                continue
            previous = row.error_label.text()
            row.set_error(f"{previous}\n{error.message}" if previous else error.message)
            first = first or row.field_widget
        if unplaced and self.general is not None:
            self.general.setText("\n".join(unplaced))
            self.general.show()
        return first

    def messages(self) -> dict[str, str]:
        return {k: r.error_label.text() for k, r in self.rows.items() if r.error_label.text()}


class DueChoice(QWidget):
    """When the installments fall due: from a first due date, or every month on a day.

    ``by_date`` (ticked at first) goes with ``first_due``, ``by_day`` with ``day_of_month``
    (disabled at first); ``due_mode`` groups the two radio buttons. Enabling the fields as the
    choice changes is the caller's: it may depend on other fields. ``day_suffix`` is shown after
    the day (e.g. "do mês").
    """

    def __init__(
        self,
        date_text: str,
        parent: QWidget | None = None,
        *,
        day_suffix: str = "",
        horizontal_spacing: int = 8,
        vertical_spacing: int = -1,
    ) -> None:
        super().__init__(parent)
        self.by_date = QRadioButton(date_text, self)
        self.by_day = QRadioButton("Todo dia", self)
        self.due_mode = QButtonGroup(self)
        self.due_mode.addButton(self.by_date)
        self.due_mode.addButton(self.by_day)
        self.by_date.setChecked(True)
        self.first_due = QDateEdit(self)
        self.first_due.setCalendarPopup(True)
        self.first_due.setDisplayFormat("dd/MM/yyyy")
        self.day_of_month = QSpinBox(self)
        self.day_of_month.setRange(1, 31)
        self.day_of_month.setValue(10)
        self.day_of_month.setEnabled(False)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(horizontal_spacing)
        grid.setVerticalSpacing(vertical_spacing)
        grid.addWidget(self.by_date, 0, 0)
        grid.addWidget(self.first_due, 0, 1)
        grid.addWidget(self.by_day, 1, 0)
        if day_suffix:
            day_box = QHBoxLayout()
            day_box.setSpacing(6)
            day_box.addWidget(self.day_of_month)
            day_box.addWidget(QLabel(day_suffix, self))
            day_box.addStretch(1)
            grid.addLayout(day_box, 1, 1)
        else:
            grid.addWidget(self.day_of_month, 1, 1)
        grid.setColumnStretch(1, 1)

    def chosen(self) -> tuple[date | None, int | None]:
        """``(first_due, None)`` or ``(None, day_of_month)``, as ticked."""
        if self.by_day.isChecked():
            return None, self.day_of_month.value()
        first_due: date = self.first_due.date().toPython()  # type: ignore[assignment]
        return first_due, None
