"""Third-party plugin wheels built inside the tests, installed by pip next to the families.

`acme` (distribution acme-widgets) packs its own `Widget` class; `broken` (distribution
acme-broken) cannot be imported. Their sources are in plugin_sources/.
"""

from __future__ import annotations

import json
import re

import pytest
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

MISSING = "satchel_missing_dependency_for_tests"
WIDGET_PACKAGER = "acme_widgets.packagers.WidgetPackager"

COLLECT = """
import satchel

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        manager = satchel.PackagersManager()
    except satchel.SatchelError as error:
        result = {"error": type(error).__name__, "message": str(error)}
    else:
        result = {
            "warnings": [[w.category.__name__, str(w.message)] for w in caught],
            "status": {p.name: p.status for p in manager.plugins},
        }
"""

PACK_WIDGET = """
import satchel
from acme_widgets import Widget

manager = satchel.PackagersManager()
widget = Widget("gear", 3)
artifact = manager.pack(widget, "gear")
indented = manager.pack(widget, {"key": "gear2", "artifact_type": "file", "indent": 2})
result = {
    "packager": artifact.packager,
    "kind": artifact.kind,
    "versions": artifact.versions,
    "payload": open(artifact.local_path()).read(),
    "indented": open(indented.local_path()).read(),
    "hinted": manager.unpack(artifact, Widget) == widget,
    "stored": manager.unpack(artifact) == widget,
    "dict": manager.pack({"a": 1}, "d:file").packager,
}
try:
    manager.pack(widget, {"key": "gear3", "colour": "red"})
except satchel.PackingError as error:
    result["unknown_configuration"] = str(error)
manager.clear()
"""


def _plugin(listing, name):
    (plugin,) = [plugin for plugin in listing["plugins"] if plugin["name"] == name]
    return plugin


def _names(text: str, name: str) -> bool:
    """Whether `text` names the entry point `name` (not just as part of acme-broken)."""
    return re.search(rf"(?<![\w-]){name}(?![\w-])", text) is not None


def _failure_lines(stderr: str) -> str:
    """A collection error on stderr: its header, one line per failed plugin, then the fix."""
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("satchel: PackagerCollectionError: "), stderr
    assert len(lines) >= 3 and all(line.startswith("  - ") for line in lines[1:-1]), stderr
    return "\n".join(lines[1:-1])


def test_a_third_party_plugin_is_found(full_venv, third_party, wheels, tmp_path):
    listing = full_venv.plugins_json(tmp_path, overlays=[third_party.acme])
    acme = _plugin(listing, "acme")
    assert canonicalize_name(acme["distribution"]) == "acme-widgets"
    assert (acme["version"], acme["status"], acme["reason"]) == ("1.2.3", "loaded", None)
    # only the public class defined in the module: not the imported DefaultPackager, not _Base
    (packager,) = acme["packagers"]
    assert packager["class"] == WIDGET_PACKAGER
    assert packager["priority"] == 4
    assert packager["type"] == "acme_widgets.Widget"
    assert packager["default_artifact_type"] == "file"
    assert set(packager["artifact_types"]) == {"file", "object"}
    names = [plugin["name"] for plugin in listing["plugins"]]
    assert names == ["acme", *wheels.families], "ordered by distribution name: acme-widgets first"
    assert all(plugin["status"] == "loaded" for plugin in listing["plugins"])


def test_a_third_party_plugin_is_used(full_venv, third_party, tmp_path):
    outcome = full_venv.script(PACK_WIDGET, tmp=tmp_path, overlays=[third_party.acme], TMPDIR=str(tmp_path))
    assert (outcome["packager"], outcome["kind"]) == (WIDGET_PACKAGER, "file")
    assert outcome["payload"] == '{"name": "gear", "size": 3}'
    assert outcome["indented"].startswith('{\n  "name"'), "the indent configuration reached pack_file"
    assert outcome["hinted"] and outcome["stored"], outcome
    assert "1.2.3" in outcome["versions"].values(), "the plugin's version is recorded with the artifact"
    assert outcome["dict"].startswith("satchel_builtins."), "the families still pack their types"
    message = outcome["unknown_configuration"]
    assert "colour" in message and "gear3" in message and "indent" in message, message


def test_a_broken_plugin_is_skipped_with_a_warning(full_venv, third_party, tmp_path):
    overlays = [third_party.acme, third_party.broken]
    outcome = full_venv.script(COLLECT, tmp=tmp_path, overlays=overlays)
    assert outcome["status"].pop("broken") == "failed"
    assert set(outcome["status"].values()) == {"loaded"}, "the other plugins still load"
    assert "acme" in outcome["status"]
    (warning,) = outcome["warnings"]
    assert warning[0] == "SatchelPluginWarning"
    assert _names(warning[1], "broken") and MISSING in warning[1], warning
    assert re.search(r"acme[-_]broken", warning[1]), "the warning names the distribution"

    listing = full_venv.plugins_json(tmp_path, overlays=overlays)
    broken = _plugin(listing, "broken")
    assert (broken["status"], broken["packagers"]) == ("failed", [])
    assert canonicalize_name(broken["distribution"]) == "acme-broken"
    assert broken["version"] == "1.2.3"
    assert MISSING in broken["reason"], broken["reason"]
    assert _plugin(listing, "acme")["status"] == "loaded"

    text = full_venv.satchel("plugins", tmp=tmp_path, overlays=overlays).stdout
    assert re.search(r"^broken \(.*\): failed$", text, re.MULTILINE), text
    assert MISSING in text


def test_a_skipped_plugin_takes_no_objects(full_venv, third_party, tmp_path):
    """Its `NeverPackager` claimed int: with it skipped, ints go to the builtins family."""
    code = """
        import satchel
        warnings.simplefilter("ignore", satchel.SatchelPluginWarning)
        result = satchel.PackagersManager().explain(7).chosen
    """
    chosen = full_venv.script(code, tmp=tmp_path, overlays=[third_party.acme, third_party.broken])
    assert chosen.startswith("satchel_builtins.")


def test_requiring_a_broken_plugin_fails_startup(full_venv, third_party, tmp_path):
    overlays = [third_party.acme, third_party.broken]
    outcome = full_venv.script(COLLECT, tmp=tmp_path, overlays=overlays, SATCHEL_REQUIRE="broken")
    assert outcome["error"] == "PackagerCollectionError"
    message = outcome["message"]
    assert _names(message, "broken") and MISSING in message, message
    assert re.search(r"acme[-_]broken", message), "the error names the distribution"

    both = full_venv.script(COLLECT, tmp=tmp_path, overlays=overlays, SATCHEL_REQUIRE="broken, nosuch")
    assert both["error"] == "PackagerCollectionError"
    assert MISSING in both["message"] and _names(both["message"], "nosuch"), "one error names every failure"


def test_plugins_command_with_a_failed_required_plugin_exits_non_zero(full_venv, third_party, tmp_path):
    """The environment is unusable (every command would fail), so `plugins` says so."""
    overlays = [third_party.acme, third_party.broken]
    listed = full_venv.satchel(
        "plugins", "--json", tmp=tmp_path, overlays=overlays, check=False, SATCHEL_REQUIRE="broken"
    )
    assert listed.returncode != 0
    line = _failure_lines(listed.stderr)
    assert _names(line, "broken") and MISSING in line, line


def test_plugins_command_still_lists_a_failed_required_plugin(full_venv, third_party, tmp_path):
    overlays = [third_party.acme, third_party.broken]
    listed = full_venv.satchel(
        "plugins", "--json", tmp=tmp_path, overlays=overlays, check=False, SATCHEL_REQUIRE="broken"
    )
    listing = json.loads(listed.stdout)
    broken = _plugin(listing, "broken")
    assert (broken["status"], broken["mandatory"]) == ("failed", True)
    assert MISSING in broken["reason"]
    assert _plugin(listing, "acme")["status"] == "loaded"


def test_requiring_a_working_plugin_is_fine(full_venv, third_party, tmp_path):
    listing = full_venv.plugins_json(
        tmp_path, overlays=[third_party.acme], SATCHEL_REQUIRE=" acme , builtins "
    )
    assert _plugin(listing, "acme")["mandatory"] is True
    assert _plugin(listing, "builtins")["mandatory"] is True
    assert _plugin(listing, "pathlib")["mandatory"] is False
    assert {plugin["status"] for plugin in listing["plugins"]} == {"loaded"}


def test_disabled_plugins_are_skipped(full_venv, third_party, tmp_path):
    overlays = [third_party.acme, third_party.broken]
    outcome = full_venv.script(COLLECT, tmp=tmp_path, overlays=overlays, SATCHEL_DISABLE_PLUGINS="broken")
    assert outcome["warnings"] == [], "a disabled plugin is not even imported"
    assert outcome["status"]["broken"] == "disabled"
    assert outcome["status"]["acme"] == "loaded"

    listing = full_venv.plugins_json(tmp_path, overlays=overlays, SATCHEL_DISABLE_PLUGINS="broken")
    broken = _plugin(listing, "broken")
    assert (broken["status"], broken["packagers"]) == ("disabled", [])
    assert "SATCHEL_DISABLE_PLUGINS" in broken["reason"]

    code = """
        import satchel
        from acme_widgets import Widget
        manager = satchel.PackagersManager()
        result = manager.pack(Widget("gear", 3), "gear").packager
        manager.clear()
    """
    packager = full_venv.script(
        code, tmp=tmp_path, overlays=overlays, TMPDIR=str(tmp_path), SATCHEL_DISABLE_PLUGINS="acme,broken"
    )
    assert packager == "satchel.DefaultPackager", "with acme disabled, widgets are pickled"


def test_requiring_a_name_no_entry_point_has_fails(full_venv, tmp_path):
    outcome = full_venv.script(COLLECT, tmp=tmp_path, SATCHEL_REQUIRE="nosuch")
    assert outcome["error"] == "PackagerCollectionError"
    assert "nosuch" in outcome["message"] and "entry point" in outcome["message"], outcome["message"]

    listed = full_venv.satchel("plugins", tmp=tmp_path, check=False, SATCHEL_REQUIRE="nosuch")
    assert listed.returncode != 0
    assert "nosuch" in _failure_lines(listed.stderr)
