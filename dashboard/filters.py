"""The sidebar filters, kept in the URL query string so a link reproduces a view.

URL format, every key optional: `?period=last_12_months&start=2025-01-01&
end=2025-03-31&owner=NAME&team=NAME&customer=CUSTOMER_KEY&segment=NAME&
currency=ISO&sep=semicolon&links=explicit&drill=CHART~PART~PART`. `start` and `end` apply
when `period=custom`; `drill` is the chart point a page is narrowed to. A page
may read keys of its own, such as `client=CUSTOMER_KEY` on Client 360.
"""

import datetime as dt
from typing import NamedTuple

import streamlit as st

from dashboard import warehouse
from dashboard.period import DEFAULT_PRESET, PRESETS, Period, data_span, preset_period
from dashboard.tables import TableFilters
from dashboard.warehouse import FileIdentity

# Filters beside the period: URL key, sidebar label and what "all" reads as.
CHOICES = (
    ("owner", "Owner", "All owners"),
    ("team", "Team", "All teams"),
    ("customer", "Customer", "All customers"),
    ("segment", "Segment", "All segments"),
    ("currency", "Currency", "All currencies"),
)
# CSV delimiters by their URL value.
DELIMITERS = {"comma": ",", "semicolon": ";"}
DELIMITER_LABELS = {"comma": "Comma", "semicolon": "Semicolon (European Excel)"}
DRILL_KEY = "drill"
SCOPE_NOTE = (
    "Owner, team and customer apply to every figure. Segment and currency apply "
    "to charts and tables, not to the KPI cards or the DSO line."
)
_WIDGET = "filter_{}"
_SEEDED = "filters_seeded"


class Filters(NamedTuple):
    """The period and filters of the current view."""

    preset: str
    period: Period
    owner: str | None = None
    team: str | None = None
    customer: str | None = None
    segment: str | None = None
    currency: str | None = None
    separator: str = "comma"
    explicit_links_only: bool = False

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.separator]

    @property
    def narrows_tables_only(self) -> bool:
        """Tell whether a filter is set that the KPI cards do not apply."""
        return bool(self.segment or self.currency)

    def kpi_arguments(self) -> dict:
        """Return the filters that `compute_kpis` takes."""
        return {"owner": self.owner, "team": self.team, "customer": self.customer,
                "explicit_links_only": self.explicit_links_only}

    def table_filters(self) -> TableFilters:
        """Return the filters of the dashboard tables and the export command."""
        return TableFilters(
            self.period.start, self.period.end, self.owner, self.team,
            self.customer, self.segment, self.currency,
        )

    def query_params(self) -> dict[str, str]:
        """Return the URL query parameters of these filters, defaults left out."""
        params = {"period": self.preset}
        if self.preset == "custom":
            params["start"] = self.period.start.isoformat()
            params["end"] = self.period.end.isoformat()
        for name, _, _ in CHOICES:
            if getattr(self, name):
                params[name] = getattr(self, name)
        if self.separator != "comma":
            params["sep"] = self.separator
        if self.explicit_links_only:
            params["links"] = "explicit"
        return params


@st.cache_data(show_spinner=False, max_entries=16)
def filter_options(identity: FileIdentity) -> dict[str, dict[str, str]]:
    """Return, per filter, the values the warehouse offers and their labels."""
    rows = warehouse.query(identity, "filter_options")
    options = {name: {} for name, _, _ in CHOICES}
    for row in rows.itertuples():
        options[row.filter][row.value] = row.label
    return options


def parse_date(text: str | None, span: Period) -> dt.date | None:
    """Return the ISO date `text` clamped to `span`, or None when it is invalid."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    return min(max(day, span.start), span.end)


def seed_from_url(span: Period, options: dict) -> None:
    """Set the sidebar widgets from the URL once per session; drop invalid values."""
    params = st.query_params
    preset = params.get("period")
    state = st.session_state
    state[_WIDGET.format("period")] = preset if preset in PRESETS else DEFAULT_PRESET
    first = parse_date(params.get("start"), span) or span.start
    last = parse_date(params.get("end"), span) or span.end
    state[_WIDGET.format("start")], state[_WIDGET.format("end")] = sorted((first, last))
    for name, _, _ in CHOICES:
        value = params.get(name)
        state[_WIDGET.format(name)] = value if value in options[name] else None
    separator = params.get("sep")
    state[_WIDGET.format("sep")] = separator if separator in DELIMITERS else "comma"
    state[_WIDGET.format("links")] = params.get("links") == "explicit"
    state[_SEEDED] = True


def keep_valid(span: Period, options: dict) -> None:
    """Reset filter values a newly swapped-in warehouse no longer offers."""
    state = st.session_state
    for name, _, _ in CHOICES:
        if state.get(_WIDGET.format(name)) not in options[name]:
            state[_WIDGET.format(name)] = None
    for name in ("start", "end"):
        day = state.get(_WIDGET.format(name))
        if not isinstance(day, dt.date):
            day = span.start if name == "start" else span.end
        state[_WIDGET.format(name)] = min(max(day, span.start), span.end)


def select_period(span: Period) -> tuple[str, Period]:
    """Draw the preset list and the dates; return the preset and its period."""
    sidebar = st.sidebar
    preset = sidebar.selectbox(
        "Period", list(PRESETS), format_func=PRESETS.get, key=_WIDGET.format("period"),
        help="Presets end on the last date in the data.",
    )
    is_custom = preset == "custom"
    if not is_custom:
        # The date inputs show the preset's dates; only "Custom" lets them change.
        chosen = preset_period(preset, span)
        st.session_state[_WIDGET.format("start")] = max(chosen.start, span.start)
        st.session_state[_WIDGET.format("end")] = chosen.end
    dates = []
    for name in ("start", "end"):
        dates.append(sidebar.date_input(
            name.capitalize(), min_value=span.start, max_value=span.end,
            key=_WIDGET.format(name), format="YYYY-MM-DD", disabled=not is_custom,
        ))
    start, end = sorted(dates)
    return preset, Period(start, end)


def select_choice(name: str, label: str, all_label: str, options: dict) -> str | None:
    """Draw one filter list; its first entry, None, keeps every value."""
    labels = options[name]
    return st.sidebar.selectbox(
        label,
        [None, *labels],
        format_func=lambda value: all_label if value is None else labels[value],
        key=_WIDGET.format(name),
        # Streamlit shows the placeholder, not format_func, while None is chosen.
        placeholder=all_label,
    )


def select_filters(identity: FileIdentity) -> Filters:
    """Draw the sidebar filters, seeded from the URL, and return them."""
    span = data_span(identity)
    options = filter_options(identity)
    if not st.session_state.get(_SEEDED):
        seed_from_url(span, options)
    keep_valid(span, options)

    st.sidebar.header("Filters")
    preset, period = select_period(span)
    choices = {
        name: select_choice(name, label, all_label, options)
        for name, label, all_label in CHOICES
    }
    st.sidebar.caption(SCOPE_NOTE)
    explicit = st.sidebar.toggle(
        "Explicit deal links only", key=_WIDGET.format("links"),
        help="Cross-system KPIs (lead to payment, order error rate) use only invoices "
             "that name their deal, leaving out links inferred from customer, amount "
             "and date.",
    )
    separator = st.sidebar.radio(
        "CSV delimiter", list(DELIMITERS), format_func=DELIMITER_LABELS.get,
        key=_WIDGET.format("sep"), horizontal=True,
    )
    return Filters(preset, period, separator=separator, explicit_links_only=explicit,
                   **choices)


def sync_url(filters: Filters, keep_drill: bool, page_keys: tuple = ()) -> None:
    """Write `filters` to the URL, keeping the drill-down only when asked to.

    `page_keys` are URL keys that the current page reads itself, such as the
    customer of the Client 360 page, and their values stay as they are.
    """
    params = filters.query_params()
    drill = st.query_params.get(DRILL_KEY)
    if keep_drill and drill:
        params[DRILL_KEY] = drill
    for key in page_keys:
        if st.query_params.get(key):
            params[key] = st.query_params[key]
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
