"""Shared fixtures for the core tests: isolated managers, plugin modules and fake distributions."""

from __future__ import annotations

import importlib
import itertools
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from satchel import PackagersManager
from satchel.discovery.entry_points import find_entry_points
from satchel.packaging.collecting import GROUP

_counter = itertools.count()


@pytest.fixture
def manager() -> Iterator[PackagersManager]:
    """A manager that sees no installed plugins; cleared after the test."""
    mgr = PackagersManager(installed=False)
    yield mgr
    mgr.clear()


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """Write a module into a folder on sys.path; return its (unique) name.

    Every module written this way is dropped from sys.modules after the test.
    """
    folder = tmp_path / "modules"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    written: list[str] = []

    def make(source: str, name: str | None = None) -> str:
        name = name or f"satchel_core_t{next(_counter)}_{id(folder):x}"
        top = name.partition(".")[0]
        path = folder.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(folder).parents:
            if str(parent) != ".":
                init = folder / parent / "__init__.py"
                if not init.exists():
                    init.write_text("")
        path.write_text(textwrap.dedent(source))
        importlib.invalidate_caches()
        written.append(top)
        return name

    yield make
    for name in list(sys.modules):
        if any(name == top or name.startswith(top + ".") for top in written):
            del sys.modules[name]


def write_dist(
    root: Path,
    distribution: str,
    version: str,
    entry_points: dict[str, str],
    group: str = GROUP,
    metadata_name: str | None = None,
) -> Path:
    """A fake installed distribution: `<dist>-<version>.dist-info` with an entry_points.txt."""
    folder = root / f"{distribution}-{version}.dist-info"
    folder.mkdir(parents=True)
    folder.joinpath("METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {metadata_name or distribution}\nVersion: {version}\n"
    )
    lines = [f"[{group}]", *(f"{name} = {value}" for name, value in entry_points.items())]
    folder.joinpath("entry_points.txt").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def dist_writer() -> Callable[..., Path]:
    """`write_dist` as a fixture (test modules cannot import conftest under importlib mode)."""
    return write_dist


@pytest.fixture
def only_fake_plugins(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Disable the really installed plugins so a test sees only the fake ones it adds.

    Call it with extra comma-separated names to disable as well.
    """
    real = [entry_point.name for entry_point in find_entry_points(GROUP)]

    def apply(extra: str = "") -> None:
        names = [*real, *filter(None, extra.split(","))]
        monkeypatch.setenv("SATCHEL_DISABLE_PLUGINS", ",".join(names))

    monkeypatch.delenv("SATCHEL_REQUIRE", raising=False)
    apply()
    return apply


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty embedded store of the test's own (`SATCHEL_HOME`); its connections closed after."""
    from satchel.tracking.store.opening import forget_open_stores

    home = tmp_path / "store"
    monkeypatch.setenv("SATCHEL_HOME", str(home))
    monkeypatch.delenv("SATCHEL_RECORDS", raising=False)
    monkeypatch.delenv("SATCHEL_PAYLOADS", raising=False)
    yield home
    forget_open_stores()



@pytest.fixture(scope="session", autouse=True)
def declarations_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The packagers' declarations cache of this test session is a folder of its own."""
    folder = tmp_path_factory.mktemp("declarations-cache")
    # SATCHEL_CACHE_DIR here, XDG_CACHE_HOME for the processes started without SATCHEL_* variables
    names = {"SATCHEL_CACHE_DIR": folder, "XDG_CACHE_HOME": folder / "xdg"}
    before = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(path) for name, path in names.items()})
    yield folder
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
