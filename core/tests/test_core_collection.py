"""Collecting packagers: the forms a packager can be named in, and every way collection fails."""

from __future__ import annotations

import sys

import pytest

from satchel import (
    DefaultPackager,
    PackagerCollectionError,
    PackagersManager,
    SatchelPluginWarning,
)

GOOD_MODULE = """
    from satchel import DefaultPackager, Packager

    class Thing:
        pass

    class ThingPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Thing

    class OtherPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = complex
        PRIORITY = 7

    class _HiddenPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = bytes

    Imported = Packager  # a Packager bound in this module, but not defined here
    from satchel import DefaultPackager as AlsoImported
"""


DEFAULT = "satchel.DefaultPackager"


def collected_names(mgr: PackagersManager) -> list[str]:
    return [record.name for record in mgr.packagers]


def test_class_is_collected_with_custom_default_priority(manager):
    class IntPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    manager.collect_packagers([IntPackager])
    record = manager.packagers[0]
    assert record.cls is IntPackager
    assert record.priority == 3
    assert manager.plugins[-1].status == "loaded"


def test_a_single_class_need_not_be_in_a_list(manager):
    class IntPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    manager.collect_packagers(IntPackager, default_priority=8)
    assert manager.packagers[0].cls is IntPackager
    assert manager.packagers[0].priority == 8


def test_dotted_class_path(manager, make_module):
    name = make_module(GOOD_MODULE)
    manager.collect_packagers([f"{name}.ThingPackager"])
    assert collected_names(manager)[:-1] == [f"{name}.ThingPackager"]


def test_module_colon_class(manager, make_module):
    name = make_module(GOOD_MODULE)
    manager.collect_packagers([f"{name}:OtherPackager"])
    assert collected_names(manager)[:-1] == [f"{name}.OtherPackager"]
    assert manager.packagers[0].priority == 7


def test_star_collects_only_public_classes_defined_in_the_module(manager, make_module):
    name = make_module(GOOD_MODULE)
    manager.collect_packagers([f"{name}.*"])
    assert sorted(collected_names(manager)[:-1]) == [f"{name}.OtherPackager", f"{name}.ThingPackager"]
    # the default packager is last, and only once
    assert collected_names(manager)[-1] == "satchel.DefaultPackager"
    assert collected_names(manager).count("satchel.DefaultPackager") == 1


def test_bare_module_name_collects_like_star(manager, make_module):
    name = make_module(GOOD_MODULE)
    manager.collect_packagers([name])
    assert len(manager.packagers) == 3


def test_star_on_a_module_without_packagers_fails(manager, make_module):
    name = make_module("X = 1\n")
    with pytest.warns(SatchelPluginWarning, match="defines no public Packager subclass"):
        manager.collect_packagers([f"{name}.*"])
    assert manager.plugins[-1].status == "failed"


def test_collecting_the_same_class_twice_keeps_one(manager):
    class IntPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    manager.collect_packagers([IntPackager])
    manager.collect_packagers([IntPackager])
    assert [r.cls for r in manager.packagers] == [IntPackager, DefaultPackager]
    assert manager.explain(1).candidates[0]["packager"].endswith("IntPackager")
    assert len(manager.explain(1).candidates) == 2


def test_each_manager_makes_its_own_instance_which_serves_all_its_calls():
    seen = []

    class Counting(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            seen.append(self)
            return obj

    first, second = PackagersManager(installed=False), PackagersManager(installed=False)
    for mgr in (first, second):
        mgr.collect_packagers([Counting])
        mgr.pack(1, "a")
        mgr.pack(2, "b")
    assert seen[0] is seen[1] is first.packagers[0].instance
    assert seen[2] is seen[3] is second.packagers[0].instance
    assert seen[0] is not seen[2]
    first.clear()
    second.clear()


# -- validation failures --------------------------------------------------------------------


def _fails(mgr: PackagersManager, target, match: str) -> str:
    with pytest.warns(SatchelPluginWarning, match=match) as caught:
        mgr.collect_packagers([target])
    assert mgr.plugins[-1].status == "failed"
    assert len(mgr.packagers) == 1  # only the default packager
    return str(caught[0].message)


def _fails_again(mgr: PackagersManager, target, match: str) -> str:
    """Like `_fails`, for a manager that already collected other packagers."""
    before = [record.cls for record in mgr.packagers]
    with pytest.warns(SatchelPluginWarning, match=match) as caught:
        mgr.collect_packagers([target])
    assert mgr.plugins[-1].status == "failed"
    assert [record.cls for record in mgr.packagers] == before
    return str(caught[0].message)


def test_packable_object_type_is_inherited_from_a_working_packager(manager):
    class Exact(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    class Family(Exact):  # changes a default only
        PACK_SUBCLASSES = True

    manager.collect_packagers([Family])
    record = manager.packagers[0]
    assert record.cls is Family
    assert str(record.spec) == "int"
    assert record.pack_subclasses
    assert manager.explain(True).chosen.endswith("Family")  # bool is a subclass of int


def test_packable_object_type_is_inherited_from_a_private_base(manager, make_module):
    name = make_module(
        """
        from satchel import DefaultPackager

        class _Ints(DefaultPackager):
            PACKABLE_OBJECT_TYPE = int

        class IntPackager(_Ints):
            PRIORITY = 2
        """
    )
    manager.collect_packagers([name])
    assert [record.name for record in manager.packagers] == [f"{name}.IntPackager", DEFAULT]


def test_a_plain_default_packager_subclass_is_refused(manager):
    class Bare(DefaultPackager):
        pass

    message = _fails(manager, Bare, "sets no PACKABLE_OBJECT_TYPE and inherits none")
    assert f"{__name__}.test_a_plain_default_packager_subclass_is_refused.<locals>.Bare" in message
    assert "satchel's own Packager and DefaultPackager do not count" in message
    assert "cannot silently take every object" in message
    assert "start its name with '_'" not in message  # it was named: no helper base


def test_a_subclass_of_a_bare_subclass_is_refused(manager):
    class Bare(DefaultPackager):
        pass

    class Forgot(Bare):
        pass

    message = _fails(manager, Forgot, "sets no PACKABLE_OBJECT_TYPE and inherits none")
    assert "Forgot" in message


def test_a_packager_subclass_with_no_type_is_refused(manager):
    from satchel import Packager

    class Raw(Packager):
        def pack(self, obj, key, artifact_type, configurations):
            return obj

        def unpack(self, item, artifact_type, instructions):
            return item

    _fails(manager, Raw, "Raw sets no PACKABLE_OBJECT_TYPE and inherits none")


def test_a_type_set_back_to_none_is_refused(manager):
    class IntPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    class Unset(IntPackager):
        PACKABLE_OBJECT_TYPE = None

    _fails(manager, Unset, "Unset sets no PACKABLE_OBJECT_TYPE")


@pytest.mark.parametrize("form", ["{m}", "{m}.*"])
def test_a_public_helper_base_in_a_module_says_how_to_fix_it(manager, make_module, form):
    name = make_module(
        """
        from satchel import DefaultPackager

        class TextBase(DefaultPackager):
            DEFAULT_PACKING_ARTIFACT_TYPE = "object"

        class IntPackager(TextBase):
            PACKABLE_OBJECT_TYPE = int
        """
    )
    message = _fails(manager, form.format(m=name), "TextBase sets no PACKABLE_OBJECT_TYPE")
    assert f"{name}.TextBase" in message
    assert "If TextBase is meant as a base for other packagers" in message
    assert "start its name with '_' (private classes are not collected)" in message
    assert f"'{name}:ClassName'" in message
    # the fix it names works: the packager itself, named
    manager.collect_packagers([f"{name}:IntPackager"])
    assert manager.packagers[0].name == f"{name}.IntPackager"


def test_a_public_helper_base_fails_an_installed_plugin_with_the_fix(
    manager, make_module, tmp_path, monkeypatch, dist_writer, only_fake_plugins
):
    name = make_module(
        """
        from satchel import DefaultPackager

        class Base(DefaultPackager):
            pass

        class IntPackager(Base):
            PACKABLE_OBJECT_TYPE = int
        """
    )
    site = tmp_path / "site"
    dist_writer(site, "satchel_fake_helper", "1.0", {"satchel-t-helper": name})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("SATCHEL_REQUIRE", "satchel-t-helper")
    with pytest.raises(PackagerCollectionError) as raised:
        PackagersManager()
    message = str(raised.value)
    assert "satchel-t-helper (distribution satchel_fake_helper 1.0)" in message
    assert f"{name}.Base sets no PACKABLE_OBJECT_TYPE" in message
    assert "start its name with '_'" in message
    assert f"'{name}:ClassName'" in message


@pytest.mark.parametrize("priority", [0, 11, "3", True, 2.5, -1])
def test_bad_priority(manager, priority):
    cls = type("Bad", (DefaultPackager,), {"PACKABLE_OBJECT_TYPE": int, "PRIORITY": priority})
    message = _fails(manager, cls, "PRIORITY must be an int from 1 to 10")
    assert repr(priority) in message


@pytest.mark.parametrize("priority", [1, 10])
def test_priority_bounds_are_accepted(manager, priority):
    cls = type("Ok", (DefaultPackager,), {"PACKABLE_OBJECT_TYPE": int, "PRIORITY": priority})
    manager.collect_packagers([cls])
    assert manager.packagers[0].priority == priority


@pytest.mark.parametrize("default_priority", [0, 11, True, "3"])
def test_bad_default_priority_is_refused(manager, default_priority):
    with pytest.raises(ValueError, match="default_priority"):
        manager.collect_packagers([], default_priority=default_priority)


def test_abstract_class(manager):
    from satchel import Packager

    class Half(Packager):
        PACKABLE_OBJECT_TYPE = int

        def pack(self, obj, key, artifact_type, configurations):
            return obj

    message = _fails(manager, Half, "does not implement")
    assert "unpack" in message


def test_unparsable_packable_object_type(manager):
    cls = type("Bad", (DefaultPackager,), {"PACKABLE_OBJECT_TYPE": "list[int"})
    _fails(manager, cls, "PACKABLE_OBJECT_TYPE")


def test_not_a_packager(manager):
    class NotOne:
        PACKABLE_OBJECT_TYPE = int

    _fails(manager, NotOne, "is not a satchel.Packager subclass")


@pytest.mark.parametrize("target", ["  ", 3, None])
def test_not_a_class_or_path(manager, target):
    _fails(manager, target, "is not a class or a dotted path")


@pytest.mark.parametrize(
    ("method", "suggestion"),
    [("is_packabel", "is_packable"), ("unpak", "unpack"), ("upack_file", "unpack_file")],
)
def test_misspelled_hook(manager, method, suggestion):
    cls = type(
        "Typo",
        (DefaultPackager,),
        {"PACKABLE_OBJECT_TYPE": int, method: lambda self, *a: None},
    )
    message = _fails(manager, cls, "is not a satchel hook")
    assert f"did you mean {suggestion!r}" in message
    assert method in message


def test_marked_method_that_is_no_hook(manager):
    from satchel.hookspecs import hookimpl

    class Marked(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        @hookimpl
        def frobnicate(self, obj):
            return obj

    _fails(manager, Marked, "frobnicate is not a satchel hook")


def test_helper_methods_are_allowed(manager):
    class Helpers(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def pack_text(self, obj, key):
            return None

        def unpack_text(self, item):
            return None

        def to_json(self, obj):
            return obj

        def read_payload(self, path):
            return path

    manager.collect_packagers([Helpers])
    assert manager.packagers[0].cls is Helpers


def test_extra_hook_argument_is_rejected_by_pluggy(manager):
    class Extra(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def pack(self, obj, key, artifact_type, configurations, extra):
            return super().pack(obj, key, artifact_type, configurations)

    message = _fails(manager, Extra, "extra")
    assert "pack" in message


def test_extra_hook_argument_with_a_default_is_rejected(manager):
    class Extra(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def is_packable(self, obj, artifact_type, configurations, strict=False):
            return True

    _fails(manager, Extra, "is_packable")


def test_hook_parameters_out_of_order_are_rejected(manager):
    """satchel calls the chosen hook directly, by position: a swapped order would swap values."""

    class Swapped(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def pack(self, key, obj, artifact_type, configurations):
            return super().pack(obj, key, artifact_type, configurations)

    _fails(manager, Swapped, "in this order")


def test_hook_with_missing_parameters_is_rejected(manager):
    class Fewer(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def is_packable(self, obj, artifact_type):
            return True

    _fails(manager, Fewer, "is_packable")


@pytest.mark.parametrize(
    ("signature", "match"),
    [
        ("self, obj, key, artifact_type, configurations, **kwargs", "named parameters only"),
        ("self, obj, key, artifact_type, *args", "named parameters only"),
        ("self, obj, key, artifact_type, *, configurations", "keyword-only parameter"),
    ],
)
def test_variadic_and_keyword_only_hook_parameters(manager, make_module, signature, match):
    name = make_module(
        f"""
        from satchel import DefaultPackager

        class Odd(DefaultPackager):
            PACKABLE_OBJECT_TYPE = int

            def pack({signature}):
                return None
        """
    )
    _fails(manager, f"{name}.Odd", match)


def test_static_hook_is_rejected(manager):
    class Static(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        @staticmethod
        def clear(paths):
            return None

    _fails(manager, Static, "must be a plain method")


def test_constructor_failure_is_a_collection_failure(manager):
    class Grumpy(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def __init__(self):
            raise RuntimeError("no config file")

    _fails(manager, Grumpy, "no config file")


def test_pack_without_unpack_is_refused(manager):
    """Before, its objects were silently pickled by the fallback: `file` was never supported."""

    class HalfFile(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"

        def pack_file(self, obj, key):
            return None

    message = _fails(manager, HalfFile, "HalfFile has pack_file but no unpack_file")
    assert "could be packed but never unpacked" in message
    assert "add unpack_file (only 'result' is pack-only)" in message
    assert "if pack_file is a helper, rename it to start with '_'" in message


def test_unpack_without_pack_is_refused(manager):
    class OnlyReads(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def unpack_text(self, item):
            return None

    message = _fails(manager, OnlyReads, "OnlyReads has unpack_text but no pack_text")
    assert "could never be packed; add pack_text" in message


def test_an_inherited_half_pair_is_refused(manager):
    class Writer(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def pack_csv(self, obj, key):
            return None

        def unpack_csv(self, item):
            return None

    class Broken(Writer):
        def pack_tsv(self, obj, key):
            return None

    manager.collect_packagers([Writer])
    _fails_again(manager, Broken, r"<locals>\.Broken has pack_tsv but no unpack_tsv")
    assert manager.packagers[0].cls is Writer  # the working parent stays collected


def test_pack_only_result_and_private_helpers_are_accepted(manager):
    class ResultOnly(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            return obj

        def _pack_header(self, obj):  # a private helper, not an artifact type
            return obj

    manager.collect_packagers([ResultOnly])
    assert manager.packagers[0].artifact_types == ("object", "result")
    assert manager.pack(3, "n") == {"n": 3}


@pytest.mark.parametrize(
    ("attribute", "value", "expected"),
    [
        (
            "DEFAULT_PACKING_ARTIFACT_TYPE",
            "file",
            "DEFAULT_PACKING_ARTIFACT_TYPE is 'file', but Defaults supports only 'object', 'text'; "
            "set it to one of them, or add pack_file and unpack_file",
        ),
        (
            "DEFAULT_PACKING_ARTIFACT_TYPE",
            "result",
            "DEFAULT_PACKING_ARTIFACT_TYPE is 'result', but Defaults supports only 'object', 'text'; "
            "set it to one of them, or define pack_result",
        ),
        (
            "DEFAULT_UNPACKING_ARTIFACT_TYPE",
            "file",
            "DEFAULT_UNPACKING_ARTIFACT_TYPE is 'file', but Defaults supports only 'object', 'text'; "
            "set it to one of them, or add pack_file and unpack_file",
        ),
        (
            "DEFAULT_UNPACKING_ARTIFACT_TYPE",
            "result",
            "DEFAULT_UNPACKING_ARTIFACT_TYPE is 'result', but a result is a logged value, never a "
            "file, so nothing is unpacked as one; set it to another type Defaults supports: "
            "'object', 'text'",
        ),
    ],
)
def test_unsupported_default_artifact_types_are_refused(manager, attribute, value, expected):
    def pack_text(self, obj, key):
        return None

    def unpack_text(self, item):
        return None

    cls = type(
        "Defaults",
        (DefaultPackager,),
        {"__module__": __name__, "PACKABLE_OBJECT_TYPE": int, attribute: value}
        | {"pack_text": pack_text, "unpack_text": unpack_text},
    )
    message = _fails(manager, cls, f"Defaults.{attribute}")
    assert f"{__name__}.Defaults.{expected}" in message


def test_the_families_default_artifact_types_are_accepted(manager):
    """Inherited pickling (`object`) and `file` for unpacking plain files, `result` for packing."""

    class Scalars(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            return obj

    class Files(DefaultPackager):
        PACKABLE_OBJECT_TYPE = float
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

        def pack_result(self, obj, key):
            return obj

        def pack_file(self, obj, key):
            return None

        def unpack_file(self, item):
            return None

    manager.collect_packagers([Scalars, Files])
    assert [record.cls for record in manager.packagers][:2] == [Files, Scalars]


def test_a_plain_packager_default_outside_its_supported_types_is_refused(manager):
    from satchel import Packager

    class Plain(Packager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "blob"

        @classmethod
        def get_supported_artifact_types(cls):
            return ["object"]

        def pack(self, obj, key, artifact_type, configurations):
            return obj

        def unpack(self, item, artifact_type, instructions):
            return item

    message = _fails(manager, Plain, "Plain.DEFAULT_PACKING_ARTIFACT_TYPE is 'blob'")
    assert "but Plain supports only 'object'; set it to one of them" in message
    assert "pack_blob" not in message  # it does not dispatch to pack_<type> methods


def test_a_failing_get_supported_artifact_types_is_a_collection_failure(manager):
    class Moody(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        @classmethod
        def get_supported_artifact_types(cls):
            raise RuntimeError("not today")

    _fails(manager, Moody, r"Moody.get_supported_artifact_types\(\) failed: RuntimeError\('not today'\)")


# -- import errors and isolation -----------------------------------------------------------


@pytest.mark.parametrize("form", ["{m}.ThingPackager", "{m}:ThingPackager", "{m}.*", "{m}"])
def test_import_error_in_a_plugin_module(manager, make_module, form):
    name = make_module("import satchel_no_such_dependency_xyz\n")
    message = _fails(manager, form.format(m=name), "satchel_no_such_dependency_xyz")
    assert "was skipped" in message


def test_plugin_module_raising_while_imported(manager, make_module):
    name = make_module("raise RuntimeError('plugin exploded')\n")
    _fails(manager, f"{name}.*", "plugin exploded")


@pytest.mark.parametrize("form", ["{m}.Missing", "{m}:Missing"])
def test_missing_class(manager, make_module, form):
    name = make_module(GOOD_MODULE)
    _fails(manager, form.format(m=name), "Missing")


def test_missing_module(manager):
    _fails(manager, "satchel_no_such_module_xyz.Packager", "satchel_no_such_module_xyz")


def test_failing_optional_plugin_warns_and_the_others_load(manager, make_module):
    good = make_module(GOOD_MODULE)
    bad = make_module("import satchel_no_such_dependency_xyz\n")
    with pytest.warns(SatchelPluginWarning) as caught:
        manager.collect_packagers([f"{bad}.*", f"{good}.ThingPackager", f"{good}:OtherPackager"])
    assert len(caught) == 1
    assert bad in str(caught[0].message)
    statuses = {status.name: status.status for status in manager.plugins}
    assert statuses == {
        f"{bad}.*": "failed",
        f"{good}.ThingPackager": "loaded",
        f"{good}:OtherPackager": "loaded",
    }
    assert len(manager.packagers) == 3


def test_a_failing_class_in_a_module_fails_the_whole_module(manager, make_module):
    name = make_module(
        """
        from satchel import DefaultPackager

        class Fine(DefaultPackager):
            PACKABLE_OBJECT_TYPE = int

        class Broken(DefaultPackager):
            PACKABLE_OBJECT_TYPE = float
            PRIORITY = 0
        """
    )
    _fails(manager, f"{name}.*", "Broken.PRIORITY")
    # nothing of it stays registered with pluggy either
    assert manager._registry._pluggy.get_plugins() == {manager.packagers[-1].instance}


def test_mandatory_failures_raise_one_error_naming_each(manager, make_module):
    good = make_module(GOOD_MODULE)
    bad_import = make_module("import satchel_no_such_dependency_xyz\n")

    class NoType(DefaultPackager):
        pass

    items = [
        f"{bad_import}.*",
        f"{good}.ThingPackager",
        NoType,
        "pluggy.PluginManager",  # from an installed distribution, but not a packager
    ]
    with pytest.raises(PackagerCollectionError) as raised:
        manager.collect_packagers(items, mandatory=True)
    message = str(raised.value)
    assert message.startswith("3 mandatory packager plugin(s) could not be collected")
    assert f"{bad_import}.*" in message and "satchel_no_such_dependency_xyz" in message
    assert "NoType" in message and "PACKABLE_OBJECT_TYPE" in message
    from importlib.metadata import version

    assert f"pluggy.PluginManager (distribution pluggy {version('pluggy')})" in message
    assert "is not a satchel.Packager subclass" in message
    # the good one was collected anyway, and each failure is recorded
    assert f"{good}.ThingPackager" in collected_names(manager)
    assert [s.status for s in manager.plugins] == ["failed", "loaded", "failed", "failed"]
    assert all(s.mandatory for s in manager.plugins)
    # the way out it names is the parameter of collect_packagers, not SATCHEL_REQUIRE
    assert message.splitlines()[-1] == (
        "Fix them, or stop requiring them: collect_packagers(..., mandatory=False) warns about a "
        "failure and skips it."
    )
    assert "is_mandatory" not in message and "SATCHEL_REQUIRE" not in message


def test_a_skipped_custom_packager_warning_points_at_the_caller(manager):
    class Bare(DefaultPackager):
        pass

    with pytest.warns(SatchelPluginWarning, match="Bare") as caught:
        manager.collect_packagers([Bare])
    assert caught[0].filename == __file__


def test_mandatory_success_raises_nothing(manager, make_module):
    name = make_module(GOOD_MODULE)
    manager.collect_packagers([f"{name}.*"], mandatory=True)
    assert len(manager.packagers) == 3


def test_collection_does_not_import_dotted_types(manager, make_module):
    target = make_module("class Thing:\n    pass\n")
    plugin = make_module(
        f"""
        from satchel import DefaultPackager

        class ThingPackager(DefaultPackager):
            PACKABLE_OBJECT_TYPE = "{target}.Thing"
        """
    )
    manager.collect_packagers([f"{plugin}.*"])
    assert target not in sys.modules
    assert [record.name for record in manager._registry.index.pending] == [f"{plugin}.ThingPackager"]
