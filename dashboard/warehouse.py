"""Read-only access to the DuckDB warehouse, with results cached per file version.

A refresh writes a new warehouse file and swaps it in with `os.replace`, so the
file's inode and modification time identify one version of the data. Every cached
result is keyed on that identity, and the connection is reopened when it changes.
"""

import contextlib
import logging
import os
import re
import threading
from pathlib import Path
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

import duckdb
import pandas as pd
import streamlit as st

# SQL_DIR and bind_parameters are re-exported for callers of this module.
from dashboard.tables import SQL_DIR, bind_parameters, fetch_sql, load_sql  # noqa: F401
from etl.schema import TABLES

logger = logging.getLogger(__name__)
T = TypeVar("T")

DB_PATH_ENV = "LEAD2CASH_DB"
DEFAULT_DB_PATH = Path("data") / "lead2cash.duckdb"


class FileIdentity(NamedTuple):
    """One version of the warehouse file."""

    path: str
    inode: int
    mtime_ns: int


class RowTotal(NamedTuple):
    """Rows of a drill-down, how many have a value in the summed column, and the sum."""

    row_count: int
    value_count: int
    total: Decimal | None


class WarehouseError(Exception):
    """The warehouse file exists but a query on it failed."""


def db_path() -> Path:
    """Return the warehouse path: `LEAD2CASH_DB`, else the default under the cwd."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


def file_identity(path: Path | None = None) -> FileIdentity | None:
    """Return the identity of the warehouse file, or None when it does not exist."""
    path = path or db_path()
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return FileIdentity(str(path.resolve()), stat.st_ino, stat.st_mtime_ns)


class _Connection:
    """The open read-only connection and the file version it was opened on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.identity: FileIdentity | None = None
        self.connection: duckdb.DuckDBPyConnection | None = None

    def reopen(self, identity: FileIdentity) -> None:
        # DuckDB shares one database instance per path among its open connections,
        # so the old connection must be closed before the new file can be opened.
        if self.connection is not None:
            self.connection.close()
        logger.info("open warehouse %s (inode %s)", identity.path, identity.inode)
        self.connection = duckdb.connect(identity.path, read_only=True)
        self.identity = identity


@st.cache_resource(show_spinner=False)
def _shared_connection() -> _Connection:
    return _Connection()


@contextlib.contextmanager
def connect(identity: FileIdentity) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a cursor on the warehouse version `identity`, reopening it if replaced.

    NOTE: queries of all sessions run one at a time, because the connection can
    only be swapped when no cursor is open on the old file.
    """
    shared = _shared_connection()
    with shared.lock:
        if shared.identity != identity or shared.connection is None:
            shared.reopen(identity)
        with shared.connection.cursor() as cursor:
            yield cursor


def call(identity: FileIdentity, function: Callable[..., T], **kwargs: Any) -> T:
    """Return `function(cursor, **kwargs)`, raising WarehouseError on a DuckDB error."""
    try:
        with connect(identity) as con:
            return function(con, **kwargs)
    except duckdb.Error as error:
        raise WarehouseError(
            f"reading the warehouse {identity.path} failed: {error}. If the file "
            "was written by an older version, rebuild it with `lead2cash refresh "
            "--config FILE` or `lead2cash demo`."
        ) from error


def _fetch(identity: FileIdentity, sql: str, params: dict[str, Any], fetch):
    def run(con):
        return fetch(con.execute(sql, bind_parameters(sql, params)))

    return call(identity, run)


def _to_frame(result) -> pd.DataFrame:
    # Through Arrow, DECIMAL stays Decimal and DATE stays `datetime.date`, so the
    # frame on screen is the one the export files are written from.
    return result.to_arrow_table().to_pandas()


def _to_tuples(result) -> list[tuple]:
    return result.fetchall()


def _to_first_row(result) -> tuple:
    return result.fetchone()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_frame(name: str, params: tuple, identity: FileIdentity) -> pd.DataFrame:
    return call(identity, fetch_sql, name=name, params=dict(params))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_rows(name: str, params: tuple, identity: FileIdentity) -> list[tuple]:
    return _fetch(identity, load_sql(name), dict(params), _to_tuples)


def query(identity: FileIdentity, name: str, **params: Any) -> pd.DataFrame:
    """Run `sql/<name>.sql` with `$name` parameters and return a data frame."""
    return _cached_frame(name, tuple(sorted(params.items())), identity)


def query_rows(identity: FileIdentity, name: str, **params: Any) -> list[tuple]:
    """Run `sql/<name>.sql` and return tuples, keeping DECIMAL values exact."""
    return _cached_rows(name, tuple(sorted(params.items())), identity)


# Row count, count of values and exact sum of one column over the rows of a
# drill-down query.
ROW_TOTAL_SQL = (
    "SELECT count(*) AS row_count, count({column}) AS value_count, "
    "sum({column}) AS total FROM ({rows})"
)
# Loaded rows of one source; the table name comes from the canonical schema.
SOURCE_ROWS_SQL = "SELECT * FROM {table} WHERE _source = $source ORDER BY _file, _row"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_total(name: str, column: str, params: tuple, identity: FileIdentity):
    sql = ROW_TOTAL_SQL.format(column=column, rows=load_sql(name))
    return RowTotal(*_fetch(identity, sql, dict(params), _to_first_row))


def query_total(
    identity: FileIdentity, name: str, column: str, **params: Any
) -> RowTotal:
    """Return the row count and sum of `column` over the rows of `sql/<name>.sql`."""
    if not _IDENTIFIER.fullmatch(column):
        raise ValueError(f"invalid column name {column!r}: use [a-z_][a-z0-9_]*")
    return _cached_total(name, column, tuple(sorted(params.items())), identity)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_source_rows(table: str, source: str, identity: FileIdentity):
    sql = SOURCE_ROWS_SQL.format(table=table)
    return _fetch(identity, sql, {"source": source}, _to_frame)


def query_source_rows(identity: FileIdentity, table: str, source: str) -> pd.DataFrame:
    """Return the rows that source `source` loaded into the canonical table `table`."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: expected one of {sorted(TABLES)}")
    return _cached_source_rows(table, source, identity)
