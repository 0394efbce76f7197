"""Read each source file into a staging table of text columns.

CSV, JSON and Parquet are read by DuckDB itself, so memory stays bounded by
DuckDB rather than by pandas. Excel workbooks go through pandas, cell by cell.
Every staging row carries `_file` and `_row` (record number after the header).
"""

import datetime as dt
import hashlib
import logging
import time
from pathlib import Path

import duckdb
import pandas as pd

from etl.config import SourceSpec
from etl.errors import SourceError

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
    selected = ", ".join(
        f'CAST("{c}" AS VARCHAR) AS "{_clean_header(c)}"' for c in columns
    )
    con.execute(
        f"CREATE TEMP TABLE {part} AS SELECT {selected}, "
        f"CAST(? AS VARCHAR) AS _file, CAST(rowid + 1 AS BIGINT) AS _row "
        f"FROM {part}_raw ORDER BY rowid",
        [str(path)],
    )
    con.execute(f"DROP TABLE {part}_raw")
    rejected = _collect_rejects(con, source, path)
    return con.execute(f"SELECT count(*) FROM {part}").fetchone()[0] + rejected


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
        "line BIGINT, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR)"
    )
    count = con.execute(
        "INSERT INTO stg_rejects SELECT ?, ?, line, column_name, csv_line, "
        "error_type || ': ' || error_message FROM reject_errors",
        [source.name, str(path)],
    ).fetchone()[0]
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return count


def _read_excel(source: SourceSpec, path: Path) -> pd.DataFrame:
    engine = "xlrd" if source.format == "xls" else "openpyxl"
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
    return frame.apply(lambda column: column.map(_excel_cell_text)).astype("string")


def _excel_cell_text(value) -> str | None:
    """Turn one Excel cell into the text an export would have written."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().replace('"', "")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
