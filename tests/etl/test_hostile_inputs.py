"""Inputs written to break the ETL: injected SQL, wrong types, wrong targets."""

import json
import os
import signal
import subprocess
import sys

import duckdb
import pytest

from etl.config import load_config
from etl.errors import ConfigError, SourceError
from etl.refresh import refresh
from tests.conftest import write_csv, write_mapping

ACCOUNTS = {"name": "accounts", "table": "accounts", "path": "accounts.csv",
            "columns": {"account_id": "id", "customer_name": "Name"}}


def test_header_with_sql_stays_a_column_name(tmp_path):
    header = ('id" AS VARCHAR) AS a, (SELECT content FROM read_text(\'/etc/passwd\')) '
              'AS leaked, CAST("id')
    (tmp_path / "accounts.csv").write_text(f'id,Name,"{header.replace(chr(34), 2 * chr(34))}"\n'
                                           "A1,,x\nA2,Acme,y\n")
    refresh(write_mapping(tmp_path, [ACCOUNTS]), tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        record = json.loads(con.execute("SELECT record FROM quarantine").fetchall()[0][0])
        loaded = con.execute("SELECT account_id FROM accounts").fetchall()
    assert record[header] == "x"
    assert "root:" not in json.dumps(record)
    assert loaded == [("A2",)]


def test_header_with_statement_break_writes_nothing(tmp_path):
    target = tmp_path / "written.txt"
    header = f'id" AS VARCHAR) FROM x; COPY (SELECT 1) TO \'{target}\'; SELECT CAST("id'
    (tmp_path / "accounts.csv").write_text(
        f'id,Name,"{header.replace(chr(34), 2 * chr(34))}"\nA1,Acme,x\n')
    refresh(write_mapping(tmp_path, [ACCOUNTS]), tmp_path / "w.duckdb")
    assert not target.exists()


def test_lineage_column_name_in_export_is_rejected(tmp_path):
    write_csv(tmp_path, "accounts.csv", """
        id,Name,_row
        A1,Acme,7
    """)
    with pytest.raises(SourceError, match="column `_row` has the name of a lineage column"):
        refresh(write_mapping(tmp_path, [ACCOUNTS]), tmp_path / "w.duckdb")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"delimeter": ";"}, "unknown key `delimeter`; did you mean `delimiter`?"),
        ({"header_row": "two"}, "`header_row` must be a whole number"),
        ({"header_row": 0}, "`header_row` must be 1 or more"),
        ({"incremental": "no"}, "`incremental` must be true or false"),
        ({"date_format": 5}, "`date_format` must be text or a list of text"),
        ({"columns": "id"}, "`columns` must be a table"),
        ({"values": {"status": "won"}}, "`values.status` must be a table"),
        ({"table": ["accounts"]}, "`table` must be text"),
    ],
)
def test_source_entry_of_wrong_shape_is_config_error(tmp_path, entry, message):
    write_csv(tmp_path, "accounts.csv", "id,Name\nA1,Acme")
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        load_config(write_mapping(tmp_path, [{**ACCOUNTS, **entry}]))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"payment_terms_days": "thirty"}, "`settings.payment_terms_days` must be a whole"),
        ({"grace_days": 1.5}, "`settings.grace_days` must be a whole number"),
        ({"timezone": 5}, "`settings.timezone` must be text"),
        ({"stage_probability": {"Won": 7}}, "stage_probability `Won` must be a number from 0"),
    ],
)
def test_settings_of_wrong_type_are_config_error(tmp_path, settings, message):
    write_csv(tmp_path, "accounts.csv", "id,Name\nA1,Acme")
    with pytest.raises(ConfigError, match=message):
        load_config(write_mapping(tmp_path, [ACCOUNTS], settings))


def test_mapping_file_not_utf8_is_config_error(tmp_path):
    path = tmp_path / "lead2cash.toml"
    path.write_bytes(b'[settings]\nreporting_currency = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_refresh_leaves_a_file_that_is_not_duckdb(tmp_path):
    write_csv(tmp_path, "accounts.csv", "id,Name\nA1,Acme")
    report = tmp_path / "report.xlsx"
    report.write_bytes(b"PK\x03\x04 spreadsheet bytes")
    with pytest.raises(ConfigError, match="is not a DuckDB file, so it is left alone"):
        refresh(write_mapping(tmp_path, [ACCOUNTS]), report)
    assert report.read_bytes() == b"PK\x03\x04 spreadsheet bytes"


def test_refresh_into_a_folder_is_config_error(tmp_path):
    write_csv(tmp_path, "accounts.csv", "id,Name\nA1,Acme")
    with pytest.raises(ConfigError, match="is a folder"):
        refresh(write_mapping(tmp_path, [ACCOUNTS]), tmp_path)


def test_killed_refresh_leftovers_are_removed_next_time(tmp_path):
    write_csv(tmp_path, "accounts.csv", "id,Name\nA1,Acme")
    config = write_mapping(tmp_path, [ACCOUNTS])
    db_path = tmp_path / "w.duckdb"
    refresh(config, db_path)
    stale = tmp_path / ".w.duckdb.building-deadbeef"
    stale.write_bytes(b"half a warehouse")

    refresh(config, db_path)
    assert not stale.exists()


def test_killed_refresh_keeps_old_warehouse(tmp_path):
    rows = "\n".join(f"A{i},Company {i % 5000}" for i in range(200_000))
    (tmp_path / "accounts.csv").write_text("id,Name\n" + rows + "\n")
    config = write_mapping(tmp_path, [ACCOUNTS])
    db_path = tmp_path / "w.duckdb"
    refresh(config, db_path)
    before = db_path.read_bytes()

    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from etl.refresh import refresh; refresh(sys.argv[1], sys.argv[2])",
         str(config), str(db_path)],
        env=dict(os.environ),
    )
    try:
        child.wait(timeout=0.8)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
    if child.returncode == 0:
        pytest.skip("the refresh finished before it could be killed")
    assert db_path.read_bytes() == before
