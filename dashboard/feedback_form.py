"""The "Rate this dashboard" form in the sidebar, and the summary for analysts.

Responses go through `etl.feedback` into the feedback file beside the
warehouse, which a refresh does not replace.
"""

import logging
import sqlite3
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import drilldown
from dashboard.context import PageContext
from dashboard.warehouse import db_path
from etl.feedback import (
    MAX_COMMENT_CHARS,
    RATINGS,
    FeedbackError,
    feedback_path,
    feedback_summary,
    record_feedback,
)

logger = logging.getLogger(__name__)

RECENT_COMMENTS = 10
_SENT = "feedback_sent_{}"
_ERROR = "feedback_error"
_RATING = "feedback_rating"
_COMMENT = "feedback_comment"


def feedback_file() -> Path:
    """Return the feedback file of the warehouse the dashboard reads."""
    return feedback_path(db_path())


def rating_label(rating: int) -> str:
    """Return a rating as the form lists it, such as "3 · Works well"."""
    return f"{rating} · {RATINGS[rating]}"


def _submit(page_title: str) -> None:
    state = st.session_state
    rating = state.get(_RATING)
    if rating is None:
        state[_ERROR] = (page_title, "Pick a rating from 1 to 3 before sending.")
        return
    try:
        record_feedback(rating, page_title, state.get(_COMMENT) or "",
                        path=feedback_file())
    except (FeedbackError, sqlite3.Error) as error:
        logger.error("saving feedback on page %s failed: %s", page_title, error)
        state[_ERROR] = (page_title, f"Your rating was not saved: {error}")
        return
    state[_ERROR] = None
    state[_SENT.format(page_title)] = True
    state[_RATING], state[_COMMENT] = None, ""


def _rate_again(page_title: str) -> None:
    st.session_state[_SENT.format(page_title)] = False


def show_feedback_form(page_title: str) -> None:
    """Draw the rating form for `page_title` in the sidebar, or the thank-you."""
    sidebar = st.sidebar
    sidebar.divider()
    sidebar.subheader("Rate this dashboard")
    if st.session_state.get(_SENT.format(page_title)):
        sidebar.success(
            f"Thank you: your rating of the {page_title} page is saved.",
            icon=":material/check_circle:",
        )
        sidebar.button("Rate again", key="feedback_again", on_click=_rate_again,
                       args=(page_title,))
        return

    with sidebar.form("feedback_form", border=False):
        st.radio(f"How well does the {page_title} page work for you?", list(RATINGS),
                 format_func=rating_label, index=None, key=_RATING)
        st.text_area("Comment (optional)", max_chars=MAX_COMMENT_CHARS, key=_COMMENT,
                     placeholder="What would make this page more useful?")
        st.form_submit_button("Send rating", icon=":material/send:",
                              on_click=_submit, args=(page_title,))
    error = st.session_state.get(_ERROR)
    if error and error[0] == page_title:
        sidebar.error(error[1], icon=":material/error:")


def show_feedback_summary(page: PageContext) -> None:
    """Show the count and average rating per page and the latest comments."""
    path = feedback_file()
    summary = feedback_summary(path, recent=RECENT_COMMENTS)
    st.caption(
        f"Responses to \"Rate this dashboard\" (1 Needs improvement, 2 Satisfactory, "
        f"3 Works well), stored in `{path}`, which a refresh keeps."
    )
    if not summary["count"]:
        st.info("No ratings yet.", icon=":material/reviews:")
        return
    left, right = st.columns(2)
    left.metric("Responses", f"{summary['count']:,}", border=True)
    right.metric("Average rating", f"{summary['average_rating']:.2f} of 3", border=True)
    pages = pd.DataFrame(summary["pages"])
    drilldown.show_table(page, pages, "Feedback per page", "feedback_pages",
                         is_filtered=False)
    if summary["recent_comments"]:
        st.markdown(f"**Latest {RECENT_COMMENTS} comments**")
        comments = pd.DataFrame(summary["recent_comments"])[
            ["created_at", "page", "rating", "rating_label", "comment"]
        ]
        drilldown.show_table(page, comments, "Feedback comments", "feedback_comments",
                             is_filtered=False)
