"""A small dialog asking for a required text (a reason, a note) about one thing, then acting.

Shared by the reversal (``ui.counter.reversal``) and the resuming of a paused collection
(``ui.overdue.resume``): a title, a summary box, the required text and its error, a general
error line and the confirm/cancel buttons; the action runs off the UI thread, and a second click
while it runs does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.tasks import run_in_background
from ui.widgets import error_message


class ReasonDialog(QDialog):
    """The shape; a subclass names its parts (the class attributes) and says what to do.

    ``_submit(text)`` acts on the text (already checked not empty, the dialog already busy) and
    ends with ``_run(job)``; the job's result (an int) goes to ``_done(result)``, which emits the
    subclass's signal before the dialog closes. Errors of the ``REFUSAL`` type are shown as they
    are, others through ``error_message``.
    """

    NAME: ClassVar[str]
    TITLE: ClassVar[str]  # the window title and the heading
    STYLE: ClassVar[str]
    SUMMARY_NAME: ClassVar[str]
    FIELD_LABEL: ClassVar[str]
    FIELD_NAME: ClassVar[str]
    PLACEHOLDER: ClassVar[str]
    FIELD_ERROR_NAME: ClassVar[str]
    EMPTY_MESSAGE: ClassVar[str]  # shown under the field when it is left empty
    ERROR_NAME: ClassVar[str]
    CONFIRM_TEXT: ClassVar[str]
    CONFIRM_NAME: ClassVar[str]
    REFUSAL: ClassVar[type[Exception]]

    def __init__(
        self,
        ctx: AppContext,
        summary: str,
        parent: QWidget | None = None,
        *,
        extra: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        self.setWindowTitle(self.TITLE)
        self.setStyleSheet(self.STYLE)
        self.setMinimumWidth(480)
        self.ctx = ctx
        self._busy = False

        title = QLabel(self.TITLE)
        title.setObjectName("pageTitle")
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName(self.SUMMARY_NAME)
        self.summary_label.setWordWrap(True)
        field_label = QLabel(self.FIELD_LABEL)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName(self.FIELD_NAME)
        self.text_edit.setPlaceholderText(self.PLACEHOLDER)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(72)
        field_label.setBuddy(self.text_edit)
        self.text_error = QLabel()
        self.text_error.setObjectName(self.FIELD_ERROR_NAME)
        self.text_error.hide()
        self.text_edit.textChanged.connect(self.text_error.hide)
        self.error_label = QLabel()
        self.error_label.setObjectName(self.ERROR_NAME)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(
            self.CONFIRM_TEXT, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName(self.CONFIRM_NAME)
        cancel = self.buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._on_confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        layout.addWidget(field_label)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.text_error)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.text_edit.setFocus()

    def _submit(self, text: str) -> None:
        raise NotImplementedError

    def _done(self, result: int) -> None:
        raise NotImplementedError

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.confirm_button.setEnabled(not busy)

    def _on_confirm(self) -> None:
        if self._busy:
            return
        self.error_label.hide()
        text = " ".join(self.text_edit.toPlainText().split())
        if not text:
            self.text_error.setText(self.EMPTY_MESSAGE)
            self.text_error.show()
            self.text_edit.setFocus()
            return
        self.text_error.hide()
        self._set_busy(True)
        self._submit(text)

    def _run(self, job: Callable[[], int]) -> None:
        run_in_background(job, self._on_finished, self._on_refused)

    def _on_finished(self, result: int) -> None:
        self._set_busy(False)
        self._done(result)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._set_busy(False)
        self._show_error(str(exc) if isinstance(exc, self.REFUSAL) else error_message(exc))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
