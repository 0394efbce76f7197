"""Page context: the warehouse version and the filters chosen in the sidebar."""

from typing import NamedTuple

import streamlit as st

from dashboard.filters import Filters
from dashboard.period import Period
from dashboard.warehouse import FileIdentity, db_path

_STATE_KEY = "lead2cash_context"


class PageContext(NamedTuple):
    """The warehouse version and filters of the current script run."""

    identity: FileIdentity
    filters: Filters

    @property
    def period(self) -> Period:
        return self.filters.period

    def params(self, **extra) -> dict:
        """Return the SQL parameters of the filters, with `extra` on top."""
        return {**self.filters.table_filters().params(), **extra}


def store(context: PageContext | None) -> None:
    """Keep the context of this run for the page that `st.navigation` runs next."""
    st.session_state[_STATE_KEY] = context


def show_empty_state() -> None:
    """Explain that there is no warehouse yet and which command builds one."""
    st.info(
        f"No warehouse found at `{db_path()}`.\n\n"
        "- `lead2cash demo` builds the demo extracts and loads them.\n"
        "- `lead2cash refresh --config FILE` loads your own extracts; "
        "`docs/mapping.md` describes the mapping file.\n\n"
        "To open a warehouse elsewhere, set `LEAD2CASH_DB` or run "
        "`lead2cash dashboard --db PATH`.",
        icon=":material/database:",
    )


def require() -> PageContext:
    """Return the context, or show the empty state and stop the page without one."""
    context = st.session_state.get(_STATE_KEY)
    if context is None:
        show_empty_state()
        st.stop()
    return context
