"""Load SQL files by name and run them with named parameters."""

import re
from importlib import resources

import duckdb

PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def quote_identifier(name: str) -> str:
    """Quote a column name for SQL, doubling any embedded double quote.

    Column names come from the extracts themselves, so they are data, and
    every place that writes one into SQL goes through here.
    """
    return '"' + name.replace('"', '""') + '"'


def read_sql(folder: str, name: str) -> str:
    """Return the text of `etl/<folder>/<name>.sql`."""
    return resources.files("etl").joinpath(folder, f"{name}.sql").read_text()


def split_statements(script: str) -> list[str]:
    """Split an SQL script on the semicolons that end a line, dropping comment lines."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.M)
    return [part.strip() for part in parts if part.strip()]


def bound_params(sql: str, params: dict | None) -> dict:
    """Return the parameters of `params` that `sql` names as `$name`.

    DuckDB rejects a parameter the statement does not use, so callers can pass
    one dict of every setting to every statement.
    """
    names = set(PARAMETER.findall(sql))
    return {k: v for k, v in (params or {}).items() if k in names}


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """Execute `sql`, binding only the parameters it names."""
    bound = bound_params(sql, params)
    return con.execute(sql, bound) if bound else con.execute(sql)


def run_script(con: duckdb.DuckDBPyConnection, folder: str, name: str, params: dict) -> None:
    """Run each statement of `etl/<folder>/<name>.sql` in order."""
    for statement in split_statements(read_sql(folder, name)):
        execute(con, statement, params)


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """Run `sql` and return a pandas DataFrame that keeps DECIMAL values as Decimal.

    DuckDB's own `.df()` turns DECIMAL into float64, which would put binary
    floats into money columns.
    """
    relation = con.sql(sql, params=bound_params(sql, params) or None)
    return relation.to_arrow_table().to_pandas()
