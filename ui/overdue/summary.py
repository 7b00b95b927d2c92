"""The overdue bands at a glance: the summary table (``bandSummary``) and the bar chart.

The table is built with :func:`services.overdue.band_summary` over the rows the overdue table
shows, so its figures always equal the sum of the table, filter or no filter. The chart shows the
whole portfolio's overdue principal by band on the chosen day beside the same day a month before
(:func:`services.overdue.band_amounts_as_of` for both, so both bars measure the same thing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QMargins,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from services.bands import Band
from services.money import format_brl
from services.overdue import BandSummary, BandTotals
from ui.overdue.table import bold_font
from ui.widgets import BAND_ROLE

__all__ = ["BandChart", "BandSummaryModel", "ChartSeries", "lighter", "month_label"]

DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FONT = Qt.ItemDataRole.FontRole

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex

READ_ONLY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
NO_FLAGS = Qt.ItemFlag.NoItemFlags

_ZERO = Decimal("0.00")
_MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro")  # fmt: skip


def month_label(day: date) -> str:
    """``23/11/2026`` → "23/nov"; short enough for a legend beside another one."""
    return f"{day.day:02d}/{_MONTHS[day.month - 1][:3]}"


# --- the summary table ---------------------------------------------------------------------------


class BandSummaryModel(QAbstractTableModel):
    """One row per overdue band and a total row: customers, installments, principal, total."""

    BAND_COLUMN = 0
    HEADERS = ("Faixa", "Clientes", "Parcelas", "Principal", "Total com encargos")
    TOOLTIPS = (
        "Faixa de atraso da parcela mais antiga do cliente",
        "Clientes em atraso",
        "Parcelas vencidas em aberto",
        "Saldo das parcelas vencidas, sem multa e juros",
        "Principal, multa e juros até o dia escolhido: o que o caixa cobraria",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[BandTotals] = []

    def set_summary(self, summary: BandSummary | None) -> None:
        self.beginResetModel()
        self._lines = [] if summary is None else [*summary.bands, summary.total]
        self.endResetModel()

    def lines(self) -> list[BandTotals]:
        """The band lines then the total line, as shown."""
        return list(self._lines)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == DISPLAY:
            return _cell(line, column)
        if role == ALIGN:
            return LEFT if column == 0 else RIGHT
        if role == BAND_ROLE:
            return line.band if column == self.BAND_COLUMN else None
        if role == FONT:
            return bold_font() if line.band is None else None
        if role == TOOLTIP:
            if column == 0:
                return f"Faixa de atraso: {line.label}" if line.band else "Todas as faixas"
            if column == 4:
                return (
                    f"Principal {format_brl(line.principal)} + multa {format_brl(line.fee)} + "
                    f"juros {format_brl(line.interest)}"
                )
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == DISPLAY:
            return self.HEADERS[section]
        if role == ALIGN:
            return LEFT if section == 0 else RIGHT
        if role == TOOLTIP:
            return self.TOOLTIPS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return READ_ONLY_FLAGS if index.isValid() else NO_FLAGS


def _cell(line: BandTotals, column: int) -> str:
    if column == 0:
        return line.label
    if column == 1:
        return str(line.customers)
    if column == 2:
        return str(line.installments)
    if column == 3:
        return format_brl(line.principal)
    return format_brl(line.total)


# --- the chart -----------------------------------------------------------------------------------


def lighter(colour: str, amount: float = 0.55) -> QColor:
    """``colour`` mixed with white: last month's shade of a band's colour."""
    base = QColor(colour)
    mix = [round(c + (255 - c) * amount) for c in (base.red(), base.green(), base.blue())]
    return QColor(*mix)


@dataclass(frozen=True)
class ChartSeries:
    """One series of the chart: a name and one amount per band, in band order."""

    name: str
    values: tuple[Decimal, ...]


def _nice_step(top: Decimal) -> Decimal:
    """A round step (1, 2 or 5 × 10ⁿ) giving about four gridlines up to ``top``."""
    if top <= 0:
        return Decimal(100)
    rough = top / 4
    power = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal("0.1")
    for factor in (1, 2, 5, 10):
        if rough <= power * factor:
            return power * factor
    return power * 10  # pragma: no cover - the loop always returns


def _axis_label(value: Decimal) -> str:
    text = format_brl(value)
    return text.removesuffix(",00")


class BandChart(QChartView):
    """Overdue principal by band: the chosen day in the band's colour, a month before lighter.

    Qt Charts colours a bar set as a whole, and draws several bar series side by side in each
    category. So each month is one stacked series whose sets are the bands, each set holding an
    amount only at its own band's category: one bar per band and month, in the band's colour
    (lighter, with a dashed border, for the month before). The legend explains the two shades
    with neutral swatches and the category axis names each band (colour is never the only
    signal). :meth:`series` gives the figures back as two series of one amount per band.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(2, 2, 6, 0))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        title_font = QFont()
        title_font.setPointSizeF(9.5)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitle("Principal em atraso por faixa (toda a carteira)")
        small = QFont()
        small.setPointSizeF(8.0)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        legend.setFont(small)
        super().__init__(chart, parent)
        self.setObjectName("bandChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 190)
        self._small = small
        self._series: tuple[ChartSeries, ChartSeries] = (
            ChartSeries("", ()),
            ChartSeries("", ()),
        )
        self._bands: tuple[Band, ...] = ()
        self.setToolTip("Passe o mouse sobre uma barra para ver o valor")

    def series(self) -> tuple[ChartSeries, ChartSeries]:
        """(the month before, the chosen day): one amount per band each."""
        return self._series

    def bands(self) -> tuple[Band, ...]:
        return self._bands

    def categories(self) -> list[str]:
        """The labels on the category axis, one per band."""
        for axis in self.chart().axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QBarCategoryAxis):
                return [label.replace("<br>", " ") for label in axis.categories()]
        return []

    def drawn_series(self) -> list[QStackedBarSeries]:
        """The two stacked series drawn: the month before, then the chosen day."""
        return [s for s in self.chart().series() if isinstance(s, QStackedBarSeries)]

    def legend_labels(self) -> list[str]:
        return [m.label() for m in self.chart().legend().markers() if m.isVisible()]

    def set_amounts(
        self,
        bands: Sequence[Band],
        current: Mapping[str, Decimal],
        previous: Mapping[str, Decimal],
        day: date,
        previous_day: date,
    ) -> None:
        """Draw ``previous`` (as of ``previous_day``) and ``current`` (as of ``day``) by band."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._bands = tuple(bands)
        before = tuple(previous.get(b.key, _ZERO) for b in bands)
        now = tuple(current.get(b.key, _ZERO) for b in bands)
        before_name = f"Em {previous_day.strftime('%d/%m/%Y')} (tom claro)"
        now_name = f"Em {day.strftime('%d/%m/%Y')}"
        self._series = (ChartSeries(before_name, before), ChartSeries(now_name, now))

        x_axis = QBarCategoryAxis()
        x_axis.append([_two_lines(b.label) for b in bands])
        x_axis.setLabelsFont(self._small)
        x_axis.setGridLineVisible(False)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        y_axis = self._value_axis(max((*before, *now, _ZERO)))
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        for name, amounts, dashed, swatch in (
            (before_name, before, True, lighter("#5f6368")),
            (now_name, now, False, QColor("#5f6368")),
        ):
            series = QStackedBarSeries()
            series.setName(name)
            series.setBarWidth(0.8)
            for i, band in enumerate(bands):
                bar = QBarSet(band.label)
                bar.append([float(amounts[i]) if j == i else 0.0 for j in range(len(bands))])
                bar.setBrush(QBrush(lighter(band.colour) if dashed else QColor(band.colour)))
                bar.setPen(_pen(band.text_colour, dashed=dashed))
                bar.hovered.connect(self._tooltip_for(band, name, amounts[i]))
                series.append(bar)
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            # One legend entry per month, in a neutral colour of the month's shade.
            for n, marker in enumerate(chart.legend().markers(series)):
                marker.setVisible(n == 0)
                if n == 0:
                    marker.setLabel(name)
                    marker.setBrush(QBrush(swatch))
                    marker.setPen(_pen("#3c4043", dashed=False))

    def _value_axis(self, top: Decimal) -> QCategoryAxis:
        """A value axis labelled in reais ("R$ 1.500"): QValueAxis only knows printf formats."""
        step = _nice_step(top)
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setLabelsFont(self._small)
        value = _ZERO
        axis.append(_axis_label(value), 0.0)
        while value < top or value == _ZERO:
            value += step
            axis.append(_axis_label(value), float(value))
        axis.setRange(0.0, float(value))
        axis.setStartValue(0.0)
        return axis

    def _tooltip_for(self, band: Band, name: str, amount: Decimal) -> Any:
        text = f"{band.label} — {name.removesuffix(' (tom claro)')}: {format_brl(amount)}"

        def show(status: bool, _index: int) -> None:
            if status:
                QToolTip.showText(QCursor.pos(), text, self)
            else:
                QToolTip.hideText()

        return show


def _two_lines(label: str) -> str:
    """ "Mais de 90 dias" → "Mais de<br>90 dias": a long band label never cut to "Mais de 9…"."""
    if len(label) <= 10 or " " not in label:
        return label
    words = label.split(" ")
    half = len(words) // 2
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def _pen(colour: str, *, dashed: bool) -> QPen:
    pen = QPen(QColor(colour))
    pen.setWidthF(1.0)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen
