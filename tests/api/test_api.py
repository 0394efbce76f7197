"""The API over real HTTP on 127.0.0.1, on the hand-built warehouse in conftest.py."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.match import customer_key
from etl.refresh import refresh
from tests.api.conftest import SOURCES, serve, write_extracts
from tests.conftest import write_mapping

ACME, BETA = customer_key("acme"), customer_key("beta")
EXPECTED_ACME = json.loads((Path(__file__).parent / "expected_client_acme.json").read_text())
ACME_SUMMARY = {"customer_key": ACME, "customer_name": "Acme Inc.", "in_crm": True,
                "in_accounting": True, "names": ["ACME, Inc", "Acme Inc."]}
BETA_SUMMARY = {"customer_key": BETA, "customer_name": "Beta GmbH", "in_crm": True,
                "in_accounting": False, "names": ["Beta GmbH"]}


@pytest.mark.parametrize("client_id", ["A1", "C1", ACME])
def test_client_detail_by_any_id(api_url, http, client_id):
    response = http.get(f"{api_url}/api/clients/{client_id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == EXPECTED_ACME


def test_client_command_prints_api_object(warehouse_path):
    result = CliRunner().invoke(main, ["client", "C1", "--db", str(warehouse_path),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == EXPECTED_ACME


def test_client_command_unknown_id(warehouse_path):
    result = CliRunner().invoke(main, ["client", "NOPE", "--db", str(warehouse_path)])
    assert result.exit_code == 1
    assert "client `NOPE` not found" in result.stderr


def test_money_has_two_decimals(api_url, http):
    text = http.get(f"{api_url}/api/clients/A1").text
    assert '"lifetime_value": 1000.0' in text
    assert '"credit_note_total": 100.0' in text


@pytest.mark.parametrize("query, expected", [
    ("", [ACME_SUMMARY, BETA_SUMMARY]),
    ("acme, inc", [ACME_SUMMARY]),
    ("ACME", [ACME_SUMMARY]),
    ("c1", [ACME_SUMMARY]),
    ("A2", [BETA_SUMMARY]),
    (BETA, [BETA_SUMMARY]),
    ("beta gmbh", [BETA_SUMMARY]),
    ("zebra", []),
])
def test_clients_search(api_url, http, query, expected):
    response = http.get(f"{api_url}/api/clients", params={"query": query})
    assert response.status_code == 200
    assert response.json() == {"query": query, "total": len(expected), "limit": 50,
                               "offset": 0, "clients": expected}


@pytest.mark.parametrize("limit, offset, expected", [
    (1, 0, [ACME_SUMMARY]),
    (1, 1, [BETA_SUMMARY]),
    (5, 2, []),
])
def test_clients_pagination(api_url, http, limit, offset, expected):
    response = http.get(f"{api_url}/api/clients", params={"limit": limit, "offset": offset})
    assert response.json() == {"query": "", "total": 2, "limit": limit, "offset": offset,
                               "clients": expected}


def test_unknown_client_404(api_url, http):
    response = http.get(f"{api_url}/api/clients/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "error": "client `NOPE` not found; pass a customer key (CUS-...) or a CRM or "
                 "accounting customer id, or search with `GET /api/clients?query=`",
        "field": "client_id",
    }


def test_unknown_route_404_json(api_url, http):
    response = http.get(f"{api_url}/api/nothing")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found", "field": None}


@pytest.mark.parametrize("path, params, field", [
    ("/api/clients", {"limit": 0}, "limit"),
    ("/api/clients", {"limit": 501}, "limit"),
    ("/api/clients", {"limit": "ten"}, "limit"),
    ("/api/clients", {"offset": -1}, "offset"),
    ("/api/clients", {"query": "x" * 201}, "query"),
    ("/api/kpis", {"start": "2024-13-01"}, "start"),
    ("/api/kpis", {"as_of": "yesterday"}, "as_of"),
    ("/api/kpis", {"start": "2024-03-01", "end": "2024-02-01"}, "start"),
    ("/api/kpis", {"start": "1900-01-01"}, "end"),
    ("/api/kpis", {"explicit_links_only": "maybe"}, "explicit_links_only"),
    ("/api/compare", {"go_live": "2023-01-01"}, "go_live"),
    ("/api/compare", {"go_live": "soon"}, "go_live"),
])
def test_invalid_parameter_422(api_url, http, path, params, field):
    response = http.get(f"{api_url}{path}", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert body["error"]


def test_kpis_same_as_cli_json(api_url, http, warehouse_path):
    params = {"start": "2024-02-01", "end": "2024-02-29", "owner": "Ann"}
    response = http.get(f"{api_url}/api/kpis", params=params)
    result = CliRunner().invoke(main, ["kpis", "--db", str(warehouse_path), "--start",
                                       "2024-02-01", "--end", "2024-02-29", "--owner",
                                       "Ann", "--json"])
    assert response.status_code == 200
    assert result.exit_code == 0, result.output
    assert response.json() == json.loads(result.stdout)
    assert response.json()["invoicing"]["invoiced_total"] == 1000.0


def test_compare_endpoint(api_url, http):
    response = http.get(f"{api_url}/api/compare", params={"go_live": "2024-02-15"})
    assert response.status_code == 200
    body = response.json()
    assert body["go_live"] == "2024-02-15"
    assert body["periods"] == {
        "before": {"start": "2024-01-01", "end": "2024-02-14", "days": 45},
        "after": {"start": "2024-02-15", "end": "2024-03-01", "days": 16},
    }
    rows = {row["name"]: row for row in body["kpis"]}
    assert rows["avg_invoice_size"] == {
        "name": "avg_invoice_size", "before": 1000.0, "after": None, "change": None,
        "change_pct": None, "better": "higher", "before_count": 1, "after_count": 0,
    }


def test_reconcile_endpoint(api_url, http):
    body = http.get(f"{api_url}/api/reconcile").json()
    assert body["customer_one_system"] == {"count": 0, "rows": []}
    assert body["won_not_invoiced"] == {"count": 0, "rows": []}


def test_openapi_lists_endpoints(api_url, http):
    document = http.get(f"{api_url}/openapi.json").json()
    assert sorted(document["paths"]) == [
        "/api/clients", "/api/clients/{client_id}", "/api/compare", "/api/kpis",
        "/api/reconcile",
    ]


def test_refresh_swap_is_served(tmp_path, http):
    write_extracts(tmp_path)
    config = write_mapping(tmp_path, SOURCES)
    db_path = tmp_path / "warehouse.duckdb"
    refresh(config, db_path)
    with serve(db_path) as url:
        assert http.get(f"{url}/api/clients").json()["total"] == 2

        write_extracts(tmp_path, extra_accounts="A3,Gamma Ltd,\n")
        refresh(config, db_path)

        body = http.get(f"{url}/api/clients", params={"query": "gamma"}).json()
        assert body["total"] == 1
        assert body["clients"][0]["customer_name"] == "Gamma Ltd"


def test_missing_warehouse_503(tmp_path, http):
    with serve(tmp_path / "missing.duckdb") as url:
        response = http.get(f"{url}/api/clients")
    assert response.status_code == 503
    assert response.json()["error"].startswith("warehouse not found on the server")
    assert str(tmp_path) not in response.text
