"""A throwaway PostgreSQL server for the database source tests."""

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"
SUPERUSER_PASSWORD = secrets.token_hex(12)


@dataclass(frozen=True)
class PostgresServer:
    """A running server that accepts connections on a Unix socket only."""

    socket_dir: Path
    superuser: str
    superuser_password: str

    def connect(self, dbname: str = "postgres", user: str | None = None,
                password: str | None = None):
        """Open an autocommit psycopg2 connection, by default as the superuser."""
        import psycopg2

        connection = psycopg2.connect(
            host=str(self.socket_dir),
            dbname=dbname,
            user=user or self.superuser,
            password=password or self.superuser_password,
        )
        connection.autocommit = True
        return connection


def find_server_binaries() -> Path | None:
    """Return the bin folder of the newest installed PostgreSQL, or None."""
    folders = glob.glob("/usr/lib/postgresql/*/bin")
    folders = [Path(f) for f in folders if Path(f, "initdb").is_file()]
    if not folders:
        return None
    return max(folders, key=lambda folder: int(folder.parent.name.split(".")[0]))


def skip_or_fail(reason: str) -> None:
    """Skip the test, except under CI, where a missing server is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install Debian's `postgresql` package")
    pytest.skip(reason)


def run_as_server_user(command: list[str]) -> None:
    """Run a server command, as the `postgres` user when the tests run as root.

    `initdb` and `postgres` exit with an error when started by root.
    """
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if completed.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` failed with exit code {completed.returncode}:\n"
            f"{completed.stdout}\n{completed.stderr}"
        )


@pytest.fixture(scope="session")
def postgres_server():
    """Start a PostgreSQL server in a temporary folder; stop it after the session."""
    binaries = find_server_binaries()
    if binaries is None:
        skip_or_fail(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        skip_or_fail("running as root but `runuser` is missing, so initdb cannot run")

    # /tmp rather than pytest's tmp_path, because the postgres user cannot
    # enter pytest's base folder, which is private to the user running the tests.
    folder = Path(tempfile.mkdtemp(prefix="lead2cash-pg-"))
    data_dir = folder / "data"
    password_file = folder / "superuser-password"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_USER)
        shutil.chown(password_file, SERVER_USER)

    # An empty listen_addresses opens no TCP port, so clients use the socket
    # in `folder`.
    server_options = f"-c listen_addresses='' -k {folder} -c timezone=UTC"
    try:
        run_as_server_user([
            str(binaries / "initdb"), "--pgdata", str(data_dir),
            "--username", SERVER_USER, "--auth", "scram-sha-256",
            "--pwfile", str(password_file),
            "--encoding", "UTF8", "--locale", "C",
        ])
        run_as_server_user([
            str(binaries / "pg_ctl"), "--pgdata", str(data_dir),
            "--log", str(folder / "server.log"), "--options", server_options,
            "--wait", "start",
        ])
    except RuntimeError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield PostgresServer(folder, SERVER_USER, SUPERUSER_PASSWORD)
    finally:
        run_as_server_user([
            str(binaries / "pg_ctl"), "--pgdata", str(data_dir), "--mode", "fast",
            "--wait", "stop",
        ])
        shutil.rmtree(folder, ignore_errors=True)
