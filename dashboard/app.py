"""lead2cash dashboard: `streamlit run dashboard/app.py`, warehouse in LEAD2CASH_DB."""

import logging

import pandas as pd
import streamlit as st

from dashboard import context, warehouse
from dashboard.comparison import GO_LIVE_KEY
from dashboard.feedback_form import show_feedback_form
from dashboard.filters import select_filters, sync_url
from dashboard.links import CLIENT_KEY, CLIENT_PAGE, CLIENT_URL_PATH
from dashboard.warehouse import WarehouseError, file_identity

logger = logging.getLogger(__name__)

DATA_QUALITY = st.Page(
    "views/data_quality.py", title="Data quality", icon=":material/rule:"
)
PAGES = (
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:"),
    st.Page("views/pipeline.py", title="Pipeline", icon=":material/filter_alt:"),
    st.Page(
        "views/income.py", title="Income & collections", icon=":material/payments:"
    ),
    st.Page(
        CLIENT_PAGE, title="Client 360", icon=":material/person_search:",
        url_path=CLIENT_URL_PATH,
    ),
    st.Page(
        "views/reconciliation.py", title="Reconciliation",
        icon=":material/compare_arrows:",
    ),
    st.Page(
        "views/before_after.py", title="Before and after", icon=":material/event:"
    ),
    DATA_QUALITY,
)
# URL keys that a page reads itself, by the page's URL path.
PAGE_KEYS = {CLIENT_URL_PATH: (CLIENT_KEY,), "before_after": (GO_LIVE_KEY,)}
_LAST_PAGE = "last_page"


def show_freshness(identity: warehouse.FileIdentity) -> None:
    """Show when the last refresh finished, with a link to the Data quality page."""
    finished_at = warehouse.query(identity, "last_refresh")["finished_at"].iloc[0]
    if pd.isna(finished_at):
        text = "No successful refresh is recorded"
    else:
        text = f"Data as of {finished_at:%Y-%m-%d %H:%M}"
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.caption(text)
        st.page_link(DATA_QUALITY, label="Data quality", icon=":material/rule:")


def is_same_page(page) -> bool:
    """Tell whether this run shows the page of the run before; remember this one.

    The first run of a session counts as the same page, so a shared link keeps
    its drill-down.
    """
    is_same = st.session_state.get(_LAST_PAGE, page.url_path) == page.url_path
    st.session_state[_LAST_PAGE] = page.url_path
    return is_same


def main() -> None:
    """Pick the page, draw the filters, keep them in the URL and run the page."""
    st.set_page_config(
        page_title="lead2cash", page_icon=":material/monitoring:", layout="wide"
    )
    page = st.navigation(list(PAGES))

    try:
        identity = file_identity()
        if identity is None:
            context.store(None)
        else:
            filters = select_filters(identity)
            # A drill-down belongs to one page, so a page change drops it.
            page_keys = PAGE_KEYS.get(page.url_path, ())
            sync_url(filters, keep_drill=is_same_page(page), page_keys=page_keys)
            context.store(context.PageContext(identity, filters))
            show_freshness(identity)
        # Drawn before the page runs, so a page that stops early still has it.
        show_feedback_form(page.title)
        page.run()
    except WarehouseError as error:
        logger.error("page %s failed: %s", page.title, error)
        st.error(str(error), icon=":material/error:")


main()
