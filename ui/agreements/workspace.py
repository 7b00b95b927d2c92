"""The Acordos workspace: renegotiate, follow the agreements, write off what will not be paid."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.agreements.list import AgreementsListWidget
from ui.agreements.page import AgreementsPage
from ui.agreements.write_off import WriteOffSuggestionsWidget
from ui.context import AppContext


class AgreementsWorkspace(QWidget):
    """Three tabs: Renegociar (the simulator), Acordos (by status) and Baixa por perda."""

    customerRequested = Signal(int)
    agreementConfirmed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementsWorkspace")
        self.page = AgreementsPage(ctx, self)
        self.list = AgreementsListWidget(ctx, self)
        self.write_offs = WriteOffSuggestionsWidget(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("agreementsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.page, "Renegociar")
        self.tabs.addTab(self.list, "Acordos")
        self.tabs.addTab(self.write_offs, "Baixa por perda")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.list.customerRequested.connect(self.customerRequested)
        self.write_offs.customerRequested.connect(self.customerRequested)
        self.page.agreementConfirmed.connect(self._on_agreement_confirmed)
        self.write_offs.writtenOff.connect(lambda _customer_id: self.list.reload())

    def renegotiate(self, customer_id: int) -> None:
        """Open a customer's debt in the simulator (from the overdue list, for example)."""
        self.tabs.setCurrentWidget(self.page)
        self.page.open_customer(customer_id)

    def _on_agreement_confirmed(self, agreement_id: int) -> None:
        self.list.reload()
        self.agreementConfirmed.emit(agreement_id)
