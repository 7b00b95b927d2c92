#!/usr/bin/env python3
"""Crediário: start-up and command line.

``python main.py`` opens the shop's database (creating it on first run) and shows the window;
``python main.py --demo`` opens a separate demo shop. Subcommands work without a screen.
Heavy imports (Qt, reportlab) happen only in the branch that needs them, to start fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"data inválida: {text!r} (use AAAA-MM-DD)") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"número inválido: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("use um número positivo")
    return value


def _add_db_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="arquivo SQLite a usar (em vez do padrão)")
    p.add_argument(
        "--database-url",
        metavar="URL",
        help="URL do banco, ex.: postgresql://usuario:senha@servidor/crediario "
        "(também: variável CREDIARIO_DATABASE_URL)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Crediário — balcão, carnês e cobrança do crediário próprio da loja.",
        epilog="Sem subcomando, abre a janela do programa.",
    )
    _add_db_options(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="abre a loja de demonstração (criada com dados fictícios na primeira vez)",
    )
    parser.add_argument(
        "--reset-demo", action="store_true", help="com --demo: recria a loja de demonstração"
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMANDO")

    seed = sub.add_parser(
        "seed",
        help="gera uma loja fictícia (para testes de volume)",
        description="Gera clientes e vendas fictícios, determinísticos pela semente.",
    )
    _add_db_options(seed)
    seed.add_argument("--customers", type=_positive, default=300, help="clientes (padrão 300)")
    seed.add_argument(
        "--sales", type=_positive, default=None, help="vendas (padrão: 2,5 por cliente)"
    )
    seed.add_argument("--seed", type=int, default=2026, help="semente (padrão 2026)")
    seed.add_argument("--today", type=_date, default=None, help="data de referência (AAAA-MM-DD)")

    migrate = sub.add_parser("migrate", help="atualiza o esquema do banco e sai")
    _add_db_options(migrate)

    audit = sub.add_parser("audit", help="verifica a trilha de auditoria")
    audits = audit.add_subparsers(dest="audit", metavar="AÇÃO", required=True)
    verify = audits.add_parser(
        "verify", help="confere o encadeamento da trilha e aponta o primeiro registro alterado"
    )
    _add_db_options(verify)

    info = sub.add_parser("info", help="mostra onde está o banco e a versão do esquema")
    _add_db_options(info)

    backup = sub.add_parser(
        "backup",
        help="grava uma cópia de segurança do banco SQLite (conferida) e sai",
        description="Copia o banco com o programa aberto ou não, e confere a cópia.",
    )
    _add_db_options(backup)
    backup.add_argument(
        "--out", metavar="ARQUIVO", help="onde gravar (padrão: pasta backups/ dos dados)"
    )
    restore = sub.add_parser(
        "restore",
        help="substitui o banco por uma cópia de segurança (o atual é guardado ao lado)",
        description="Confere a cópia, guarda o banco atual com outro nome, coloca a cópia no "
        "lugar e atualiza o esquema. Feche o programa em todos os computadores antes.",
    )
    restore.add_argument("file", metavar="ARQUIVO", help="cópia de segurança a restaurar")
    _add_db_options(restore)

    printing = sub.add_parser(
        "print",
        help=(
            "gera o PDF de um carnê, boleto, recibo, demonstrativo, fechamento de caixa ou "
            "termo de acordo"
        ),
        description="Gera um documento em PDF a partir do banco de dados.",
    )
    docs = printing.add_subparsers(dest="document", metavar="DOCUMENTO", required=True)
    carne = docs.add_parser("carne", help="carnê das parcelas em aberto de uma venda")
    carne.add_argument("--sale", type=_positive, required=True, metavar="ID", help="nº da venda")
    carne.add_argument(
        "--per-page", type=int, choices=(1, 3), default=3, help="boletos por folha A4 (3 ou 1)"
    )
    slip = docs.add_parser("slip", help="boleto de uma parcela (2ª via atualizada se vencida)")
    slip.add_argument(
        "--installment", type=_positive, required=True, metavar="ID", help="nº da parcela"
    )
    receipt = docs.add_parser("receipt", help="recibo de um pagamento")
    receipt.add_argument(
        "--payment", type=_positive, required=True, metavar="ID", help="nº do pagamento"
    )
    receipt.add_argument("--a4", action="store_true", help="folha A4 em vez de bobina de 80 mm")
    disclosure = docs.add_parser("disclosure", help="demonstrativo da venda a prazo (CDC art. 52)")
    disclosure.add_argument(
        "--sale", type=_positive, required=True, metavar="ID", help="nº da venda"
    )
    closing = docs.add_parser("cash", help="fechamento de um caixa (parcial se ainda aberto)")
    closing.add_argument(
        "--session", type=_positive, required=True, metavar="ID", help="nº do caixa"
    )
    closing.add_argument("--a4", action="store_true", help="folha A4 em vez de bobina de 80 mm")
    agreement = docs.add_parser(
        "agreement", help="termo de acordo e confissão de dívida (ou, com --carne, o novo carnê)"
    )
    agreement.add_argument(
        "--agreement", type=_positive, required=True, metavar="ID", help="nº do acordo"
    )
    agreement.add_argument(
        "--carne", action="store_true", help="o carnê das parcelas do acordo em vez do termo"
    )
    for doc in (carne, slip, receipt, disclosure, closing, agreement):
        _add_db_options(doc)
        doc.add_argument("--out", required=True, metavar="ARQUIVO", help="PDF a gravar")
        doc.add_argument(
            "--today", type=_date, default=None, help="data de referência (AAAA-MM-DD)"
        )
    report = sub.add_parser(
        "report",
        help="gera o fechamento do dia (PDF) ou a lista de clientes em atraso (CSV/XLSX)",
        description="Relatórios do fim do dia, a partir do banco de dados.",
    )
    reports = report.add_subparsers(dest="report", metavar="RELATÓRIO", required=True)
    day = reports.add_parser("day", help="fechamento do dia em PDF")
    day.add_argument("--out", required=True, metavar="ARQUIVO", help="PDF a gravar")
    overdue = reports.add_parser(
        "overdue",
        help="clientes em atraso: uma linha por cliente (CPF, nome, faixa, dias, valores)",
    )
    overdue.add_argument("--csv", metavar="ARQUIVO", help="CSV a gravar (separador ;)")
    overdue.add_argument("--xlsx", metavar="ARQUIVO", help="planilha XLSX a gravar")
    for rep in (day, overdue):
        _add_db_options(rep)
        rep.add_argument(
            "--date", type=_date, default=None, help="dia do relatório (AAAA-MM-DD; padrão: hoje)"
        )
    return parser


def _open_database(args: argparse.Namespace, *, demo: bool = False):  # type: ignore[no-untyped-def]
    from services import config
    from services.db import Database

    location = config.resolve_database(args.db, args.database_url, demo=demo)
    return Database.open(location.url), location


def _cmd_seed(args: argparse.Namespace) -> int:
    import time

    from services import db as dbmod
    from services import demo

    database, location = _open_database(args)
    try:
        dbmod.upgrade(database)
    except BaseException:
        database.dispose()
        raise
    today = args.today or date.today()
    sales = args.sales if args.sales is not None else max(1, int(args.customers * 2.5))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:,}/{total:,} clientes".replace(",", "."), end="", file=sys.stderr)

    try:
        summary = demo.generate(
            database,
            customers=args.customers,
            sales=sales,
            today=today,
            seed=args.seed,
            progress=progress,
        )
    finally:
        database.dispose()
    print(file=sys.stderr)
    print(
        f"{summary.customers} clientes, {summary.sales} vendas, {summary.installments} parcelas, "
        f"{summary.payments} pagamentos em {time.perf_counter() - started:.1f} s → {location.url}"
    )
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from services import db as dbmod

    database, location = _open_database(args)
    try:
        applied = dbmod.upgrade(database)
    finally:
        database.dispose()
    print(("Esquema atualizado" if applied else "Esquema já atualizado") + f": {location.url}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from services import db as dbmod

    database, location = _open_database(args)
    print(f"Banco: {location.url} ({location.source})")
    try:
        current = dbmod.current_revision(database) or "vazio"
    finally:
        database.dispose()
    print(f"Esquema: {current} (programa: {dbmod.head_revision()})")
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from services import audit
    from services import db as dbmod

    database, _location = _open_database(args)
    try:
        dbmod.check_not_newer(database)
        with database.unit_of_work() as uow:
            intact, message = audit.verdict(uow.session)
    finally:
        database.dispose()
    print(message, file=sys.stdout if intact else sys.stderr)
    return 0 if intact else 1


def _cmd_backup(args: argparse.Namespace) -> int:
    import time
    from datetime import datetime
    from pathlib import Path

    from services import backup

    database, _location = _open_database(args)
    out = (
        Path(args.out) if args.out else backup.backup_folder() / backup.manual_name(datetime.now())
    )
    started = time.perf_counter()
    try:
        backup.backup_to(database, out)
    except backup.BackupRefused as exc:
        print(f"Não foi possível fazer a cópia: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"Não foi possível gravar{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    size = f"{out.stat().st_size / 2**20:.1f}".replace(".", ",")
    elapsed = f"{time.perf_counter() - started:.2f}".replace(".", ",")
    print(f"Cópia de segurança conferida e gravada em {out} ({size} MiB, {elapsed} s)")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path

    from services import backup

    database, _location = _open_database(args)
    target = database.sqlite_path
    database.dispose()
    if target is None:
        print(
            "Este banco é PostgreSQL: restaure no servidor (pg_restore), não por aqui.",
            file=sys.stderr,
        )
        return 1
    try:
        result = backup.restore(Path(args.file), target, now=datetime.now())
    except (backup.BackupDamaged, backup.BackupRefused) as exc:
        print(f"Restauração recusada: {exc}", file=sys.stderr)
        return 1
    print(result.describe())
    return 0


def _cmd_print(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services import db as dbmod
    from services.printing import PrintJob, PrintRefused, render

    database, _location = _open_database(args)
    dbmod.check_not_newer(database)
    kinds = {"cash": "cash_closing"}
    if getattr(args, "carne", False):
        kinds["agreement"] = "agreement_carne"
    record = {
        "carne": "sale",
        "slip": "installment",
        "receipt": "payment",
        "disclosure": "sale",
        "cash": "session",
        "agreement": "agreement",
    }[args.document]
    job = PrintJob(
        kind=kinds.get(args.document, args.document),
        record_id=getattr(args, record),
        today=args.today or date.today(),
        receipt_size="a4" if getattr(args, "a4", False) else "roll",
        per_page=getattr(args, "per_page", 3),
    )
    try:
        with database.unit_of_work() as uow:
            pdf = render(uow.session, job)
    except (PrintRefused, ValueError) as exc:
        print(f"Não foi possível imprimir: {exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()  # a PostgreSQL connection left open warns at garbage collection
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    print(f"{out} ({len(pdf) // 1024} KiB)")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from services import db as dbmod
    from services.printing import PrintRefused

    if args.report == "overdue" and not (args.csv or args.xlsx):
        print("Informe onde gravar a lista: --csv ARQUIVO e/ou --xlsx ARQUIVO.", file=sys.stderr)
        return 1
    database, _location = _open_database(args)
    try:
        dbmod.check_not_newer(database)
        day = args.date or date.today()
        write = _report_day if args.report == "day" else _report_overdue
        message = write(database, day, args)
    except (PrintRefused, ValueError) as exc:
        print(f"Não foi possível gerar o relatório: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"Não foi possível gravar{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(message)
    return 0


def _report_day(database, day: date, args: argparse.Namespace) -> str:  # type: ignore[no-untyped-def]
    from datetime import datetime
    from pathlib import Path

    from services import reports
    from services.documents.day_report import render_day_report

    with database.unit_of_work() as uow:
        report = reports.day_report(
            uow.session, day, generated_at=datetime.now(), operator="linha de comando"
        )
    pdf = render_day_report(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return f"{out} ({len(pdf) // 1024} KiB)"


def _report_overdue(database, day: date, args: argparse.Namespace) -> str:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from services import exports, reports

    with database.unit_of_work() as uow:
        rows = reports.overdue_report_rows(uow.session, day)
    written = []
    for path, write in ((args.csv, exports.overdue_csv), (args.xlsx, exports.overdue_xlsx)):
        if path:
            out = Path(path)
            out.parent.mkdir(parents=True, exist_ok=True)
            write(rows, out)
            written.append(str(out))
    customers = "1 cliente" if len(rows) == 1 else f"{len(rows)} clientes"
    return f"{', '.join(written)} ({customers} em atraso em {day:%d/%m/%Y})"


def _cmd_gui(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(
        db_path=args.db, database_url=args.database_url, demo=args.demo, reset_demo=args.reset_demo
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from services.db import DatabaseError

    commands = {
        "seed": _cmd_seed,
        "migrate": _cmd_migrate,
        "info": _cmd_info,
        "backup": _cmd_backup,
        "restore": _cmd_restore,
        "print": _cmd_print,
        "audit": _cmd_audit,
        "report": _cmd_report,
    }
    try:
        return commands.get(args.command, _cmd_gui)(args)
    except DatabaseError as exc:
        print(f"Erro: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
