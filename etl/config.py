"""The mapping file: settings and sources, parsed and validated once."""

import dataclasses
import difflib
import datetime as dt
import glob
import os
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from etl.errors import ConfigError
from etl.schema import TABLES

DEFAULT_DB_PATH = Path("data") / "lead2cash.duckdb"
FORMATS = ("csv", "xlsx", "xls", "json", "parquet")
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
}
SEPARATORS = (".", ",", " ", "'", "")
ENCODINGS = ("utf-8", "latin-1", "utf-16")


@dataclass(frozen=True)
class Settings:
    """Reporting settings shared by the ETL, the KPIs and the dashboard."""

    reporting_currency: str = "USD"
    """ISO code every KPI is reported in."""
    timezone: str = "UTC"
    """Time zone that datetimes are turned into dates in."""
    payment_terms_days: int = 30
    """Days from issue to due date for invoices exported without a due date."""
    grace_days: int = 30
    """A won deal with no invoice after this many days counts as not invoiced."""
    tolerance_pct: Decimal = Decimal("0.01")
    """Allowed share of difference between invoiced total and deal amount."""
    tolerance_abs: Decimal = Decimal("1")
    """Allowed absolute difference; the larger of the two tolerances applies."""
    go_live: dt.date | None = None
    """Date the CRM and accounting were connected, for before/after views."""
    stage_probability: dict[str, Decimal] = field(default_factory=dict)
    """Win probability per stage name, used when deals carry none."""
    memory_limit: str = "4GB"
    """DuckDB memory limit during a refresh; larger work spills to disk."""
    customer_overrides: str | None = None
    """CSV of name pairs accepted or rejected as one customer, relative to the mapping."""


@dataclass(frozen=True)
class SourceSpec:
    """One source of the mapping file."""

    name: str
    table: str
    paths: tuple[Path, ...]
    format: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]]
    constants: dict[str, str]
    date_format: tuple[str, ...] = ()
    decimal: str = "."
    thousands: str = ","
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    url: str | None = None
    """SQLAlchemy URL of a database source; `${VAR}` is read from the environment."""
    query: str | None = None
    db_table: str | None = None
    preset: str | None = None
    incremental: bool = False
    """Read only rows changed since the last refresh (append-only sources)."""
    updated_at: str | None = None
    """Source column with each row's last-modified timestamp, for incremental loads."""
    group_lines: bool = False
    """Rows sharing the table key are lines of one document: money is summed."""

    @property
    def origin(self) -> str:
        """Name the file or database the rows come from, without any password."""
        if self.url:
            from sqlalchemy.engine import make_url

            safe_url = make_url(self.url).render_as_string(hide_password=True)
            return f"{safe_url} ({self.query or self.db_table})"
        return str(self.paths[0])


@dataclass(frozen=True)
class Config:
    """A parsed mapping file."""

    path: Path
    settings: Settings
    sources: tuple[SourceSpec, ...]


def load_config(path: Path) -> Config:
    """Read and validate the mapping file at `path`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"mapping file `{path}` not found; pass --config FILE")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text ({error}); save it as UTF-8") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error

    settings = _parse_settings(path, _typed(path, "settings", document.get("settings", {}),
                                            dict, "a table: [settings]"))
    entries = document.get("sources", [])
    if not entries:
        raise ConfigError(f"{path}: no [[sources]] listed; add one per extract file")
    _typed(path, "sources", entries, list, "an array of tables: [[sources]]")
    for index, entry in enumerate(entries):
        check_source_keys(f"{path}: source #{index + 1}", entry)
    sources = tuple(_parse_source(path, i, entry) for i, entry in enumerate(entries))
    _reject_duplicate_names(path, sources)
    return Config(path=path, settings=settings, sources=sources)


# The type each key of a [[sources]] entry takes, and how to say it in an error.
SOURCE_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "name": (str, "text"), "table": (str, "text"), "path": (str, "text"),
    "format": (str, "text"), "date_format": ((str, list), "text or a list of text"),
    "decimal": (str, "text"), "thousands": (str, "text"), "encoding": (str, "text"),
    "delimiter": (str, "text"), "sheet": (str, "text"), "header_row": (int, "a whole number"),
    "columns": (dict, "a table"), "values": (dict, "a table of tables"),
    "constants": (dict, "a table"), "url": (str, "text"), "query": (str, "text"),
    "db_table": (str, "text"), "preset": (str, "text"), "incremental": (bool, "true or false"),
    "updated_at": (str, "text"), "group_lines": (bool, "true or false"),
}
SETTING_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "reporting_currency": (str, "text"), "timezone": (str, "text"),
    "payment_terms_days": (int, "a whole number"), "grace_days": (int, "a whole number"),
    "tolerance_pct": ((int, float), "a number"), "tolerance_abs": ((int, float), "a number"),
    "go_live": ((str, dt.date), "a date"), "stage_probability": (dict, "a table"),
    "memory_limit": (str, "text such as 4GB"), "customer_overrides": (str, "text"),
}


def _typed(path, key: str, value, expected, described: str):
    # TOML booleans are ints to Python, so they never pass as a number.
    is_stray_bool = isinstance(value, bool) and bool not in _as_types(expected)
    if is_stray_bool or not isinstance(value, expected):
        raise ConfigError(f"{path}: `{key}` must be {described}, not `{value!r}`")
    return value


def _as_types(expected) -> tuple:
    return expected if isinstance(expected, tuple) else (expected,)


def check_source_keys(where: str, entry) -> None:
    """Reject a source entry with an unknown key or a value of the wrong type."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table under [[sources]], not `{entry!r}`")
    for key, value in entry.items():
        if key not in SOURCE_KEYS:
            close = difflib.get_close_matches(key, SOURCE_KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(f"{where}: unknown key `{key}`{hint}")
        expected, described = SOURCE_KEYS[key]
        _typed(where, key, value, expected, described)
    if entry.get("header_row", 1) < 1:
        raise ConfigError(f"{where}: `header_row` must be 1 or more (the header's line)")
    for field_name, mapping in entry.get("values", {}).items():
        _typed(where, f"values.{field_name}", mapping, dict, "a table")


def _parse_settings(path: Path, raw: dict) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting `{unknown[0]}` in [settings]; "
            f"known settings: {', '.join(sorted(known))}"
        )
    for key, value in raw.items():
        expected, described = SETTING_TYPES[key]
        _typed(path, f"settings.{key}", value, expected, described)
    for stage, probability in raw.get("stage_probability", {}).items():
        is_number = isinstance(probability, (int, float)) and not isinstance(probability, bool)
        if not is_number or not 0 <= probability <= 1:
            raise ConfigError(
                f"{path}: stage_probability `{stage}` must be a number from 0 to 1, "
                f"not `{probability!r}`"
            )
    values = dict(raw)
    try:
        for name in ("tolerance_pct", "tolerance_abs"):
            if name in values:
                values[name] = Decimal(str(values[name]))
        if "stage_probability" in values:
            values["stage_probability"] = {
                str(stage): Decimal(str(p))
                for stage, p in values["stage_probability"].items()
            }
        if isinstance(values.get("go_live"), str):
            values["go_live"] = dt.date.fromisoformat(values["go_live"])
    except (ArithmeticError, ValueError) as error:
        raise ConfigError(f"{path}: invalid value in [settings]: {error}") from error
    return Settings(**values)


def _parse_source(path: Path, index: int, entry: dict) -> SourceSpec:
    where = f"{path}: source #{index + 1}"
    if "preset" in entry:
        entry = apply_preset(where, entry)
    table = entry.get("table")
    if table not in TABLES:
        raise ConfigError(
            f"{where}: table `{table}` is not a canonical table; "
            f"use one of {', '.join(TABLES)}"
        )
    where = f"{path}: source `{entry.get('name', table)}`"
    columns = {str(k): str(v) for k, v in entry.get("columns", {}).items()}
    constants = {str(k): str(v) for k, v in entry.get("constants", {}).items()}
    values = {
        str(name): {str(k): str(v) for k, v in mapping.items()}
        for name, mapping in entry.get("values", {}).items()
    }
    _check_fields(where, table, [*columns, *constants, *values])
    if "url" in entry:
        paths, source_format = (), "sql"
        _check_database_entry(where, entry)
    else:
        paths = _expand_paths(path.parent, where, entry)
        source_format = _source_format(where, entry, paths)
    decimal, thousands = _separators(where, entry)
    return SourceSpec(
        name=str(entry.get("name", table)),
        table=table,
        paths=paths,
        format=source_format,
        columns=columns,
        values=values,
        constants=constants,
        date_format=_as_tuple(entry.get("date_format", ())),
        decimal=decimal,
        thousands=thousands,
        encoding=_encoding(where, entry.get("encoding", "utf-8")),
        delimiter=entry.get("delimiter"),
        sheet=entry.get("sheet"),
        header_row=int(entry.get("header_row", 1)),
        url=_expand_environment(where, entry["url"]) if "url" in entry else None,
        query=entry.get("query"),
        db_table=entry.get("db_table"),
        preset=entry.get("preset"),
        incremental=_incremental(where, table, entry),
        updated_at=entry.get("updated_at"),
        group_lines=_group_lines(where, table, entry),
    )


def _group_lines(where: str, table: str, entry: dict) -> bool:
    if entry.get("group_lines") and TABLES[table].key is None:
        raise ConfigError(f"{where}: table `{table}` has no key to group lines by")
    return bool(entry.get("group_lines", False))


def _incremental(where: str, table: str, entry: dict) -> bool:
    if not entry.get("incremental", False):
        return False
    if not entry.get("updated_at"):
        raise ConfigError(
            f"{where}: an incremental source needs `updated_at`, the column holding "
            "each row's last-modified timestamp"
        )
    if TABLES[table].key is None:
        raise ConfigError(f"{where}: table `{table}` has no key, so it cannot load incrementally")
    return True


def _check_database_entry(where: str, entry: dict) -> None:
    if bool(entry.get("query")) == bool(entry.get("db_table")):
        raise ConfigError(
            f"{where}: a database source needs exactly one of `query` or `db_table`"
        )


def _expand_environment(where: str, text: str) -> str:
    def lookup(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(
                f"{where}: environment variable `{name}` used in `url` is not set"
            )
        return os.environ[name]

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lookup, text)


def preset_names() -> list[str]:
    """Return the names of the shipped vendor presets."""
    folder = resources.files("etl").joinpath("presets")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def apply_preset(where: str, entry: dict) -> dict:
    """Merge a vendor preset under `entry`; the entry's own keys win."""
    name = str(entry["preset"])
    if name not in preset_names():
        raise ConfigError(
            f"{where}: unknown preset `{name}`; shipped presets: {', '.join(preset_names())}"
        )
    text = resources.files("etl").joinpath("presets", f"{name}.toml").read_text("utf-8")
    merged = tomllib.loads(text)
    merged.pop("about", None)
    for key, value in entry.items():
        if key in ("columns", "constants"):
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "values":
            values = merged.setdefault("values", {})
            for field_name, mapping in value.items():
                values[field_name] = {**values.get(field_name, {}), **mapping}
        else:
            merged[key] = value
    return merged


def _check_fields(where: str, table: str, names: list[str]) -> None:
    known = TABLES[table].field_names
    for name in names:
        if name not in known:
            raise ConfigError(
                f"{where}: `{name}` is not a field of `{table}`; "
                f"fields are {', '.join(known)} (see docs/schema.md)"
            )


def _expand_paths(base: Path, where: str, entry: dict) -> tuple[Path, ...]:
    if "path" not in entry:
        raise ConfigError(f"{where}: missing `path`; give a file, folder or glob")
    pattern = base / str(entry["path"])
    if pattern.is_dir():
        found = sorted(p for p in pattern.iterdir() if p.suffix.lower() in EXTENSIONS)
    else:
        found = sorted(Path(p) for p in glob.glob(str(pattern)))
    if not found:
        raise ConfigError(f"{where}: no file matches `{pattern}`; check `path`")
    return tuple(found)


def _source_format(where: str, entry: dict, paths: tuple[Path, ...]) -> str:
    name = entry.get("format") or EXTENSIONS.get(paths[0].suffix.lower())
    if name not in FORMATS:
        raise ConfigError(
            f"{where}: cannot tell the format of `{paths[0].name}`; "
            f"set format to one of {', '.join(FORMATS)}"
        )
    return name


def _separators(where: str, entry: dict) -> tuple[str, str]:
    # A decimal comma implies a dot for thousands unless the source sets `thousands`.
    decimal = _separator(where, "decimal", entry.get("decimal", "."))
    default_thousands = "." if decimal == "," else ","
    thousands = _separator(where, "thousands", entry.get("thousands", default_thousands))
    if decimal == thousands:
        raise ConfigError(
            f"{where}: decimal and thousands are both `{decimal}`; set them apart"
        )
    return decimal, thousands


def _separator(where: str, key: str, value: str) -> str:
    if value not in SEPARATORS:
        raise ConfigError(f"{where}: invalid {key} `{value}`; use one of . , ' or space")
    return value


def _encoding(where: str, value: str) -> str:
    name = value.lower().replace("_", "-")
    name = {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1"}.get(name, name)
    if name not in ENCODINGS:
        raise ConfigError(f"{where}: unsupported encoding `{value}`; use utf-8, latin-1 or utf-16")
    return name


def _as_tuple(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _reject_duplicate_names(path: Path, sources: tuple[SourceSpec, ...]) -> None:
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(
                f"{path}: two sources are named `{source.name}`; give each a unique `name`"
            )
        seen.add(source.name)


def default_db_path() -> Path:
    """Return the warehouse path from LEAD2CASH_DB, else data/lead2cash.duckdb."""
    return Path(os.environ.get("LEAD2CASH_DB", DEFAULT_DB_PATH))
