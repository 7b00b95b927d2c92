"""Start the GUI: open the database, migrate, first run or login, then the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QLocale, QSettings, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from services import config
from services import db as dbmod
from services.db import Database
from services.users import Operator
from ui.context import AppContext, system_now
from ui.tasks import CancelToken, run_in_background
from ui.widgets import error_message

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Crediário")
    app.setOrganizationName("Crediario")
    app.setApplicationDisplayName("Crediário")
    QLocale.setDefault(QLocale("pt_BR"))
    apply_style(app)
    icon = RESOURCES / "icon.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    # Panels the stylesheet does not reach (scroll areas' viewports) take the palette's colour.
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f6f7f9"))
    app.setPalette(palette)
    sheet = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    app.setStyleSheet(sheet.replace("@RESOURCES@", RESOURCES.as_posix()))


def run_blocking_with_progress(
    parent: QWidget | None, label: str, fn: Callable[[CancelToken], Any]
) -> Any:
    """Run ``fn`` in the background while a progress dialog keeps the screen alive."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Crediário")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: Exception) -> None:
        outcome["error"] = exc
        loop.quit()

    def progress(value: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(value)

    run_in_background(fn, done, failed, on_progress=progress, with_token=True)
    loop.exec()
    dialog.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _check_sqlite_file(
    database: Database, url: str, clock: Callable[[], datetime]
) -> Database | None:
    """A damaged SQLite file is caught at start, and the latest good copy offered in its place.

    Returns the database to go on with, or None when the program must not open it. The damaged
    file is never deleted: restoring keeps it aside.
    """
    from services import backup

    path = database.sqlite_path
    if path is None or not path.exists():
        return database
    problem = run_blocking_with_progress(
        None, "Conferindo o banco de dados…", lambda _token: backup.check_integrity(path)
    )
    if problem is None:
        return database
    log.error("damaged database %s: %s", path, problem)
    folder = backup.backup_folder()
    good = backup.latest_good_backup(folder)
    if good is None:
        QMessageBox.critical(
            None,
            "Crediário",
            f"O arquivo do banco de dados está danificado:\n{problem}\n\nNão há cópia de "
            f"segurança boa em {folder}. O arquivo não foi alterado; procure o suporte.",
        )
        return None
    made = datetime.fromtimestamp(good.stat().st_mtime)
    answer = QMessageBox.question(
        None,
        "Crediário",
        f"O arquivo do banco de dados está danificado:\n{problem}\n\nRestaurar a cópia de "
        f"segurança mais recente ({good.name}, de {made:%d/%m/%Y às %H:%M})? O que foi lançado "
        "depois dela precisará ser lançado de novo. O arquivo danificado fica guardado ao "
        "lado, não é apagado.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    database.dispose()
    try:
        result = backup.restore(good, path, now=clock())
    except Exception as exc:
        log.exception("restore failed")
        QMessageBox.critical(
            None, "Crediário", f"Não foi possível restaurar:\n{error_message(exc)}"
        )
        return None
    QMessageBox.information(None, "Crediário", result.describe())
    return Database.open(url)


def _prepare_database(database: Database, *, demo: bool, reset_demo: bool, today: date) -> bool:
    """Migrate (and build the demo shop); returns whether the shop has been set up."""

    def work(token: CancelToken) -> bool:
        from services import settings as settings_service

        path = database.sqlite_path
        if demo and reset_demo and path is not None:
            database.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        dbmod.upgrade(database)
        with database.unit_of_work() as uow:
            configured = settings_service.is_configured(uow.session)
        if demo and not configured:
            from services import demo as demo_service

            demo_service.create_demo_shop(database, today=today, progress=token.progress)
            configured = True
        return configured

    label = "Preparando a loja de demonstração…" if demo else "Abrindo o banco de dados…"
    return bool(run_blocking_with_progress(None, label, work))


def _login(
    database: Database, clock: Callable[[], datetime], *, demo: bool, configured: bool
) -> Operator | None:
    from ui.first_run import FirstRunDialog
    from ui.login import LoginDialog

    if not configured:
        first = FirstRunDialog(database, clock)
        if first.exec() != FirstRunDialog.DialogCode.Accepted:
            return None
        return first.operator
    prefs = QSettings()
    key = "login/last_username_demo" if demo else "login/last_username"
    hint = None
    if demo:
        from services.demo import DEMO_USERS

        hint = "Demonstração — " + " · ".join(
            f"{u.username} / {u.password} ({u.role_label})" for u in DEMO_USERS
        )
    last = prefs.value(key)
    login = LoginDialog(database, clock, last_username=str(last) if last else None, hint=hint)
    if login.exec() != LoginDialog.DialogCode.Accepted or login.operator is None:
        return None
    prefs.setValue(key, login.operator.username)
    return login.operator


def run_app(
    *,
    db_path: str | None = None,
    database_url: str | None = None,
    demo: bool = False,
    reset_demo: bool = False,
) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = make_application()
    location = config.resolve_database(db_path, database_url, demo=demo)
    database = Database.open(location.url)
    clock = system_now
    checked = _check_sqlite_file(database, location.url, clock)
    if checked is None:
        return 2
    database = checked
    try:
        configured = _prepare_database(
            database, demo=demo, reset_demo=reset_demo, today=clock().date()
        )
    except Exception as exc:  # explained in Portuguese, never a traceback on screen
        log.exception("could not open the database")
        QMessageBox.critical(
            None,
            "Crediário",
            f"Não foi possível abrir o banco de dados.\n\n{error_message(exc)}\n\n"
            f"Banco: {database.engine.url.render_as_string(hide_password=True)}",
        )
        return 2
    operator = _login(database, clock, demo=demo, configured=configured)
    if operator is None:
        return 0
    from ui.main_window import MainWindow

    ctx = AppContext(db=database, operator=operator, clock=clock, demo=demo)
    window = MainWindow(ctx)
    window.show()
    code = app.exec()
    if not demo:
        backup_on_close(database, now=clock())
    database.dispose()
    return code


def backup_on_close(database: Database, *, now: datetime, folder: Path | None = None) -> None:
    """The day's copy of the SQLite file when the program closes (at most one a day, rotated).

    Never stops the program from closing: a failure is logged, and the next close tries again.
    """
    from services.backup import automatic_backup, backup_folder

    try:
        made = automatic_backup(database, folder or backup_folder(), now=now)
    except Exception:
        log.exception("automatic backup failed")
        return
    if made is not None:
        log.info("backup saved: %s", made)
