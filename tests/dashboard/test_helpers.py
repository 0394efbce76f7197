"""Pure helpers: periods, formats and plotly selection events."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboard import drilldown
from dashboard.format import DASH, format_change, format_value
from dashboard.period import Period, month_bounds, previous_period

D = dt.date


@pytest.mark.parametrize(
    "period, expected",
    [
        (Period(D(2024, 3, 1), D(2024, 3, 31)), Period(D(2024, 1, 30), D(2024, 2, 29))),
        (
            Period(D(2024, 1, 1), D(2024, 1, 1)),
            Period(D(2023, 12, 31), D(2023, 12, 31)),
        ),
    ],
)
def test_previous_period_same_length(period, expected):
    assert previous_period(period) == expected
    assert previous_period(period).days == period.days


@pytest.mark.parametrize(
    "month, expected",
    [
        ("2024-02", Period(D(2024, 2, 1), D(2024, 2, 29))),
        ("2024-01", Period(D(2024, 1, 10), D(2024, 1, 31))),
        ("2024-04", Period(D(2024, 4, 1), D(2024, 4, 15))),
    ],
)
def test_month_bounds_clipped_to_period(month, expected):
    period = Period(D(2024, 1, 10), D(2024, 4, 15))

    assert month_bounds(month, period) == expected


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        ("money", Decimal("1234567.49"), "1,234,567"),
        ("money", None, DASH),
        ("rate", 0.4567, "45.7%"),
        ("rate", None, DASH),
        ("days", 12.25, "12.2 days"),
        ("count", 1200, "1,200"),
    ],
)
def test_format_value(kind, value, expected):
    assert format_value(kind, value) == expected


@pytest.mark.parametrize(
    "kind, current, previous, expected",
    [
        ("money", Decimal("1500"), Decimal("1000"), "+500"),
        ("rate", 0.45, 0.40, "+5.0 pp"),
        ("days", 30.0, 35.5, "-5.5 days"),
        ("money", Decimal("1"), None, None),
        ("rate", None, 0.5, None),
    ],
)
def test_format_change(kind, current, previous, expected):
    assert format_change(kind, current, previous) == expected


def test_point_key_reads_customdata():
    point = {"x": "2024-03-01", "customdata": ["won", "2024-03"]}
    event = {"selection": {"points": [point]}}

    assert drilldown.point_key(drilldown.clicked_point(event)) == ("won", "2024-03")


@pytest.mark.parametrize("event", [None, {}, {"selection": {"points": []}}])
def test_point_key_none_without_selection(event):
    assert drilldown.point_key(drilldown.clicked_point(event)) is None


@pytest.mark.parametrize(
    "total, expected, agree",
    [
        (Decimal("10.00"), 10.004, True),
        (Decimal("10.00"), Decimal("10.01"), False),
        (None, 0, True),
        (Decimal("5"), None, True),
    ],
)
def test_totals_agree_to_the_cent(total, expected, agree):
    assert drilldown.totals_agree(total, expected) is agree


def test_plain_text_escapes_markdown_links_and_images():
    import re

    from dashboard.format import plain_text

    name = "[Pay here](http://x.invalid/p) ![i](http://x.invalid/i.png) :red[x] *b*"
    escaped = plain_text(name)
    unescaped_rest = re.sub(r"\\.", "", escaped)
    assert not re.search(r"[\[\]()!:*]", unescaped_rest)
    assert re.sub(r"\\(.)", r"\1", escaped) == name
