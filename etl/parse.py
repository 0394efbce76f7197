"""Cast staged text to canonical types in SQL, and split good rows from bad.

For each canonical field the builder makes two SQL expressions over the staged
text: the parsed value and a reason (NULL when the value is fine). Rows with
any reason go to `quarantine`, one row per failing column; the rest are
inserted into the canonical table.
"""

import logging
import re
import time

import duckdb

from etl.config import Settings, SourceSpec
from etl.errors import AmbiguousDateError, SourceError
from etl.incremental import updated_at_sql
from etl.read import staging_table
from etl.schema import SQL_TYPES, TABLES, Field
from etl.sqlfiles import quote_identifier
from etl.statuses import status_map

logger = logging.getLogger(__name__)

MISSING_TOKENS = ("", "N/A", "NA", "N.A.", "NULL", "NONE", "NAN", "-", "--", "#N/A")
# Named-month dates need no setting: "5 Mar 2024", "Mar 5, 2024", "05-Mar-2024".
NAMED_MONTH_FORMATS = (
    "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y",
)
NUMERIC_DAY_MONTH = r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}([ T].*)?$"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
TRUE_WORDS = ("yes", "y", "true", "t", "1")
FALSE_WORDS = ("no", "n", "false", "f", "0")


def sql_literal(value: str) -> str:
    """Quote `value` as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _missing(text: str) -> str:
    tokens = ", ".join(sql_literal(t) for t in MISSING_TOKENS)
    return f"({text} IS NULL OR upper(trim({text})) IN ({tokens}))"


def _regex_class(separator: str) -> str:
    return {" ": r"\s", "": ""}.get(separator, re.escape(separator))


class FieldParser:
    """Builds the value and reason expressions for one source."""

    def __init__(self, source: SourceSpec, settings: Settings, headers: list[str]):
        self.source = source
        self.settings = settings
        self.headers = headers

    def column_for(self, field: Field) -> str | None:
        """Return the staged header feeding `field`, matched case-insensitively."""
        mapped_header = self.source.columns.get(field.name)
        if mapped_header is None:
            return None
        for header in self.headers:
            if header == mapped_header:
                return header
        for header in self.headers:
            if header.strip().lower() == mapped_header.strip().lower():
                return header
        raise SourceError(
            f"{self.source.origin}: column `{mapped_header}` (mapped to "
            f"`{self.source.table}.{field.name}`) not found; the file has "
            f"{', '.join(self.headers)}. Fix [sources.columns] in the mapping file."
        )

    def text_expr(self, field: Field) -> str | None:
        """Return the trimmed text of `field` after the value map, or None."""
        if field.name in self.source.constants:
            return sql_literal(self.source.constants[field.name])
        column = self.column_for(field)
        if column is None:
            return None
        text = f"trim({quote_identifier(column)})"
        mapping = self.source.values.get(field.name)
        if field.name == "status" and TABLES[self.source.table].statuses:
            mapping = status_map(self.source.table, mapping)
        if mapping:
            cases = " ".join(
                f"WHEN {sql_literal(k.strip().lower())} THEN {sql_literal(v)}"
                for k, v in mapping.items()
            )
            text = f"(CASE lower({text}) {cases} ELSE {text} END)"
        return text

    def build(self, field: Field) -> tuple[str, str]:
        """Return (value SQL, reason SQL) for `field`."""
        text = self.text_expr(field)
        sql_type = SQL_TYPES[field.kind]
        if text is None:
            reason = "'missing column'" if field.required else "NULL"
            return f"CAST(NULL AS {sql_type})", reason

        value, invalid = getattr(self, f"_parse_{field.kind}")(field, text)
        problem = "unmapped" if self._is_status(field) else "invalid value"
        explained = f"{problem}: expected {self._expected(field)}"
        reason = (
            f"CASE WHEN {_missing(text)} THEN "
            f"{sql_literal('missing value') if field.required else 'NULL'} "
            f"WHEN {invalid} THEN {sql_literal(explained)} "
            "END"
        )
        return f"CASE WHEN {_missing(text)} THEN NULL ELSE {value} END", reason

    def _is_status(self, field: Field) -> bool:
        return field.name == "status" and bool(TABLES[self.source.table].statuses)

    def _expected(self, field: Field) -> str:
        if field.kind == "money":
            return f"an amount with decimal `{self.source.decimal}` (set `decimal`)"
        if field.kind == "date":
            formats = ", ".join(self.source.date_format) or "ISO 8601"
            return (f"an existing date as {formats} (fix the value, or set "
                    "`date_format` if the export uses another format)")
        if self._is_status(field):
            allowed = "/".join(TABLES[self.source.table].statuses)
            return f"a status mapped to {allowed} (add it to [sources.values.status])"
        if field.kind == "text" and field.name.endswith("_id"):
            return "an id as text, not a number in scientific notation (export it as text)"
        return {"rate": "a number", "probability": "a fraction 0-1 or a percent 0-100",
                "boolean": "yes/no or true/false",
                "integer": "a whole number"}.get(field.kind, "text")

    def _parse_text(self, field: Field, text: str) -> tuple[str, str]:
        if self._is_status(field):
            allowed = ", ".join(sql_literal(s) for s in TABLES[self.source.table].statuses)
            return f"lower({text})", f"lower({text}) NOT IN ({allowed})"
        if field.name.endswith("_id"):
            # A spreadsheet shows long numeric ids as "1.23457E+11"; the digits
            # are lost, so such an id is quarantined rather than loaded.
            return text, f"regexp_matches({text}, '^[0-9](\\.[0-9]+)?[Ee]\\+[0-9]+$')"
        return text, "false"

    def _parse_money(self, field: Field, text: str) -> tuple[str, str]:
        number = self._plain_number(text)
        value = f"TRY_CAST({number} AS DECIMAL(18,2))"
        return self._signed(text, value), f"({value}) IS NULL"

    def _parse_rate(self, field: Field, text: str) -> tuple[str, str]:
        number = self._plain_number(text)
        value = self._signed(text, f"TRY_CAST({number} AS DECIMAL(18,8))")
        return value, f"({value}) IS NULL"

    def _parse_probability(self, field: Field, text: str) -> tuple[str, str]:
        # Exports write a probability as "25%", "25" or "0.25". A fraction is
        # never above 1, so a bare number above 1 is read as a percent.
        bare = f"regexp_replace({text}, '\\s*%$', '')"
        number = f"TRY_CAST({self._plain_number(bare)} AS DECIMAL(18,8))"
        value = (
            f"CASE WHEN {text} LIKE '%\\%' ESCAPE '\\' OR {number} > 1 "
            f"THEN {number} / 100 ELSE {number} END"
        )
        signed = self._signed(text, value)
        return signed, f"({signed}) IS NULL OR ({signed}) NOT BETWEEN 0 AND 1"

    def _parse_integer(self, field: Field, text: str) -> tuple[str, str]:
        value = f"TRY_CAST(replace({text}, {sql_literal(self.source.thousands)}, '') AS BIGINT)"
        return value, f"({value}) IS NULL"

    def _parse_boolean(self, field: Field, text: str) -> tuple[str, str]:
        true_words = ", ".join(sql_literal(w) for w in TRUE_WORDS)
        false_words = ", ".join(sql_literal(w) for w in FALSE_WORDS)
        value = (
            f"CASE WHEN lower({text}) IN ({true_words}) THEN true "
            f"WHEN lower({text}) IN ({false_words}) THEN false END"
        )
        return value, f"({value}) IS NULL"

    def _parse_date(self, field: Field, text: str) -> tuple[str, str]:
        formats = self.source.date_format
        if formats and formats != ("excel",):
            listed = ", ".join(sql_literal(f) for f in formats)
            # ISO dates need no setting, so they parse beside the given formats.
            value = (
                f"COALESCE(CAST(try_strptime({text}, [{listed}]) AS DATE), "
                f"CASE WHEN regexp_matches({text}, '{ISO_DATE}') THEN TRY_CAST({text} AS DATE) END)"
            )
        else:
            value = self._automatic_date(text)
        return value, f"({value}) IS NULL"

    def _automatic_date(self, text: str) -> str:
        named = ", ".join(sql_literal(f) for f in NAMED_MONTH_FORMATS)
        serial = "NULL"
        if self.source.format in ("xlsx", "xls") or self.source.date_format == ("excel",):
            serial = (
                f"CASE WHEN regexp_matches({text}, '^\\d{{4,5}}(\\.\\d+)?$') THEN "
                f"DATE '1899-12-30' + CAST(floor(CAST({text} AS DOUBLE)) AS INTEGER) END"
            )
        return (
            f"COALESCE({serial}, "
            f"CASE WHEN regexp_matches({text}, '{ISO_DATE}') THEN TRY_CAST({text} AS DATE) END, "
            f"CASE WHEN regexp_matches({text}, '^\\d{{4}}-\\d{{2}}-\\d{{2}}[ T]') "
            f"THEN CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS DATE) END, "
            f"CAST(try_strptime({text}, [{named}]) AS DATE))"
        )

    def _plain_number(self, text: str) -> str:
        """SQL for `text` reduced to digits and one '.', or NULL if malformed."""
        decimal = _regex_class(self.source.decimal)
        thousands = _regex_class(self.source.thousands)
        grouped = f"[0-9]{{1,3}}({thousands}[0-9]{{3}})+" if thousands else "[0-9]+"
        pattern = f"^({grouped}|[0-9]+)?({decimal}[0-9]+)?$"
        core = self._unsigned_core(text)
        digits = core
        if self.source.thousands:
            digits = f"replace({digits}, {sql_literal(self.source.thousands)}, '')"
        digits = f"replace({digits}, {sql_literal(self.source.decimal)}, '.')"
        return (
            f"CASE WHEN regexp_matches({core}, {sql_literal(pattern)}) "
            f"AND regexp_matches({core}, '[0-9]') THEN {digits} END"
        )

    def _unsigned_core(self, text: str) -> str:
        # Currency codes and symbols, spaces and one sign or pair of parentheses
        # may sit on either side of the digits: "USD 1,000", "-$3.00", "(12.00)".
        stripped = (
            f"regexp_replace(regexp_replace({text}, "
            r"'^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$', '', 'g'), "
            r"'[A-Z]{0,2}[$€£¥₹₩₽¢]|[\s\x{00A0}\x{202F}]', '', 'g')"
        )
        if self.source.thousands == " ":
            stripped = (
                f"regexp_replace(regexp_replace({text}, "
                r"'^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$', '', 'g'), "
                r"'[A-Z]{0,2}[$€£¥₹₩₽¢]', '', 'g')"
            )
            stripped = f"regexp_replace(trim({stripped}), '[\\x{{00A0}}\\x{{202F}}]', ' ', 'g')"
        unparened = f"regexp_replace({stripped}, '^\\((.*)\\)$', '\\1')"
        return f"regexp_replace({unparened}, '^[+-]|[+-]$', '')"

    def _signed(self, text: str, value: str) -> str:
        negative = (
            f"(regexp_matches({text}, '^\\s*\\(.*\\)\\s*$') "
            f"OR regexp_matches(regexp_replace({text}, '[\\s]', '', 'g'), "
            f"'^[^0-9]*-|-[^0-9]*$'))"
        )
        return f"(CASE WHEN {negative} THEN -1 ELSE 1 END) * ({value})"


def check_date_formats(con, source: SourceSpec, parser: FieldParser) -> None:
    """Reject numeric day/month date columns that have no `date_format`."""
    if source.date_format:
        return
    for field in TABLES[source.table].fields:
        if field.kind != "date" or parser.column_for(field) is None:
            continue
        column = parser.column_for(field)
        example = con.execute(
            f"SELECT {quote_identifier(column)}, _row FROM {staging_table(source)} "
            f"WHERE regexp_matches(trim({quote_identifier(column)}), ?) ORDER BY _row LIMIT 1",
            [NUMERIC_DAY_MONTH],
        ).fetchall()
        if example:
            example = example[0]
            raise AmbiguousDateError(
                f"{source.origin}: column `{column}` ({source.table}.{field.name}) "
                f"holds dates such as `{example[0]}` (row {example[1]}) that can be "
                "read day-first or month-first. Add "
                f'date_format = "{_suggest_format(con, source, column, example[0])}" '
                f"to source `{source.name}` in the mapping file."
            )


def _suggest_format(con, source: SourceSpec, column: str, example: str) -> str:
    separator = re.search(r"[/.\-]", example).group(0)
    day_first = con.execute(
        f'SELECT count(*) FROM {staging_table(source)} WHERE '
        f"TRY_CAST(regexp_extract(trim({quote_identifier(column)}), ?, 1) AS INTEGER) > 12",
        [r"^(\d{1,2})[/.\-]"],
    ).fetchall()[0][0]
    year = "%Y" if re.search(r"\d{4}", example) else "%y"
    order = ("%d", "%m") if day_first else ("%m", "%d")
    return separator.join((*order, year)) + (" %H:%M" if " " in example.strip() else "")


def parse_source(con: duckdb.DuckDBPyConnection, source: SourceSpec, settings: Settings) -> dict:
    """Insert the parsed rows of `source` into its canonical table; quarantine the rest.

    Returns counts of rows loaded and quarantined.
    """
    started = time.perf_counter()
    stage = staging_table(source)
    headers = [
        row[0] for row in con.execute(f"DESCRIBE {stage}").fetchall()
        if row[0] not in ("_file", "_row")
    ]
    parser = FieldParser(source, settings, headers)
    check_date_formats(con, source, parser)
    table = TABLES[source.table]

    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS {_typed_sql(parser, table, stage, source)}"
    )
    _fill_generated_key(con, source, table)
    if source.group_lines:
        _group_lines(con, table)
    else:
        con.execute("ALTER TABLE typed ADD COLUMN _lines BIGINT DEFAULT 1")
    _flag_duplicate_keys(con, table)

    loaded = con.execute(
        f"INSERT INTO {table.name} ({', '.join(table.field_names)}, _source, _file, _row, "
        f"_updated_at, _lines) SELECT {', '.join(table.field_names)}, ?, _file, _row, "
        "_updated_at, _lines FROM typed "
        "WHERE len(_errors) = 0",
        [source.name],
    ).fetchall()[0][0]
    quarantined = _quarantine_rows(con, source)

    elapsed = time.perf_counter() - started
    logger.info(
        "parse %s -> %s: %s rows loaded, %s quarantined in %.2f s",
        source.name, table.name, f"{loaded:,}", f"{quarantined:,}", elapsed,
    )
    if quarantined:
        logger.warning(
            "%s: %d row(s) quarantined; see the Data quality page or "
            "`lead2cash export quarantine --out FILE`", source.name, quarantined,
        )
    return {"rows_loaded": loaded, "rows_quarantined": quarantined}


def _typed_sql(parser: FieldParser, table, stage: str, source: SourceSpec) -> str:
    values, errors = [], []
    for field in table.fields:
        value, reason = parser.build(field)
        column = parser.column_for(field) or field.name
        raw = parser.text_expr(field) or "NULL"
        values.append(f"{value} AS {field.name}")
        errors.append(
            f"CASE WHEN ({reason}) IS NOT NULL THEN {{'column_name': {sql_literal(column)}, "
            f"'raw_value': CAST({raw} AS VARCHAR), 'reason': {reason}}} END"
        )
    return (
        f"SELECT {', '.join(values)}, "
        f"list_filter([{', '.join(errors)}], lambda e: e IS NOT NULL) AS _errors, "
        f"to_json(s) AS _record, _file, _row, "
        f"{updated_at_sql(source) if source.updated_at else 'CAST(NULL AS TIMESTAMP)'} "
        f"AS _updated_at FROM {stage} AS s"
    )


def _fill_generated_key(con, source: SourceSpec, table) -> None:
    # A row without an id gets one from its content and its position among
    # identical rows, so the same extract loaded twice yields the same ids.
    if table.key is None or table.field(table.key).required:
        return
    content = " || '|' || ".join(
        f"coalesce(CAST({name} AS VARCHAR), '')" for name in table.field_names
        if name != table.key
    )
    con.execute(
        f"UPDATE typed SET {table.key} = generated.id FROM ("
        f"SELECT _file, _row, {sql_literal(source.name + ':')} || md5({content}) || ':' || "
        f"row_number() OVER (PARTITION BY _file, {content} ORDER BY _row) AS id "
        f"FROM typed WHERE {table.key} IS NULL) AS generated "
        "WHERE typed._file = generated._file AND typed._row = generated._row"
    )


def _group_lines(con, table) -> None:
    """Merge the lines of each document into one row: money summed, the rest from line one.

    Lines merge within one file; the same document in a second file is then a
    duplicate key like any other. A document with a bad line is quarantined
    whole, because a total without that line would be wrong.
    """
    key = table.key
    failing = f"(SELECT {key} FROM typed WHERE len(_errors) > 0 AND {key} IS NOT NULL)"
    reason = "another line of this document is quarantined"
    con.execute(
        f"UPDATE typed SET _errors = [{{'column_name': {sql_literal(key)}, 'raw_value': "
        f"CAST({key} AS VARCHAR), 'reason': {sql_literal(reason)}}}] "
        f"WHERE len(_errors) = 0 AND {key} IN {failing}"
    )
    merged = ", ".join(
        # one line of unknown amount makes the document's amount unknown
        f"CASE WHEN count({f.name}) = count(*) THEN sum({f.name}) END AS {f.name}"
        if f.kind == "money"
        else f"first({f.name} ORDER BY _file, _row) AS {f.name}"
        for f in table.fields
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS "
        f"SELECT {merged}, CAST([] AS STRUCT(column_name VARCHAR, raw_value VARCHAR, "
        "reason VARCHAR)[]) AS _errors, first(_record ORDER BY _file, _row) AS _record, "
        "_file, min(_row) AS _row, max(_updated_at) AS _updated_at, "
        f"count(*) AS _lines FROM typed WHERE len(_errors) = 0 GROUP BY {key}, _file "
        "UNION ALL BY NAME "
        "SELECT *, 1 AS _lines FROM typed WHERE len(_errors) > 0"
    )


def _flag_duplicate_keys(con, table) -> None:
    """Quarantine every later copy of a key already loaded or seen earlier."""
    if table.key is None:
        return
    reason = f"duplicate {table.key}: already loaded from an earlier row or source"
    con.execute(
        f"UPDATE typed SET _errors = list_append(_errors, {{'column_name': "
        f"{sql_literal(table.key)}, 'raw_value': CAST(typed.{table.key} AS VARCHAR), "
        f"'reason': {sql_literal(reason)}}}) FROM ("
        f"SELECT _file, _row, row_number() OVER (PARTITION BY {table.key} "
        f"ORDER BY _file, _row) AS copy FROM typed "
        f"WHERE len(_errors) = 0 AND {table.key} IS NOT NULL) AS copies "
        f"WHERE typed._file = copies._file AND typed._row = copies._row "
        f"AND (copies.copy > 1 OR typed.{table.key} IN (SELECT {table.key} FROM {table.name}))"
    )


def _quarantine_rows(con, source: SourceSpec) -> int:
    con.execute(
        "INSERT INTO quarantine SELECT ?, ?, _file, _row, e.column_name, e.raw_value, "
        "e.reason, CAST(_record AS VARCHAR) FROM (SELECT *, unnest(_errors) AS e "
        "FROM typed WHERE len(_errors) > 0)",
        [source.name, source.table],
    )
    rows = con.execute("SELECT count(*) FROM typed WHERE len(_errors) > 0").fetchall()[0][0]
    rejected = con.execute(
        "INSERT INTO quarantine SELECT source, ?, file, record_number, column_name, raw_value, "
        "reason, NULL FROM stg_rejects WHERE source = ?",
        [source.table, source.name],
    ).fetchall()[0][0] if _has_rejects(con) else 0
    return rows + rejected


def _has_rejects(con) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'stg_rejects'"
        ).fetchall()[0][0]
    )
