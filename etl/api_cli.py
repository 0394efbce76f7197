"""The `api`, `client`, `reconcile`, `compare` and `feedback-summary` commands."""

import datetime as dt
import json
from pathlib import Path

import click

from etl.cli_common import CONTEXT, parse_date, db_option, resolve_db, open_warehouse


@click.command(context_settings=CONTEXT)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port to listen on.")
def api(db_path: Path | None, host: str, port: int):
    """Serve the JSON API (OpenAPI document at /openapi.json, docs at /docs).

    Example: lead2cash api --db data/lead2cash.duckdb --port 8000
    """
    import uvicorn

    from etl.api import create_app

    from etl.api import LOOPBACK_HOSTS

    db_path = resolve_db(db_path)
    allowed_hosts = sorted({*LOOPBACK_HOSTS, host})
    click.echo(f"API on http://{host}:{port} serving {db_path}", err=True)
    uvicorn.run(create_app(db_path, allowed_hosts), host=host, port=port, log_level="info")


class DocumentedArgument(click.Argument):
    """A positional argument that carries help text, as options do."""

    def __init__(self, *args, help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.help = help


@click.command(context_settings=CONTEXT)
@click.argument("client_id", cls=DocumentedArgument,
                help="Customer key (CUS-...) or a CRM or accounting customer id.")
@db_option
@click.option("--json", "as_json", is_flag=True,
              help="Print the whole client object, as GET /api/clients/ID returns it.")
def client(client_id: str, db_path: Path | None, as_json: bool):
    """Show one client: matched ids, deals, invoices, payments, activities and KPIs.

    CLIENT_ID is a customer key (CUS-...) or a CRM or accounting customer id.

    Example: lead2cash client ACC-0001 --json
    """
    from etl.clients import client_detail
    from etl.kpis import to_json

    con = open_warehouse(resolve_db(db_path))
    try:
        detail = client_detail(con, client_id)
    finally:
        con.close()
    click.echo(to_json(detail) if as_json else format_client(detail))


def format_client(detail: dict) -> str:
    """Return a client's name, ids and headline figures as text lines."""
    header, kpis = detail["client"], detail["kpis"]
    sources = ", ".join(
        f"{s['system']}:{s['table']}:{s['id'] or s['name']}" for s in header["sources"]
    )
    rows = [
        ("client", f"{header['customer_name']} ({header['customer_key']})"),
        ("matched from", sources),
        ("deals / invoices / payments", f"{len(detail['deals'])} / "
         f"{len(detail['invoices'])} / {len(detail['payments'])}"),
        ("lifetime value", kpis["lifetime_value"]),
        ("open AR as of " + kpis["period"]["as_of"], kpis["open_ar"]),
        ("average days to pay", kpis["avg_days_to_pay"]),
        ("lead-to-payment median (days)", kpis["lead_to_payment_days"]["median"]),
    ]
    return "\n".join(f"{name:<32} {'-' if value is None else value}" for name, value in rows)


@click.command(context_settings=CONTEXT)
@db_option
@click.option("--as-of", "as_of", callback=parse_date,
              help="Today for the grace period (YYYY-MM-DD) [default: last date of data].")
@click.option("--updates-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also write crm_updates.csv and accounting_updates.csv to this folder.")
@click.option("--json", "as_json", is_flag=True,
              help="Print {check: {count, rows}} as one JSON object.")
def reconcile(db_path: Path | None, as_of: dt.date | None, updates_dir: Path | None,
              as_json: bool):
    """Run the reconciliation checks between the CRM and accounting.

    Example: lead2cash reconcile --json --updates-dir out/updates
    """
    from etl.kpis import to_json
    from etl.reconcile import reconcile as run_checks
    from etl.reconcile import suggested_updates

    con = open_warehouse(resolve_db(db_path))
    try:
        results = run_checks(con, as_of)
    finally:
        con.close()
    if updates_dir:
        write_updates(suggested_updates(results), updates_dir)
    if as_json:
        click.echo(to_json(results))
        return
    for name, result in results.items():
        click.echo(f"{name:<34} {result['count']:>6}")


def write_updates(frames: dict, folder: Path) -> None:
    """Write one `<system>_updates.csv` per system into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for system, frame in frames.items():
        path = folder / f"{system}_updates.csv"
        frame.to_csv(path, index=False)
        click.echo(f"{len(frame)} {system} update(s) written to {path}", err=True)


@click.command(context_settings=CONTEXT)
@db_option
@click.option("--go-live", "go_live", callback=parse_date,
              help="First day after go-live (YYYY-MM-DD) [default: settings.go_live].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def compare(db_path: Path | None, go_live: dt.date | None, as_json: bool):
    """Compare the headline KPIs before and after the go-live date.

    Example: lead2cash compare --go-live 2025-01-01 --json
    """
    from etl.compare import compare_go_live
    from etl.kpis import to_json

    con = open_warehouse(resolve_db(db_path))
    try:
        result = compare_go_live(con, go_live)
    finally:
        con.close()
    if as_json:
        click.echo(to_json(result))
        return
    periods = result["periods"]
    click.echo(f"{'KPI':<36} {'before':>14} {'after':>14}   go-live {result['go_live']}")
    click.echo(f"{'period':<36} {periods['before']['start']:>14} {periods['after']['start']:>14}")
    for row in result["kpis"]:
        before = "-" if row["before"] is None else row["before"]
        after = "-" if row["after"] is None else row["after"]
        click.echo(f"{row['name']:<36} {before!s:>14} {after!s:>14}")


@click.command("feedback-summary", context_settings=CONTEXT)
@db_option
@click.option("--feedback-db", "feedback_db", type=click.Path(path_type=Path),
              help="Feedback file [default: $LEAD2CASH_FEEDBACK_DB, else "
                   "<warehouse stem>.feedback.sqlite beside the warehouse].")
@click.option("--recent", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="Number of recent comments to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def feedback_summary(db_path: Path | None, feedback_db: Path | None, recent: int,
                     as_json: bool):
    """Summarise the "Rate this dashboard" responses per page.

    Example: lead2cash feedback-summary --json
    """
    from etl.feedback import feedback_path
    from etl.feedback import feedback_summary as summarise

    path = feedback_db or feedback_path(resolve_db(db_path))
    summary = summarise(path, recent=recent)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"{summary['count']} answer(s), average {summary['average_rating'] or '-'}")
    for page in summary["pages"]:
        click.echo(f"  {page['page']:<30} {page['count']:>5}  average {page['average_rating']}")
