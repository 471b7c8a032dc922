"""Choosing the packager for an object: priorities, ties, subclasses, dotted and generic types."""

from __future__ import annotations

import importlib
import json
import sys
import typing

import pytest

import satchel
from satchel import DefaultPackager, PackingError, SatchelError, SatchelPluginWarning

DEFAULT = "satchel.DefaultPackager"


def make_packager(type_, name, priority=None, *, subclasses=False, accept=None, calls=None, fail=False):
    """A packager class named `name` that logs results `"<name>"` and records its calls."""

    def is_packable(self, obj, artifact_type, configurations):
        if calls is not None:
            calls.append(("is_packable", name))
        if not DefaultPackager.is_packable(self, obj, artifact_type, configurations):
            return False
        return accept(obj) if accept else True

    def pack_result(self, obj, key):
        if calls is not None:
            calls.append(("pack", name))
        if fail:
            raise ValueError(f"{name} is broken")
        return name

    cls = type(
        name,
        (DefaultPackager,),
        {
            "PACKABLE_OBJECT_TYPE": type_,
            "PRIORITY": priority,
            "PACK_SUBCLASSES": subclasses,
            "DEFAULT_PACKING_ARTIFACT_TYPE": "result",
            "is_packable": is_packable,
            "pack_result": pack_result,
        },
    )
    cls.__qualname__ = name
    cls.__module__ = __name__
    return cls


class Base:
    pass


class Child(Base):
    pass


def chosen(mgr, obj, hint="out"):
    return mgr.pack(obj, hint)["out"]


def test_lower_priority_number_wins_whatever_the_order(manager):
    manager.collect_packagers([make_packager(int, "Two", 2), make_packager(int, "Seven", 7)])
    manager.collect_packagers([make_packager(int, "Nine", 9)])
    assert chosen(manager, 1) == "Two"
    names = [record.cls.__name__ for record in manager.packagers]
    assert names == ["Two", "Seven", "Nine", "DefaultPackager"]


def test_ties_go_to_the_most_recently_collected(manager):
    manager.collect_packagers([make_packager(int, "First", 4), make_packager(int, "Second", 4)])
    assert chosen(manager, 1) == "Second"
    manager.collect_packagers([make_packager(int, "Third", 4)])
    assert chosen(manager, 1) == "Third"
    # the per-type cache is refreshed by collection
    assert [c["packager"] for c in manager.explain(1).candidates] == [
        f"{__name__}.Third",
        f"{__name__}.Second",
        f"{__name__}.First",
        DEFAULT,
    ]


def test_recollecting_a_class_makes_it_the_most_recent(manager):
    first, second = make_packager(int, "First", 4), make_packager(int, "Second", 4)
    manager.collect_packagers([first, second])
    manager.collect_packagers([first])
    assert chosen(manager, 1) == "First"


def test_default_packager_is_always_last(manager):
    manager.collect_packagers([make_packager(Base, "Least", 10)])
    assert chosen(manager, Base()) == "Least"
    assert manager.packagers[-1].name == DEFAULT
    assert manager.explain(Base()).candidates[-1]["packager"] == DEFAULT


def test_custom_priority_default_is_3(manager):
    manager.collect_packagers([make_packager(int, "Four", 4), make_packager(int, "Unset")])
    assert chosen(manager, 1) == "Unset"
    manager.collect_packagers([make_packager(int, "Two", 2)])
    assert chosen(manager, 1) == "Two"


def test_exact_type_match_by_default(manager):
    manager.collect_packagers([make_packager(int, "Ints"), make_packager(Base, "Bases")])
    assert chosen(manager, 1) == "Ints"
    # bool is an int subclass: the default packager takes it
    assert manager.pack(True, "out:result") == {"out": True}
    assert chosen(manager, Base()) == "Bases"
    artifact = manager.pack(Child(), "out:object")
    assert artifact.packager == DEFAULT


def test_pack_subclasses(manager):
    manager.collect_packagers([make_packager(Base, "Bases", subclasses=True)])
    assert chosen(manager, Child()) == "Bases"
    assert chosen(manager, Base()) == "Bases"


def test_exact_match_and_subclass_packager_share_priority_order(manager):
    manager.collect_packagers(
        [make_packager(Base, "Bases", 2, subclasses=True), make_packager(Child, "Children", 5)]
    )
    assert chosen(manager, Child()) == "Bases"
    manager.collect_packagers([make_packager(Child, "Urgent", 1)])
    assert chosen(manager, Child()) == "Urgent"


def test_declining_goes_to_the_next_candidate(manager):
    calls = []
    manager.collect_packagers(
        [
            make_packager(int, "Small", 1, accept=lambda n: n < 10, calls=calls),
            make_packager(int, "Any", 2, calls=calls),
        ]
    )
    assert chosen(manager, 3) == "Small"
    assert calls == [("is_packable", "Small"), ("pack", "Small")]
    calls.clear()
    assert chosen(manager, 30) == "Any"
    assert calls == [("is_packable", "Small"), ("is_packable", "Any"), ("pack", "Any")]


def test_everyone_declining_falls_back_to_the_default(manager):
    manager.collect_packagers([make_packager(Base, "Never", accept=lambda obj: False)])
    artifact = manager.pack(Base(), "out:object")
    assert artifact.packager == DEFAULT


def test_a_pack_failure_is_an_error_not_a_fall_through(manager):
    calls = []
    manager.collect_packagers(
        [make_packager(int, "Broken", 1, calls=calls, fail=True), make_packager(int, "Fine", 2, calls=calls)]
    )
    with pytest.raises(PackingError) as raised:
        manager.pack(5, "score")
    message = str(raised.value)
    assert f"{__name__}.Broken failed to pack 'score' (int) as 'result'" in message
    assert "ValueError: Broken is broken" in message
    assert ("pack", "Fine") not in calls and ("is_packable", "Fine") not in calls


def test_an_is_packable_failure_is_an_error(manager):
    def explode(obj):
        raise KeyError("oops")

    manager.collect_packagers([make_packager(int, "Picky", 1, accept=explode)])
    with pytest.raises(PackingError, match=r"Picky.is_packable failed for 'n' \(int\): KeyError"):
        manager.pack(1, "n")


def test_no_packager_for_an_artifact_type(manager):
    with pytest.raises(PackingError) as raised:
        manager.pack(object(), "thing:file")
    message = str(raised.value)
    assert "no packager can pack 'thing' (object) as 'file'" in message
    assert "supports object, result, not 'file'" in message


# -- the per-type candidate index ----------------------------------------------------------


def test_unrelated_packagers_are_never_asked(manager):
    calls = []
    classes = [type(f"Unrelated{i}", (), {}) for i in range(100)]
    manager.collect_packagers([make_packager(cls, f"For{i}", calls=calls) for i, cls in enumerate(classes)])
    manager.collect_packagers([make_packager(int, "Ints", calls=calls)])
    for number in range(50):
        assert chosen(manager, number) == "Ints"
    assert {name for _, name in calls} == {"Ints"}
    assert calls.count(("is_packable", "Ints")) == 50
    calls.clear()
    assert chosen(manager, classes[42]()) == "For42"
    assert calls == [("is_packable", "For42"), ("pack", "For42")]
    calls.clear()
    manager.pack("text", "s")  # no candidate at all: straight to the default packager
    assert calls == []


def test_candidates_are_cached_per_type(manager):
    manager.collect_packagers([make_packager(int, "Ints")])
    index = manager._registry.index
    first = index.candidates(int)
    assert index.candidates(int) is first
    assert [record.cls.__name__ for record in first] == ["Ints"]
    manager.collect_packagers([make_packager(int, "More")])
    assert [record.cls.__name__ for record in index.candidates(int)] == ["More", "Ints"]


# -- dotted-string and generic types ------------------------------------------------------------

THING_MODULE = """
    class Thing:
        def __init__(self, value=0):
            self.value = value

        def __eq__(self, other):
            return type(other) is type(self) and other.value == self.value
"""


def dotted_packager(target: str):
    return make_packager(f"{target}.Thing", "DottedThings")


def test_dotted_type_is_pending_until_its_module_is_imported(manager, make_module):
    target = make_module(THING_MODULE)
    manager.collect_packagers([dotted_packager(target)])
    assert target not in sys.modules
    assert [record.name for record in manager._registry.index.pending] == [f"{__name__}.DottedThings"]
    explanation = manager.explain(1)
    assert [c["packager"] for c in explanation.candidates] == [DEFAULT]
    assert explanation.pending == [f"{__name__}.DottedThings ({target}.Thing)"]
    assert explanation.pending_modules == [target]
    assert explanation.pending_candidates == []  # a class of a module not imported is no int
    assert str(explanation).splitlines()[-1] == (
        f"1 packager waits for modules not imported yet: {target} (satchel plugins lists them)"
    )
    assert manager.pack(1, "out:result") == {"out": 1}  # the pending packager is never chosen
    assert target not in sys.modules

    module = importlib.import_module(target)
    assert chosen(manager, module.Thing()) == "DottedThings"
    assert manager._registry.index.pending == []
    assert manager.explain(module.Thing()).pending == []


def test_dotted_type_of_an_imported_module_resolves_at_once(manager, make_module):
    target = make_module(THING_MODULE)
    module = importlib.import_module(target)
    manager.collect_packagers([dotted_packager(target)])
    assert manager._registry.index.pending == []
    assert chosen(manager, module.Thing()) == "DottedThings"


def test_dotted_type_missing_from_its_module_warns_and_is_dropped(manager, make_module):
    target = make_module(THING_MODULE)
    manager.collect_packagers([make_packager(f"{target}.Nothing", "Ghost")])
    importlib.import_module(target)
    with pytest.warns(SatchelPluginWarning, match=rf"Ghost.PACKABLE_OBJECT_TYPE '{target}.Nothing'"):
        manager.pack(1, "n")
    assert manager._registry.index.pending == []


def test_dotted_type_naming_a_non_class_warns_and_is_dropped(manager, make_module):
    target = make_module(THING_MODULE + "\n    def helper():\n        return 1\n")
    manager.collect_packagers([make_packager(f"{target}.helper", "NotAType")])
    importlib.import_module(target)
    with pytest.warns(SatchelPluginWarning, match="not a class"):
        manager.pack(1, "n")
    assert manager._registry.index.pending == []


THING_PLUGIN = """
    import json
    from satchel import DefaultPackager

    class ThingListPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = "list[{target}.Thing]"
        PRIORITY = 4
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

        def is_packable(self, obj, artifact_type, configurations):
            from {target} import Thing

            return super().is_packable(obj, artifact_type, configurations) and all(
                type(item) is Thing for item in obj
            )

        def pack_file(self, obj, key):
            path = self.staging_path(key, ".json")
            path.write_text(json.dumps([item.value for item in obj]))
            return path, {{}}

        def unpack_file(self, item):
            from {target} import Thing

            with open(item.local_path()) as handle:
                return [Thing(value) for value in json.load(handle)]

    class ThingDictPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = "dict[str, {target}.Thing]"
        PRIORITY = 4
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

        def is_packable(self, obj, artifact_type, configurations):
            from {target} import Thing

            return super().is_packable(obj, artifact_type, configurations) and all(
                type(key) is str and type(value) is Thing for key, value in obj.items()
            )

        def pack_file(self, obj, key):
            path = self.staging_path(key, ".json")
            path.write_text(json.dumps({{k: v.value for k, v in obj.items()}}))
            return path, {{}}

        def unpack_file(self, item):
            from {target} import Thing

            with open(item.local_path()) as handle:
                return {{k: Thing(v) for k, v in json.load(handle).items()}}
"""


@pytest.fixture
def things(manager, make_module):
    target = make_module(THING_MODULE)
    plugin = make_module(THING_PLUGIN.format(target=target))
    manager.collect_packagers([f"{plugin}.*"])
    assert target not in sys.modules  # generic shapes of dotted names stay lazy too
    return importlib.import_module(target), plugin


def test_generic_list_shape(manager, things):
    module, plugin = things
    Thing = module.Thing
    artifact = manager.pack([Thing(1), Thing(2)], "things")
    assert artifact.packager == f"{plugin}.ThingListPackager"
    assert artifact.kind == "file"
    mixed = manager.pack([Thing(1), 2], "mixed")
    assert mixed.packager == DEFAULT
    for hint in (list[Thing], typing.List[Thing], f"list[{module.__name__}.Thing]"):  # noqa: UP006
        assert manager.unpack(artifact, hint) == [Thing(1), Thing(2)]
    assert manager.unpack(artifact) == [Thing(1), Thing(2)]
    assert manager.unpack(mixed, list[Thing]) == [Thing(1), 2]  # pickled: the stored packager


def test_generic_dict_shape(manager, things):
    module, plugin = things
    Thing = module.Thing
    artifact = manager.pack({"a": Thing(1)}, "by_name")
    assert artifact.packager == f"{plugin}.ThingDictPackager"
    with open(artifact.local_path()) as handle:
        assert json.load(handle) == {"a": 1}
    for hint in (dict[str, Thing], typing.Dict[str, Thing]):  # noqa: UP006
        assert manager.unpack(artifact, hint) == {"a": Thing(1)}


def test_generic_shape_is_used_for_plain_files_under_its_hint(manager, things, tmp_path):
    module, _ = things
    path = tmp_path / "things.json"
    path.write_text("[3, 4]")
    assert manager.unpack(str(path), list[module.Thing]) == [module.Thing(3), module.Thing(4)]
    # a different shape does not match: no list packager but the pickling default, which is
    # never given a plain file
    with pytest.raises(satchel.UnpackingError, match="a plain file is never unpickled"):
        manager.unpack(str(path), list[int])


# -- explain -------------------------------------------------------------------------------------


def test_explain_for_an_object(manager):
    manager.collect_packagers(
        [
            make_packager(int, "Small", 1, accept=lambda n: n < 10),
            make_packager(int, "Any", 2),
        ]
    )
    explanation = manager.explain(30)
    assert explanation.object_type == "builtins.int"
    assert explanation.chosen == f"{__name__}.Any"
    assert [(c["packager"], c["priority"], c["source"], c["verdict"]) for c in explanation.candidates] == [
        (f"{__name__}.Small", 1, "custom", "is_packable declined 'result'"),
        (f"{__name__}.Any", 2, "custom", "packs it as 'result'"),
        (DEFAULT, 10, "default", "packs it as 'object'"),
    ]
    text = str(explanation).splitlines()
    assert text[0] == "packagers for builtins.int, in the order they are tried:"
    assert text[1].startswith("    1. ") and "Small (priority 1, custom)" in text[1]
    assert text[2].startswith(" -> 2. ")
    assert text[-1] == f"chosen: {__name__}.Any"


class FilePackager(DefaultPackager):
    """Packs str as 'file' (so that 'file' is an artifact type some collected packager supports)."""

    PACKABLE_OBJECT_TYPE = str
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        raise NotImplementedError

    def unpack_file(self, item):
        raise NotImplementedError


def test_explain_with_an_artifact_type_and_for_a_type(manager):
    manager.collect_packagers([make_packager(int, "Ints", 2)])
    explanation = manager.explain(int, "object")
    assert explanation.chosen == f"{__name__}.Ints"
    assert explanation.candidates[0]["verdict"] == "supports 'object'; is_packable decides for a given object"
    with pytest.raises(SatchelError, match=r"unknown artifact type 'file'.*known: object, result$"):
        manager.explain(5, "file")  # no collected packager supports it
    manager.collect_packagers([FilePackager])
    explanation = manager.explain(5, "file")
    assert explanation.chosen is None
    assert explanation.candidates[0]["verdict"] == "declines: supports object, result, not 'file'"
    assert str(explanation).endswith("chosen: none")


def test_explain_shows_an_is_packable_failure(manager):
    def explode(obj):
        raise RuntimeError("bad")

    manager.collect_packagers([make_packager(int, "Picky", accept=explode)])
    explanation = manager.explain(4)
    assert explanation.candidates[0]["verdict"] == "is_packable raised RuntimeError: bad"
    assert explanation.chosen == DEFAULT


def test_top_level_explain_uses_installed_plugins(only_fake_plugins):
    explanation = satchel.explain(Base())
    assert [c["packager"] for c in explanation.candidates] == [DEFAULT]
    assert explanation.chosen == DEFAULT
