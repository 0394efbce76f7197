"""Customer matching: normalisation, overrides, and precision and recall on labelled pairs."""

import csv
from pathlib import Path

import pytest

from etl.errors import ConfigError
from etl.match import cluster_aliases, load_overrides, make_alias, normalize_name

PAIRS = Path(__file__).parent / "data" / "customer_name_pairs.csv"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Inc.", "acme"),
        ("ACME, Inc", "acme"),
        ("The Widget Company Ltd", "widget company"),
        ("Widget Company Limited", "widget company"),
        ("Société Lumière S.A.", "societe lumiere"),
        ("Müller GmbH", "mueller"),
        ("Smith & Sons Co.", "smith and sons"),
        ("The", "the"),
    ],
)
def test_normalize_name(name, expected):
    assert normalize_name(name) == expected


def same_customer(crm_name: str, accounting_name: str, overrides=None) -> bool:
    aliases = [
        make_alias("crm", "accounts", None, crm_name),
        make_alias("accounting", "invoices", None, accounting_name),
    ]
    if overrides is None:
        cluster_aliases(aliases)
    else:
        cluster_aliases(aliases, overrides=overrides)
    return aliases[0].customer_key == aliases[1].customer_key


def test_matching_precision_and_recall_on_labelled_pairs(capsys):
    with open(PAIRS, newline="", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    outcomes = [
        (row["same_customer"] == "1", same_customer(row["crm_name"], row["accounting_name"]))
        for row in pairs
    ]
    true_positive = sum(1 for truth, guess in outcomes if truth and guess)
    false_positive = sum(1 for truth, guess in outcomes if guess and not truth)
    false_negative = sum(1 for truth, guess in outcomes if truth and not guess)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    # Shown even though pytest captures output, so every run reports the figures.
    with capsys.disabled():
        print(f"\ncustomer matching on {len(pairs)} labelled pairs: "
              f"precision {precision:.3f}, recall {recall:.3f}")

    assert precision == 1.0
    assert recall >= 0.9


def test_overrides_accept_and_reject_pairs(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(
        "name_a,name_b,decision\n"
        "Falcon Software,Halcyon Software,accept\n"
        "Initech,Initech Inc,reject\n",
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert same_customer("Falcon Software", "Halcyon Software", overrides)
    assert same_customer("Initech", "Initech Inc")
    assert not same_customer("Initech ", "Initech Inc Holdings", overrides)


def test_overrides_reject_stops_fuzzy_match(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("name_a,name_b,decision\nOceanic Airlines,Oceanic Airlnes,reject\n")
    assert same_customer("Oceanic Airlines", "Oceanic Airlnes")
    assert not same_customer("Oceanic Airlines", "Oceanic Airlnes", load_overrides(path))


def test_overrides_invalid_decision_names_row(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("name_a,name_b,decision\nA,B,maybe\n")
    with pytest.raises(ConfigError, match="row 2: decision `maybe` is invalid"):
        load_overrides(path)


def test_refresh_honours_overrides_file(tmp_path):
    from tests.conftest import build_warehouse, write_csv

    write_csv(tmp_path, "deals.csv", """
        id,customer,status
        D1,Falcon Software,won
    """)
    write_csv(tmp_path, "invoices.csv", """
        id,customer,issued,total
        I1,Halcyon Software,2024-01-02,10.00
    """)
    (tmp_path / "overrides.csv").write_text(
        "name_a,name_b,decision\nFalcon Software,Halcyon Software,accept\n"
    )
    sources = [
        {"table": "deals", "path": "deals.csv",
         "columns": {"deal_id": "id", "customer_name": "customer", "status": "status"}},
        {"table": "invoices", "path": "invoices.csv",
         "columns": {"invoice_id": "id", "customer_name": "customer",
                     "issued_on": "issued", "total": "total"}},
    ]
    con = build_warehouse(tmp_path, sources, {"customer_overrides": "overrides.csv"})
    keys = con.execute(
        "SELECT (SELECT customer_key FROM deals), (SELECT customer_key FROM invoices)"
    ).fetchall()[0]
    assert keys[0] == keys[1]
    assert con.execute("SELECT count(*) FROM customers").fetchall() == [(1,)]
