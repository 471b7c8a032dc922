"""Projects and their custom packagers, persisted in the store and collected for each run."""

from __future__ import annotations

import pytest

import satchel
from satchel import PackagerCollectionError, SatchelError, SatchelPluginWarning, SatchelWarning

PACKAGER = """
import satchel

class Point:
    def __init__(self, x):
        self.x = x

class PointPackager(satchel.DefaultPackager):
    PACKABLE_OBJECT_TYPE = Point
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".txt")
        path.write_text(str(obj.x))
        return path, {}

    def unpack_file(self, item):
        with open(item.local_path()) as handle:
            return Point(int(handle.read()))
"""


def test_custom_packagers_persist_in_order_and_twice_warns(store):
    project = satchel.get_or_create_project("demo")
    project.add_custom_packager("pkg.mod.A", is_mandatory=True)
    project.add_custom_packager("pkg.mod.B")
    with pytest.warns(SatchelWarning, match="already has custom packager 'pkg.mod.A'"):
        project.add_custom_packager("pkg.mod.A", is_mandatory=False)
    again = satchel.get_or_create_project("demo")
    assert again.get_custom_packagers() == [("pkg.mod.A", True), ("pkg.mod.B", False)]
    again.remove_custom_packager("pkg.mod.A")
    assert project.get_custom_packagers() == [("pkg.mod.B", False)]
    unknown = r"project 'demo' has no custom packager 'pkg.mod.A' \(it has: pkg.mod.B\)"
    with pytest.raises(SatchelError, match=unknown):
        project.remove_custom_packager("pkg.mod.A")


def test_a_custom_packager_packs_the_projects_runs(store, make_module):
    module = make_module(PACKAGER)
    satchel.get_or_create_project("geo").add_custom_packager(f"{module}.PointPackager", is_mandatory=True)
    points = __import__(module)
    run = satchel.run(lambda: points.Point(7), returns="p", project="geo")
    assert run.artifacts["p"].packager == f"{module}.PointPackager"
    assert run.output("p").x == 7
    elsewhere = satchel.run(lambda: points.Point(7), returns="p", project="other")
    assert elsewhere.artifacts["p"].packager == "satchel.DefaultPackager"  # not that project's


def test_a_mandatory_custom_packager_that_fails_stops_the_run_before_the_function(store):
    called = []
    project = satchel.get_or_create_project("demo")
    project.add_custom_packager("no_such_module_xyz.Packager", is_mandatory=True)
    with pytest.raises(PackagerCollectionError, match="no_such_module_xyz") as caught:
        satchel.run(lambda: called.append(1), project="demo")
    assert "is_mandatory=False" in str(caught.value)  # the fix that applies to a project
    assert called == []
    assert satchel.list_runs("demo") == []


def test_an_optional_custom_packager_that_fails_warns_and_the_run_goes_on(store):
    satchel.get_or_create_project("demo").add_custom_packager("no_such_module_xyz.Packager")
    with pytest.warns(SatchelPluginWarning, match="no_such_module_xyz"):
        run = satchel.run(lambda: 1, returns="one", project="demo")
    assert run.results == {"one": 1}
