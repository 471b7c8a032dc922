"""Developer entry point: `python3 dev.py example|test|bench|lint` from a fresh clone.

Creates `.venv` on first use (and again when a pyproject or requirements file changes), installs
every distribution of the workspace in editable mode plus the development requirements, then
runs the command inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / "satchel-dev.stamp"


def distributions() -> list[Path]:
    """Every distribution folder: the core first, then each plugin."""
    return [ROOT / "core", *sorted(p.parent for p in (ROOT / "plugins").glob("*/pyproject.toml"))]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in [ROOT / "requirements-dev.txt", *(d / "pyproject.toml" for d in distributions())]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create or refresh the development virtual environment."""
    fingerprint = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    editable = [arg for d in distributions() for arg in ("-e", str(d))]
    subprocess.run([*pip, "-r", str(ROOT / "requirements-dev.txt"), *editable], check=True)
    STAMP.write_text(fingerprint)


def run(*args: str) -> int:
    """Run the venv's Python with `args` from the repository root."""
    return subprocess.run([str(PYTHON), *args], cwd=ROOT).returncode


def example(extra: list[str]) -> int:
    """The example job: two `satchel run`s on the embedded store in ./.satchel, then the runs;
    then the example workflow, shown and rerun from its second step."""
    satchel = [str(PYTHON), "-m", "satchel"]
    job = "examples/example_job.py"
    inputs = [f"--input={key}=store://example/{key}" for key in ("table", "weights", "report")]
    for command in (
        [*satchel, "run", f"{job}:prepare", "--param", "rows=500", "--project", "example", *extra],
        [*satchel, "run", f"{job}:train", *inputs, "--project", "example", *extra],
        [*satchel, "runs", "--project", "example"],
        [str(PYTHON), job],
        [*satchel, "show", "example-nightly"],
        [*satchel, "rerun", "example-nightly", "--from", "train"],
    ):
        shown = command[3:] if command[:3] == satchel else ["python", *command[1:]]
        print(("$ satchel " if command[:3] == satchel else "$ ") + " ".join(shown), flush=True)
        code = subprocess.run(command, cwd=ROOT).returncode
        if code:
            return code
        print(flush=True)
    return 0


COMMANDS = {
    "example": example,
    "test": lambda extra: run("-m", "pytest", "-n", "2", *extra),
    "bench": lambda extra: run("-m", "bench", *extra),
    "lint": lambda extra: run("-m", "ruff", "check", "--no-cache", ".", *extra),
}


def main() -> int:
    """Set up, then run the command named on the command line."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python3 dev.py {'|'.join(COMMANDS)} [args...]", file=sys.stderr)
        return 2
    setup()
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
