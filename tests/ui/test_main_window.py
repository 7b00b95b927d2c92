"""The main window assembles the workspaces and tells who is working where."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from ui.context import AppContext
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_workspaces_and_status(qtbot: QtBot, ctx: AppContext, screenshot_dir: Path) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.objectName() == "mainWindow"
    tabs = window.findChild(QTabWidget, "workspaces")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Caixa", "Clientes", "Configurações"]
    assert tabs.widget(0).objectName() == "counterPage"
    assert tabs.widget(1).objectName() == "customersPage"
    assert tabs.widget(2).objectName() == "settingsPage"
    qtbot.waitUntil(lambda: "Loja Teste Ltda" in window.windowTitle())
    user = window.findChild(QLabel, "statusUser")
    assert user is not None and user.text() == "Dona da Loja (Dono(a))"
    window.grab().save(str(screenshot_dir / "main-window.png"))


def test_demo_window_says_so(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.demo = True
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "(demonstração)" in window.windowTitle())
    texts = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert any("DEMONSTRAÇÃO" in t for t in texts)
