"""Fixtures for the cross-distribution tests: real wheels, installed by pip into fresh venvs.

Each wheel is built once and each virtual environment created once per test session. Under
pytest-xdist every worker has its own session, so they are built in a folder all workers share,
behind a file lock: the first worker that needs one builds it, the others wait and reuse it.
Third-party plugins are installed with `pip install --target` into their own folder, put on the
venv's path with PYTHONPATH, so one scenario never changes what another sees.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "core"
PLUGINS = REPO / "plugins"
PLUGIN_SOURCES = Path(__file__).resolve().parent / "plugin_sources"
EXAMPLES = REPO / "examples"
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 180
_DROPPED_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")


# -- the repository ----------------------------------------------------------------------------


def core_version() -> str:
    """The one version every distribution has, from core/src/satchel/_version.py."""
    text = (CORE / "src" / "satchel" / "_version.py").read_text()
    found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    assert found, "core/src/satchel/_version.py defines no __version__"
    return found.group(1)


def family_folders() -> dict[str, Path]:
    """`{family: folder}` of every plugins/pkg-<family> whose packagers module exists.

    A family counts once its `src/satchel_<family>/packagers.py` is there, so these tests grow
    with the repository as the families land.
    """
    found = {}
    for folder in sorted(PLUGINS.glob("pkg-*")):
        family = folder.name.removeprefix("pkg-")
        if (folder / "pyproject.toml").is_file() and (
            folder / "src" / f"satchel_{family}" / "packagers.py"
        ).is_file():
            found[family] = folder
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking a `family` argument runs once per family present in the repository."""
    if "family" in metafunc.fixturenames:
        metafunc.parametrize("family", sorted(family_folders()))


@pytest.fixture(scope="session")
def version() -> str:
    """The version in core/src/satchel/_version.py."""
    return core_version()


@pytest.fixture(scope="session")
def hatch() -> Callable[..., Path]:
    """`hatch_build(source, into, target="wheel")`, for tests that build distributions themselves."""
    return hatch_build


@pytest.fixture(scope="session")
def fresh_venv() -> Callable[[Path], Venv]:
    """`fresh_venv(folder)`: a new virtual environment with pip, for a test of its own."""
    return new_venv


@pytest.fixture(scope="session")
def families() -> dict[str, Path]:
    """`{family: folder}` of the families present in the repository (see `family_folders`)."""
    return family_folders()


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`XDG_CACHE_HOME` of everything this session runs (satchel's declarations cache is in it),
    so no test reads or writes the user's own cache."""
    folder = tmp_path_factory.mktemp("cache-home")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


# -- running things ----------------------------------------------------------------------------


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = RUN_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """Run a command; with `check`, a non-zero exit fails with its whole output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"command failed with exit code {result.returncode}: {' '.join(map(str, command))}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would leak the dev venv or satchel settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _DROPPED_ENV and not name.startswith("SATCHEL_")
    }
    env.update(extra)
    return env


@dataclass(frozen=True)
class Venv:
    """A virtual environment made with `python -m venv`, and ways to run things in it."""

    root: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.root / "bin" / "python"

    def script_path(self, name: str) -> Path:
        """A console script the venv installed (e.g. `satchel`)."""
        return self.root / "bin" / name

    def env(self, overlays: Sequence[Path] = (), **extra: str) -> dict[str, str]:
        """The environment to run in: the venv first on PATH, `overlays` on PYTHONPATH."""
        env = clean_env(**extra)
        env["PATH"] = f"{self.root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.root)
        if overlays:
            env["PYTHONPATH"] = os.pathsep.join(str(path) for path in overlays)
        return env

    def pip_install(self, *requirements: str | Path, target: Path | None = None) -> None:
        """`pip install` into the venv (or into `target`, a folder to put on PYTHONPATH)."""
        options = ["--no-deps", "--target", str(target)] if target is not None else []
        run(
            [
                self.python,
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                *options,
                *requirements,
            ],
            env=self.env(),
            timeout=INSTALL_TIMEOUT,
        )

    def satchel(
        self,
        *args: str,
        tmp: Path,
        overlays: Sequence[Path] = (),
        check: bool = True,
        module: bool = False,
        **extra: str,
    ) -> subprocess.CompletedProcess[str]:
        """Run the `satchel` console script (or `python -m satchel` with `module=True`)."""
        command = [self.python, "-m", "satchel"] if module else [self.script_path("satchel")]
        return run([*command, *args], cwd=tmp, env=self.env(overlays, **extra), check=check)

    def module(
        self, name: str, *args: str | Path, cwd: Path, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """`python -m name args` in the venv, from `cwd` (e.g. pytest on a plugin's own tests)."""
        return run([self.python, "-m", name, *args], cwd=cwd, env=self.env(), check=check)

    def plugins_json(self, tmp: Path, overlays: Sequence[Path] = (), **extra: str) -> dict[str, Any]:
        """What `satchel plugins --json` prints, parsed."""
        return json.loads(self.satchel("plugins", "--json", tmp=tmp, overlays=overlays, **extra).stdout)

    def script(
        self,
        code: str,
        *,
        tmp: Path,
        overlays: Sequence[Path] = (),
        check: bool = True,
        **extra: str,
    ) -> Any:
        """Run Python `code` in the venv; it sets `result`, returned here through JSON.

        The code runs with every warning turned into an error unless it handles them itself,
        so an unexpected `SatchelWarning` fails the test.
        """
        path = tmp / f"script_{len(list(tmp.glob('script_*.py')))}.py"
        body = textwrap.dedent(code)
        path.write_text(
            "import json, sys, warnings\nwarnings.simplefilter('error')\nresult = None\n"
            f"{body}\nprint('RESULT=' + json.dumps(result))\n"
        )
        completed = run([self.python, path], cwd=tmp, env=self.env(overlays, **extra), check=check)
        if not check and completed.returncode != 0:
            return completed
        lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT=")]
        assert lines, f"the script printed no result:\n{completed.stdout}\n{completed.stderr}"
        return json.loads(lines[-1][len("RESULT=") :])


# -- building once for all workers -------------------------------------------------------------


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _once(shared: Path, name: str, build: Callable[[Path], None]) -> Path:
    """`shared/name`, built by `build(folder)` by the first worker that asks for it."""
    target = shared / name
    failed = shared / f"{name}.failed"
    with _locked(shared / f"{name}.lock"):
        if failed.exists():
            pytest.fail(f"building {name} failed in another worker:\n{failed.read_text()}")
        if not (target / ".built").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            try:
                build(target)
            except (Exception, pytest.fail.Exception) as error:
                failed.write_text(str(error))
                raise
            (target / ".built").write_text("")
    return target


def hatch_build(source: Path, into: Path, target: str = "wheel") -> Path:
    """Build the wheel (or sdist) of the distribution in `source` with hatchling, as a release would."""
    into.mkdir(parents=True, exist_ok=True)
    before = set(into.iterdir())
    run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", into],
        cwd=source,
        timeout=INSTALL_TIMEOUT,
    )
    (built,) = set(into.iterdir()) - before
    return built


def new_venv(folder: Path) -> Venv:
    """A fresh virtual environment, with pip, in `folder`."""
    run([sys.executable, "-m", "venv", folder], env=clean_env(), timeout=INSTALL_TIMEOUT)
    return Venv(folder)


@dataclass(frozen=True)
class Wheels:
    """The wheels built from this repository: the core's and each family's."""

    folder: Path

    @property
    def core(self) -> Path:
        """The satchel (core) wheel."""
        return self._one("core")

    @property
    def families(self) -> dict[str, Path]:
        """`{family: wheel}` for every family that had a packagers module when built."""
        return {
            folder.name.removeprefix("pkg-"): next(folder.glob("*.whl"))
            for folder in sorted(self.folder.glob("pkg-*"))
        }

    def _one(self, name: str) -> Path:
        (wheel,) = (self.folder / name).glob("*.whl")
        return wheel


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # one folder for all the workers of this run
    shared = base / "satchel-installs"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by all the xdist workers of this test run."""
    return _shared_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def wheels(shared_dir: Path) -> Wheels:
    """The core's wheel and every present family's wheel, each built once."""

    def build(folder: Path) -> None:
        hatch_build(CORE, folder / "core")
        for family, source in family_folders().items():
            hatch_build(source, folder / f"pkg-{family}")

    return Wheels(_once(shared_dir, "wheels", build))


@pytest.fixture(scope="session")
def core_venv(shared_dir: Path, wheels: Wheels) -> Venv:
    """A fresh venv with the satchel wheel alone (its dependencies come from PyPI)."""

    def build(folder: Path) -> None:
        new_venv(folder).pip_install(wheels.core)

    return Venv(_once(shared_dir, "venv-core", build))


@pytest.fixture(scope="session")
def full_venv(shared_dir: Path, wheels: Wheels) -> Venv:
    """A fresh venv with the core and every family wheel (numpy too, even without its family)."""

    def build(folder: Path) -> None:
        families = wheels.families
        extra = [] if "numpy" in families else ["numpy"]  # so the laziness test means something
        new_venv(folder).pip_install(wheels.core, *families.values(), *extra)

    return Venv(_once(shared_dir, "venv-full", build))


# -- third-party plugins, built inside the tests -----------------------------------------------


@dataclass(frozen=True)
class ThirdParty:
    """Folders to put on PYTHONPATH, each holding one third-party plugin installed by pip."""

    acme: Path
    broken: Path


@pytest.fixture(scope="session")
def third_party(shared_dir: Path, full_venv: Venv) -> ThirdParty:
    """The plugins in tests/plugin_sources, built into wheels here and installed by pip."""

    def build(folder: Path) -> None:
        for name in ("acme-widgets", "acme-broken"):
            source = shutil.copytree(PLUGIN_SOURCES / name, folder / "src" / name)
            wheel = hatch_build(source, folder / "wheels")
            full_venv.pip_install(wheel, target=folder / name)

    root = _once(shared_dir, "third-party", build)
    return ThirdParty(acme=root / "acme-widgets", broken=root / "acme-broken")


@pytest.fixture(scope="session")
def ui_overlay(shared_dir: Path, core_venv: Venv) -> Path:
    """plugins/satchel-ui built into a wheel and installed by pip, with Jinja2, into a folder to
    put on PYTHONPATH of the core venv (which has no satchel-ui of its own)."""

    def build(folder: Path) -> None:
        wheel = hatch_build(PLUGINS / "satchel-ui", folder / "wheel")  # as the families are built
        core_venv.pip_install(wheel, "jinja2>=3.1", "markupsafe>=2", target=folder / "site")

    return _once(shared_dir, "satchel-ui", build) / "site"


@dataclass(frozen=True)
class ExamplePlugin:
    """The example third-party plugin, installed from its wheel into a venv of its own."""

    venv: Venv
    wheel: Path
    source: Path  # a copy of examples/satchel-stdlib-types, its tests included


@pytest.fixture(scope="session")
def stdlib_types(shared_dir: Path, wheels: Wheels) -> ExamplePlugin:
    """examples/satchel-stdlib-types built into a wheel and installed by pip into a fresh venv,
    with the satchel, satchel-builtins and satchel-pathlib wheels and pytest."""

    def build(folder: Path) -> None:
        source = shutil.copytree(
            EXAMPLES / "satchel-stdlib-types",
            folder / "satchel-stdlib-types",
            ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
        )
        wheel = hatch_build(source, folder / "wheel")
        families = [wheels.families[name] for name in ("builtins", "pathlib")]
        new_venv(folder / "venv").pip_install(wheels.core, *families, wheel, "pytest>=8")

    root = _once(shared_dir, "stdlib-types", build)
    wheel = next((root / "wheel").glob("*.whl"))
    return ExamplePlugin(Venv(root / "venv"), wheel, root / "satchel-stdlib-types")
