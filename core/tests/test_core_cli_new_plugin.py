"""`satchel new-plugin NAME`: the template rendered into ./NAME, names checked, nothing overwritten.

That the generated plugin builds, installs and passes its own conformance test is checked on a
real install, in tests/test_install_template.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from satchel import __version__
from satchel.cli import main
from satchel.cli.new_plugin import FILES, names, render, satchel_requirement, write

EXPECTED = {
    "pyproject.toml",
    "README.md",
    "src/satchel_points/__init__.py",
    "src/satchel_points/packagers.py",
    "tests/test_conformance.py",
}


def test_writes_the_folder_in_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new-plugin", "satchel-points"]) == 0
    root = tmp_path / "satchel-points"
    written = {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
    assert written == EXPECTED
    assert "satchel-points" in capsys.readouterr().out
    for path in root.rglob("*.py"):
        ast.parse(path.read_text(), str(path))  # valid Python, every placeholder filled
    assert "$" not in "".join(path.read_text() for path in root.rglob("*") if path.is_file())


def test_the_pyproject_names_the_distribution_module_and_satchel_series(tmp_path):
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = write("satchel-points", tmp_path)
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "satchel-points"
    assert project["project"]["dependencies"] == [satchel_requirement(__version__)]
    assert project["project"]["entry-points"]["satchel.packagers"] == {"points": "satchel_points.packagers"}
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/satchel_points"]


def test_refuses_an_existing_folder_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "satchel-points").mkdir()
    (tmp_path / "satchel-points" / "mine.txt").write_text("keep")
    assert main(["new-plugin", "satchel-points"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0], err
    assert [p.name for p in (tmp_path / "satchel-points").iterdir()] == ["mine.txt"]


BAD_NAMES = ["-points", "points-", "my points", "pöints", "a/b", "9lives", "satchel", ""]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_refuses_a_name_that_is_no_distribution_or_module_name(tmp_path, monkeypatch, capsys, name):
    monkeypatch.chdir(tmp_path)
    assert main(["new-plugin", "--", name]) in (1, 2)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("satchel: "), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "distribution,module,entry_point",
    [
        ("satchel-points", "satchel_points", "points"),
        ("Acme.Geo_Tools", "acme_geo_tools", "acme_geo_tools"),
        ("satchel--x", "satchel_x", "x"),
        ("p", "p", "p"),
    ],
)
def test_module_and_entry_point_are_derived(distribution, module, entry_point):
    derived = names(distribution)
    assert (derived["module"], derived["entry_point"]) == (module, entry_point)


def test_the_requirement_is_this_release_series():
    assert satchel_requirement("0.1.0") == "satchel>=0.1.0,<0.2"
    assert satchel_requirement("0.3.2") == "satchel>=0.3.2,<0.4"
    assert satchel_requirement("1.4.0") == "satchel>=1.4.0,<2"


def test_every_template_file_is_package_data():
    assert set(render("satchel-points")) == EXPECTED
    assert len(FILES) == len(EXPECTED)


def test_the_generated_plugin_is_lint_clean(tmp_path):
    """Under the workspace's rules (type hints, docstrings, 110 columns), from its own folder as
    its author would run ruff (so its module is first-party)."""
    pytest.importorskip("ruff")
    root = write("satchel-points", tmp_path)
    rules = ["--select", "E,F,W,I,B,UP,N,SIM,RUF,ANN,D1", "--ignore", "ANN401", "--line-length", "110"]
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", *rules]
    command += ["--per-file-ignores", "tests/*:ANN", "--target-version", "py310", "."]
    checked = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_generated_packager_packs_a_file_with_its_preview(tmp_path, monkeypatch):
    from fractions import Fraction

    from satchel import PackagersManager

    monkeypatch.chdir(tmp_path)
    assert main(["new-plugin", "satchel-points"]) == 0
    monkeypatch.syspath_prepend(str(tmp_path / "satchel-points" / "src"))
    manager = PackagersManager(installed=False)
    manager.collect_packagers(["satchel_points.packagers.*"])
    try:
        artifact = manager.pack(Fraction(3, 7), "ratio:file")
        assert artifact.preview == {"type": "text", "text": "3/7"}
        assert manager.unpack(artifact, Fraction) == Fraction(3, 7)
    finally:
        manager.clear()
        for name in [n for n in sys.modules if n.startswith("satchel_points")]:
            del sys.modules[name]
