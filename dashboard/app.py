"""lead2cash dashboard: `streamlit run dashboard/app.py`, warehouse in LEAD2CASH_DB."""

import logging

import streamlit as st

from dashboard import context
from dashboard.period import select_period
from dashboard.warehouse import WarehouseError, file_identity

logger = logging.getLogger(__name__)

PAGES = (
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:"),
    st.Page("views/pipeline.py", title="Pipeline", icon=":material/filter_alt:"),
    st.Page(
        "views/income.py", title="Income & collections", icon=":material/payments:"
    ),
    st.Page("views/data_quality.py", title="Data quality", icon=":material/rule:"),
)


def main() -> None:
    """Pick the page, draw the period filter and run the page."""
    st.set_page_config(
        page_title="lead2cash", page_icon=":material/monitoring:", layout="wide"
    )
    page = st.navigation(list(PAGES))

    try:
        identity = file_identity()
        context.store(
            context.PageContext(identity, select_period(identity)) if identity else None
        )
        page.run()
    except WarehouseError as error:
        logger.error("page %s failed: %s", page.title, error)
        st.error(str(error), icon=":material/error:")


main()
