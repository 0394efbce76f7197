"""Incremental loads of append-only sources.

A source marked `incremental = true` with `updated_at = "<source column>"`
reads only rows changed after the newest `updated_at` the previous warehouse
holds for it, and carries the previous warehouse's other rows (and their
quarantine entries) over unchanged. Append-only means rows are added or
changed, never deleted, so the result equals a full refresh of the same extract.
"""

import logging

import duckdb

from etl.config import SourceSpec
from etl.errors import SourceError
from etl.read import staging_table
from etl.schema import TABLES
from etl.sqlfiles import quote_identifier

logger = logging.getLogger(__name__)

PREVIOUS = "previous"


def attach_previous(con: duckdb.DuckDBPyConnection, db_path) -> bool:
    """Attach the warehouse being replaced as `previous`, read-only; False if absent."""
    from etl.parse import sql_literal

    if not db_path.exists():
        return False
    try:
        con.execute(f"ATTACH {sql_literal(str(db_path))} AS {PREVIOUS} (READ_ONLY)")
    except duckdb.Error as error:
        logger.warning("previous warehouse %s not readable, loading in full: %s",
                       db_path, error)
        return False
    return True


def previous_tables(con) -> set[str]:
    """Return the table names of the attached previous warehouse."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [PREVIOUS]
    ).fetchall()
    return {row[0] for row in rows}


def watermark(con, source: SourceSpec):
    """Return the newest `_updated_at` loaded for `source` before, or None."""
    table = TABLES[source.table].name
    if table not in previous_tables(con):
        return None
    columns = {r[0] for r in con.execute(f"DESCRIBE {PREVIOUS}.{table}").fetchall()}
    if "_updated_at" not in columns:
        return None
    return con.execute(
        f"SELECT max(_updated_at) FROM {PREVIOUS}.{table} WHERE _source = ?", [source.name]
    ).fetchall()[0][0]


def updated_at_sql(source: SourceSpec) -> str:
    """SQL for the staged row's updated-at timestamp."""
    column = quote_identifier(source.updated_at)
    return f"TRY_CAST(TRY_CAST(trim({column}) AS TIMESTAMPTZ) AS TIMESTAMP)"


def keep_changed_rows(con, source: SourceSpec, since) -> int:
    """Delete staged rows not changed after `since`; return how many are left."""
    stage = staging_table(source)
    headers = {r[0] for r in con.execute(f"DESCRIBE {stage}").fetchall()}
    if source.updated_at not in headers:
        raise SourceError(
            f"{source.origin}: `updated_at` column `{source.updated_at}` not found; "
            f"the file has {', '.join(sorted(headers - {'_file', '_row'}))}"
        )
    # Rows whose timestamp does not parse are kept, so nothing is skipped by mistake.
    con.execute(f"DELETE FROM {stage} WHERE {updated_at_sql(source)} <= ?", [since])
    key_column = source.columns.get(TABLES[source.table].key)
    key_sql = f"trim({quote_identifier(key_column)})" if key_column in headers else "NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {reread_table(source)} AS "
        f"SELECT DISTINCT {key_sql} AS key FROM {stage}"
    )
    return con.execute(f"SELECT count(*) FROM {stage}").fetchall()[0][0]


def reread_table(source: SourceSpec) -> str:
    """Return the temp table holding the keys of rows read again."""
    return staging_table(source) + "_reread"


def carry_over(con, source: SourceSpec) -> int:
    """Copy the previous rows of `source` whose key was not read again; return the count."""
    table = TABLES[source.table]
    key = table.key
    columns = ", ".join([*table.field_names, "_source", "_file", "_row", "_updated_at",
                         "_lines"])
    keys = reread_table(source)
    carried = con.execute(
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {PREVIOUS}.{table.name} "
        f"WHERE _source = ? AND {key} NOT IN (SELECT key FROM {keys} WHERE key IS NOT NULL)",
        [source.name],
    ).fetchall()[0][0]
    key_column = source.columns.get(key, key)
    con.execute(
        f"INSERT INTO quarantine SELECT * FROM {PREVIOUS}.quarantine AS q "
        "WHERE q.source = ? AND coalesce(trim(json_extract_string(q.record, ?)), '') "
        f"NOT IN (SELECT coalesce(key, '') FROM {keys})",
        [source.name, "$." + quote_identifier(key_column)],
    )
    logger.info("carry over %s: %s unchanged rows from the previous warehouse",
                source.name, f"{carried:,}")
    return carried
