"""Benchmark a refresh against DuckDB reading the same files, as ratios.

The baseline is DuckDB alone reading each generated CSV (`SELECT count(*)`
over `read_csv(all_varchar=true)`), measured in the same run, so the printed
ratios show how much a refresh costs on top of reading, whatever the machine.
Peak memory is each child process's maximum resident set size.

    python bench/bench_refresh.py --rows 200000 1000000
"""

import argparse
import csv
import datetime as dt
import json
import logging
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

logger = logging.getLogger("bench")

MAPPING = """
[settings]
reporting_currency = "USD"

[[sources]]
table = "invoices"
path = "invoices.csv"
date_format = "%m/%d/%Y"
[sources.columns]
invoice_id = "Invoice No"
customer_name = "Customer"
issued_on = "Invoice Date"
due_on = "Due Date"
total = "Amount"

[[sources]]
table = "payments"
path = "payments.csv"
date_format = "%m/%d/%Y"
[sources.columns]
payment_id = "Payment No"
invoice_id = "Invoice No"
paid_on = "Paid"
amount = "Amount"
"""

CHILD_REFRESH = """
import sys
from etl.refresh import refresh
refresh(sys.argv[1], sys.argv[2])
"""

CHILD_BASELINE = """
import sys, duckdb
con = duckdb.connect()
for path in sys.argv[1:]:
    con.execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [path]).fetchall()
"""


def write_extracts(folder: Path, rows: int, seed: int = 7) -> None:
    """Write `rows` invoices, each paid once, with US dates and "$1,234.56" amounts."""
    rng = random.Random(seed)
    start = dt.date(2022, 1, 1)
    with open(folder / "invoices.csv", "w", newline="") as invoices, \
            open(folder / "payments.csv", "w", newline="") as payments:
        invoice_writer, payment_writer = csv.writer(invoices), csv.writer(payments)
        invoice_writer.writerow(["Invoice No", "Customer", "Invoice Date", "Due Date", "Amount"])
        payment_writer.writerow(["Payment No", "Invoice No", "Paid", "Amount"])
        for number in range(rows):
            issued = start + dt.timedelta(days=rng.randrange(730))
            cents = rng.randrange(1_000, 5_000_000)
            amount = f"${cents // 100:,}.{cents % 100:02d}"
            invoice_id = f"INV{number:09d}"
            invoice_writer.writerow([invoice_id, f"Customer {rng.randrange(5000)}",
                                     f"{issued:%m/%d/%Y}",
                                     f"{issued + dt.timedelta(days=30):%m/%d/%Y}", amount])
            paid = issued + dt.timedelta(days=rng.randrange(90))
            payment_writer.writerow([f"PAY{number:09d}", invoice_id, f"{paid:%m/%d/%Y}", amount])
    (folder / "lead2cash.toml").write_text(MAPPING)


def run_child(code: str, *arguments: str) -> tuple[float, int]:
    """Run `code` in a fresh Python; return (seconds, peak RSS in MiB)."""
    command = [sys.executable, "-c", code, *arguments]
    started = time.perf_counter()
    wrapper = (
        "import resource, runpy, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", wrapper, *command],
                            capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    return elapsed, int(result.stdout.strip().splitlines()[-1]) // 1024


def bench(rows: int) -> dict:
    """Measure one size; return the figures and the ratios against the baseline."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        write_extracts(folder, rows)
        baseline_s, baseline_mib = run_child(
            CHILD_BASELINE, str(folder / "invoices.csv"), str(folder / "payments.csv"))
        refresh_s, refresh_mib = run_child(
            CHILD_REFRESH, str(folder / "lead2cash.toml"), str(folder / "w.duckdb"))
    return {
        "rows": rows,
        "baseline_s": round(baseline_s, 2),
        "refresh_s": round(refresh_s, 2),
        "time_ratio": round(refresh_s / baseline_s, 1),
        "baseline_peak_mib": baseline_mib,
        "refresh_peak_mib": refresh_mib,
        "memory_ratio": round(refresh_mib / baseline_mib, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 400_000],
                        help="invoice rows per run (each invoice has one payment)")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for rows in arguments.rows:
        logger.info(json.dumps(bench(rows)))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
