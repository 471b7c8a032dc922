"""The command line: `plugins [--json]`, `explain --type`, and how errors are reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from satchel import SatchelPluginWarning, __version__
from satchel.cli import main

DEFAULT = "satchel.DefaultPackager"


def satchel_command(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "satchel", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_plugins_json_structure():
    result = satchel_command("plugins", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"plugins", "default_packager"}
    assert data["default_packager"] == {
        "class": DEFAULT,
        "priority": 10,
        "type": "object",
        "pack_subclasses": False,
        "artifact_types": ["object", "result"],
        "default_artifact_type": "object",
    }
    for plugin in data["plugins"]:
        assert set(plugin) == {
            "name",
            "value",
            "distribution",
            "version",
            "mandatory",
            "status",
            "reason",
            "packagers",
        }
        assert plugin["status"] in ("loaded", "failed", "disabled")
        assert (plugin["reason"] is None) == (plugin["status"] == "loaded")
        for packager in plugin["packagers"]:
            assert set(packager) == {
                "class",
                "priority",
                "type",
                "pack_subclasses",
                "artifact_types",
                "default_artifact_type",
            }
            assert 1 <= packager["priority"] <= 10


@pytest.fixture
def fake_plugins(tmp_path, make_module, dist_writer, only_fake_plugins, monkeypatch):
    good = make_module(
        """
        from satchel import DefaultPackager

        class Gizmo:
            pass

        class GizmoPackager(DefaultPackager):
            PACKABLE_OBJECT_TYPE = Gizmo
            PRIORITY = 4
            DEFAULT_PACKING_ARTIFACT_TYPE = "file"

            def pack_file(self, obj, key):
                raise NotImplementedError

            def unpack_file(self, item):
                raise NotImplementedError
        """
    )
    site = tmp_path / "site"
    dist_writer(
        site, "satchel_fake_cli", "4.5", {"satchel-t-cli": good, "satchel-t-broken": "satchel_no_such_xyz"}
    )
    monkeypatch.syspath_prepend(str(site))
    return good


def test_plugins_json_lists_loaded_and_failed_plugins(fake_plugins, capsys):
    assert main(["plugins", "--json"]) == 0  # the failing plugin's warning is not raised here
    data = json.loads(capsys.readouterr().out)
    mine = {p["name"]: p for p in data["plugins"] if p["name"].startswith("satchel-t-")}
    assert mine["satchel-t-cli"] == {
        "name": "satchel-t-cli",
        "value": fake_plugins,
        "distribution": "satchel_fake_cli",
        "version": "4.5",
        "mandatory": False,
        "status": "loaded",
        "reason": None,
        "packagers": [
            {
                "class": f"{fake_plugins}.GizmoPackager",
                "priority": 4,
                "type": f"{fake_plugins}.Gizmo",
                "pack_subclasses": False,
                "artifact_types": ["file", "object"],
                "default_artifact_type": "file",
            }
        ],
    }
    broken = mine["satchel-t-broken"]
    assert broken["status"] == "failed"
    assert "satchel_no_such_xyz" in broken["reason"]
    assert broken["packagers"] == []


def test_plugins_text(fake_plugins, capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "satchel-t-cli (satchel_fake_cli 4.5): loaded" in out
    assert (
        f"{fake_plugins}.GizmoPackager  priority 4  type {fake_plugins}.Gizmo  artifact types file, object"
        in out
    )
    assert "satchel-t-broken (satchel_fake_cli 4.5): failed" in out
    assert "reason: cannot import 'satchel_no_such_xyz'" in out
    assert out.rstrip().endswith(f"default: {DEFAULT}  artifact types object, result")


def test_explain_type_dict():
    result = satchel_command("explain", "--type", "dict")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "packagers for builtins.dict, in the order they are tried:"
    chosen = next(index for index, line in enumerate(lines) if line.startswith("chosen: "))
    assert f"{DEFAULT} (priority 10, default): packs it as 'object'" in lines[chosen - 1]
    assert all(line[4:6].rstrip(".").isdigit() for line in lines[1:chosen])


def test_explain_with_artifact_type(fake_plugins, capsys):
    with pytest.warns(SatchelPluginWarning, match="satchel-t-broken"):
        assert main(["explain", "--type", f"{fake_plugins}.Gizmo", "--artifact-type", "file"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"packagers for {fake_plugins}.Gizmo as 'file', in the order they are tried:"
    assert out[1] == (
        f" -> 1. {fake_plugins}.GizmoPackager (priority 4, satchel_fake_cli): packs it as 'file'"
    )  # GizmoPackager keeps the base is_packable: for a type its verdict is certain
    assert out[2] == f"    2. {DEFAULT} (priority 10, default): declines: supports object, result, not 'file'"
    assert out[3] == f"chosen: {fake_plugins}.GizmoPackager"


def test_error_is_exit_code_1_and_one_line():
    result = satchel_command("explain", "--type", "satchel_no_such_module_xyz.Thing")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "satchel: SatchelError: cannot resolve type hint 'satchel_no_such_module_xyz.Thing'"
    )


def test_a_collection_error_keeps_one_line_per_failure():
    result = satchel_command("plugins", SATCHEL_REQUIRE="satchel-t-nowhere,satchel-t-nothere")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    header = "satchel: PackagerCollectionError: 2 mandatory packager plugin(s) could not be collected:"
    assert lines[0] == header
    assert lines[1].startswith("  - satchel-t-nothere") and lines[2].startswith("  - satchel-t-nowhere")
    assert "SATCHEL_REQUIRE" in lines[-1] and len(lines) == 4


def test_debug_shows_the_traceback(capsys):
    assert main(["--debug", "explain", "--type", "satchel_no_such_module_xyz.Thing"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("satchel: SatchelError:")


def test_console_script_matches_module():
    script = os.path.join(os.path.dirname(sys.executable), "satchel")
    if not os.path.exists(script):
        pytest.skip("the satchel console script is not installed in this environment")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    result = subprocess.run(
        [script, "explain", "--type", "int"], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == satchel_command("explain", "--type", "int").stdout


def test_version_is_importable():
    assert __version__.count(".") == 2
