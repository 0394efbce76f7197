"""The "Rate this dashboard" form: stored through etl.feedback, kept by a refresh."""

from etl.feedback import feedback_path, feedback_summary
from etl.refresh import refresh
from dashboard.warehouse import file_identity
from tests.dashboard.conftest import FEEDBACK_DB_ENV, run_page


def test_feedback_round_trip_survives_refresh(monkeypatch, tmp_path, variant_config):
    db_path = tmp_path / "warehouse.duckdb"
    refresh(variant_config, db_path)
    monkeypatch.setenv("LEAD2CASH_DB", str(db_path))
    monkeypatch.delenv(FEEDBACK_DB_ENV, raising=False)
    app = run_page("views/pipeline.py")

    app.sidebar.radio(key="feedback_rating").set_value(1)
    app.sidebar.text_area(key="feedback_comment").input("Stage names are cut off")
    app.sidebar.button[-1].click().run()
    path = feedback_path(db_path)
    summary = feedback_summary(path)

    assert "Thank you" in app.sidebar.success[0].value
    assert app.sidebar.button[-1].label == "Rate again"
    assert path.parent == tmp_path
    assert summary["count"] == 1
    assert summary["pages"][0]["page"] == "Pipeline"
    assert summary["pages"][0]["needs_improvement"] == 1
    assert summary["recent_comments"][0]["comment"] == "Stage names are cut off"

    before = file_identity(db_path)
    refresh(variant_config, db_path)
    assert file_identity(db_path) != before
    assert feedback_summary(path) == summary

    app.switch_page("views/data_quality.py").run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {"Responses": "1", "Average rating": "1.00 of 3"}


def test_feedback_without_rating_shows_error(app_env):
    app = run_page("views/income.py")
    app.sidebar.button[-1].click().run()

    assert "Pick a rating" in app.sidebar.error[0].value
    assert feedback_summary(feedback_path(app_env))["count"] == 0
