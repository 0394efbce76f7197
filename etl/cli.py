"""The `lead2cash` command: parses flags, calls the library, prints the result."""

import logging
import os
import sys
import time
from pathlib import Path

import click
import duckdb

from etl.cli_common import CONTEXT, parse_date, db_option, resolve_db, open_warehouse
from etl.errors import Lead2CashError

logger = logging.getLogger("lead2cash")

DEMO_DIR = Path("data") / "demo"


class Lead2CashGroup(click.Group):
    """Turns product errors into a short message and exit code 1, without a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Lead2CashError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(1)
        except duckdb.CatalogException as error:
            click.secho(
                f"Error: the warehouse lacks a table or column this version reads "
                f"({str(error).splitlines()[0]}); run `lead2cash refresh` to rebuild it",
                fg="red", err=True,
            )
            sys.exit(1)


@click.group(cls=Lead2CashGroup, context_settings=CONTEXT)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail too.")
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only.")
def main(verbose: bool, quiet: bool):
    """lead2cash: one warehouse for CRM pipeline and accounting, and its KPIs.

    Example: lead2cash refresh --config extracts/lead2cash.toml
    """
    level = logging.INFO
    if verbose:
        level = logging.DEBUG
    elif quiet:
        level = logging.WARNING
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@main.command(context_settings=CONTEXT)
@click.option("--config", "config_path", required=True,
              type=click.Path(path_type=Path), help="Mapping file (TOML) listing the sources.")
@db_option
@click.option("--every", default=None, metavar="DURATION",
              help="Keep refreshing on this schedule, e.g. 15m, 1h, 1d.")
@click.option("--full", is_flag=True,
              help="Read incremental sources in full instead of only changed rows.")
@click.option("--runs", type=click.IntRange(min=1), default=None,
              help="With --every: stop after this many runs [default: never stop].")
def refresh(config_path: Path, db_path: Path | None, every: str | None, full: bool,
            runs: int | None):
    """Load the extracts listed in a mapping file into a new warehouse.

    The new warehouse replaces the old one only once it is complete. With
    --every, a failed run is logged and the schedule goes on; the previous
    warehouse stays in place until a run succeeds.

    Example: lead2cash refresh --config data/demo/lead2cash.toml --db data/lead2cash.duckdb
    """
    from etl.refresh import refresh as run_refresh

    db_path = resolve_db(db_path)
    mode = "full" if full else "auto"
    if every is None:
        click.echo(run_refresh(config_path, db_path, mode=mode).summary())
        return

    interval = parse_duration(every)
    run = 0
    while runs is None or run < runs:
        run += 1
        try:
            click.echo(run_refresh(config_path, db_path, mode=mode).summary())
        except Lead2CashError as error:
            logger.error("scheduled refresh %d failed, keeping the previous warehouse: %s",
                         run, error)
        if runs is not None and run >= runs:
            break
        logger.info("next refresh in %s", every)
        time.sleep(interval)


def parse_duration(text: str) -> int:
    """Return the seconds in a duration such as `90s`, `15m`, `2h` or `1d`."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) == 0:
        raise click.BadParameter(
            f"`{text}` is not a duration; use a whole number and s, m, h or d, e.g. 15m",
            param_hint="--every",
        )
    return int(number) * units[unit]


@main.command(context_settings=CONTEXT)
@db_option
@click.option("--start", callback=parse_date, help="First day of the period (YYYY-MM-DD).")
@click.option("--end", callback=parse_date, help="Last day of the period (YYYY-MM-DD).")
@click.option("--as-of", "as_of", callback=parse_date, help="Date for AR and open pipeline [default: end].")
@click.option("--owner", help="Only deals of this owner and their invoices.")
@click.option("--team", help="Only deals of this team and their invoices.")
@click.option("--customer", help="Only this customer (customer_key).")
@click.option("--explicit-links", is_flag=True,
              help="Link deals to invoices only by explicit reference.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def kpis(db_path, start, end, as_of, owner, team, customer, explicit_links, as_json):
    """Compute every KPI for a period.

    Without --start/--end the period is the whole span of the data.

    Example: lead2cash kpis --start 2025-01-01 --end 2025-03-31 --json
    """
    from etl.kpis import compute_kpis, to_json

    from etl.kpis import PeriodError, check_period

    try:
        check_period(start, end)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint=f"--{error.field}") from None
    con = open_warehouse(resolve_db(db_path))
    try:
        result = compute_kpis(con, start, end, as_of, owner=owner, team=team,
                              customer=customer, explicit_links_only=explicit_links)
    finally:
        con.close()
    click.echo(to_json(result) if as_json else format_kpis(result))


def format_kpis(result: dict) -> str:
    """Return the headline KPIs as aligned text lines."""
    pipeline, invoicing = result["pipeline"], result["invoicing"]
    collections = result["collections"]
    rows = [
        ("period", f"{result['period']['start']} to {result['period']['end']}"),
        ("won value", pipeline["won_value"]),
        ("win rate", pipeline["win_rate"]),
        ("open pipeline", pipeline["open_value"]),
        ("invoiced total", invoicing["invoiced_total"]),
        ("average invoice", invoicing["avg_invoice_size"]),
        ("cash collected", collections["cash_collected"]),
        ("AR as of " + result["period"]["as_of"], collections["ar_total"]),
        ("DSO (days)", collections["dso"]),
        ("on-time rate", collections["on_time_rate"]),
        ("lead-to-payment median (days)", result["lead_to_payment_days"]["median"]),
        ("order error rate", result["order_error_rate"]["rate"]),
    ]
    return "\n".join(f"{name:<32} {'-' if value is None else value}" for name, value in rows)


@main.command(context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEMO_DIR,
              show_default=True, help="Folder the demo extracts are written to.")
@click.option("--seed", type=int, default=20240101, show_default=True,
              help="Random seed; the same seed writes the same files.")
@db_option
def demo(out_dir: Path, seed: int, db_path: Path | None):
    """Write the seeded demo extracts and load them into the warehouse.

    Example: lead2cash demo && lead2cash dashboard
    """
    from etl.demo import generate_demo
    from etl.refresh import refresh as run_refresh

    config_path = generate_demo(out_dir, seed=seed)
    click.echo(f"demo extracts written to {out_dir}")
    click.echo(run_refresh(config_path, resolve_db(db_path)).summary())


@main.command(context_settings=CONTEXT)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8501, show_default=True, type=int, help="Port to listen on.")
def dashboard(db_path: Path | None, host: str, port: int):
    """Start the dashboard on a warehouse.

    Example: lead2cash dashboard --db data/lead2cash.duckdb --port 8501
    """
    import dashboard as dashboard_package

    app = Path(dashboard_package.__file__).parent / "app.py"
    env = dict(os.environ, LEAD2CASH_DB=str(resolve_db(db_path).resolve()))
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    # Streamlit reads .streamlit/config.toml from the working directory.
    project_root = app.parent.parent
    if (project_root / ".streamlit").is_dir():
        os.chdir(project_root)
    click.echo(f"dashboard on http://{host}:{port}", err=True)
    # Replace this process, so a stop signal reaches Streamlit itself.
    os.execve(sys.executable, command, env)


@main.command(context_settings=CONTEXT)
def schema():
    """Print the canonical schema as Markdown (the text of docs/schema.md).

    Example: lead2cash schema > docs/schema.md
    """
    from etl.schema import render_markdown

    click.echo(render_markdown(), nl=False)


@main.command(context_settings=CONTEXT)
def statuses():
    """Print the built-in status tables as Markdown (the text of docs/statuses.md).

    Example: lead2cash statuses > docs/statuses.md
    """
    from etl.statuses import render_markdown

    click.echo(render_markdown(), nl=False)


from etl import api_cli  # noqa: E402  (needs `main` and the helpers above)

main.add_command(api_cli.api)
main.add_command(api_cli.client)
main.add_command(api_cli.reconcile)
main.add_command(api_cli.compare)
main.add_command(api_cli.feedback_summary)

from etl.export_cli import export_command  # noqa: E402

main.add_command(export_command)

if __name__ == "__main__":
    main()
