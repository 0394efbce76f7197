"""Data quality additions: unmapped status values and the customer review list."""

import csv
import io
import tomllib

import pandas as pd

from dashboard.quality_fixes import OVERRIDES_FILE, overrides_csv, status_snippet
from etl.match import load_overrides, normalize_name
from tests.dashboard.conftest import UNMAPPED_STATUS, run_page

PAGE = "views/data_quality.py"


def test_unmapped_status_listed_with_fix(variant_env):
    app = run_page(PAGE)
    unmapped = [frame.value for frame in app.dataframe if "fix" in frame.value.columns]

    assert not app.exception, [error.value for error in app.exception]
    assert len(unmapped) == 1
    row = unmapped[0].iloc[0]
    assert (row["source"], row["column_name"], row["raw_value"]) == (
        "acct_invoices", "Status", UNMAPPED_STATUS
    )
    assert row["row_count"] == 1
    assert row["fix"] == (
        f'add "{UNMAPPED_STATUS}" = <open/paid/void> to [sources.values.status] '
        "of source acct_invoices"
    )
    assert f'"{UNMAPPED_STATUS}" = "open"' in app.code[0].value


def test_demo_without_unmapped_status_says_so(app_env):
    app = run_page(PAGE)

    assert any("Every exported status value maps" in s.value for s in app.success)
    assert not app.code


def test_match_review_offers_overrides_file(app_env, con):
    app = run_page(PAGE)
    review = con.execute(
        "SELECT name_a, name_b, score FROM customer_match_review "
        "ORDER BY score DESC, name_a, name_b"
    ).df()
    shown = [frame.value for frame in app.dataframe if "name_b" in frame.value.columns]
    labels = [button.proto.label for button in app.get("download_button")]
    captions = " ".join(caption.value for caption in app.caption)

    assert len(review) > 0
    assert shown[0].equals(review)
    assert f"Download {OVERRIDES_FILE} to fill in" in labels
    assert f'customer_overrides = "{OVERRIDES_FILE}"' in captions


def test_overrides_file_reads_back_in_refresh(tmp_path):
    review = pd.DataFrame({"name_a": ["kestrel analytics", "acme"],
                           "name_b": ["keystone analytics", "acme one"],
                           "score": [85.7, 90.0]})
    text = overrides_csv(review).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["name_a", "name_b", "decision"]
    assert [row["decision"] for row in rows] == ["", ""]

    path = tmp_path / OVERRIDES_FILE
    path.write_text(text.replace(",\r\n", ",reject\r\n"), encoding="utf-8")
    overrides = load_overrides(path)

    assert overrides.is_rejected(normalize_name("kestrel analytics"),
                                 normalize_name("keystone analytics"))
    assert overrides.is_rejected("acme", "acme one")


def test_status_snippet_is_valid_toml():
    unmapped = pd.DataFrame({
        "source": ["acct_invoices", "acct_invoices", "crm_deals"],
        "table_name": ["invoices", "invoices", "deals"],
        "raw_value": ["Draft", 'On "hold"', "Parked"],
    })
    entries = [tomllib.loads(part) for part in status_snippet(unmapped).split("\n\n")]

    assert entries == [
        {"sources": {"values": {"status": {"Draft": "open", 'On "hold"': "open"}}}},
        {"sources": {"values": {"status": {"Parked": "open"}}}},
    ]
