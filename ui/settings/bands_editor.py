"""The overdue bands editor: name, upper bound, colours and a live chip preview per band.

Bands are data (STYLE.md): an ordered table of thresholds read by one function. The editor keeps
the last band open-ended, explains in words which days each band covers, and warns — never
blocks — when a colour pair is hard to read (WCAG AA asks 4.5:1 for text).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.bands import DEFAULT_BANDS, Band, contrast_ratio
from ui.settings.common import format_decimal_comma, note_label
from ui.widgets import BandChip

MIN_CONTRAST = 4.5
_HEADERS = ("Prévia", "Nome da faixa", "Até (dias)", "Abrange", "Fundo", "Texto", "Leitura", "")


def _days(n: int) -> str:
    return "1 dia" if n == 1 else f"{n} dias"


def describe_range(previous: int | None, upper: int | None) -> str:
    """Which days a band covers, in words ("de 1 a 7 dias de atraso")."""
    if upper is not None and previous is not None and upper <= previous:
        return "⚠ o limite deve ser maior que o da faixa anterior"
    if previous is None and upper is None:
        return "todas as parcelas"
    if previous is None:
        assert upper is not None
        if upper < 0:
            return f"{_days(-upper)} ou mais antes do vencimento"
        if upper == 0:
            return "até o dia do vencimento"
        return f"até {_days(upper)} de atraso"
    lower = previous + 1
    if upper is None:
        if previous >= 0:
            return f"mais de {_days(previous)} de atraso"
        if lower < 0:
            return f"de {_days(-lower)} antes do vencimento em diante"
        return "do dia do vencimento em diante"
    if lower > 0:
        if lower == upper:
            return f"{_days(upper)} de atraso"
        return f"de {lower} a {_days(upper)} de atraso"
    if lower == 0:
        return (
            "o dia do vencimento" if upper == 0 else f"do vencimento até {_days(upper)} de atraso"
        )
    if upper < 0:
        if lower == upper:
            return f"{_days(-upper)} antes do vencimento"
        return f"de {-lower} a {_days(-upper)} antes do vencimento"
    if upper == 0:
        return f"de {_days(-lower)} antes até o dia do vencimento"
    return f"de {_days(-lower)} antes a {_days(upper)} de atraso"


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#7a7a7a"))  # so white on a light button still shows
    painter.drawRect(0, 0, 15, 15)
    painter.end()
    return QIcon(pixmap)


class ColourButton(QPushButton):
    """A swatch with its hex code; a click opens QColorDialog (non-blocking, ``.dialog``)."""

    colourChanged = Signal(str)

    def __init__(self, colour: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.colour = ""
        self.dialog: QColorDialog | None = None
        self.setIconSize(QSize(16, 16))
        self.setMinimumWidth(96)
        self.set_colour(colour)
        self.clicked.connect(self._on_clicked)

    def set_colour(self, colour: str) -> None:
        colour = colour.lower()
        if colour == self.colour:
            return
        self.colour = colour
        self.setIcon(_swatch(colour))
        self.setText(colour)
        self.setToolTip(f"{self.title}: {colour}. Clique para escolher outra cor.")
        self.colourChanged.emit(colour)

    def _on_clicked(self) -> None:
        dialog = QColorDialog(QColor(self.colour), self)
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog)
        dialog.setWindowTitle(self.title)
        dialog.colorSelected.connect(lambda c: self.set_colour(c.name()))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()


class _BandRow:
    """The widgets of one band in the grid."""

    def __init__(self, editor: BandsEditor, band: Band) -> None:
        self.key = band.key
        self.chip = BandChip()
        self.chip.setMinimumWidth(120)
        self.label_edit = QLineEdit(band.label)
        self.label_edit.setMaxLength(30)
        self.label_edit.setMinimumWidth(130)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(-365, 3650)
        self.days_spin.setMinimumWidth(72)
        self.days_spin.setValue(band.max_days if band.max_days is not None else 0)
        self.open_label = QLabel("sem limite")
        self.covers = QLabel()
        self.covers.setObjectName("hint")
        self.covers.setWordWrap(True)
        self.covers.setMinimumWidth(150)
        self.bg_button = ColourButton(band.colour, f"Cor de fundo de “{band.label}”")
        self.fg_button = ColourButton(band.text_colour, f"Cor do texto de “{band.label}”")
        self.contrast = QLabel()
        self.contrast.setMinimumWidth(104)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(f"Remover a faixa “{band.label}”")
        self.remove_button.setAccessibleName("Remover faixa")

        self.label_edit.textChanged.connect(editor._on_row_changed)
        self.days_spin.valueChanged.connect(editor._on_row_changed)
        self.bg_button.colourChanged.connect(editor._on_row_changed)
        self.fg_button.colourChanged.connect(editor._on_row_changed)
        self.remove_button.clicked.connect(lambda: editor.remove_band(self))

    def band(self, is_last: bool) -> Band:
        return Band(
            key=self.key,
            label=self.label_edit.text().strip(),
            max_days=None if is_last else self.days_spin.value(),
            colour=self.bg_button.colour,
            text_colour=self.fg_button.colour,
        )


class BandsEditor(QWidget):
    """Edit the ordered bands; ``bands()`` returns them as the service stores them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bandsEditor")
        self.rows: list[_BandRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        frame = QFrame()
        frame.setObjectName("bandsFrame")
        self.grid = QGridLayout(frame)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(3, 1)
        layout.addWidget(frame)

        self.contrast_warning = note_label("", "warning")
        self.contrast_warning.setObjectName("contrastWarning")
        self.contrast_warning.hide()
        layout.addWidget(self.contrast_warning)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Adicionar faixa")
        self.add_button.setObjectName("addBandButton")
        self.add_button.clicked.connect(self.add_band)
        self.defaults_button = QPushButton("Restaurar faixas padrão")
        self.defaults_button.setObjectName("restoreBandsButton")
        self.defaults_button.clicked.connect(self.restore_defaults)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.defaults_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.set_bands(DEFAULT_BANDS)

    # --- public --------------------------------------------------------------------------------

    def set_bands(self, bands: tuple[Band, ...] | list[Band]) -> None:
        self._clear_grid()
        self.rows = [_BandRow(self, band) for band in bands]
        self._lay_out()

    def bands(self) -> tuple[Band, ...]:
        last = len(self.rows) - 1
        return tuple(row.band(i == last) for i, row in enumerate(self.rows))

    def add_band(self) -> None:
        """A new band just before the open-ended last one."""
        current = list(self.bands())
        bounded = [b.max_days for b in current if b.max_days is not None]
        upper = (bounded[-1] + 30) if bounded else 0
        band = Band(self._new_key(), "Nova faixa", upper, "#e6e6e6", "#1f1f1f")
        if current:
            current.insert(len(current) - 1, band)
        else:
            current.append(band)
        self._replace(current)
        self.rows[max(0, len(self.rows) - 2)].label_edit.setFocus()

    def remove_band(self, row: _BandRow) -> None:
        if len(self.rows) <= 1:
            return
        index = self.rows.index(row)
        current = list(self.bands())
        if index == len(current) - 1:
            # The band before becomes the open-ended last one.
            current[index - 1] = Band(
                current[index - 1].key,
                current[index - 1].label,
                None,
                current[index - 1].colour,
                current[index - 1].text_colour,
            )
        del current[index]
        self._replace(current)

    def restore_defaults(self) -> None:
        self._replace(list(DEFAULT_BANDS))

    def low_contrast(self) -> list[tuple[str, float]]:
        """(label, ratio) of the bands whose text is hard to read on their background."""
        result = []
        for band in self.bands():
            ratio = contrast_ratio(band.colour, band.text_colour)
            if ratio < MIN_CONTRAST:
                result.append((band.label or "(sem nome)", ratio))
        return result

    # --- internals -----------------------------------------------------------------------------

    def _new_key(self) -> str:
        keys = {row.key for row in self.rows}
        n = len(self.rows) + 1
        while f"faixa_{n}" in keys:
            n += 1
        return f"faixa_{n}"

    def _replace(self, bands: list[Band]) -> None:
        self.set_bands(bands)
        self.changed.emit()

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _lay_out(self) -> None:
        for column, text in enumerate(_HEADERS):
            header = QLabel(text)
            header.setObjectName("hint")
            self.grid.addWidget(header, 0, column)
        last = len(self.rows) - 1
        for i, row in enumerate(self.rows):
            line = 1 + i
            is_last = i == last
            self.grid.addWidget(row.chip, line, 0)
            self.grid.addWidget(row.label_edit, line, 1)
            self.grid.addWidget(row.open_label if is_last else row.days_spin, line, 2)
            (row.days_spin if is_last else row.open_label).hide()
            self.grid.addWidget(row.covers, line, 3)
            self.grid.addWidget(row.bg_button, line, 4)
            self.grid.addWidget(row.fg_button, line, 5)
            self.grid.addWidget(row.contrast, line, 6)
            self.grid.addWidget(row.remove_button, line, 7)
            row.remove_button.setEnabled(len(self.rows) > 1)
        self._refresh()

    def _on_row_changed(self, *_args: object) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        bands = self.bands()
        previous: int | None = None
        for row, band in zip(self.rows, bands, strict=True):
            shown = (
                band
                if band.label
                else Band(band.key, "(sem nome)", None, band.colour, band.text_colour)
            )
            row.chip.set_band(shown)
            row.covers.setText(describe_range(previous, band.max_days))
            previous = band.max_days if band.max_days is not None else previous
            ratio = contrast_ratio(band.colour, band.text_colour)
            if ratio < MIN_CONTRAST:
                row.contrast.setText(f"⚠ Baixa · {format_decimal_comma(ratio)}:1")
                row.contrast.setStyleSheet("color: #5c3300;")
            else:
                row.contrast.setText(f"Boa · {format_decimal_comma(ratio)}:1")
                row.contrast.setStyleSheet("")
            row.remove_button.setToolTip(f"Remover a faixa “{band.label}”")
            row.bg_button.title = f"Cor de fundo de “{band.label}”"
            row.fg_button.title = f"Cor do texto de “{band.label}”"
        weak = self.low_contrast()
        if weak:
            names = ", ".join(f"“{label}”" for label, _ in weak)
            self.contrast_warning.setText(
                f"Texto difícil de ler em {names}: o recomendado é contraste de 4,5:1 ou mais "
                "(quem enxerga pouco ou não distingue cores depende disso). Você pode salvar "
                "assim mesmo."
            )
            self.contrast_warning.show()
        else:
            self.contrast_warning.hide()
