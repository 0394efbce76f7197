"""Before and after: the go-live comparison of `etl.compare` on its own page."""

import datetime as dt

import duckdb
import pytest

from dashboard.comparison import (
    HEADLINE,
    default_go_live,
    kpi_label,
    parse_go_live,
    verdict,
)
from dashboard.format import format_value
from dashboard.period import Period
from etl.compare import HEADLINE_KPIS, compare_go_live, go_live_setting
from etl.kpis import data_span
from tests.dashboard.conftest import run_page

PAGE = "views/before_after.py"
SPAN = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def headline_metrics(app) -> list[str]:
    return [metric.value for metric in app.metric]


def expected_metrics(comparison: dict) -> list[str]:
    rows = {row["name"]: row for row in comparison["kpis"]}
    values = []
    for name in HEADLINE:
        kind = kpi_label(name)[1]
        values += [format_value(kind, rows[name][side], "USD")
                   for side in ("before", "after")]
    return values


def test_before_after_defaults_to_setting(app_env, con):
    go_live = go_live_setting(con)
    comparison = compare_go_live(con, go_live)
    app = run_page(PAGE)

    assert not app.exception, [error.value for error in app.exception]
    assert app.date_input(key="go_live_date").value == go_live
    assert not app.info
    assert headline_metrics(app) == expected_metrics(comparison)
    assert len(app.dataframe[0].value) == len(comparison["kpis"])
    assert any(f"After: {go_live}" in caption.value for caption in app.caption)


def test_before_after_what_if_without_setting(variant_env):
    with duckdb.connect(str(variant_env), read_only=True) as con:
        span = Period(*data_span(con))
        assert go_live_setting(con) is None
        middle, _ = default_go_live(None, span)
        comparison = compare_go_live(con, middle)
    app = run_page(PAGE)

    assert not app.exception
    assert app.date_input(key="go_live_date").value == middle
    assert "What-if" in app.info[0].value
    assert headline_metrics(app) == expected_metrics(comparison)


def test_go_live_in_url_sets_date(app_env, con):
    app = run_page(PAGE, {"go_live": "2025-03-01"})
    comparison = compare_go_live(con, dt.date(2025, 3, 1))

    assert app.date_input(key="go_live_date").value == dt.date(2025, 3, 1)
    assert "What-if" in app.info[0].value
    assert headline_metrics(app) == expected_metrics(comparison)


@pytest.mark.parametrize(
    "setting, expected",
    [
        (dt.date(2024, 6, 1), (dt.date(2024, 6, 1), True)),
        (None, (dt.date(2024, 7, 1), False)),
        (dt.date(2023, 6, 1), (dt.date(2024, 7, 1), False)),
        (dt.date(2024, 1, 1), (dt.date(2024, 7, 1), False)),
    ],
)
def test_default_go_live(setting, expected):
    assert default_go_live(setting, SPAN) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("2024-05-01", dt.date(2024, 5, 1)), ("2024-01-01", None), ("2025-01-01", None),
     ("soon", None), (None, None)],
)
def test_parse_go_live(text, expected):
    assert parse_go_live(text, SPAN) == expected


@pytest.mark.parametrize(
    "change, better, expected",
    [(-3, "lower", "better"), (3, "lower", "worse"), (0.5, "higher", "better"),
     (0, "higher", "same"), (None, "higher", "—")],
)
def test_verdict(change, better, expected):
    assert verdict({"change": change, "better": better}) == expected


def test_every_headline_kpi_has_label():
    for name, *_ in HEADLINE_KPIS:
        label, _ = kpi_label(name)
        assert "_" not in label, name
