"""Options and helpers shared by every `lead2cash` subcommand module."""

import datetime as dt
from pathlib import Path

import click
import duckdb

from etl.config import default_db_path
from etl.errors import WarehouseMissingError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def db_option(function):
    """Add the --db option that names the warehouse file."""
    return click.option(
        "--db", "db_path", type=click.Path(path_type=Path), default=None,
        help="Warehouse file [default: $LEAD2CASH_DB or data/lead2cash.duckdb].",
    )(function)


def resolve_db(db_path: Path | None) -> Path:
    """Return --db if given, else the default warehouse path."""
    return Path(db_path) if db_path else default_db_path()


def open_warehouse(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, or raise WarehouseMissingError."""
    from etl.refresh import is_duckdb_file

    if not db_path.is_file():
        raise WarehouseMissingError(
            f"warehouse `{db_path}` not found; run `lead2cash refresh --config FILE "
            f"--db {db_path}` (or `lead2cash demo`) first"
        )
    if not is_duckdb_file(db_path):
        raise WarehouseMissingError(
            f"`{db_path}` is not a DuckDB warehouse; pass the file that "
            "`lead2cash refresh` wrote with --db"
        )
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise WarehouseMissingError(f"cannot open warehouse `{db_path}`: {error}") from error


def parse_date(ctx, param, value):
    """Parse an ISO date option; a click callback."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date; use YYYY-MM-DD") from None
