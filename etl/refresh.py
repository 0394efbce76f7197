"""Refresh the warehouse: build a new DuckDB file, then swap it in atomically.

A dashboard reading the old file keeps its open handle until it reopens, and a
refresh that fails removes its half-built file and leaves the old one as it was.
"""

import contextlib
import datetime as dt
import fcntl
import glob
import json
import logging
import os
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.config import Config, load_config
from etl.errors import ConfigError, Lead2CashError, RefreshError
from etl.load import RUN_TABLES_SQL, create_tables, derive
from etl.sqlfiles import split_statements
from etl.incremental import (
    PREVIOUS, attach_previous, carry_over, keep_changed_rows, previous_tables, watermark,
)
from etl.parse import parse_source, sql_literal
from etl.read import read_source, staging_table

logger = logging.getLogger(__name__)


@dataclass
class SourceCounts:
    """Rows read, loaded and quarantined for one source file."""

    source: str
    table: str
    file: str
    sha256: str
    rows_read: int
    rows_loaded: int = 0
    rows_quarantined: int = 0
    mode: str = "full"
    rows_carried: int = 0


@dataclass
class RefreshResult:
    """Outcome of one refresh: run id, timing and per-file row counts."""

    run_id: str
    db_path: Path
    started_at: dt.datetime
    finished_at: dt.datetime
    files: list[SourceCounts] = field(default_factory=list)
    unmapped: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(source, column, value, rows) for each status value that no map contains."""

    def summary(self) -> str:
        """Return one line per source file: rows read = loaded + quarantined."""
        lines = [f"refresh {self.run_id} -> {self.db_path}"]
        for f in self.files:
            lines.append(
                f"  {f.source:<18} {f.table:<13} read {f.rows_read:>9,}  "
                f"loaded {f.rows_loaded:>9,}  quarantined {f.rows_quarantined:>7,}  "
                f"{Path(f.file).name}"
                + (f"  (incremental, {f.rows_carried:,} unchanged kept)"
                   if f.mode == "incremental" else "")
            )
        if self.unmapped:
            lines.append("unmapped values (add them to [sources.values.status]):")
            for source, column, value, rows in self.unmapped:
                lines.append(f"  {source:<18} {column:<16} `{value}` on {rows:,} row(s)")
        return "\n".join(lines)


def refresh(config_path: Path, db_path: Path, mode: str = "auto") -> RefreshResult:
    """Load every source of the mapping file into a new warehouse at `db_path`.

    `mode` "auto" loads incremental sources incrementally when a previous
    warehouse exists; "full" reads every source in full.
    """
    config = load_config(Path(config_path))
    _check_timezone(config)
    db_path = Path(db_path)
    check_target(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with refresh_lock(db_path):
        remove_stale_builds(db_path)
        return _refresh_locked(config, db_path, mode)


def _refresh_locked(config: Config, db_path: Path, mode: str) -> RefreshResult:
    building = db_path.with_name(f".{db_path.name}.building-{uuid.uuid4().hex[:8]}")
    result = RefreshResult(
        run_id=dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
        db_path=db_path,
        started_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    started = time.perf_counter()
    try:
        _build(config, building, db_path, result, mode)
        os.replace(building, db_path)
    finally:
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)

    logger.info(
        "refresh %s: %d source file(s) into %s in %.2f s",
        result.run_id, len(result.files), db_path, time.perf_counter() - started,
    )
    return result


def check_target(db_path: Path) -> None:
    """Refuse to replace anything at `db_path` that is not a DuckDB warehouse."""
    if db_path.is_dir():
        raise ConfigError(f"--db `{db_path}` is a folder; give a file path such as "
                          f"{db_path / 'lead2cash.duckdb'}")
    if db_path.exists() and db_path.stat().st_size > 0 and not is_duckdb_file(db_path):
        raise ConfigError(
            f"--db `{db_path}` exists and is not a DuckDB file, so it is left alone; "
            "choose another path or remove the file"
        )


def is_duckdb_file(path: Path) -> bool:
    """Return True when `path` starts with DuckDB's file header."""
    with open(path, "rb") as handle:
        return handle.read(12)[8:12] == b"DUCK"


@contextlib.contextmanager
def refresh_lock(db_path: Path):
    """Hold an exclusive lock on `<db>.lock`, so refreshes of one warehouse run in turn."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("waiting for another refresh of %s to finish", db_path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_builds(db_path: Path) -> None:
    """Delete half-built files a killed refresh left; only called under the lock."""
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.building-*"):
        logger.warning("removing %s left by an interrupted refresh", stale)
        stale.unlink(missing_ok=True)


def _check_timezone(config: Config) -> None:
    try:
        zoneinfo.ZoneInfo(config.settings.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"{config.path}: unknown timezone `{config.settings.timezone}` in "
            "[settings]; use an IANA name such as Europe/Berlin"
        ) from error


def _build(config: Config, building: Path, db_path: Path, result: RefreshResult, mode: str):
    con = duckdb.connect(str(building))
    step = "create tables"
    try:
        con.execute(f"SET TimeZone = {sql_literal(config.settings.timezone)}")
        con.execute("SET memory_limit = ?", [config.settings.memory_limit])
        create_tables(con)
        has_previous = attach_previous(con, db_path)

        # read and parse each source in the order the mapping file lists them
        for source in config.sources:
            step = f"read {source.name}"
            files = read_source(con, source)
            since = None
            if source.incremental and has_previous and mode != "full":
                since = watermark(con, source)
            if since is not None:
                keep_changed_rows(con, source, since)
                files = _recount_files(con, source, files)
            step = f"parse {source.name}"
            parse_source(con, source, config.settings)
            counts = _count_files(con, source, files)
            for count in counts:
                count.mode = "incremental" if since is not None else "full"
            if since is not None:
                step = f"carry over {source.name}"
                counts[-1].rows_carried = carry_over(con, source)
            result.files.extend(counts)

        step = "derive"
        derive(con, config)
        result.unmapped = con.execute(
            "SELECT source, column_name, raw_value, count(*) FROM quarantine "
            "WHERE reason LIKE 'unmapped%' GROUP BY ALL ORDER BY ALL"
        ).fetchall()

        step = "record run"
        if has_previous:
            _copy_run_history(con)
            con.execute(f"DETACH {PREVIOUS}")
        result.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        _record_run(con, config, result)
        con.execute("CHECKPOINT")
    except Lead2CashError:
        raise
    except (duckdb.Error, ValueError, OSError) as error:
        raise RefreshError(step, error) from error
    finally:
        con.close()


def _count_files(con, source, files: list[dict]) -> list[SourceCounts]:
    counts = []
    for info in files:
        path = str(info["path"])
        # A grouped document counts every line it merged, so read = loaded + quarantined.
        loaded = con.execute(
            f"SELECT coalesce(sum(_lines), 0) FROM {source.table} "
            "WHERE _source = ? AND _file = ?",
            [source.name, path],
        ).fetchall()[0][0]
        quarantined = con.execute(
            "SELECT count(DISTINCT row_number) FROM quarantine WHERE source = ? AND file = ?",
            [source.name, path],
        ).fetchall()[0][0]
        if loaded + quarantined != info["rows_read"]:
            raise RefreshError(
                f"count {source.name}",
                ValueError(
                    f"{path}: read {info['rows_read']} rows but loaded {loaded} and "
                    f"quarantined {quarantined}; no row may be lost"
                ),
            )
        counts.append(
            SourceCounts(source.name, source.table, path, info["sha256"],
                         info["rows_read"], loaded, quarantined)
        )
    return counts


def _copy_run_history(con) -> None:
    """Carry earlier runs over from the warehouse being replaced."""
    for table in ("etl_runs", "etl_run_sources"):
        if table in previous_tables(con):
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {PREVIOUS}.{table}")


def _recount_files(con, source, files: list[dict]) -> list[dict]:
    """Set each file's rows read to the rows left after the incremental filter."""
    stage = staging_table(source)
    for info in files:
        info["rows_read"] = con.execute(
            f"SELECT count(*) FROM {stage} WHERE _file = ?", [str(info["path"])]
        ).fetchall()[0][0]
    return files


def _record_run(con, config: Config, result: RefreshResult) -> None:
    for statement in split_statements(RUN_TABLES_SQL):
        con.execute(statement)
    rows = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("accounts", "leads", "deals", "activities", "invoices",
                      "payments", "credit_notes", "returns", "fx_rates",
                      "customers", "quarantine")
    }
    run_mode = "incremental" if any(f.mode == "incremental" for f in result.files) else "full"
    con.execute(
        "INSERT INTO etl_runs VALUES (?, ?, ?, 'succeeded', ?, ?, ?)",
        [result.run_id, result.started_at, result.finished_at, run_mode,
         str(config.path.resolve()), json.dumps(rows)],
    )
    con.executemany(
        "INSERT INTO etl_run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(result.run_id, f.source, f.table, f.file, f.sha256, f.rows_read,
          f.rows_loaded, f.rows_quarantined, f.mode, f.rows_carried)
         for f in result.files],
    )
