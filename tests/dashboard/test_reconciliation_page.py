"""Reconciliation page: one section per check, and the update files of the CLI."""

import pytest

from dashboard.reconcile_text import CHECK_TEXT, check_title, updates_csv
from etl.api_cli import write_updates
from etl.reconcile import CHECKS, reconcile, suggested_updates
from tests.dashboard.conftest import run_page


@pytest.fixture(scope="module")
def results(con) -> dict:
    return reconcile(con)


def test_reconciliation_counts_equal_library(app_env, results):
    app = run_page("views/reconciliation.py")
    metrics = {metric.label: metric.value for metric in app.metric}
    subheaders = [subheader.value for subheader in app.subheader]

    assert not app.exception, [error.value for error in app.exception]
    assert metrics == {
        check_title(name): f"{result['count']:,}" for name, result in results.items()
    }
    for name, result in results.items():
        assert f"{check_title(name)} · {result['count']:,}" in subheaders


def test_reconciliation_tables_hold_check_rows(app_env, results):
    app = run_page("views/reconciliation.py")
    frames = [frame.value for frame in app.dataframe]
    updates = suggested_updates(results)
    update_frames = [frame for frame in updates.values() if not frame.empty]
    check_frames = frames[len(update_frames):]

    for shown, expected in zip(frames, update_frames):
        assert shown.equals(expected)
    with_rows = [name for name in CHECKS if results[name]["rows"]]
    assert len(check_frames) == len(with_rows)
    for frame, name in zip(check_frames, with_rows):
        assert len(frame) == results[name]["count"], name
        assert list(frame.columns[:2]) == ["system", "action"], name


def test_updates_csv_equals_cli_files(results, tmp_path):
    frames = suggested_updates(results)
    write_updates(frames, tmp_path)

    for system, frame in frames.items():
        written = (tmp_path / f"{system}_updates.csv").read_bytes()
        assert updates_csv(frame) == written, system


def test_every_check_has_title():
    assert set(CHECK_TEXT) == set(CHECKS)
