"""Small inputs of the kinds that break CRM and accounting pipelines in the field."""

import datetime as dt
import csv
import io
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from etl.errors import AmbiguousDateError
from etl.export import frame_to_csv
from etl.kpis import compute_kpis
from etl.refresh import refresh
from etl.sqlfiles import fetch_frame
from tests.conftest import build_warehouse, shared_path, write_mapping

INVOICE_COLUMNS = {
    "invoice_id": "invoice_id", "customer_name": "customer",
    "issued_on": "issued_on", "total": "total",
}


def case(name: str) -> str:
    return str(shared_path("cases", name))


def invoices_source(file_name: str, **options) -> dict:
    return {"table": "invoices", "path": case(file_name), "columns": dict(INVOICE_COLUMNS),
            **options}


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_bom_header_is_found(tmp_path):
    con = build_warehouse(tmp_path, [invoices_source("bom_header.csv")])
    assert rows(con, "SELECT invoice_id, total FROM invoices ORDER BY invoice_id") == [
        ("INV-1", Decimal("100.00")), ("INV-2", Decimal("250.50")),
    ]


def test_currency_symbols_and_negatives_parse(tmp_path):
    con = build_warehouse(tmp_path, [invoices_source("currency_negatives.csv")])
    assert dict(rows(con, "SELECT invoice_id, total FROM invoices")) == {
        "A1": Decimal("1234.56"), "A2": Decimal("-123.45"), "A3": Decimal("-3.00"),
        "A4": Decimal("1000.00"), "A5": Decimal("-42.55"),
    }


def test_not_available_total_is_quarantined_not_zero(tmp_path):
    con = build_warehouse(tmp_path, [invoices_source("currency_negatives.csv")])
    quarantined = rows(con, "SELECT row_number, column_name, raw_value, reason FROM quarantine")
    assert quarantined == [(6, "total", "N/A", "missing value")]
    assert rows(con, "SELECT count(*) FROM invoices WHERE invoice_id = 'A6'") == [(0,)]


def test_european_semicolon_file_parses(tmp_path):
    source = {
        "table": "invoices", "path": case("eu_semicolon.csv"), "delimiter": ";",
        "decimal": ",", "thousands": ".", "date_format": "%d.%m.%Y",
        "columns": {"invoice_id": "Rechnung", "customer_name": "Kunde",
                    "issued_on": "Datum", "total": "Betrag"},
    }
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT invoice_id, total, issued_on FROM invoices ORDER BY 1") == [
        ("R-100", Decimal("1234.56"), dt.date(2024, 3, 5)),
        ("R-101", Decimal("0.50"), dt.date(2024, 3, 6)),
        ("R-102", Decimal("-12.00"), dt.date(2024, 3, 7)),
    ]


def test_ambiguous_dates_fail_and_keep_old_warehouse(tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    refresh(write_mapping(tmp_path, [invoices_source("bom_header.csv")]), db_path)
    before = db_path.read_bytes()

    config = write_mapping(tmp_path, [invoices_source("ambiguous_dates.csv")])
    with pytest.raises(AmbiguousDateError) as error:
        refresh(config, db_path)

    message = str(error.value)
    assert "ambiguous_dates.csv" in message
    assert "`issued_on`" in message
    assert 'date_format = "%d/%m/%Y"' in message
    assert db_path.read_bytes() == before
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert left == ["lead2cash.toml", "warehouse.duckdb"]


def test_ambiguous_dates_with_day_first_format(tmp_path):
    source = invoices_source("ambiguous_dates.csv", date_format="%d/%m/%Y")
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT issued_on FROM invoices ORDER BY invoice_id") == [
        (dt.date(2024, 2, 1),), (dt.date(2024, 2, 13),), (dt.date(2024, 11, 12),),
    ]


def test_quoted_newlines_and_doubled_quotes_survive(tmp_path):
    source = {
        "table": "deals", "path": case("quoted_newline.csv"),
        "values": {"status": {"Won": "won", "Lost": "lost"}},
        "columns": {"deal_id": "deal_id", "customer_name": "customer", "stage": "stage",
                    "status": "stage", "amount": "amount", "notes": "notes"},
    }
    con = build_warehouse(tmp_path, [source])
    notes = dict(rows(con, "SELECT deal_id, notes FROM deals"))
    assert len(notes) == 3
    assert notes["X1"] == "Signed after call.\nInvoice to HQ"
    assert notes["X2"] == 'Budget cut, "next year"'


@pytest.fixture
def name_variants(tmp_path):
    crm = {
        "table": "deals", "path": case("name_variants_crm.csv"),
        "values": {"status": {"Won": "won"}},
        "columns": {"deal_id": "deal_id", "customer_name": "customer", "stage": "stage",
                    "status": "stage", "amount": "amount", "closed_on": "closed_on"},
    }
    accounting = {
        "table": "invoices", "path": case("name_variants_accounting.csv"),
        "columns": {"invoice_id": "invoice_id", "customer_name": "customer",
                    "deal_id": "deal_ref", "issued_on": "issued_on", "total": "total"},
    }
    return build_warehouse(tmp_path, [crm, accounting])


def customer_of(con, table: str, key: str, value: str) -> str:
    return con.execute(
        f"SELECT customer_key FROM {table} WHERE {key} = ?", [value]
    ).fetchone()[0]


def test_name_variants_match_one_customer(name_variants):
    con = name_variants
    assert customer_of(con, "deals", "deal_id", "N1") == customer_of(con, "invoices", "invoice_id", "I1")
    assert customer_of(con, "deals", "deal_id", "N3") == customer_of(con, "invoices", "invoice_id", "I3")


def test_similar_names_stay_two_customers(name_variants):
    con = name_variants
    assert customer_of(con, "deals", "deal_id", "N2") != customer_of(con, "invoices", "invoice_id", "I2")
    assert rows(con, "SELECT count(*) FROM customers") == [(4,)]


def test_payments_before_invoice_age_correctly(tmp_path):
    invoices = {
        "table": "invoices", "path": case("partial_payments_invoices.csv"),
        "columns": {**INVOICE_COLUMNS, "due_on": "due_on"},
    }
    payments = {
        "table": "payments", "path": case("partial_payments_payments.csv"),
        "columns": {"payment_id": "payment_id", "invoice_id": "invoice_id",
                    "paid_on": "paid_on", "amount": "amount"},
    }
    con = build_warehouse(tmp_path, [invoices, payments])
    as_of = dt.date(2017, 4, 4)
    collections = compute_kpis(con, dt.date(2017, 1, 1), as_of, as_of)["collections"]
    assert collections["ar_total"] == Decimal("5500.00")
    assert collections["ar_aging"]["31_60"] == Decimal("5500.00")
    assert sum(collections["ar_aging"].values()) == Decimal("5500.00")
    assert rows(con, "SELECT paid_in_full_on FROM invoice_facts") == [(None,)]


def test_formula_cells_are_neutralised_in_exports(tmp_path):
    con = build_warehouse(tmp_path, [invoices_source("formula_injection.csv")])
    frame = fetch_frame(
        con, "SELECT invoice_id, customer_name, total FROM invoices ORDER BY invoice_id"
    )
    text = frame_to_csv(frame).decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text)))
    names = [row[1] for row in exported[1:]]
    assert all(name.startswith("'") for name in names)
    assert exported[2] == ["F2", "'@SUM(1+1)", "-120.00"]


def test_formula_neutraliser_covers_tab_and_carriage_return():
    frame = pd.DataFrame({"name": ["\tcmd", "\rcmd", "plain"], "total": [Decimal("-1.50")] * 3})
    text = frame_to_csv(frame).decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text, newline="")))
    assert exported[1:] == [["'\tcmd", "-1.50"], ["'\rcmd", "-1.50"], ["plain", "-1.50"]]


def test_mixed_currencies_convert_or_count_unconverted(tmp_path):
    invoices = invoices_source("mixed_currency_invoices.csv")
    invoices["columns"]["currency"] = "currency"
    rates = {"table": "fx_rates", "path": case("mixed_currency_rates.csv"),
             "columns": {"rate_date": "date", "currency": "currency", "rate": "rate"}}
    con = build_warehouse(tmp_path, [invoices, rates], {"reporting_currency": "USD"})
    invoicing = compute_kpis(con)["invoicing"]
    assert invoicing["invoiced_total"] == Decimal("210.00")
    assert invoicing["unconverted_count"] == 1
    assert invoicing["invoice_count"] == 2


def test_leading_zero_ids_stay_text(tmp_path):
    source = {
        "table": "invoices", "path": case("leading_zero_ids.csv"), "date_format": "%m/%d/%Y",
        "columns": {"invoice_id": "invoiceNumber", "customer_id": "customerID",
                    "issued_on": "InvoiceDate", "total": "InvoiceAmount"},
    }
    con = build_warehouse(tmp_path, [source])
    assert rows(con, "SELECT invoice_id, issued_on FROM invoices ORDER BY 1") == [
        ("0000611365", dt.date(2013, 1, 2)), ("0007900770", dt.date(2013, 1, 26)),
    ]


def test_money_sums_exactly(tmp_path):
    con = build_warehouse(tmp_path, [invoices_source("money_precision.csv")])
    invoicing = compute_kpis(con)["invoicing"]
    assert invoicing["invoiced_total"] == Decimal("39982.70")
    assert invoicing["avg_invoice_size"] == Decimal("3634.79")


def test_refreshing_twice_does_not_double_totals(tmp_path):
    config = write_mapping(tmp_path, [invoices_source("money_precision.csv")])
    db_path = tmp_path / "warehouse.duckdb"
    totals = []
    for _ in range(2):
        refresh(config, db_path)
        with duckdb.connect(str(db_path), read_only=True) as con:
            totals.append(compute_kpis(con)["invoicing"]["invoiced_total"])
    assert totals == [Decimal("39982.70"), Decimal("39982.70")]


def test_same_extract_listed_twice_is_not_doubled(tmp_path):
    first = invoices_source("money_precision.csv", name="january")
    second = invoices_source("money_precision.csv", name="january_again")
    con = build_warehouse(tmp_path, [first, second])
    assert compute_kpis(con)["invoicing"]["invoiced_total"] == Decimal("39982.70")
    assert rows(con, "SELECT count(DISTINCT row_number) FROM quarantine") == [(11,)]
    assert rows(con, "SELECT DISTINCT reason FROM quarantine")[0][0].startswith("duplicate")


def test_vendor_statuses_map_and_unmapped_are_reported(tmp_path):
    from etl.refresh import refresh as run_refresh
    from tests.conftest import write_csv

    write_csv(tmp_path, "invoices.csv", """
        id,issued,total,state
        V1,2024-01-02,10.00,AUTHORISED
        V2,2024-01-02,10.00,PAID
        V3,2024-01-02,10.00,VOIDED
        V4,2024-01-02,10.00,DRAFT
        V5,2024-01-02,10.00,Draft
    """)
    source = {"table": "invoices", "path": "invoices.csv",
              "columns": {"invoice_id": "id", "issued_on": "issued", "total": "total",
                          "status": "state"}}
    result = run_refresh(write_mapping(tmp_path, [source]), tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert rows(con, "SELECT invoice_id, status FROM invoices ORDER BY 1") == [
            ("V1", "open"), ("V2", "paid"), ("V3", "void"),
        ]
    assert result.unmapped == [("invoices", "state", "DRAFT", 1), ("invoices", "state", "Draft", 1)]
    assert "unmapped values" in result.summary()


def test_folder_of_monthly_exports_loads_as_one_table(tmp_path):
    from tests.conftest import write_csv

    exports = tmp_path / "exports"
    exports.mkdir()
    write_csv(exports, "2024-01.csv", """
        invoice_id,customer,issued_on,total
        J1,Acme Inc.,2024-01-05,100.00
    """)
    write_csv(exports, "2024-02.csv", """
        invoice_id,customer,issued_on,total
        F1,Acme Inc.,2024-02-05,200.00
        F2,Beta LLC,2024-02-06,N/A
    """)
    for path in ("exports", "exports/2024-*.csv"):
        source = dict(invoices_source("bom_header.csv"), path=path)
        con = build_warehouse(tmp_path, [source])
        loaded = rows(con, "SELECT invoice_id, _file, _row FROM invoices ORDER BY 1")
        assert [(i, f.rsplit("/", 1)[-1], r) for i, f, r in loaded] == [
            ("F1", "2024-02.csv", 1), ("J1", "2024-01.csv", 1),
        ]
        quarantined = rows(con, "SELECT file, row_number FROM quarantine")
        assert [(f.rsplit("/", 1)[-1], r) for f, r in quarantined] == [("2024-02.csv", 2)]
        con.close()


def test_xlsx_export_neutralises_formulas_in_string_columns():
    import openpyxl

    from etl.export import frame_to_xlsx

    frame = pd.DataFrame({
        "name": pd.array(["=HYPERLINK(\"x\")", "@SUM(1,1)", "+1", "-2+3", "\t=1", "ok"],
                         dtype="string"),
        "total": [Decimal("-120.00")] * 6,
    })
    sheet = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(frame))).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    kinds = {row[0].data_type for row in sheet.iter_rows(min_row=2)}
    assert names == ["'=HYPERLINK(\"x\")", "'@SUM(1,1)", "'+1", "'-2+3", "'\t=1", "ok"]
    assert kinds == {"s"}
    assert sheet.cell(row=2, column=2).value == -120.0


def test_order_lines_group_into_one_deal(tmp_path):
    from tests.conftest import write_csv

    write_csv(tmp_path, "lines.csv", """
        order,line,customer,amount,closed
        O1,1,Acme,10.25,2024-01-02
        O1,2,Acme,5.50,2024-01-02
        O2,1,Beta,7.00,2024-01-03
        O3,1,Gamma,1.00,2024-01-04
        O3,2,Gamma,2.00,2024-13-45
        O4,1,Delta,3.00,2024-01-05
        O4,2,Delta,N/A,2024-01-05
    """)
    source = {"table": "deals", "path": "lines.csv", "group_lines": True,
              "constants": {"status": "won"},
              "columns": {"deal_id": "order", "customer_name": "customer",
                          "amount": "amount", "closed_on": "closed"}}
    result_con = build_warehouse(tmp_path, [source])
    assert rows(result_con, "SELECT deal_id, amount, _lines FROM deals ORDER BY 1") == [
        ("O1", Decimal("15.75"), 2), ("O2", Decimal("7.00"), 1), ("O4", None, 2),
    ]
    quarantined = rows(result_con, "SELECT row_number, reason FROM quarantine ORDER BY 1")
    assert [row[0] for row in quarantined] == [4, 5]
    assert quarantined[0][1] == "another line of this document is quarantined"
    assert quarantined[1][1].startswith("invalid value: expected an existing date")
