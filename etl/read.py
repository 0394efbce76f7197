"""Read each source file into a staging table of text columns.

CSV, JSON and Parquet are read by DuckDB itself, so memory stays bounded by
DuckDB rather than by pandas. Excel workbooks go through pandas, cell by cell.
Every staging row carries `_file` and `_row` (record number after the header).
"""

import datetime as dt
import hashlib
import logging
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from etl.config import SourceSpec
from etl.errors import SourceError
from etl.sqlfiles import quote_identifier

logger = logging.getLogger(__name__)


def staging_table(source: SourceSpec) -> str:
    """Return the name of the staging table for `source`."""
    return "stg_" + "".join(c if c.isalnum() else "_" for c in source.name.lower())


def read_source(con: duckdb.DuckDBPyConnection, source: SourceSpec) -> list[dict]:
    """Load every file of `source` into its staging table.

    Returns one dict per file with its path, sha256 and the rows read, and
    stores rows the reader rejected (a broken CSV line) in `stg_rejects`.
    """
    started = time.perf_counter()
    if source.url:
        rows = read_database(con, source)
        logger.info(
            "read %s: %s rows from %s in %.2f s",
            source.name, f"{rows:,}", source.origin, time.perf_counter() - started,
        )
        return [{"path": source.origin, "sha256": None, "rows_read": rows}]
    parts = []
    files = []
    for index, path in enumerate(source.paths):
        part = f"{staging_table(source)}_{index}"
        rows = _read_file(con, source, path, part)
        parts.append(part)
        files.append({"path": path, "sha256": _sha256(path), "rows_read": rows})

    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {part}" for part in parts)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {staging_table(source)} AS {union}")
    for part in parts:
        con.execute(f"DROP TABLE {part}")

    total = sum(f["rows_read"] for f in files)
    logger.info(
        "read %s: %s rows from %d file(s) in %.2f s",
        source.name, f"{total:,}", len(files), time.perf_counter() - started,
    )
    return files


def read_database(con: duckdb.DuckDBPyConnection, source: SourceSpec) -> int:
    """Stream a database query or table into the staging table, in chunks.

    Rows travel as text, like every other source, so the same parsing rules
    apply; chunking keeps memory bounded for large tables.
    """
    import sqlalchemy

    sql = source.query or f"SELECT * FROM {_quoted_table(source.db_table)}"
    stage = staging_table(source)
    try:
        engine = sqlalchemy.create_engine(source.url)
    except (sqlalchemy.exc.SQLAlchemyError, ImportError, ValueError) as error:
        raise SourceError(
            f"source `{source.name}`: invalid database url {source.origin}: {error}. "
            "Check `url` in the mapping file and that its driver is installed."
        ) from error
    try:
        with engine.connect() as connection:
            offset = 0
            for chunk in pd.read_sql_query(
                sqlalchemy.text(sql), connection, chunksize=DB_CHUNK_ROWS,
                coerce_float=False,
            ):
                _append_chunk(con, stage, chunk, offset, source.origin)
                offset += len(chunk)
            if offset == 0:
                _append_chunk(con, stage, chunk_columns(connection, sql), 0, source.origin)
    except sqlalchemy.exc.SQLAlchemyError as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        raise SourceError(
            f"source `{source.name}`: database read from {source.origin} failed: "
            f"{error.__class__.__name__}: {first_line}. "
            "Check `url` and `query` in the mapping file."
        ) from error
    finally:
        engine.dispose()
    return con.execute(f"SELECT count(*) FROM {stage}").fetchall()[0][0]


DB_CHUNK_ROWS = 50_000


def chunk_columns(connection, sql: str) -> pd.DataFrame:
    """Return an empty frame with the columns of `sql`, for a query with no rows."""
    import sqlalchemy

    result = connection.execute(sqlalchemy.text(sql))
    return pd.DataFrame(columns=list(result.keys()))


def _append_chunk(con, stage: str, chunk: pd.DataFrame, offset: int, origin: str) -> None:
    text = chunk.apply(lambda column: column.map(_cell_text)).astype("string")
    text.columns = [_clean_header(str(c)) for c in text.columns]
    _reject_lineage_names(origin, list(text.columns))
    text["_file"] = origin
    text["_row"] = range(offset + 1, offset + len(text) + 1)
    con.register("db_chunk", text)
    if offset == 0:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT * FROM db_chunk")
    else:
        con.execute(f"INSERT INTO {stage} SELECT * FROM db_chunk")
    con.unregister("db_chunk")


def _quoted_table(name: str) -> str:
    parts = name.split(".")
    if not all(part.replace("_", "").isalnum() for part in parts):
        raise SourceError(f"invalid db_table `{name}`; use name or schema.name")
    return ".".join(f'"{part}"' for part in parts)


def _read_file(con, source: SourceSpec, path: Path, part: str) -> int:
    relation_sql, params = _reader_sql(con, source, path)
    try:
        con.execute(f"CREATE TEMP TABLE {part}_raw AS {relation_sql}", params)
    except duckdb.Error as error:
        raise SourceError(
            f"{path}: cannot read as {source.format}: {error}. "
            "Check `format`, `delimiter`, `encoding` and `sheet` in the mapping file."
        ) from error

    columns = [row[0] for row in con.execute(f"DESCRIBE {part}_raw").fetchall()]
    _reject_lineage_names(path, [_clean_header(c) for c in columns])
    selected = ", ".join(
        f"CAST({quote_identifier(c)} AS VARCHAR) AS {quote_identifier(_clean_header(c))}"
        for c in columns
    )
    con.execute(
        f"CREATE TEMP TABLE {part} AS SELECT {selected}, "
        f"CAST(? AS VARCHAR) AS _file, CAST(rowid + 1 AS BIGINT) AS _row "
        f"FROM {part}_raw ORDER BY rowid",
        [str(path)],
    )
    con.execute(f"DROP TABLE {part}_raw")
    rejected = _collect_rejects(con, source, path)
    if rejected:
        _renumber_after_rejects(con, source, path, part)
    return con.execute(f"SELECT count(*) FROM {part}").fetchall()[0][0] + rejected


def _renumber_after_rejects(con, source: SourceSpec, path: Path, part: str) -> None:
    # Kept rows were numbered 1..n among themselves; shift each past the
    # rejected records before it, so every record keeps its own number. The
    # k-th kept record is record k + #{rejects j : record_j - j < k}.
    con.execute(
        f"UPDATE {part} SET _row = _row + (SELECT count(*) FROM ("
        "SELECT record_number - row_number() OVER (ORDER BY record_number) AS kept_before "
        "FROM stg_rejects WHERE source = ? AND file = ?) AS r "
        f"WHERE r.kept_before < {part}._row)",
        [source.name, str(path)],
    )


def _reader_sql(con, source: SourceSpec, path: Path) -> tuple[str, list]:
    if source.format == "csv":
        options = [
            "all_varchar = true",
            "header = true",
            "quote = '\"'",
            "escape = '\"'",
            "store_rejects = true",
            "rejects_table = 'reject_errors'",
            "rejects_scan = 'reject_scans'",
            f"encoding = '{source.encoding}'",
        ]
        if source.header_row > 1:
            options.append(f"skip = {int(source.header_row) - 1}")
        if source.delimiter:
            options.append("delim = ?")
        params = [str(path)] + ([source.delimiter] if source.delimiter else [])
        return f"SELECT * FROM read_csv(?, {', '.join(options)})", params
    if source.format == "json":
        return "SELECT * FROM read_json(?, format = 'auto')", [str(path)]
    if source.format == "parquet":
        return "SELECT * FROM read_parquet(?)", [str(path)]
    frame = _read_excel(source, path)
    con.register("excel_frame", frame)
    return "SELECT * FROM excel_frame", []


def _collect_rejects(con, source: SourceSpec, path: Path) -> int:
    """Move CSV lines the reader rejected into `stg_rejects`; return how many."""
    if source.format != "csv":
        return 0
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS stg_rejects (source VARCHAR, file VARCHAR, "
        "record_number BIGINT, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR)"
    )
    # One quarantine row per rejected record, numbered like kept records
    # (line 1 is the header), however many of its columns the reader flagged.
    count = con.execute(
        "INSERT INTO stg_rejects SELECT ?, ?, line - 1 - ?, "
        "string_agg(DISTINCT column_name, ', '), any_value(csv_line), "
        "'unreadable line: ' || string_agg(DISTINCT error_type || ' ' || error_message, '; ') "
        "FROM reject_errors GROUP BY line",
        [source.name, str(path), source.header_row - 1],
    ).fetchall()[0][0]
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return count


def _read_excel(source: SourceSpec, path: Path) -> pd.DataFrame:
    engine = "calamine"
    try:
        frame = pd.read_excel(
            path,
            sheet_name=source.sheet or 0,
            header=source.header_row - 1,
            dtype=object,
            engine=engine,
        )
    except (ValueError, OSError, KeyError) as error:
        raise SourceError(
            f"{path}: cannot read sheet `{source.sheet or 'first'}`: {error}. "
            "Check `sheet` and `header_row` in the mapping file."
        ) from error
    frame = frame.dropna(how="all")
    return frame.apply(lambda column: column.map(_cell_text)).astype("string")


def _cell_text(value) -> str | None:
    """Turn one cell into the text an export would have written."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    if isinstance(value, float):
        # Plain notation, because "3.93e-05" is not a number the parser accepts.
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _reject_lineage_names(origin, headers: list[str]) -> None:
    clashes = sorted(set(headers) & {"_file", "_row"})
    if clashes:
        raise SourceError(
            f"{origin}: column `{clashes[0]}` has the name of a lineage column the "
            "warehouse adds to every row; rename it in the export"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
