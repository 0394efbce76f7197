"""The docs stay in step with the code."""

from pathlib import Path

import click
from click.testing import CliRunner

from etl.cli import main
from etl.schema import render_markdown
from etl.statuses import render_markdown as render_statuses

REPO = Path(__file__).resolve().parents[1]


def test_schema_doc_matches_schema_module():
    assert (REPO / "docs" / "schema.md").read_text() == render_markdown()


def test_statuses_doc_matches_status_tables():
    assert (REPO / "docs" / "statuses.md").read_text() == render_statuses()


def test_every_command_has_help_and_example():
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "-h"])
        assert result.exit_code == 0, name
        assert "Example:" in (command.help or ""), name
        for option in command.params:
            if isinstance(option, click.Option):
                assert option.help, f"{name} {option.name}"
