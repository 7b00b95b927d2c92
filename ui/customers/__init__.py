"""The Clientes workspace (customer search, list, detail and form)."""

from ui.customers.page import CustomersPage

__all__ = ["CustomersPage"]
