"""Start-up as a person meets it: first run on a new database, and the demo with its login."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui import app as app_module

pytestmark = pytest.mark.gui


def _when_visible(object_name: str, act: Callable[[QWidget], None]) -> None:
    """Act on a top-level window as soon as it shows (the dialogs run their own loop)."""

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == object_name and widget.isVisible():
                act(widget)
                return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    """A start-up test that goes wrong fails instead of waiting forever on an open dialog."""

    def close_everything() -> None:
        for widget in QApplication.topLevelWidgets():
            widget.close()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(close_everything)
    timer.start(60_000)
    yield
    timer.stop()


@pytest.fixture(autouse=True)
def _private_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = str(tmp_path / "prefs.ini")
    monkeypatch.setattr(
        app_module, "QSettings", lambda: QSettings(path, QSettings.Format.IniFormat)
    )


def _close_main_window_when_ready(seen: dict[str, str]) -> None:
    def close(window: QWidget) -> None:
        def check() -> None:
            if "—" not in window.windowTitle():  # the shop's name arrives from the database
                QTimer.singleShot(50, check)
                return
            seen["title"] = window.windowTitle()
            window.close()

        check()

    _when_visible("mainWindow", close)


def test_first_run_creates_the_shop_and_opens_the_window(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        d = dialog  # FirstRunDialog
        d.name_edit.setText("Bazar São Jorge")  # type: ignore[attr-defined]
        d.document_edit.setText("11.222.333/0001-81")  # type: ignore[attr-defined]
        d.street_edit.setText("Rua Amador Bueno")  # type: ignore[attr-defined]
        d.number_edit.setText("200")  # type: ignore[attr-defined]
        d.city_edit.setText("Ribeirão Preto")  # type: ignore[attr-defined]
        d.uf_combo.setCurrentIndex(d.uf_combo.findData("SP"))  # type: ignore[attr-defined]
        d.owner_name_edit.setText("Jorge Amado Lima")  # type: ignore[attr-defined]
        d.username_edit.setText("jorge")  # type: ignore[attr-defined]
        d.password_edit.setText("segredo1")  # type: ignore[attr-defined]
        d.confirm_edit.setText("segredo1")  # type: ignore[attr-defined]
        d.start_button.click()  # type: ignore[attr-defined]

    _when_visible("firstRunDialog", fill)
    _close_main_window_when_ready(seen)
    assert app_module.run_app(db_path=str(tmp_path / "loja.db")) == 0
    assert seen["title"] == "Crediário — Bazar São Jorge"


def test_demo_builds_the_shop_and_logs_in(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    def login(dialog: QWidget) -> None:
        seen["hint"] = dialog.hint_label.text()  # type: ignore[attr-defined]
        dialog.username_edit.setText("caixa")  # type: ignore[attr-defined]
        dialog.password_edit.setText("demo1234")  # type: ignore[attr-defined]
        dialog.login_button.click()  # type: ignore[attr-defined]

    _when_visible("loginDialog", login)
    _close_main_window_when_ready(seen)
    assert app_module.run_app(db_path=str(tmp_path / "demo.db"), demo=True) == 0
    assert "dono / demo1234" in seen["hint"]
    assert seen["title"].endswith("(demonstração)")


def test_a_newer_database_is_explained_not_opened(tmp_path: Path) -> None:
    from sqlalchemy import text

    from services import db as dbmod
    from services.db import Database

    path = tmp_path / "nova.db"
    database = Database.open(path)
    dbmod.upgrade(database)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    database.dispose()
    seen: dict[str, str] = {}

    def read(box: QWidget) -> None:
        seen["text"] = box.text()  # type: ignore[attr-defined]
        box.accept()  # type: ignore[attr-defined]

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if box is not None and box.inherits("QMessageBox"):
            read(box)
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    assert app_module.run_app(db_path=str(path)) == 2
    assert "versão mais nova" in seen["text"]


def test_closing_the_program_keeps_one_copy_a_day(tmp_path: Path) -> None:
    from datetime import datetime

    from services import db as dbmod
    from services.db import Database

    database = Database.open(tmp_path / "loja.db")
    dbmod.upgrade(database)
    folder = tmp_path / "backups"
    try:
        app_module.backup_on_close(database, now=datetime(2026, 11, 23, 19, 0), folder=folder)
        app_module.backup_on_close(database, now=datetime(2026, 11, 23, 20, 0), folder=folder)
        app_module.backup_on_close(database, now=datetime(2026, 11, 24, 19, 0), folder=folder)
    finally:
        database.dispose()
    assert sorted(p.name for p in folder.iterdir()) == [
        "crediario-2026-11-23.db",
        "crediario-2026-11-24.db",
    ]


def test_a_failing_backup_never_stops_the_program_closing(tmp_path: Path) -> None:
    from datetime import datetime

    from services.db import Database

    database = Database.open(tmp_path / "nunca-criado.db")  # no file yet: the copy is refused
    try:
        app_module.backup_on_close(database, now=datetime(2026, 11, 23, 19, 0), folder=tmp_path)
    finally:
        database.dispose()


def _answer_message_boxes(answers: list[str], seen: list[str]) -> None:
    """Answer each message box as it shows: "yes", "no" or "ok", recording its text."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if box is not None and box.inherits("QMessageBox"):
            from PySide6.QtWidgets import QMessageBox

            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            answer = answers.pop(0) if answers else "ok"
            button = {
                "yes": QMessageBox.StandardButton.Yes,
                "no": QMessageBox.StandardButton.No,
            }.get(answer)
            if button is not None and box.button(button) is not None:
                box.button(button).click()
            else:
                box.accept()
            if not answers and len(seen) > 3:
                return
        elif box is not None and box.objectName() == "loginDialog":
            box.reject()  # restored and opened: the login is as far as this test goes
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def _damaged_shop_with_a_good_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from services import backup
    from services import db as dbmod
    from services.db import Database
    from services.shop import setup_shop
    from tests.ui.conftest import SHOP

    path = tmp_path / "loja.db"
    database = Database.open(path)
    dbmod.upgrade(database)
    from datetime import datetime

    setup_shop(
        database,
        identity=SHOP,
        owner_username="dono",
        owner_name="Dona da Loja",
        owner_password="senha-forte-123",
        now=datetime(2026, 11, 22, 18, 0),
    )
    folder = tmp_path / "backups"
    backup.backup_to(database, folder / "crediario-2026-11-22.db")
    database.dispose()
    size = path.stat().st_size
    with path.open("r+b") as f:  # a disk that went bad in the middle of the file
        f.seek(size // 2)
        f.write(b"\xa5" * 4096)
    monkeypatch.setattr(backup, "backup_folder", lambda: folder)
    return path


def test_a_damaged_database_offers_the_latest_good_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_shop_with_a_good_copy(tmp_path, monkeypatch)
    seen: list[str] = []
    _answer_message_boxes(["yes", "ok"], seen)
    assert app_module.run_app(db_path=str(path)) == 0  # restored, then the login was closed
    assert "danificado" in seen[0] and "crediario-2026-11-22.db" in seen[0]
    assert "Banco restaurado" in seen[1]
    aside = list(tmp_path.glob("crediario-antes-da-restauracao-*.db"))
    assert len(aside) == 1  # the damaged file is kept, never deleted
    from services.backup import check_integrity

    assert check_integrity(path) is None


def test_a_damaged_database_is_left_alone_when_the_copy_is_declined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _damaged_shop_with_a_good_copy(tmp_path, monkeypatch)
    before = path.read_bytes()
    seen: list[str] = []
    _answer_message_boxes(["no"], seen)
    assert app_module.run_app(db_path=str(path)) == 2
    assert path.read_bytes() == before
