"""The settings screen (Configurações) and its sections."""

from ui.settings.page import SettingsPage

__all__ = ["SettingsPage"]
