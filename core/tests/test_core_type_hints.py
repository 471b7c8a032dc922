"""Type hints (DESIGN §5): reducing hints, resolving strings, and unpacking guided by them."""

from __future__ import annotations

import importlib
import typing
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Optional, Union

import pytest

from satchel import Artifact, DefaultPackager, UnpackingError
from satchel.packaging.type_hints import (
    TypeSpec,
    fits,
    hint_members,
    hint_origin,
    resolve_dotted,
    resolve_hint,
)
from satchel.payloads import tuple_items

THING = """
    import json
    from pathlib import Path

    from satchel import DefaultPackager, UnpackingError

    class Thing:
        def __init__(self, value):
            self.value = value

        def __eq__(self, other):
            return type(other) is Thing and other.value == self.value

    class ThingPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Thing
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

        def pack_file(self, obj, key):
            path = self.staging_path(key, ".json")
            path.write_text(json.dumps({"value": obj.value}))
            return path, {"hint_seen_on_pack": None}

        def unpack_file(self, item):
            SEEN.append(self.type_hint)
            data = json.loads(Path(item.local_path()).read_text())
            if "value" not in data:
                raise UnpackingError("no 'value' in the file")
            return Thing(data["value"])

    SEEN = []
"""


@pytest.fixture
def things(manager, make_module):
    module = importlib.import_module(make_module(THING))
    manager.collect_packagers([module.ThingPackager])
    return module


# -- reducing hints ---------------------------------------------------------------------------


def test_hint_members():
    assert hint_members(int) == [int]
    assert hint_members(Optional[int]) == [int, type(None)]  # noqa: UP045
    assert hint_members(Union[int, str, None]) == [int, str, type(None)]  # noqa: UP007
    assert hint_members(int | str) == [int, str]
    assert hint_members(Annotated[int, "meta"]) == [int]
    assert hint_members(Optional[Annotated[int, "meta"]]) == [int, type(None)]  # noqa: UP045
    assert hint_members(Annotated[int | None, "x"]) == [int, type(None)]
    assert hint_members(Union[int, Union[str, int]]) == [int, str]  # noqa: UP007
    assert hint_members(None) == [type(None)]
    assert hint_members(list[int]) == [list[int]]


def test_hint_origin():
    assert hint_origin(list[int]) is list
    assert hint_origin(typing.List[int]) is list  # noqa: UP006
    assert hint_origin(typing.Dict[str, int]) is dict  # noqa: UP006
    assert hint_origin(int) is int
    assert hint_origin(Optional[int]) is None  # noqa: UP045


def test_tuple_items():
    assert tuple_items(tuple[int, str]) == (int, str)
    assert tuple_items(typing.Tuple[int, str]) == (int, str)  # noqa: UP006
    assert tuple_items(tuple[()]) == ()
    assert tuple_items(typing.Tuple[()]) == ()  # noqa: UP006
    for any_length in (tuple, typing.Tuple, tuple[int, ...], typing.Tuple[int, ...], list[int], int):  # noqa: UP006
        assert tuple_items(any_length) is None


class Pair(typing.NamedTuple):
    x: int
    y: int


@pytest.mark.parametrize(
    ("obj", "hint", "expected"),
    [
        ((1, 2), tuple[int, int], True),
        ((1, 2), tuple[int, int, int], False),
        ((1, 2), typing.Tuple[int, int, int], False),  # noqa: UP006
        ((1, 2), tuple[int, ...], True),
        ((), tuple[int, ...], True),
        ((), tuple[()], True),
        ((1,), tuple[()], False),
        ((1,), typing.Tuple[()], False),  # noqa: UP006
        ((1, 2), tuple, True),
        ((1, 2), typing.Tuple, True),  # noqa: UP006
        ([1, 2], tuple[int, int], False),
        (Pair(1, 2), tuple[int, int], True),
        (Pair(1, 2), Pair, True),
        ((1, 2), Pair, False),
        ([1], list[int], True),
        ("x", list[int], False),
        ("x", Any, True),
        ((1, "a"), tuple[int, int], True),  # items are not checked
    ],
)
def test_fits(obj, hint, expected):
    assert fits(obj, hint) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("int", int),
        ("pathlib.Path", Path),
        ("list[int]", list[int]),
        ("dict[str, pathlib.Path]", dict[str, Path]),
        ("int | None", Optional[int]),  # noqa: UP045
        ("int | str | None", Union[int, str, None]),  # noqa: UP007
        ("list[int] | None", Optional[list[int]]),  # noqa: UP045
        ("typing.Optional[int]", Optional[int]),  # noqa: UP045
        ("  str  ", str),
        ("None", type(None)),
        ("str | None | int", Union[str, None, int]),  # noqa: UP007
        # what Python's own evaluation of an annotation accepts, with no namespace given
        ("tuple[int, ...]", tuple[int, ...]),
        ("tuple[()]", tuple[()]),
        ("typing.Union[list, None]", Optional[list]),  # noqa: UP045
        ("typing.Annotated[tuple, 'meta']", Annotated[tuple, "meta"]),
        ("Optional[tuple[int, ...]]", Optional[tuple[int, ...]]),  # noqa: UP045
        ("Annotated[dict, 'meta']", Annotated[dict, "meta"]),
        ("list[int | None]", list[int | None]),
        ("list['int']", list[int]),  # a string inside, as Python evaluates it too
        ("collections.OrderedDict[str, int]", OrderedDict[str, int]),
        ("dict[str, tuple[int, str]] | None", Optional[dict[str, tuple[int, str]]]),  # noqa: UP045
        ("Any", Any),
    ],
)
def test_resolve_string_hints(text, expected):
    hint = resolve_hint(text)
    assert hint == expected
    assert repr(hint) == repr(typing.get_type_hints(_annotated(text), include_extras=True)["x"])


def _annotated(text):
    """A function whose parameter `x` is annotated with `text` (from __future__ import annotations)."""
    namespace = {name: importlib.import_module(name) for name in ("collections", "pathlib", "typing")}
    namespace.update({name: getattr(typing, name) for name in ("Annotated", "Any", "Optional")})
    exec(f"from __future__ import annotations\ndef f(x: {text}): pass", namespace)
    return namespace["f"]


def test_resolve_forward_ref():
    assert resolve_hint(typing.ForwardRef("pathlib.Path")) is Path


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("satchel_no_such_module_xyz.Thing", "name 'satchel_no_such_module_xyz' is not defined"),
        ("NoSuchBuiltin", "name 'NoSuchBuiltin' is not defined (not in the namespace given, a builtin"),
        ("pathlib.Nope", "module 'pathlib' has no attribute 'Nope'"),
        ("list[int", "SyntaxError"),
        ("tuple[int, ...", "SyntaxError"),
        ("json", "it names a module, not a type"),
        ("os.path", "it names a module, not a type"),
        ("3", "it is the value 3, not a type"),
        ("Optional", "Plain typing.Optional is not valid"),
        ("", "it is empty"),
    ],
)
def test_unresolvable_string_hints(text, reason):
    with pytest.raises(ValueError, match="cannot resolve type hint") as raised:
        resolve_hint(text)
    assert reason in str(raised.value)


def test_dotted_hints_import_their_modules_and_submodules(make_module):
    import sys

    top = f"satchel_core_hints_{id(make_module):x}"
    make_module("class Thing:\n    pass\n", f"{top}.inner.mod")
    assert top not in sys.modules
    hint = resolve_hint(f"list[{top}.inner.mod.Thing] | None")
    assert hint_members(hint)[0] == list[sys.modules[f"{top}.inner.mod"].Thing]
    with pytest.raises(ValueError, match=f"module '{top}.inner' has no attribute 'nope'"):
        resolve_hint(f"{top}.inner.nope.Thing")


def test_a_declared_type_never_imports(make_module):
    import sys

    name = make_module("class Thing:\n    pass\n")
    spec = TypeSpec.parse(f"dict[str, {name}.Thing]")
    assert spec.resolve() is None
    assert name not in sys.modules


def test_resolve_with_a_namespace_looks_in_globals_first():
    class Local:
        pass

    assert resolve_hint("Local", {"Local": Local}) is Local
    assert resolve_hint("int", {"int": Local}) is Local  # globals before builtins
    assert resolve_hint("Optional[Local]", {"Local": Local, "Optional": Optional}) == Optional[Local]  # noqa: UP045
    # not in the namespace: a dotted path, then builtins
    assert resolve_hint("pathlib.Path", {"Local": Local}) is Path
    assert resolve_hint("float", {}) is float
    assert resolve_hint("tuple[Local, ...]", {"Local": Local}) == tuple[Local, ...]
    assert resolve_hint("list['Local']", {"Local": Local}) == list[Local]
    assert resolve_hint("Opt[int]", {"Opt": Optional}) == Optional[int]  # noqa: UP045
    assert resolve_hint("typing.Tuple[()]", {"typing": typing}) == typing.Tuple[()]  # noqa: UP006
    with pytest.raises(ValueError, match="name 'Other' is not defined"):
        resolve_hint("Local | Other", {"Local": Local})


def test_non_string_hints_pass_through():
    assert resolve_hint(list[int]) == list[int]
    assert resolve_hint(None) is None


def test_resolve_dotted_does_not_import_unless_asked(make_module):
    import sys

    name = make_module("class Thing:\n    pass\n")
    assert resolve_dotted(f"{name}.Thing") is None
    assert name not in sys.modules
    assert resolve_dotted(f"{name}.Thing", import_modules=True).__name__ == "Thing"
    with pytest.raises(LookupError):
        resolve_dotted(f"{name}.Nothing")


def test_type_spec_parsing():
    spec = TypeSpec.parse("dict[str, numpy.ndarray]")
    assert spec == TypeSpec("dict", (TypeSpec("str"), TypeSpec("numpy.ndarray")))
    assert spec.modules() == {"numpy"}
    assert str(spec) == "dict[str, numpy.ndarray]"
    assert str(TypeSpec.parse(list[Path])) == "list[pathlib.Path]"
    for bad in ("list[", "list[int]]", "a b", "", "list[int,]x"):
        with pytest.raises(ValueError):
            TypeSpec.parse(bad)
    with pytest.raises(ValueError):
        TypeSpec.parse(3)


# -- unpacking by hint ---------------------------------------------------------------------------


@pytest.fixture
def thing_artifact(manager, things):
    artifact = manager.pack(things.Thing(7), "thing")
    assert artifact.packager.endswith(".ThingPackager")
    return artifact


@pytest.mark.parametrize(
    "make_hint",
    [
        lambda T: T,
        lambda T: Optional[T],  # noqa: UP045
        lambda T: T | None,
        lambda T: Union[int, T],  # noqa: UP007
        lambda T: Annotated[T, "metadata"],
        lambda T: f"{T.__module__}.Thing",
        lambda T: f"{T.__module__}.Thing | None",
        lambda T: Any,
        lambda T: object,
        lambda T: None,
    ],
)
def test_hint_forms(manager, things, thing_artifact, make_hint):
    assert manager.unpack(thing_artifact, make_hint(things.Thing)) == things.Thing(7)


def test_type_hint_is_visible_to_the_packager(manager, things, thing_artifact):
    things.SEEN.clear()
    manager.unpack(thing_artifact, Optional[things.Thing])  # noqa: UP045
    manager.unpack(thing_artifact)
    assert [things.Thing, None] == things.SEEN


def test_type_hint_outside_a_call_is_an_error(things):
    from satchel import SatchelError

    with pytest.raises(
        SatchelError, match="type_hint can only be used while satchel is packing or unpacking"
    ):
        things.ThingPackager().type_hint  # noqa: B018


def test_no_hint_uses_stored_instructions(manager):
    artifact = manager.pack({"a": (1, 2)}, "d")
    assert manager.unpack(artifact) == {"a": (1, 2)}
    assert manager.unpack(artifact, type_hint=None) == {"a": (1, 2)}


def test_builtin_hints_through_the_default_packager(manager):
    number = manager.pack(5, "n")
    assert manager.unpack(number, int) == 5
    assert manager.unpack(number, "int") == 5
    numbers = manager.pack([1, 2], "l")
    assert manager.unpack(numbers, "list[int]") == [1, 2]
    assert manager.unpack(numbers, typing.List[int]) == [1, 2]  # noqa: UP006
    assert manager.unpack(numbers, "list[int] | None") == [1, 2]


def test_tuple_hints_check_the_length(manager):
    pair = manager.pack((1, 2), "pair")  # pickled by the default packager: exactly (1, 2)
    assert manager.unpack(pair, tuple[int, ...]) == (1, 2)
    assert manager.unpack(pair, "tuple[int, ...]") == (1, 2)
    assert manager.unpack(pair, "Optional[tuple[int, int]]") == (1, 2)
    for hint in (tuple[int, int, int], "tuple[int, int, int]", tuple[()], "typing.Tuple[()]"):
        with pytest.raises(UnpackingError) as raised:
            manager.unpack(pair, hint)
        assert f"cannot unpack 'pair' as {hint!s}; tried:" in str(raised.value)
        assert "DefaultPackager as 'object': gave a tuple of 2 items, not a " in str(raised.value)
    assert manager.unpack(manager.pack((), "empty"), tuple[()]) == ()
    one = manager.pack((1,), "one")
    with pytest.raises(UnpackingError, match=r"gave a tuple of 1 item, not a tuple\[\(\)\]"):
        manager.unpack(one, tuple[()])


def test_wrong_hint_for_a_stored_object(manager):
    artifact = manager.pack([1, 2], "l")
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(artifact, dict)
    message = str(raised.value)
    assert message.startswith("cannot unpack 'l' as dict; tried:")
    assert "DefaultPackager as 'object': gave a list, not a dict" in message
    with pytest.raises(UnpackingError, match=r"cannot unpack 'l' as dict\[str, int\] \| None; tried"):
        manager.unpack(artifact, dict[str, int] | None)


def test_plain_path_without_hint_stays_as_given(manager, tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}")
    assert manager.unpack(str(path)) == str(path)
    assert manager.unpack(path) is path
    assert manager.unpack(str(path), Any) == str(path)


def test_plain_file_unpacked_under_a_hint(manager, things, tmp_path):
    path = tmp_path / "thing.json"
    path.write_text('{"value": 3}')
    assert manager.unpack(str(path), things.Thing) == things.Thing(3)
    assert manager.unpack(path, Optional[things.Thing]) == things.Thing(3)  # noqa: UP045
    assert path.read_text() == '{"value": 3}'


def test_missing_path_is_an_unpacking_error(manager, tmp_path):
    with pytest.raises(UnpackingError, match="no such file or folder"):
        manager.unpack(str(tmp_path / "missing.json"), int)


def test_store_uri_without_a_store(manager):
    with pytest.raises(UnpackingError, match="this manager has no store"):
        manager.unpack("store://demo/data", int)


def test_unsupported_source(manager):
    with pytest.raises(UnpackingError, match="cannot unpack a int: give an Artifact, a path or a URI"):
        manager.unpack(3, int)


def test_none_source(manager):
    assert manager.unpack(None) is None
    assert manager.unpack(None, Optional[int]) is None  # noqa: UP045
    assert manager.unpack(None, Any) is None
    with pytest.raises(UnpackingError, match="got None for a int input"):
        manager.unpack(None, int)


def test_unresolvable_hint_is_an_unpacking_error(manager):
    artifact = manager.pack(1, "n")
    with pytest.raises(UnpackingError, match=r"cannot resolve type hint 'satchel_no_such_module_xyz.T'"):
        manager.unpack(artifact, "satchel_no_such_module_xyz.T")


def test_every_failed_candidate_is_listed(manager, make_module, tmp_path):
    module = importlib.import_module(
        make_module(
            """
            from satchel import DefaultPackager

            class Thing:
                pass

            class First(DefaultPackager):
                PACKABLE_OBJECT_TYPE = Thing
                PRIORITY = 1
                DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

                def pack_file(self, obj, key):
                    raise NotImplementedError

                def unpack_file(self, item):
                    raise ValueError("first cannot read " + item.key)

            class Second(DefaultPackager):
                PACKABLE_OBJECT_TYPE = Thing
                PRIORITY = 2
                DEFAULT_UNPACKING_ARTIFACT_TYPE = "csv"

                def pack_csv(self, obj, key):
                    raise NotImplementedError

                def unpack_csv(self, item):
                    return 42  # the wrong type: refused too
            """
        )
    )
    manager.collect_packagers([module.First, module.Second])
    path = tmp_path / "thing.bin"
    path.write_bytes(b"\0")
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(str(path), Optional[module.Thing])  # noqa: UP045
    lines = str(raised.value).splitlines()
    assert lines[0] == "cannot unpack 'thing.bin' as typing.Optional[" + f"{module.__name__}.Thing]; tried:"
    assert lines[1] == f"  - {module.__name__}.First as 'file': ValueError: first cannot read thing.bin"
    assert lines[2] == f"  - {module.__name__}.Second as 'csv': gave a int, not a Thing"
    assert lines[3] == (
        "  - satchel.DefaultPackager: not tried: it would read it as 'object' (a pickle), "
        "and a plain file is never unpickled"
    )
    assert lines[4].startswith("'thing.bin' is a plain file, and a plain file is never unpickled")
    assert len(lines) == 5


def test_union_members_are_tried_in_order(manager, things, tmp_path):
    path = tmp_path / "thing.json"
    path.write_text('{"value": 1}')
    # int has no packager but the (refusing) default; Thing's packager succeeds next
    assert manager.unpack(str(path), Union[int, things.Thing]) == things.Thing(1)  # noqa: UP007
    path.write_text('{"other": 1}')
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(str(path), Union[int, things.Thing])  # noqa: UP007
    assert "ThingPackager as 'file': UnpackingError: no 'value' in the file" in str(raised.value)


def test_artifact_packed_by_an_uncollected_trusted_packager(manager, make_module):
    from satchel import PackagersManager

    module = importlib.import_module(make_module(THING))
    other = PackagersManager(installed=False)
    other.collect_packagers([module.ThingPackager])
    try:
        artifact = other.pack(module.Thing(5), "t")
        # this manager never collected ThingPackager: the stored packager is loaded for it
        assert manager.unpack(artifact) == module.Thing(5)
        artifact.trusted = False
        with pytest.raises(UnpackingError, match="not collected here, and it is not trusted"):
            manager.unpack(artifact)
    finally:
        other.clear()


def test_artifact_from_a_missing_packager(manager):
    artifact = Artifact(
        "k", "file", packager="satchel_no_such_module_xyz.Packager", trusted=True, path=__file__
    )
    with pytest.raises(
        UnpackingError, match=r"needs packager satchel_no_such_module_xyz.Packager.*install the plugin"
    ):
        manager.unpack(artifact)


def test_artifact_without_kind(manager):
    artifact = Artifact(
        "k", None, packager="satchel.DefaultPackager", trusted=True, path=__file__
    )
    with pytest.raises(UnpackingError, match="records no artifact type"):
        manager.unpack(artifact)


def test_custom_packager_subclass_of_default_is_not_confused_with_it(manager, things):
    class Unrelated(DefaultPackager):
        PACKABLE_OBJECT_TYPE = complex

    manager.collect_packagers([Unrelated])
    artifact = manager.pack(things.Thing(2), "t")
    assert manager.unpack(artifact, things.Thing) == things.Thing(2)
