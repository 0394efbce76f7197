"""The `lead2cash export` command: one dashboard table as a CSV or XLSX file.

It runs the SQL files the dashboard's tables run (`dashboard/sql/`), so the file
has the same rows, columns and bytes as the dashboard's download under the
same filters.
"""

import datetime as dt
import inspect
import logging
import time
from pathlib import Path

import click

from dashboard.tables import (
    DELIMITERS, EXPORT_TABLES, FORMATS, TableFilters, fetch_export, frame_bytes,
)
from etl.cli_common import open_warehouse
from etl.config import default_db_path
from etl.kpis import data_span

logger = logging.getLogger(__name__)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TABLE_HELP = "; ".join(f"{name}: {table.description}" for name, table in
                       EXPORT_TABLES.items())


def resolve_period(con, start: dt.date | None, end: dt.date | None):
    """Fill a missing start or end with the span of the data, as the KPIs do."""
    span = data_span(con) or (dt.date.today(), dt.date.today())
    start, end = start or span[0], end or span[1]
    if end < start:
        raise click.BadParameter(
            f"--end {end} is before --start {start}; swap the two dates",
            param_hint="--end",
        )
    return start, end


@click.command("export", context_settings=CONTEXT)
@click.argument("table", type=click.Choice(list(EXPORT_TABLES)))
@click.option(
    "--db", "db_path", type=click.Path(path_type=Path), default=None,
    help="Warehouse file [default: $LEAD2CASH_DB or data/lead2cash.duckdb].",
)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day of the period, YYYY-MM-DD [default: first date in "
                   "the data].")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Last day of the period, YYYY-MM-DD; AR is taken on it "
                   "[default: last date in the data].")
@click.option("--owner", default=None, help="Keep one deal owner (sales rep).")
@click.option("--team", default=None, help="Keep one sales team.")
@click.option("--customer", default=None,
              help="Keep one customer, by its customer_key (e.g. CUS-9C200A07D4).")
@click.option("--segment", default=None, help="Keep one customer segment.")
@click.option("--currency", default=None,
              help="Keep documents in one ISO currency code.")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="csv",
              show_default=True, help="File format.")
@click.option("--delimiter", type=click.Choice(DELIMITERS), default=",",
              show_default=True,
              help="CSV field delimiter; ';' suits European Excel.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="File to write.")
def export_command(table, db_path, start, end, owner, team, customer, segment,
                   currency, file_format, delimiter, out_path):
    """Write one dashboard TABLE under the given filters as a CSV or XLSX file.

    CSV files are UTF-8 with a byte order mark, money is plain decimals, dates
    are ISO 8601, and text that a spreadsheet would run as a formula is quoted.

    Example: lead2cash export invoices --db data/lead2cash.duckdb --start
    2025-01-01 --end 2025-03-31 --delimiter ';' --out invoices.csv
    """
    started = time.monotonic()
    db_path = Path(db_path) if db_path else default_db_path()
    check_out_path(out_path, db_path)
    con = open_warehouse(db_path)
    try:
        first, last = resolve_period(
            con, start and start.date(), end and end.date()
        )
        filters = TableFilters(first, last, owner, team, customer, segment, currency)
        rows = fetch_export(con, table, filters)
    finally:
        con.close()
    out_path.write_bytes(frame_bytes(rows, file_format, delimiter))
    logger.info(
        "export %s: %s rows to %s in %.2f s",
        table, f"{len(rows):,}", out_path, time.monotonic() - started,
    )


def check_out_path(out_path: Path, db_path: Path) -> None:
    """Refuse to write over the warehouse or into a folder that does not exist."""
    if out_path.resolve() == db_path.resolve():
        raise click.BadParameter(
            f"`{out_path}` is the warehouse itself; choose another file", param_hint="--out"
        )
    if not out_path.parent.is_dir():
        raise click.BadParameter(
            f"folder `{out_path.parent}` not found; create it first", param_hint="--out"
        )


export_command.help = (
    f"{inspect.cleandoc(export_command.help)}\n\nTables: {TABLE_HELP}."
)
