"""Small widgets shared by the screens: money entry, band chips, error dialogs."""

from __future__ import annotations

import logging
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from services.bands import Band
from services.db import DatabaseError
from services.money import format_brl, parse_brl
from services.users import AuthError
from services.validation import FieldError, Refused, ValidationErrors

log = logging.getLogger(__name__)

# Custom item role carrying a Band for BandChipDelegate.
BAND_ROLE = Qt.ItemDataRole.UserRole + 1


class MoneyEdit(QLineEdit):
    """Types reais the Brazilian way (1.234,56); ``value()`` raises FieldError when wrong."""

    def __init__(self, parent: QWidget | None = None, *, field: str = "amount") -> None:
        super().__init__(parent)
        self.field = field
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0,00")

    def value(self) -> Decimal:
        try:
            return parse_brl(self.text())
        except ValueError as exc:
            raise FieldError(self.field, str(exc)) from None

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else format_brl(value).replace("R$ ", ""))


class BandChip(QLabel):
    """The band as a coloured chip with its label: colour is never the only signal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bandChip")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_band(self, band: Band | None) -> None:
        if band is None:
            self.clear()
            self.setStyleSheet("")
            return
        self.setText(band.label)
        self.setToolTip(f"Faixa de atraso: {band.label}")
        self.setStyleSheet(
            f"QLabel#bandChip {{ background: {band.colour}; color: {band.text_colour}; "
            "border-radius: 9px; padding: 2px 10px; font-weight: 600; }"
        )


class BandChipDelegate(QStyledItemDelegate):
    """Paints the Band found under BAND_ROLE as a rounded chip with its label."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        band = index.data(BAND_ROLE)
        if not isinstance(band, Band):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        width = min(option.rect.width() - 8, metrics.horizontalAdvance(band.label) + 20)
        height = min(option.rect.height() - 6, metrics.height() + 6)
        rect = QRect(0, 0, width, height)
        rect.moveCenter(option.rect.center())
        rect.moveLeft(option.rect.left() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(band.colour))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(band.text_colour))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, band.label)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        band = index.data(BAND_ROLE)
        size = super().sizeHint(option, index)
        if isinstance(band, Band):
            size.setWidth(option.fontMetrics.horizontalAdvance(band.label) + 32)
        return size


def error_message(exc: BaseException) -> str:
    """What to tell a person about a failure, in Portuguese."""
    if isinstance(exc, ValidationErrors | FieldError | AuthError | DatabaseError | Refused):
        return str(exc)  # says what to fix, in Portuguese
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return (
            "Este registro foi alterado em outro caixa. Abra-o de novo e confira; nada foi salvo."
        )
    if isinstance(exc, IntegrityError):
        return "O banco de dados recusou a alteração (dados inconsistentes); nada foi salvo."
    if isinstance(exc, OperationalError):
        return (
            "Não foi possível falar com o banco de dados. Verifique a rede ou o servidor e tente "
            "de novo; nada foi salvo."
        )
    return (
        f"Algo deu errado ({type(exc).__name__}); nada foi salvo. Detalhes no registro do programa."
    )


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Não foi possível") -> None:
    if not isinstance(exc, ValidationErrors | FieldError | AuthError | Refused):
        log.error("error shown to user: %r\n%s", exc, getattr(exc, "__traceback_text__", ""))
    QMessageBox.warning(parent, title, error_message(exc))
