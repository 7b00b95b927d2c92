"""Closing the day (fechamento do dia): the chosen day's figures, its PDF report, the list.

The figures come from :func:`services.day_close.day_summary` (aggregated in SQL); the PDF from
:func:`services.reports.day_report` and :func:`services.documents.day_report.render_day_report`;
the overdue list for the day from :func:`services.reports.overdue_report_rows`, the rows the
command line's ``report overdue`` writes too. All of it off the UI thread, one Session a job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services import agreements, collection
from services import settings as settings_service
from services.customers import METHOD_LABELS
from services.day_close import DaySummary, day_summary
from services.db import Database
from services.money import format_brl
from ui.context import AppContext
from ui.customers.common import explain
from ui.customers.detail import configure_table
from ui.overdue.exporting import ExportKind, PdfRun, choose_export_path, write_rows
from ui.overdue.table import bold_font
from ui.tasks import run_in_background

__all__ = ["DayCloseDialog", "FiguresModel", "render_day_report_pdf"]

DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
FONT = Qt.ItemDataRole.FontRole
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex

READ_ONLY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
NO_FLAGS = Qt.ItemFlag.NoItemFlags

_WEEKDAYS = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
             "sábado", "domingo")  # fmt: skip

DIALOG_STYLE = """
QDialog#dayCloseDialog QLabel#dayCloseTitle { font-size: 13pt; font-weight: 600; color: #1f2328; }
QDialog#dayCloseDialog QLabel#dayCloseStatus { color: #5f6368; }
QDialog#dayCloseDialog QGroupBox { font-weight: 600; }
QDialog#dayCloseDialog QGroupBox QLabel { font-weight: normal; }
QDialog#dayCloseDialog QLabel[figure="true"] { font-weight: 600; }
QDialog#dayCloseDialog QPushButton { padding: 5px 12px; }
"""


def describe_day(day: date) -> str:
    return f"{day.strftime('%d/%m/%Y')}, {_WEEKDAYS[day.weekday()]}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class FiguresModel(QAbstractTableModel):
    """A small read-only table of text cells; the last row may be a bold total."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[tuple[str, ...]] = []
        self._total_row = False

    def set_rows(self, rows: Sequence[Sequence[str]], *, total_row: bool = False) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._total_row = total_row and bool(rows)
        self.endResetModel()

    def rows(self) -> list[tuple[str, ...]]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == DISPLAY:
            return self._rows[index.row()][index.column()]
        if role == ALIGN:
            return LEFT if index.column() == 0 else RIGHT
        if role == FONT and self._total_row and index.row() == len(self._rows) - 1:
            return bold_font()
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == DISPLAY:
            return self._headers[section]
        if role == ALIGN:
            return LEFT if section == 0 else RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return READ_ONLY_FLAGS if index.isValid() else NO_FLAGS


RECEIPT_HEADERS = ("", "Qtde.", "Recebido", "Estornado", "Líquido")


def method_rows(summary: DaySummary) -> list[tuple[str, ...]]:
    """Receipts by payment method, every method listed, then the total."""
    rows: list[tuple[str, ...]] = [
        (METHOD_LABELS.get(m.method, str(m.method)), str(m.count), format_brl(m.received),
         format_brl(m.reversed), format_brl(m.net))
        for m in summary.by_method
    ]  # fmt: skip
    count = sum(m.count for m in summary.by_method)
    rows.append(
        ("Total", str(count), format_brl(summary.received), format_brl(summary.reversed),
         format_brl(summary.net))
    )  # fmt: skip
    return rows


def cashier_rows(summary: DaySummary) -> list[tuple[str, ...]]:
    """Receipts by whoever made the entries, then the total (equal to the methods' total)."""
    rows: list[tuple[str, ...]] = [
        (c.name, str(c.count), format_brl(c.received), format_brl(c.reversed), format_brl(c.net))
        for c in summary.by_cashier
    ]
    if not rows:
        return []
    zero = Decimal("0.00")
    received = sum((c.received for c in summary.by_cashier), zero)
    reversed_ = sum((c.reversed for c in summary.by_cashier), zero)
    rows.append(
        ("Total", str(sum(c.count for c in summary.by_cashier)), format_brl(received),
         format_brl(reversed_), format_brl(received - reversed_))
    )  # fmt: skip
    return rows


def summary_figures(summary: DaySummary) -> dict[str, str]:
    """The figures beside the tables, by the objectName of the label that shows each one."""
    sales, agreements, due, offs = (
        summary.sales,
        summary.agreements,
        summary.fell_due,
        summary.write_offs,
    )
    return {
        "figureNet": (
            f"{format_brl(summary.net)}\nrecebido {format_brl(summary.received)} − estornos "
            f"{format_brl(summary.reversed)}"
        ),
        "figureSplit": (
            f"principal {format_brl(summary.principal)} · multa {format_brl(summary.fee)}\n"
            f"juros {format_brl(summary.interest)} · descontos {format_brl(summary.discount)}"
        ),
        "figureRecovered": format_brl(summary.recovered),
        "figureSales": (
            f"{_plural(sales.count, 'venda', 'vendas')} · preço {format_brl(sales.cash_price)}\n"
            f"entradas {format_brl(sales.down_payment)} · financiado {format_brl(sales.financed)}"
        ),
        "figureAgreements": (
            f"{_plural(agreements.count, 'acordo', 'acordos')} · total "
            f"{format_brl(agreements.total)}\ndesconto {format_brl(agreements.discount)} · "
            f"entradas {format_brl(agreements.down_payment)}"
        ),
        "figureFellDue": (
            f"{_plural(due.count, 'parcela', 'parcelas')} · {format_brl(due.amount)}\npagas "
            f"{due.paid_count} ({format_brl(due.paid_amount)}), em aberto "
            f"{due.unpaid_count} ({format_brl(due.open_principal)})"
        ),
        "figureWriteOffs": (
            f"{_plural(offs.count, 'parcela', 'parcelas')} · {format_brl(offs.open_principal)}"
        ),
    }


FIGURE_LABELS = {
    "figureNet": "Líquido do dia",
    "figureSplit": "Composição",
    "figureRecovered": "Recuperado de baixas",
    "figureSales": "Novas vendas no crediário",
    "figureAgreements": "Acordos",
    "figureFellDue": "Venceram no dia",
    "figureWriteOffs": "Baixas (perdas)",
}


def render_day_report_pdf(db: Database, day: date, *, generated_at: Any, operator: str) -> bytes:
    """The end-of-day PDF (runs on a worker thread; reportlab is imported here, when needed)."""
    from services.documents.day_report import render_day_report
    from services.reports import day_report

    with db.unit_of_work() as uow:
        report = day_report(uow.session, day, generated_at=generated_at, operator=operator)
    return render_day_report(report)


class DayCloseDialog(QDialog):
    """The chosen day's receipts, sales, agreements and due installments; print; export."""

    summaryLoaded = Signal(object)  # the DaySummary shown (None: the load failed)
    reportRendered = Signal(bytes)
    listExported = Signal(str)
    exportFailed = Signal(str)

    def __init__(self, ctx: AppContext, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day = day
        self.summary: DaySummary | None = None
        self.setObjectName("dayCloseDialog")
        self.setWindowTitle(f"Fechar o dia {day.strftime('%d/%m/%Y')}")
        self.setStyleSheet(DIALOG_STYLE)
        self._build()
        self.resize(1000, 640)
        self.load()

    def _build(self) -> None:
        title = QLabel(f"Fechamento do dia — {describe_day(self.day)}", self)
        title.setObjectName("dayCloseTitle")
        self.status = QLabel("Carregando…", self)
        self.status.setObjectName("dayCloseStatus")

        self.methods_model = FiguresModel(("Forma", *RECEIPT_HEADERS[1:]), self)
        self.methods_view = self._table("receiptsByMethod", self.methods_model)
        self.cashiers_model = FiguresModel(("Operador", *RECEIPT_HEADERS[1:]), self)
        self.cashiers_view = self._table("receiptsByCashier", self.cashiers_model)

        methods_box = QGroupBox("Recebimentos por forma de pagamento", self)
        QVBoxLayout(methods_box).addWidget(self.methods_view)
        cashiers_box = QGroupBox("Por operador (estornos com quem os fez)", self)
        QVBoxLayout(cashiers_box).addWidget(self.cashiers_view)

        figures_box = QGroupBox("Resumo do dia", self)
        form = QFormLayout(figures_box)
        # Caption above its figure: the figures are sentences and need the width to wrap.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        self.figure_labels: dict[str, QLabel] = {}
        for name, caption in FIGURE_LABELS.items():
            value = QLabel("—", figures_box)
            value.setObjectName(name)
            value.setProperty("figure", True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{caption}:", value)
            self.figure_labels[name] = value

        for box in (methods_box, cashiers_box):
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        left = QVBoxLayout()
        left.addWidget(methods_box)
        left.addWidget(cashiers_box)
        left.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(left, 11)
        body.addWidget(figures_box, 9)

        self.print_button = QPushButton("Imprimir relatório…", self)
        self.print_button.setObjectName("printDayReportButton")
        self.print_button.setToolTip("Gerar o relatório do fechamento em PDF e visualizar")
        self.print_button.clicked.connect(lambda: self.print_report())
        self.csv_button = QPushButton("Exportar lista CSV…", self)
        self.csv_button.setObjectName("exportListCsvButton")
        self.csv_button.setToolTip("Salvar a lista de inadimplentes do dia como CSV")
        self.csv_button.clicked.connect(lambda: self._ask_and_export("csv"))
        self.xlsx_button = QPushButton("Exportar lista XLSX…", self)
        self.xlsx_button.setObjectName("exportListXlsxButton")
        self.xlsx_button.setToolTip("Salvar a lista de inadimplentes do dia como planilha do Excel")
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fechar")
        self.export_status = QLabel("", self)
        self.export_status.setObjectName("dayCloseExportStatus")
        self.export_status.setWordWrap(True)

        actions = QHBoxLayout()
        actions.addWidget(self.print_button)
        actions.addWidget(self.csv_button)
        actions.addWidget(self.xlsx_button)
        actions.addWidget(self.export_status, 1)
        actions.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)
        layout.addLayout(actions)
        self._set_enabled(False)

    def _table(self, name: str, model: FiguresModel) -> QTableView:
        view = QTableView(self)
        configure_table(view, name)
        view.setModel(model)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.ensurePolished()  # row height from the stylesheet's font
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return view

    def _fit_height(self, view: QTableView, rows: int) -> None:
        """Every line visible, no empty space under a short table."""
        height = (
            view.horizontalHeader().sizeHint().height()
            + max(rows, 1) * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth()
            + 2
        )
        view.setFixedHeight(height)
        view.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if view.model().rowCount() > rows
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.print_button, self.csv_button, self.xlsx_button):
            button.setEnabled(enabled)

    # --- figures -----------------------------------------------------------------------------

    def load(self) -> None:
        db, day, now = self.ctx.db, self.day, self.ctx.now()
        closing_today = day == now.date()

        def job() -> DaySummary:
            if closing_today:
                # Closing the day settles the promises (kept, or broken: it counts in the
                # profile and puts the customer first in tomorrow's contacts) and follows the
                # agreements (fulfilled, or broken and back to collection).
                with db.unit_of_work(write=True) as uow:
                    collection.settle_promises(uow, day, now=now)
                with db.unit_of_work(write=True) as uow:
                    policy = settings_service.load(uow.session).agreements
                    agreements.review_agreements(uow, day, policy, now=now)
            with db.unit_of_work() as uow:
                return day_summary(uow.session, day)

        run_in_background(job, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, summary: DaySummary) -> None:
        self.summary = summary
        self.methods_model.set_rows(method_rows(summary), total_row=True)
        self.cashiers_model.set_rows(cashier_rows(summary), total_row=True)
        self._fit_height(self.methods_view, self.methods_model.rowCount())
        self._fit_height(self.cashiers_view, min(self.cashiers_model.rowCount(), 8))
        for name, text in summary_figures(summary).items():
            self.figure_labels[name].setText(text)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # wrap the new figures now, not on the next event
        payments = sum(m.count for m in summary.by_method)
        self.status.setText(
            f"{_plural(payments, 'pagamento recebido', 'pagamentos recebidos')} · líquido "
            f"{format_brl(summary.net)}"
            + ("" if summary.by_cashier else " · nenhum movimento no caixa neste dia")
        )
        self._set_enabled(True)
        self.summaryLoaded.emit(summary)

    def _on_load_failed(self, exc: Exception) -> None:
        self.status.setText(f"Não foi possível carregar o fechamento: {explain(exc)}")
        self.summaryLoaded.emit(None)

    # --- report and list ---------------------------------------------------------------------

    def print_report(self, *, preview: bool = True) -> None:
        """Render the end-of-day PDF in the background, then show it in the preview."""
        day, now, operator = self.day, self.ctx.now(), self.ctx.operator.full_name
        run = PdfRun(
            self,
            self.ctx.db,
            f"Fechamento do dia {day.strftime('%d/%m/%Y')}",
            f"fechamento-{day.isoformat()}.pdf",
            preview=preview,
        )
        run.rendered.connect(self._on_report_rendered)
        run.failed.connect(self._on_report_failed)
        self.print_button.setEnabled(False)
        run.start(lambda db: render_day_report_pdf(db, day, generated_at=now, operator=operator))

    def _on_report_rendered(self, pdf: bytes) -> None:
        self.print_button.setEnabled(True)
        self.reportRendered.emit(pdf)

    def _on_report_failed(self, _message: str) -> None:
        self.print_button.setEnabled(True)

    def _ask_and_export(self, kind: ExportKind) -> None:
        path = choose_export_path(self, self.day, kind)
        if path is not None:
            self.export_list(path, kind)

    def export_list(self, path: str | Path, kind: ExportKind | None = None) -> None:
        """Write the day's overdue list (every late customer) to ``path`` in the background."""
        target = Path(path)
        fmt: ExportKind = kind or ("xlsx" if target.suffix.lower() == ".xlsx" else "csv")
        db, day = self.ctx.db, self.day

        def job() -> Path:
            from services.reports import overdue_report_rows

            with db.unit_of_work() as uow:
                rows = overdue_report_rows(uow.session, day)
            return write_rows(rows, target, fmt)

        self.csv_button.setEnabled(False)
        self.xlsx_button.setEnabled(False)
        self.export_status.setText("Exportando…")
        run_in_background(job, self._on_exported, self._on_export_failed)

    def _on_exported(self, path: Path) -> None:
        self.csv_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)
        self.export_status.setText(f"Lista salva em {path}")
        self.export_status.setToolTip(str(path))
        self.listExported.emit(str(path))

    def _on_export_failed(self, exc: Exception) -> None:
        self.csv_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)
        message = (
            f"Não foi possível salvar o arquivo: {exc.strerror or exc}"
            if isinstance(exc, OSError)
            else f"Não foi possível exportar: {explain(exc)}"
        )
        self.export_status.setText(message)
        self.exportFailed.emit(message)
