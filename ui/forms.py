"""Field-level validation messages for forms: the message sits under the field it concerns."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

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
