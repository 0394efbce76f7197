"""The JSON API over the warehouse: clients, KPIs, go-live comparison, reconciliation.

Every request opens the warehouse read-only and closes it when done. The file
is attached to a fresh in-memory DuckDB rather than opened with
`duckdb.connect(path)`, because DuckDB caches one instance per path within a
process. With that cache, a refresh that swaps in a new file with `os.replace`
would be served from the old file while any connection to it stays open.
"""

import datetime as dt
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from fastapi import FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from etl.clients import (
    MAX_PAGE_SIZE,
    AmbiguousClientError,
    ClientNotFoundError,
    client_detail,
    search_clients,
)
from etl.compare import GoLiveError, compare_go_live
from etl.kpis import PeriodError, compute_kpis, data_span, to_json
from etl.kpis import check_period as check_kpi_period
from etl.parse import sql_literal
from etl.reconcile import reconcile

logger = logging.getLogger(__name__)

# A period longer than this makes the monthly KPI series slow enough to tie up
# a worker (a 10,000-year period took 22 s on the demo warehouse).


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str
    field: str | None = None


class ClientSummary(BaseModel):
    customer_key: str
    customer_name: str | None
    in_crm: bool
    in_accounting: bool
    names: list[str]


class ClientPage(BaseModel):
    query: str
    total: int
    limit: int
    offset: int
    clients: list[ClientSummary]


class ClientDetail(BaseModel):
    client: dict[str, Any]
    deals: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    credit_notes: list[dict[str, Any]]
    activities: list[dict[str, Any]]
    kpis: dict[str, Any]


ERRORS = {
    422: {"model": ErrorBody, "description": "A parameter is invalid."},
    503: {"model": ErrorBody, "description": "The warehouse file is missing."},
}


class WarehouseUnavailable(Exception):
    """The warehouse file does not exist (yet)."""


class InvalidParameter(Exception):
    """A parameter passed type checks but is invalid together with the others."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def json_response(content, status_code: int = 200) -> Response:
    """Serialise with `to_json`, so money is a number with two decimals and dates ISO."""
    return Response(to_json(content), status_code=status_code, media_type="application/json")


@contextmanager
def open_warehouse(db_path: Path):
    """Yield a read-only connection to the current warehouse file."""
    if not db_path.is_file():
        raise WarehouseUnavailable(str(db_path))
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"ATTACH {sql_literal(str(db_path))} AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        yield con
    finally:
        con.close()


def check_period(con, start: dt.date | None, end: dt.date | None) -> None:
    """Raise InvalidParameter when start is after end or the period is too long.

    A missing start or end is the first or last date of data, as in compute_kpis.
    """
    span = data_span(con)
    if span is not None:
        start, end = start or span[0], end or span[1]
    try:
        check_kpi_period(start, end)
    except PeriodError as error:
        raise InvalidParameter(error.field, str(error)) from error


LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(db_path: Path, allowed_hosts: list[str] | None = None) -> FastAPI:
    """Build the API application serving the warehouse at `db_path`.

    Requests whose Host header names anything but `allowed_hosts` (default:
    the loopback names) are rejected, so a web page that rebinds its own
    domain to 127.0.0.1 cannot read the API from a browser.
    """
    db_path = Path(db_path)
    app = FastAPI(
        title="lead2cash API",
        version="1",
        description="Unified clients, KPIs and reconciliation over the lead2cash warehouse.",
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)
    _add_error_handlers(app, db_path)

    @app.get("/api/clients", response_model=None, responses={200: {"model": ClientPage}, **ERRORS})
    def list_clients(
        query: str = Query("", max_length=200,
                           description="Part of a name, a customer key or a source id."),
        limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="Clients per page."),
        offset: int = Query(0, ge=0, le=10**9, description="Clients to skip."),
    ):
        """Search customers by any spelling of their name, their key or a source id."""
        with open_warehouse(db_path) as con:
            return json_response(search_clients(con, query, limit, offset))

    @app.get(
        "/api/clients/{client_id}", response_model=None,
        responses={200: {"model": ClientDetail},
                   404: {"model": ErrorBody, "description": "No such client."},
                   409: {"model": ErrorBody, "description": "The id names several clients."},
                   **ERRORS},
    )
    def get_client(
        client_id: str = PathParam(description="Customer key or a CRM or accounting id."),
    ):
        """Return one customer with its deals, documents, activities and KPIs."""
        with open_warehouse(db_path) as con:
            return json_response(client_detail(con, client_id))

    @app.get("/api/kpis", response_model=None,
             responses={200: {"description": "The object `lead2cash kpis --json` prints."},
                        **ERRORS})
    def get_kpis(
        start: dt.date | None = Query(None, description="First day of the period."),
        end: dt.date | None = Query(None, description="Last day of the period."),
        as_of: dt.date | None = Query(None, description="Date for AR and open pipeline."),
        owner: str | None = Query(None, max_length=200, description="Deal owner."),
        team: str | None = Query(None, max_length=200, description="Sales team."),
        customer: str | None = Query(None, max_length=200, description="Customer key."),
        explicit_links_only: bool = Query(False, description="Use explicit links only."),
    ):
        """Compute every KPI for a period; without start and end, the whole span."""
        with open_warehouse(db_path) as con:
            check_period(con, start, end)
            return json_response(compute_kpis(
                con, start, end, as_of, owner=owner, customer=customer, team=team,
                explicit_links_only=explicit_links_only,
            ))

    @app.get("/api/compare", response_model=None,
             responses={200: {"description": "Headline KPIs before and after go-live."},
                        **ERRORS})
    def get_compare(
        go_live: dt.date | None = Query(None, description="Go-live date [default: setting]."),
    ):
        """Compare the headline KPIs before and after the go-live date."""
        with open_warehouse(db_path) as con:
            return json_response(compare_go_live(con, go_live))

    @app.get("/api/reconcile", response_model=None,
             responses={200: {"description": "Rows of every reconciliation check."}, **ERRORS})
    def get_reconcile(
        as_of: dt.date | None = Query(None, description="Today [default: last date of data]."),
    ):
        """Run every reconciliation check."""
        with open_warehouse(db_path) as con:
            return json_response(reconcile(con, as_of))

    return app


def _add_error_handlers(app: FastAPI, db_path: Path) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: RequestValidationError):
        first = error.errors()[0]
        field = str(first["loc"][-1]) if first.get("loc") else None
        message = f"{field}: {first['msg']}" if field else first["msg"]
        return JSONResponse({"error": message, "field": field}, status_code=422)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException):
        return JSONResponse({"error": str(error.detail), "field": None},
                            status_code=error.status_code, headers=error.headers)

    @app.exception_handler(InvalidParameter)
    def invalid_parameter(request: Request, error: InvalidParameter):
        return JSONResponse({"error": str(error), "field": error.field}, status_code=422)

    @app.exception_handler(GoLiveError)
    def invalid_go_live(request: Request, error: GoLiveError):
        return JSONResponse({"error": str(error), "field": "go_live"}, status_code=422)

    @app.exception_handler(ClientNotFoundError)
    def client_not_found(request: Request, error: ClientNotFoundError):
        return JSONResponse({"error": str(error), "field": "client_id"}, status_code=404)

    @app.exception_handler(AmbiguousClientError)
    def ambiguous_client(request: Request, error: AmbiguousClientError):
        return JSONResponse({"error": str(error), "field": "client_id"}, status_code=409)

    @app.exception_handler(WarehouseUnavailable)
    def warehouse_missing(request: Request, error: WarehouseUnavailable):
        logger.error("warehouse %s not found while serving %s", db_path, request.url.path)
        # The server's path stays in its log; clients only learn what to do.
        message = ("warehouse not found on the server; run `lead2cash refresh "
                   "--config FILE` for the warehouse this API serves")
        return JSONResponse({"error": message, "field": None}, status_code=503)
