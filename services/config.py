"""Where the database is: the terminal's own configuration, outside the database itself.

Precedence: ``--db``/``--database-url`` on the command line, then ``CREDIARIO_DATABASE_URL``,
then ``config.json`` in the user's config folder, then SQLite in the user's data folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "Crediario"
ENV_URL = "CREDIARIO_DATABASE_URL"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True)


def config_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "config.json"


def default_sqlite_path(*, demo: bool = False) -> Path:
    return data_dir() / ("crediario-demo.db" if demo else "crediario.db")


def read_config() -> dict[str, object]:
    path = config_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_config(values: dict[str, object]) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_config() | values
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


@dataclass(frozen=True)
class DatabaseLocation:
    url: str
    source: str  # "linha de comando", "variável de ambiente", "configuração", "padrão"


def resolve_database(
    cli_db: str | None = None, cli_url: str | None = None, *, demo: bool = False
) -> DatabaseLocation:
    if cli_url:
        return DatabaseLocation(cli_url, "linha de comando")
    if cli_db:
        return DatabaseLocation(cli_db, "linha de comando")
    if demo:
        return DatabaseLocation(str(default_sqlite_path(demo=True)), "demonstração")
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return DatabaseLocation(env, "variável de ambiente")
    configured = read_config().get("database_url")
    if isinstance(configured, str) and configured.strip():
        return DatabaseLocation(configured.strip(), "configuração")
    return DatabaseLocation(str(default_sqlite_path()), "padrão")
