"""A real `streamlit run` server on loopback over the demo warehouse."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from etl.demo import generate_demo
from etl.refresh import refresh

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    """Poll Streamlit's health endpoint until it returns 200 or the server exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(
        f"streamlit did not respond on {url} within {STARTUP_TIMEOUT_S} s; "
        "its output is in the pytest tmp dir, in server*/streamlit.log"
    )


@pytest.fixture(scope="session")
def browser_warehouse(tmp_path_factory) -> Path:
    """The demo warehouse, written to a temporary directory."""
    directory = tmp_path_factory.mktemp("browser_warehouse")
    db_path = directory / "demo.duckdb"
    refresh(generate_demo(directory / "demo"), db_path)
    return db_path


@pytest.fixture(scope="session")
def dashboard_url(browser_warehouse, tmp_path_factory):
    """Start the dashboard on a free loopback port and stop it after the session."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "LEAD2CASH_DB": str(browser_warehouse)}
    # Feedback then goes beside the temporary warehouse.
    env.pop("LEAD2CASH_FEEDBACK_DB", None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def save_screenshot(tmp_path):
    """A function that saves a full-page screenshot into the test's tmp dir.

    With LEAD2CASH_ARTIFACTS set to a folder, a copy also goes to that folder.
    """
    directories = [tmp_path / "screenshots"]
    if os.environ.get("LEAD2CASH_ARTIFACTS"):
        directories.append(Path(os.environ["LEAD2CASH_ARTIFACTS"]))
    for directory in directories:
        directory.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        first = directories[0] / f"{name}.png"
        page.screenshot(path=str(first), full_page=True)
        for directory in directories[1:]:
            shutil.copy(first, directory / first.name)
        return first

    return save


def new_tab(browser, width: int, height: int):
    """Open a tab of `width` × `height` pixels in a fresh browser context."""
    context = browser.new_context(viewport={"width": width, "height": height})
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A desktop-sized tab."""
    context, tab = new_tab(browser, 1400, 2400)
    yield tab
    context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized tab."""
    context, tab = new_tab(browser, 390, 844)
    yield tab
    context.close()
