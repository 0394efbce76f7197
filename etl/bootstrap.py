"""Set up the project's virtual environment and run the demo or the tests.

Standard library only, so it runs on a machine that has nothing but Python:

    python3 -m etl.bootstrap demo    # demo extracts, warehouse, dashboard
    python3 -m etl.bootstrap test    # every test
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-pyproject"


def ensure_venv() -> None:
    """Create `.venv` and install the project with its test extras when out of date."""
    if not (BIN / "python").exists():
        print(f"creating virtual environment in {VENV}", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    if STAMP.exists() and STAMP.read_bytes() == pyproject:
        return
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_bytes(pyproject)


def run_demo(arguments: list[str]) -> int:
    """Write and load the demo data set, then serve the dashboard on it."""
    lead2cash = str(BIN / "lead2cash")
    subprocess.run([lead2cash, "demo"], check=True, cwd=ROOT)
    return subprocess.call([lead2cash, "dashboard", *arguments], cwd=ROOT)


def run_tests(arguments: list[str]) -> int:
    """Run pytest; a run that collects no test fails instead of passing."""
    code = subprocess.call([str(BIN / "python"), "-m", "pytest", *arguments], cwd=ROOT)
    if code == 5:
        print("no tests were collected: treating that as a failure", file=sys.stderr)
        return 1
    return code


def main() -> int:
    """Dispatch `demo` or `test`, passing the remaining arguments on."""
    commands = {"demo": run_demo, "test": run_tests}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python3 -m etl.bootstrap {demo|test} [arguments]", file=sys.stderr)
        return 2
    ensure_venv()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
