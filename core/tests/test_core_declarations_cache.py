"""The declarations cache: a later start indexes an installed plugin without importing it, and
never serves what changed since (fresh processes, fake installed distributions on PYTHONPATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from satchel.discovery.entry_points import find_entry_points
from satchel.packaging.collecting import GROUP
from satchel.packaging.declarations import FORMAT

LIBRARY = '''
"""A library with a type of its own (not a plugin: no entry point)."""


class Widget:
    """Something only the plugin packs."""
'''

PLUGIN = '''
"""A plugin packing {library}.Widget; PLUGIN_BREAK breaks its import, PLUGIN_PRIORITY moves it."""

import os

from satchel import DefaultPackager
from {library} import Widget

if os.environ.get("PLUGIN_BREAK"):
    raise RuntimeError("broken on purpose")


class WidgetPackager(DefaultPackager):
    """Packs a Widget as the result {answer!r}."""

    PACKABLE_OBJECT_TYPE = Widget
    PRIORITY = int(os.environ.get("PLUGIN_PRIORITY", "{priority}"))
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {answer!r}
'''

CHILD = '''
import json, sys, warnings

warnings.simplefilter("always")
out = {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import satchel

    try:
        manager = satchel.PackagersManager()
    except satchel.PackagerCollectionError as error:
        out["collection_error"] = str(error)
    else:
        out["imported"] = sorted(name for name in sys.modules if name.startswith("plugin_"))
        out["priorities"] = {r.name: r.priority for r in manager.packagers if r.name.startswith("plugin_")}
        exec(EXTRA)
        for library in LIBRARIES:
            widget = __import__(library).Widget()
            try:
                packed = manager.pack(widget, "w")
            except satchel.PackagerCollectionError as error:
                out.setdefault("pack_errors", []).append(type(error).__name__)
                try:
                    manager.pack(widget, "w")
                except satchel.PackagerCollectionError:
                    out["pack_errors"].append("again")
                continue
            out.setdefault("packed", []).append(packed if isinstance(packed, dict) else packed.packager)
        out["imported_after_packing"] = sorted(n for n in sys.modules if n.startswith("plugin_"))
        out["status"] = {p.name: [p.status, p.reason] for p in manager.plugins if p.name.startswith("t_")}
        manager.clear()
out["warnings"] = [str(w.message) for w in caught if issubclass(w.category, satchel.SatchelWarning)]
print(json.dumps(out))
'''


class Site:
    """A folder of fake installed distributions (each: a library, a plugin, a dist-info)."""

    def __init__(self, root: Path, cache: Path) -> None:
        self.root, self.cache = root, cache
        root.mkdir()
        self.libraries: list[str] = []
        self.ages = 0

    def install(self, name: str, answer: str = "widget", priority: int = 4) -> None:
        """Install plugin `t_<name>` (module `plugin_<name>`, packing `widgets_<name>.Widget`)."""
        library = f"widgets_{name}"
        (self.root / f"{library}.py").write_text(LIBRARY)
        self.write_plugin(name, answer, priority)
        info = self.root / f"t_{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: t-{name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[{GROUP}]\nt_{name} = plugin_{name}\n")
        (info / "RECORD").write_text("")
        if library not in self.libraries:
            self.libraries.append(library)
        self.age(self.root / f"{library}.py", *info.iterdir(), info)

    def write_plugin(self, name: str, answer: str = "widget", priority: int = 4, source: str = PLUGIN):
        """(Re)write the plugin's module, as an editable install's source is edited."""
        text = source.format(library=f"widgets_{name}", answer=answer, priority=priority)
        (self.root / f"plugin_{name}.py").write_text(textwrap.dedent(text))
        self.age(self.root / f"plugin_{name}.py")

    def uninstall(self, name: str) -> None:
        shutil.rmtree(self.root / f"t_{name}-1.0.dist-info")
        self.libraries.remove(f"widgets_{name}")

    def age(self, *paths: Path) -> None:
        """Date what was just written an hour back (a minute more each time, so an edit still
        changes the stamp), as if installed earlier: a file modified in the last two seconds is
        not cached (its mtime could hide an edit made right after)."""
        self.ages += 1
        stamp = time.time() - 3600 + 60 * self.ages
        for path in paths:
            os.utime(path, (stamp, stamp))

    def cache_files(self) -> list[Path]:
        return sorted(self.cache.glob("packagers-*.json")) if self.cache.exists() else []

    def start(self, extra: str = "", **env: str) -> dict:
        """A fresh process: import satchel, collect, pack one widget of each library."""
        real = ",".join(entry_point.name for entry_point in find_entry_points(GROUP))
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("SATCHEL_", "PLUGIN_"))}
        environment.update(
            PYTHONPATH=str(self.root),
            SATCHEL_CACHE_DIR=str(self.cache),
            SATCHEL_DISABLE_PLUGINS=real,  # the families are not what these tests look at
            PYTHONDONTWRITEBYTECODE="1",
        )
        environment.update(env)
        code = f"LIBRARIES = {self.libraries!r}\nEXTRA = {extra!r}\n{CHILD}"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.splitlines()[-1])

    def plugins_command(self, **env: str) -> dict:
        """`satchel plugins --json` in a fresh process, by plugin name."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("SATCHEL_", "PLUGIN_"))}
        real = ",".join(entry_point.name for entry_point in find_entry_points(GROUP))
        environment.update(
            PYTHONPATH=str(self.root),
            SATCHEL_CACHE_DIR=str(self.cache),
            SATCHEL_DISABLE_PLUGINS=real,
            PYTHONDONTWRITEBYTECODE="1",
        )
        environment.update(env)
        result = subprocess.run(
            [sys.executable, "-m", "satchel", "plugins", "--json"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        plugins = json.loads(result.stdout)["plugins"]
        return {plugin["name"]: plugin for plugin in plugins if plugin["name"].startswith("t_")}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site", tmp_path / "cache")


def test_the_second_start_indexes_the_plugin_without_importing_it(site):
    site.install("a")
    first = site.start()
    assert first["imported"] == ["plugin_a"], "no cache yet: collected by importing it"
    assert len(site.cache_files()) == 1
    second = site.start()
    assert second["imported"] == [], "served from the cache"
    assert second["priorities"] == {"plugin_a.WidgetPackager": 4}
    assert second["packed"] == [{"w": "widget"}], "imported when a widget is packed"
    assert second["imported_after_packing"] == ["plugin_a"]
    assert second["warnings"] == []
    listed = site.plugins_command()["t_a"]
    assert listed["status"] == "loaded"
    assert [p["class"] for p in listed["packagers"]] == ["plugin_a.WidgetPackager"]


def test_an_edited_plugin_is_collected_again(site):
    site.install("a")
    site.start()
    site.write_plugin("a", answer="changed", priority=6)
    edited = site.start()
    assert edited["imported"] == ["plugin_a"], "its module changed: the cached entry is stale"
    assert edited["priorities"] == {"plugin_a.WidgetPackager": 6}
    assert edited["packed"] == [{"w": "changed"}]
    assert site.start()["imported"] == [], "cached again, as edited"


def test_installing_or_removing_a_plugin_is_a_new_installation(site):
    site.install("a")
    site.start()
    assert site.start()["imported"] == []
    site.install("b")
    installed = site.start()
    assert installed["imported"] == ["plugin_a", "plugin_b"], "nothing cached for this installation"
    assert installed["packed"] == [{"w": "widget"}, {"w": "widget"}]
    assert site.start()["imported"] == []
    site.uninstall("b")
    removed = site.start()
    assert "t_b" not in removed["status"]
    assert removed["imported"] == [], "the first installation again: its cache still holds"
    assert removed["packed"] == [{"w": "widget"}]


def test_a_plugin_broken_after_caching_is_reported_failed(site):
    site.install("a")
    site.start()
    site.write_plugin("a", source=PLUGIN + "\nraise ImportError('no such dependency')\n")
    broken = site.start()
    assert broken["status"]["t_a"][0] == "failed"
    assert "no such dependency" in broken["status"]["t_a"][1]
    assert broken["packed"] == ["satchel.DefaultPackager"], "pickled instead"
    assert any("t_a" in text and "skipped" in text for text in broken["warnings"])
    assert site.plugins_command()["t_a"]["status"] == "failed"


def test_a_plugin_failing_when_first_needed_is_skipped_and_the_cache_discarded(site):
    """Its import fails only now (PLUGIN_BREAK), after collection served it from the cache."""
    site.install("a")
    site.start()
    broken = site.start(PLUGIN_BREAK="1")
    assert broken["imported"] == []
    assert broken["packed"] == ["satchel.DefaultPackager"]
    assert broken["status"]["t_a"][0] == "failed"
    assert "broken on purpose" in broken["status"]["t_a"][1]
    assert any("t_a" in text and "broken on purpose" in text for text in broken["warnings"])
    assert site.cache_files() == [], "discarded"
    site.start()  # cached again
    listed = site.plugins_command(PLUGIN_BREAK="1")["t_a"]
    assert listed["status"] == "failed", "satchel plugins imports every plugin"
    assert "broken on purpose" in listed["reason"]


def test_a_required_plugin_failing_when_first_needed_raises_at_every_use(site):
    site.install("a")
    site.start()
    required = site.start(PLUGIN_BREAK="1", SATCHEL_REQUIRE="t_a")
    assert required["pack_errors"] == ["PackagerCollectionError", "again"], "raised at every use"
    assert "packed" not in required


def test_declarations_that_no_longer_match_fail_the_plugin_until_collected_again(site):
    site.install("a")
    site.start()
    moved = site.start(PLUGIN_PRIORITY="6")
    assert moved["priorities"] == {"plugin_a.WidgetPackager": 4}, "as cached"
    assert moved["packed"] == ["satchel.DefaultPackager"]
    assert moved["status"]["t_a"][0] == "failed"
    assert "no longer match" in moved["status"]["t_a"][1]
    assert site.cache_files() == []
    again = site.start(PLUGIN_PRIORITY="6")
    assert again["priorities"] == {"plugin_a.WidgetPackager": 6}
    assert again["packed"] == [{"w": "widget"}]


@pytest.mark.parametrize("garbage", ["{not json", "[]", '{"format": 2, "key": 3, "plugins": {"x": 5}}', ""])
def test_a_corrupt_cache_file_is_ignored_and_rewritten(site, garbage):
    site.install("a")
    site.start()
    (path,) = site.cache_files()
    path.write_text(garbage)
    started = site.start()
    assert started["imported"] == ["plugin_a"], "not served"
    assert started["packed"] == [{"w": "widget"}]
    assert started["warnings"] == []
    assert json.loads(path.read_text())["format"] == FORMAT
    assert site.start()["imported"] == []


def test_a_cache_that_cannot_be_written_changes_nothing(site, tmp_path):
    site.install("a")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    for _ in range(2):
        started = site.start(SATCHEL_CACHE_DIR=str(blocked / "cache"))
        assert started["imported"] == ["plugin_a"]
        assert started["packed"] == [{"w": "widget"}]
        assert started["warnings"] == []


DAMAGED_SPEC = ["plugin_a.WidgetPackager", "plugin_a", "Wid[[", 4, ["result"], "result", "object"]
DAMAGED_SPEC += [False, False]


@pytest.mark.parametrize("packagers", [[[1, 2]], [["x"] * 9], "not a list", None, [DAMAGED_SPEC]])
def test_a_malformed_entry_of_a_valid_cache_file_is_not_served(site, packagers):
    site.install("a")
    site.start()
    (path,) = site.cache_files()
    data = json.loads(path.read_text())
    (entry,) = [entry for key, entry in data["plugins"].items() if "t_a=" in key]
    entry["packagers"] = packagers
    path.write_text(json.dumps(data))
    started = site.start()
    assert started["imported"] == ["plugin_a"], "collected by importing it"
    assert started["packed"] == [{"w": "widget"}]
    assert site.start()["imported"] == [], "and cached again"


def test_a_record_from_the_cache_gives_its_class_when_asked(site):
    """`manager.packagers` lists it before its import; reading `cls` imports its plugin."""
    site.install("a")
    site.start()
    asked = site.start(
        "(record,) = [r for r in manager.packagers if r.name.startswith('plugin_')]\n"
        "out['before'] = 'plugin_a' in sys.modules\n"
        "out['class'] = record.cls.__name__\n"
        "out['after'] = 'plugin_a' in sys.modules\n"
    )
    assert (asked["before"], asked["class"], asked["after"]) == (False, "WidgetPackager", True)
    assert asked["packed"] == [{"w": "widget"}]
