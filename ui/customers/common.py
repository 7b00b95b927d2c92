"""Small helpers shared by the Clientes widgets."""

from __future__ import annotations

from ui.widgets import error_message as explain

__all__ = ["explain"]
