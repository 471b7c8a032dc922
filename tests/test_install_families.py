"""The core and every family wheel in a fresh venv: found through entry points, and used.

A family counts once its `packagers.py` exists in the repository, so numpy and pandas join
these tests when they land.
"""

from __future__ import annotations

import textwrap

import pytest
from packaging.utils import canonicalize_name

REQUIRED_FAMILIES = ("builtins", "pathlib")

# What each family must take (and give back) when installed: code for `Venv.script`, which
# sets `obj`, `key` (a log hint), `hint` (the type hint to unpack with) and `same(a, b)`.
SAMPLES = {
    "builtins": """
        obj, key, hint = {"a": [1, 2], "b": "x"}, "mapping:file", dict
        same = lambda a, b: a == b and type(a) is type(b)
    """,
    "pathlib": """
        from pathlib import Path
        obj, key, hint = Path("data.txt"), "data", Path
        obj.write_text("hello")
        same = lambda a, b: isinstance(a, Path) and a.read_text() == b.read_text()
    """,
    "numpy": """
        import numpy as np
        obj, key, hint = np.arange(6, dtype="int32").reshape(2, 3), "array", np.ndarray
        same = lambda a, b: a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all())
    """,
    "pandas": """
        import pandas as pd
        obj, key, hint = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}), "frame", pd.DataFrame
        same = lambda a, b: type(a) is type(b) and a.equals(b)
    """,
}

ROUND_TRIP = """
import satchel

manager = satchel.PackagersManager()
chosen = manager.explain(obj).chosen
artifact = manager.pack(obj, key)
back = manager.unpack(artifact, hint)
result = {"chosen": chosen, "packager": artifact.packager, "same": same(back, obj)}
manager.clear()
"""


def test_the_foundation_families_exist_in_the_repository(families):
    missing = [family for family in REQUIRED_FAMILIES if family not in families]
    assert not missing, f"plugins/pkg-<family>/src/satchel_<family>/packagers.py missing for {missing}"


def test_every_family_has_a_sample_here(families):
    assert set(families) <= set(SAMPLES), "add a sample for the new family to SAMPLES"


@pytest.mark.slow
def test_families_are_found_through_entry_points(full_venv, wheels, version, tmp_path):
    listing = full_venv.plugins_json(tmp_path)
    plugins = {plugin["name"]: plugin for plugin in listing["plugins"]}
    assert set(plugins) == set(wheels.families), "a fresh install lists exactly the installed families"
    for family in wheels.families:
        plugin = plugins[family]
        assert canonicalize_name(plugin["distribution"]) == f"satchel-{family}"
        assert plugin["version"] == version
        assert plugin["value"] == f"satchel_{family}.packagers"
        assert (plugin["status"], plugin["reason"]) == ("loaded", None)
        assert plugin["packagers"], f"{family} loaded no packager"
        for packager in plugin["packagers"]:
            assert packager["class"].startswith(f"satchel_{family}.packagers."), packager
            assert packager["priority"] in range(1, 11), packager
            assert isinstance(packager["type"], str) and packager["type"], packager
            assert packager["artifact_types"], packager
            assert all(isinstance(kind, str) and kind for kind in packager["artifact_types"])
            assert packager["default_artifact_type"] in packager["artifact_types"], packager
    order = [(canonicalize_name(p["distribution"]), p["name"]) for p in listing["plugins"]]
    assert order == sorted(order), "plugins are collected by distribution, then entry-point name"


@pytest.mark.slow
def test_plugins_show_the_distribution_name_pip_shows(full_venv, wheels, tmp_path):
    listing = full_venv.plugins_json(tmp_path)
    shown = {plugin["name"]: plugin["distribution"] for plugin in listing["plugins"]}
    assert shown == {family: f"satchel-{family}" for family in wheels.families}


@pytest.mark.slow
def test_each_family_packs_its_own_types(full_venv, family, tmp_path):
    outcome = full_venv.script(
        textwrap.dedent(SAMPLES[family]) + ROUND_TRIP, tmp=tmp_path, TMPDIR=str(tmp_path)
    )
    assert outcome["chosen"].startswith(f"satchel_{family}.packagers."), outcome
    assert outcome["packager"] == outcome["chosen"], outcome
    assert outcome["same"], f"{family}: the object did not unpack back the same: {outcome}"
