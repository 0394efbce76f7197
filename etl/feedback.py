"""Responses to "Rate this dashboard", kept in a SQLite file beside the warehouse.

The file is separate from the warehouse, so a refresh, which swaps in a new
warehouse file, leaves every response in place. SQLite rather than DuckDB
because the dashboard writes while the CLI reads, and SQLite lets several
processes open one file at once.
"""

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from etl.config import default_db_path
from etl.errors import Lead2CashError

FEEDBACK_DB_ENV = "LEAD2CASH_FEEDBACK_DB"
RATINGS = {1: "Needs improvement", 2: "Satisfactory", 3: "Works well"}
MAX_COMMENT_CHARS = 5000
CREATE_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    page TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (1, 2, 3)),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
)
"""
PAGE_SUMMARY_SQL = """
SELECT page, count(*) AS count, round(avg(rating), 2) AS average_rating,
       sum(rating = 1) AS needs_improvement, sum(rating = 2) AS satisfactory,
       sum(rating = 3) AS works_well
FROM feedback
GROUP BY page
ORDER BY page
"""
RECENT_COMMENTS_SQL = """
SELECT feedback_id, page, rating, comment, created_at
FROM feedback
WHERE comment <> ''
ORDER BY created_at DESC, feedback_id DESC
LIMIT ?
"""


class FeedbackError(Lead2CashError):
    """A feedback response is invalid."""


def feedback_path(warehouse_path: Path | None = None) -> Path:
    """Return the feedback file: $LEAD2CASH_FEEDBACK_DB, else beside the warehouse.

    Beside the warehouse means `<warehouse stem>.feedback.sqlite` in its folder.
    """
    if os.environ.get(FEEDBACK_DB_ENV):
        return Path(os.environ[FEEDBACK_DB_ENV])
    warehouse_path = Path(warehouse_path or default_db_path())
    return warehouse_path.with_name(f"{warehouse_path.stem}.feedback.sqlite")


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.row_factory = sqlite3.Row
    connection.execute(CREATE_TABLE_SQL)
    return connection


def record_feedback(
    rating: int,
    page: str,
    comment: str = "",
    path: Path | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Store one response and return its id.

    :param rating: 1 Needs improvement, 2 Satisfactory or 3 Works well.
    :param page: name of the dashboard page the response is about.
    :param path: feedback file; defaults to `feedback_path()`.
    :param now: time of the response; defaults to the current UTC time.
    """
    _check_response(rating, page, comment)
    created_at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    with closing(_connect(Path(path or feedback_path()))) as connection, connection:
        cursor = connection.execute(
            "INSERT INTO feedback (page, rating, comment, created_at) VALUES (?, ?, ?, ?)",
            (page.strip(), rating, (comment or "").strip(), created_at),
        )
        return cursor.lastrowid


def _check_response(rating, page: str, comment: str) -> None:
    if isinstance(rating, bool) or rating not in RATINGS:
        choices = ", ".join(f"{value} ({label})" for value, label in RATINGS.items())
        raise FeedbackError(f"rating `{rating}` is invalid; use {choices}")
    if not page or not page.strip():
        raise FeedbackError("page is missing; pass the name of the dashboard page")
    if comment and len(comment) > MAX_COMMENT_CHARS:
        raise FeedbackError(
            f"comment has {len(comment):,} characters; the maximum is {MAX_COMMENT_CHARS:,}"
        )


def feedback_summary(path: Path | None = None, recent: int = 10) -> dict:
    """Count and average rating per page, overall, and the most recent comments."""
    with closing(_connect(Path(path or feedback_path()))) as connection:
        pages = [dict(row) for row in connection.execute(PAGE_SUMMARY_SQL)]
        total = connection.execute(
            "SELECT count(*) AS count, round(avg(rating), 2) AS average_rating FROM feedback"
        ).fetchone()
        comments = [dict(row) for row in connection.execute(RECENT_COMMENTS_SQL, (recent,))]
    for comment in comments:
        comment["rating_label"] = RATINGS[comment["rating"]]
    return {"count": total["count"], "average_rating": total["average_rating"],
            "pages": pages, "recent_comments": comments}
