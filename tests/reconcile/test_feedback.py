"""The feedback store: responses, the summary, and surviving a refresh."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.feedback import FeedbackError, feedback_path, feedback_summary, record_feedback
from etl.refresh import refresh
from tests.conftest import write_csv, write_mapping

NOON = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def test_feedback_path_beside_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("LEAD2CASH_FEEDBACK_DB", raising=False)
    assert feedback_path(tmp_path / "lead2cash.duckdb") == (
        tmp_path / "lead2cash.feedback.sqlite"
    )
    monkeypatch.setenv("LEAD2CASH_FEEDBACK_DB", str(tmp_path / "answers.sqlite"))
    assert feedback_path(tmp_path / "lead2cash.duckdb") == tmp_path / "answers.sqlite"


def test_feedback_summary_per_page(tmp_path):
    path = tmp_path / "feedback.sqlite"
    record_feedback(3, "Overview", "Clear", path=path, now=NOON)
    record_feedback(1, "Overview", "", path=path, now=NOON + dt.timedelta(hours=1))
    record_feedback(2, "Collections", "Aging is slow", path=path,
                    now=NOON + dt.timedelta(hours=2))
    assert feedback_summary(path) == {
        "count": 3,
        "average_rating": 2.0,
        "pages": [
            {"page": "Collections", "count": 1, "average_rating": 2.0,
             "needs_improvement": 0, "satisfactory": 1, "works_well": 0},
            {"page": "Overview", "count": 2, "average_rating": 2.0,
             "needs_improvement": 1, "satisfactory": 0, "works_well": 1},
        ],
        "recent_comments": [
            {"feedback_id": 3, "page": "Collections", "rating": 2,
             "comment": "Aging is slow", "created_at": "2024-05-01T14:00:00+00:00",
             "rating_label": "Satisfactory"},
            {"feedback_id": 1, "page": "Overview", "rating": 3, "comment": "Clear",
             "created_at": "2024-05-01T12:00:00+00:00", "rating_label": "Works well"},
        ],
    }


def test_feedback_summary_empty(tmp_path):
    assert feedback_summary(tmp_path / "none.sqlite") == {
        "count": 0, "average_rating": None, "pages": [], "recent_comments": [],
    }


@pytest.mark.parametrize("rating, page, message", [
    (0, "Overview", "rating `0` is invalid"),
    (4, "Overview", "rating `4` is invalid"),
    (True, "Overview", "rating `True` is invalid"),
    ("3", "Overview", "rating `3` is invalid"),
    (2, " ", "page is missing"),
])
def test_record_feedback_rejects_invalid(tmp_path, rating, page, message):
    with pytest.raises(FeedbackError, match=message):
        record_feedback(rating, page, path=tmp_path / "feedback.sqlite")


def test_feedback_survives_refresh(tmp_path, monkeypatch):
    monkeypatch.delenv("LEAD2CASH_FEEDBACK_DB", raising=False)
    write_csv(tmp_path, "deals.csv", """
        id,customer,status,amount,closed
        D1,Acme,won,100,2024-01-10
    """)
    config = write_mapping(tmp_path, [
        {"table": "deals", "path": "deals.csv",
         "columns": {"deal_id": "id", "customer_name": "customer", "status": "status",
                     "amount": "amount", "closed_on": "closed"}},
    ])
    db_path = tmp_path / "warehouse.duckdb"
    refresh(config, db_path)
    record_feedback(3, "Overview", "Fast", path=feedback_path(db_path), now=NOON)

    refresh(config, db_path)

    assert feedback_summary(feedback_path(db_path))["count"] == 1
    result = CliRunner().invoke(main, ["feedback-summary", "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pages"] == [
        {"page": "Overview", "count": 1, "average_rating": 3.0,
         "needs_improvement": 0, "satisfactory": 0, "works_well": 1},
    ]
