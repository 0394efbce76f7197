"""Match customers across the CRM and accounting, and within each system.

Customer names are few compared with rows, so they are fetched once, matched
in Python, and written back as a `customers` dimension and an alias table that
every fact table joins to through `customer_key`.
"""

import hashlib
import logging
import re
import time
import unicodedata
from dataclasses import dataclass

import duckdb
from rapidfuzz import fuzz

logger = logging.getLogger(__name__)

LEGAL_SUFFIXES = frozenset(
    "inc incorporated corp corporation co ltd limited llc llp lp plc gmbh mbh ag kg "
    "sa sas sarl bv nv srl spa oy ab as aps pty pvt kk se sl".split()
)
AUTO_MATCH_SCORE = 95.0
REVIEW_SCORE = 85.0

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
    (Inc, Ltd, GmbH, LLC, ...) are dropped: "The Widget Company Ltd" becomes
    "widget company".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if words[:1] == ["the"]:
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
    method: str = "exact_name"
    score: float = 100.0
    customer_key: str = ""


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
            shown = name or source_id
            aliases.append(
                Alias(system, table, source_id, shown, normalize_name(shown) or shown.lower())
            )
    return aliases


def cluster_aliases(aliases: list[Alias], account_links: dict[str, str]) -> list[tuple]:
    """Group aliases into customers; return review pairs below the auto-match score.

    `account_links` maps an accounting customer id to the CRM account name it
    is cross-referenced to.
    """
    clusters = _Clusters()
    for alias in aliases:
        clusters.find(alias.normalized)
    _link_by_ids(aliases, account_links, clusters)
    review = _link_by_fuzzy_names(aliases, clusters)
    for alias in aliases:
        alias.customer_key = customer_key(clusters.find(alias.normalized))
    return review


def _link_by_ids(aliases, account_links, clusters) -> None:
    # The same source id spelled two ways, or an accounting id that a CRM account
    # names as its customer_id, joins the two names outright.
    by_id: dict[tuple[str, str], str] = {}
    for alias in aliases:
        if alias.source_id is None:
            continue
        key = (alias.system, alias.source_id)
        if key in by_id and by_id[key] != alias.normalized:
            clusters.union(by_id[key], alias.normalized)
            alias.method = "source_id"
        by_id.setdefault(key, alias.normalized)
    for customer_id, account_name in account_links.items():
        target = by_id.get(("accounting", customer_id))
        if target is not None:
            clusters.union(target, normalize_name(account_name))
            for alias in aliases:
                if alias.system == "accounting" and alias.source_id == customer_id:
                    alias.method = "cross_reference"


def _link_by_fuzzy_names(aliases, clusters) -> list[tuple]:
    names = sorted({a.normalized for a in aliases})
    review = []
    for i, left in enumerate(names):
        for right in names[i + 1:]:
            if clusters.find(left) == clusters.find(right):
                continue
            score = fuzz.token_sort_ratio(left, right)
            if score < REVIEW_SCORE:
                continue
            # Names differing in their first word ("Ramesh Traders", "Ganesh
            # Traders") are different businesses however close the rest is.
            if score >= AUTO_MATCH_SCORE and left.split()[0] == right.split()[0]:
                clusters.union(left, right)
                for alias in aliases:
                    if alias.normalized in (left, right):
                        alias.method, alias.score = "fuzzy_name", score
            else:
                review.append((left, right, score))
    return review


def build_customers(con: duckdb.DuckDBPyConnection) -> dict:
    """Create `customers`, `customer_aliases` and `customer_match_review`."""
    started = time.perf_counter()
    aliases = fetch_aliases(con)
    account_links = dict(
        con.execute(
            "SELECT DISTINCT customer_id, customer_name FROM accounts "
            "WHERE customer_id IS NOT NULL AND customer_name IS NOT NULL"
        ).fetchall()
    )
    review = cluster_aliases(aliases, account_links)
    _write_tables(con, aliases, review)
    _assign_keys(con)

    count = con.execute("SELECT count(*) FROM customers").fetchone()[0]
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
    con.executemany(
        "INSERT INTO customer_aliases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (a.system, a.source_table, a.source_id, a.name, a.normalized,
             a.customer_key, a.method, a.score)
            for a in aliases
        ],
    )
    # The display name prefers the CRM spelling, then the most common one.
    con.execute(
        "CREATE TABLE customers AS SELECT customer_key, "
        "first(name ORDER BY system = 'crm' DESC, name) AS customer_name, "
        "count(DISTINCT name) AS spellings, "
        "bool_or(system = 'crm') AS in_crm, bool_or(system = 'accounting') AS in_accounting, "
        "list(DISTINCT name ORDER BY name) AS names "
        "FROM customer_aliases GROUP BY customer_key"
    )
    con.execute(
        "CREATE TABLE customer_match_review (name_a VARCHAR, name_b VARCHAR, score DOUBLE)"
    )
    if review:
        con.executemany("INSERT INTO customer_match_review VALUES (?, ?, ?)", review)


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
