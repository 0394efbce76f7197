"""Headline KPIs before and after go-live on the reconciliation warehouse.

Go-live is 2024-02-15: before is 2024-01-01 to 2024-02-14 (45 days), after is
2024-02-15 to 2024-03-31 (46 days).
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.compare import GoLiveError, compare_go_live


@pytest.fixture(scope="module")
def comparison(reconcile_warehouse):
    return compare_go_live(reconcile_warehouse)


def rows_by_name(comparison) -> dict:
    return {row["name"]: row for row in comparison["kpis"]}


def test_compare_periods_from_setting(comparison):
    assert comparison["go_live"] == "2024-02-15"
    assert comparison["periods"] == {
        "before": {"start": "2024-01-01", "end": "2024-02-14", "days": 45},
        "after": {"start": "2024-02-15", "end": "2024-03-31", "days": 46},
    }


def test_compare_average_invoice_size(comparison):
    # before: I1 1000, I2 450, I3 300, I4 200, I5 800; after: I6 250, I7 150
    assert rows_by_name(comparison)["avg_invoice_size"] == {
        "name": "avg_invoice_size", "before": Decimal("550.00"),
        "after": Decimal("200.00"), "change": Decimal("-350.00"), "change_pct": -63.6,
        "better": "higher", "before_count": 5, "after_count": 2,
    }


def test_compare_order_error_rate_and_lead_to_payment(comparison):
    rows = rows_by_name(comparison)
    # orders before: D1, D2 (amount mismatch), D5, D6; after: D7
    assert rows["order_error_rate"] == {
        "name": "order_error_rate", "before": 0.25, "after": 0.0, "change": -0.25,
        "change_pct": -100.0, "better": "lower", "before_count": 4, "after_count": 1,
    }
    # D1: created 2024-01-01, its only invoice paid 2024-02-01
    assert rows["lead_to_payment_days_median"] == {
        "name": "lead_to_payment_days_median", "before": 31.0, "after": None,
        "change": None, "change_pct": None, "better": "lower",
        "before_count": 1, "after_count": 0,
    }


def test_compare_totals_per_30_days(comparison):
    row = rows_by_name(comparison)["invoiced_total_per_30_days"]
    # 2750 × 30 / 45 and 400 × 30 / 46
    assert (row["before"], row["after"]) == (Decimal("1833.33"), Decimal("260.87"))


def test_compare_go_live_outside_data(reconcile_warehouse):
    with pytest.raises(GoLiveError, match="leaves one side empty"):
        compare_go_live(reconcile_warehouse, dt.date(2023, 6, 1))


def test_compare_command_json(reconcile_warehouse):
    db_path = reconcile_warehouse.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]
    result = CliRunner().invoke(main, ["compare", "--db", db_path, "--go-live",
                                       "2024-03-01", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["periods"]["after"] == {"start": "2024-03-01", "end": "2024-03-31",
                                           "days": 31}
    assert printed["details"]["after"]["invoicing"]["invoiced_total"] == 400.0
