"""Match customers across the CRM and accounting, and within each system.

Customer names are few compared with rows, so they are fetched once, matched
in Python, and written back as a `customers` dimension and an alias table that
every fact table joins to through `customer_key`.

Order of evidence: the same source id, an explicit cross-reference (a CRM
account that names its accounting customer id), equal normalized names, then
fuzzy names among names that share a first letter and their numbers. A user's overrides file
accepts or rejects pairs, and later refreshes honour it.
"""

import csv
import hashlib
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from etl.errors import ConfigError

logger = logging.getLogger(__name__)

LEGAL_SUFFIXES = frozenset(
    "inc incorporated corp corporation co ltd limited llc llp lp plc gmbh mbh ag kg "
    "sa sas sarl bv nv srl spa oy ab as aps pty pvt kk se sl".split()
)
TRANSLITERATIONS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                                  "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
AUTO_MATCH_SCORE = 92.0
FIRST_WORD_SCORE = 88.0
REVIEW_SCORE = 85.0
FUZZY_BLOCK_ROWS = 2000
ALIAS_COLUMNS = ["system", "source_table", "source_id", "name", "normalized_name",
                 "customer_key", "method", "score"]

# Tables that name a customer, the system they come from and their id column.
NAME_SOURCES = (
    ("accounts", "crm", "account_id"),
    ("deals", "crm", "account_id"),
    ("leads", "crm", None),
    ("activities", "crm", "account_id"),
    ("invoices", "accounting", "customer_id"),
    ("credit_notes", "accounting", "customer_id"),
)


def normalize_name(name: str) -> str:
    """Reduce a company name to a comparable form.

    Case, accents, punctuation, a leading "The" and trailing legal suffixes
    (Inc, Ltd, GmbH, LLC, ...) are dropped, and German umlauts are spelled out:
    "The Widget Company Ltd" becomes "widget company", "Müller" "mueller".
    """
    text = unicodedata.normalize("NFKD", name.translate(TRANSLITERATIONS))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    # Dotted abbreviations become one word: "S.A." -> "sa", "U.K." -> "uk".
    text = re.sub(r"\b([a-z0-9])\.(?=[a-z0-9]\b)", r"\1", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


@dataclass
class Alias:
    """One spelling of a customer in one system, with how it was matched."""

    system: str
    source_table: str
    source_id: str | None
    name: str
    normalized: str
    has_name: bool = True
    method: str = "exact_name"
    score: float = 100.0
    customer_key: str = ""


@dataclass(frozen=True)
class Overrides:
    """Pairs of names a user accepted as one customer or rejected as two."""

    accepted: frozenset[tuple[str, str]] = frozenset()
    rejected: frozenset[tuple[str, str]] = frozenset()

    def is_rejected(self, left: str, right: str) -> bool:
        """Return True when the overrides file rejects these normalized names as one customer."""
        return _pair(left, right) in self.rejected


def _pair(left: str, right: str) -> tuple[str, str]:
    return (left, right) if left <= right else (right, left)


def load_overrides(path: Path | None) -> Overrides:
    """Read an overrides CSV with columns name_a, name_b, decision (accept/reject)."""
    if path is None:
        return Overrides()
    if not path.is_file():
        raise ConfigError(f"customer overrides file `{path}` not found; check "
                          "`customer_overrides` in [settings]")
    accepted, rejected = set(), set()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            decision = (row.get("decision") or "").strip().lower()
            if decision not in ("accept", "reject"):
                raise ConfigError(
                    f"{path}: row {line}: decision `{decision}` is invalid; "
                    "use accept or reject"
                )
            pair = _pair(normalize_name(row["name_a"]), normalize_name(row["name_b"]))
            (accepted if decision == "accept" else rejected).add(pair)
    return Overrides(frozenset(accepted), frozenset(rejected))


class _Clusters:
    """Union-find over normalized names."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def customer_key(normalized: str) -> str:
    """Return the stable customer key of a cluster's representative name."""
    return "CUS-" + hashlib.sha1(normalized.encode()).hexdigest()[:10].upper()


def fetch_aliases(con: duckdb.DuckDBPyConnection) -> list[Alias]:
    """Return every distinct (system, table, id, name) that names a customer."""
    aliases = []
    for table, system, id_column in NAME_SOURCES:
        id_sql = f"CAST({id_column} AS VARCHAR)" if id_column else "NULL"
        rows = con.execute(
            f"SELECT DISTINCT {id_sql}, customer_name FROM {table} "
            f"WHERE customer_name IS NOT NULL OR {id_sql} IS NOT NULL"
        ).fetchall()
        for source_id, name in rows:
            aliases.append(make_alias(system, table, source_id, name))
    return aliases


def make_alias(system: str, table: str, source_id: str | None, name: str | None) -> Alias:
    """Build an alias; a row with only an id is matched by that id, never by name."""
    if name:
        return Alias(system, table, source_id, name, normalize_name(name) or name.lower())
    return Alias(system, table, source_id, source_id, f"id:{system}:{source_id}",
                 has_name=False, method="source_id")


def cluster_aliases(
    aliases: list[Alias],
    account_links: dict[str, str] | None = None,
    overrides: Overrides = Overrides(),
) -> list[tuple]:
    """Group aliases into customers and set each alias's customer_key.

    `account_links` maps an accounting customer id to the CRM account name it
    is cross-referenced to. Returns the name pairs left for review.
    """
    clusters = _Clusters()
    for alias in aliases:
        clusters.find(alias.normalized)
    _link_by_ids(aliases, account_links or {}, clusters)
    for left, right in overrides.accepted:
        clusters.union(left, right)
        _mark(aliases, (left, right), "override", 100.0)
    review = _link_by_fuzzy_names(aliases, clusters, overrides)
    for alias in aliases:
        alias.customer_key = customer_key(clusters.find(alias.normalized))
    return review


def _mark(aliases, names, method: str, score: float) -> None:
    for alias in aliases:
        if alias.normalized in names and alias.method == "exact_name":
            alias.method, alias.score = method, score


def _link_by_ids(aliases, account_links, clusters) -> None:
    # The same source id spelled two ways, or an accounting id that a CRM account
    # names as its customer_id, joins the names outright.
    by_id: dict[tuple[str, str], str] = {}
    for alias in aliases:
        if alias.source_id is None:
            continue
        key = (alias.system, alias.source_id)
        if key in by_id and by_id[key] != alias.normalized:
            clusters.union(by_id[key], alias.normalized)
            _mark(aliases, (alias.normalized,), "source_id", 100.0)
        by_id.setdefault(key, alias.normalized)
    for customer_id, account_name in account_links.items():
        target = by_id.get(("accounting", customer_id))
        if target is not None:
            clusters.union(target, normalize_name(account_name))
            for alias in aliases:
                if alias.system == "accounting" and alias.source_id == customer_id:
                    alias.method = "cross_reference"


def _link_by_fuzzy_names(aliases, clusters, overrides: Overrides) -> list[tuple]:
    names = sorted({a.normalized for a in aliases if a.has_name})
    review = []
    for left, right, score in similar_pairs(names):
        if clusters.find(left) == clusters.find(right) or overrides.is_rejected(left, right):
            continue
        if is_auto_match(left, right, score):
            clusters.union(left, right)
            _mark(aliases, (left, right), "fuzzy_name", score)
        else:
            review.append((left, right, round(score, 1)))
    return review


def similar_pairs(names: list[str]):
    """Yield (left, right, score) for name pairs scoring at least REVIEW_SCORE.

    Names are compared only within blocks that share their first letter and
    their numbers, so "Store 12" is never compared with "Store 13". The work
    then grows with the block sizes, not the square of all names. Each score
    matrix is computed a slice of rows at a time to bound memory.
    """
    # NOTE: a typo in the first letter ("Harbor", "Jarbor") puts two names in
    # different blocks, so such a pair is neither matched nor sent to review.
    blocks: dict[tuple, list[str]] = {}
    for name in names:
        blocks.setdefault((name[:1], *re.findall(r"\d+", name)), []).append(name)
    for block in blocks.values():
        for start in range(0, len(block), FUZZY_BLOCK_ROWS):
            rows = block[start:start + FUZZY_BLOCK_ROWS]
            scores = process.cdist(rows, block, scorer=fuzz.token_sort_ratio,
                                   score_cutoff=REVIEW_SCORE, workers=-1)
            for row, col in zip(*scores.nonzero()):
                i = start + int(row)
                if int(col) > i:
                    yield block[i], block[int(col)], float(scores[row, col])


def is_auto_match(left: str, right: str, score: float) -> bool:
    """Decide whether two similar normalized names are one customer without review.

    Names whose first word differs by more than a typo ("Ramesh Traders",
    "Ganesh Traders") or whose numbers differ ("Store 12", "Store 13") are
    different businesses however close the rest is, so they only go to review.
    """
    if score < AUTO_MATCH_SCORE:
        return False
    if fuzz.ratio(left.split()[0], right.split()[0]) < FIRST_WORD_SCORE:
        return False
    return re.findall(r"\d+", left) == re.findall(r"\d+", right)


def build_customers(con: duckdb.DuckDBPyConnection, overrides_path: Path | None = None) -> dict:
    """Create `customers`, `customer_aliases` and `customer_match_review`."""
    started = time.perf_counter()
    aliases = fetch_aliases(con)
    account_links = dict(
        con.execute(
            "SELECT DISTINCT customer_id, customer_name FROM accounts "
            "WHERE customer_id IS NOT NULL AND customer_name IS NOT NULL"
        ).fetchall()
    )
    review = cluster_aliases(aliases, account_links, load_overrides(overrides_path))
    _write_tables(con, aliases, review)
    _assign_keys(con)

    count = con.execute("SELECT count(*) FROM customers").fetchall()[0][0]
    logger.info(
        "match customers: %s customers from %s names, %d pairs to review in %.2f s",
        f"{count:,}", f"{len(aliases):,}", len(review), time.perf_counter() - started,
    )
    return {"customers": count, "review": len(review)}


def _write_tables(con, aliases: list[Alias], review: list[tuple]) -> None:
    con.execute(
        "CREATE TABLE customer_aliases (system VARCHAR, source_table VARCHAR, "
        "source_id VARCHAR, name VARCHAR, normalized_name VARCHAR, "
        "customer_key VARCHAR, method VARCHAR, score DOUBLE)"
    )
    if aliases:
        frame = pd.DataFrame(
            [(a.system, a.source_table, a.source_id, a.name, a.normalized,
              a.customer_key, a.method, a.score) for a in aliases],
            columns=ALIAS_COLUMNS,
        )
        con.register("alias_frame", frame)
        con.execute("INSERT INTO customer_aliases SELECT * FROM alias_frame")
        con.unregister("alias_frame")
    # The display name prefers a CRM account's spelling, then any named alias.
    con.execute(
        "CREATE TABLE customers AS SELECT customer_key, "
        "first(name ORDER BY source_table = 'accounts' DESC, system = 'crm' DESC, "
        "method = 'source_id' AND normalized_name LIKE 'id:%', name) AS customer_name, "
        "count(DISTINCT name) FILTER (WHERE normalized_name NOT LIKE 'id:%') AS spellings, "
        "bool_or(system = 'crm') AS in_crm, bool_or(system = 'accounting') AS in_accounting, "
        "list(DISTINCT system || ':' || source_table || ':' || coalesce(source_id, name)) "
        "AS source_ids, "
        "list(DISTINCT name ORDER BY name) FILTER (WHERE normalized_name NOT LIKE 'id:%') "
        "AS names "
        "FROM customer_aliases GROUP BY customer_key"
    )
    con.execute(
        "CREATE TABLE customer_match_review (name_a VARCHAR, name_b VARCHAR, score DOUBLE)"
    )
    if review:
        con.register("review_frame", pd.DataFrame(review, columns=["a", "b", "score"]))
        con.execute("INSERT INTO customer_match_review SELECT * FROM review_frame")
        con.unregister("review_frame")


def _assign_keys(con) -> None:
    for table, _system, id_column in NAME_SOURCES:
        id_sql = f"CAST({table}.{id_column} AS VARCHAR)" if id_column else "NULL"
        con.execute(f"ALTER TABLE {table} ADD COLUMN customer_key VARCHAR")
        con.execute(
            f"UPDATE {table} SET customer_key = a.customer_key FROM customer_aliases AS a "
            f"WHERE a.source_table = '{table}' "
            f"AND a.source_id IS NOT DISTINCT FROM {id_sql} "
            f"AND a.name = coalesce({table}.customer_name, {id_sql})"
        )
