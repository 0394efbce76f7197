"""Fixtures shared by every test: paths to shared extracts and tiny warehouses."""

import os
from pathlib import Path

import duckdb
import pytest
import tomli_w

from etl.refresh import refresh

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Return a path under the shared folder beside the checkout, or skip without it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI lays the shared folder beside the checkout")
        pytest.skip(f"{path} is missing: the shared extracts sit beside the checkout")
    return path


def write_mapping(folder: Path, sources: list[dict], settings: dict | None = None) -> Path:
    """Write a mapping file for `sources` into `folder` and return its path."""
    document = {"settings": settings or {}, "sources": sources}
    path = folder / "lead2cash.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def write_csv(folder: Path, name: str, text: str) -> Path:
    """Write `text` (dedented lines) as a CSV file and return its path."""
    lines = [line.strip() for line in text.strip().splitlines()]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_warehouse(folder: Path, sources: list[dict], settings: dict | None = None):
    """Refresh a warehouse in `folder` from `sources`; return a read-only connection."""
    config = write_mapping(folder, sources, settings)
    db_path = folder / "warehouse.duckdb"
    refresh(config, db_path)
    return duckdb.connect(str(db_path), read_only=True)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo data set loaded once per test session; tests only read it."""
    from etl.demo import generate_demo

    directory = tmp_path_factory.mktemp("demo_warehouse")
    db_path = directory / "demo.duckdb"
    refresh(generate_demo(directory / "demo"), db_path)
    return db_path
