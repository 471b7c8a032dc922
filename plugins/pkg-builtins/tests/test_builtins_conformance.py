"""`satchel.testing.check_packager` on every builtins packager, every artifact type and file format."""

from __future__ import annotations

import pytest

from satchel.testing import check_packager
from satchel_builtins import packagers as builtins_packagers
from satchel_builtins.packagers import (
    BoolPackager,
    BytearrayPackager,
    BytesPackager,
    DictPackager,
    FloatPackager,
    FrozensetPackager,
    IntPackager,
    ListPackager,
    NoneTypePackager,
    SetPackager,
    StrPackager,
    TuplePackager,
)

NAN, INF = float("nan"), float("inf")
HUGE = 7**20000  # more digits than Python writes as text by default (sys.get_int_max_str_digits)

SCALARS = {
    IntPackager: [0, 1, -1, 2**63, -(2**100), 10**300],
    FloatPackager: [0.0, -0.0, 1.5, -2.25e-308, 1e308, 5e-324, 0.1 + 0.2],
    BoolPackager: [True, False],
    NoneTypePackager: [None],
    StrPackager: ["", "plain", "ünïcødé ✓ 😀", "line\nbreak\ttab\x00nul", "\u2028\u2029\x85", "x" * 10_000],
}

COLLECTIONS = {
    DictPackager: [
        {},
        {"a": 1, "b": [1, 2.5, None, True], "c": {"nested": {"deep": "ü"}}},
        {1: "int key", 2.5: "float key", None: "none key", False: "bool key", "1.5": "str key"},
        {"t": (1, (2, 3)), "s": {3, 1, 2}, "f": frozenset({"x"}), "b": b"\x00\xff", "ba": bytearray(b"ok")},
        {"neg0": -0.0, "big": 10**4000},
        {"empty": [[], (), set(), frozenset(), {}, b"", bytearray(), ""]},
    ],
    ListPackager: [
        [],
        [1],
        [[1, 2]],  # one item, itself a list (jsonl: one line)
        [{"a": 1}],
        [1, 2.0, "three", None, True, b"four", (5,), {6}, frozenset({7}), {8: 9}],
        [[[[[]]]], [()], [set()]],
        ["ünïcødé", "😀", "\u2028"],
        list(range(1000)),
    ],
    TuplePackager: [(), (1,), ((1, 2), [3, 4]), (None, "a", 1.5, b"b", (), ((),))],
    SetPackager: [
        set(),
        {1, 2, 3},
        {"b", "a", "c"},
        {1, "a", None, 2.5, (1, 2), frozenset({1}), b"x"},
        {(1, (2, frozenset({3, (4,)})))},
    ],
    FrozensetPackager: [frozenset(), frozenset({1, 2}), frozenset({frozenset({1}), frozenset(), ("a",)})],
    BytesPackager: [b"", b"hello", "ünïcødé".encode(), b"\x00\xff\xfe\x80", bytes(range(256))],
    BytearrayPackager: [bytearray(), bytearray(b"hello"), bytearray(b"\xff\x00")],
}

# Not results: their keys cannot be JSON keys (a PackingError, tested elsewhere).
NOT_RESULTS = {
    DictPackager: [
        {(1, "a"): "tuple key", frozenset({1, 2}): "frozenset key", b"\xff": "bytes key"},
        {1: "one", "1": "the string one"},  # collide once written as JSON keys
        {"x": {(): 1}},
        {"huge": HUGE},  # too long for a JSON number
    ],
    ListPackager: [[{(1,): 2}]],
}

FORMATS = ["json", "yaml", "jsonl", "txt"]


def _with_format(cls, file_format):
    """A subclass whose `file` default is `file_format` (check_packager passes no configuration)."""

    def pack_file(self, obj, key, file_format=file_format):
        return cls.pack_file(self, obj, key, file_format)

    namespace = {
        "pack_file": pack_file,
        "PACKABLE_OBJECT_TYPE": cls.PACKABLE_OBJECT_TYPE,
        "__module__": __name__,
    }
    return type(f"{cls.__name__}{file_format.title()}", (cls,), namespace)


def test_every_public_class_is_tested():
    tested = set(SCALARS) | set(COLLECTIONS)
    public = {
        value
        for name, value in vars(builtins_packagers).items()
        if isinstance(value, type)
        and not name.startswith("_")
        and value.__module__ == builtins_packagers.__name__
    }
    assert public == tested


@pytest.mark.parametrize("cls", list(SCALARS), ids=lambda cls: cls.__name__)
def test_scalars(cls):
    check_packager(cls, SCALARS[cls], artifact_types=["result", "object"])


@pytest.mark.parametrize("cls", list(COLLECTIONS), ids=lambda cls: cls.__name__)
def test_collections_default(cls, exact):
    check_packager(cls, COLLECTIONS[cls], assert_equal=exact)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("cls", list(COLLECTIONS), ids=lambda cls: cls.__name__)
def test_collections_every_file_format(cls, file_format, exact):
    samples = COLLECTIONS[cls] + NOT_RESULTS.get(cls, [])
    check_packager(_with_format(cls, file_format), samples, artifact_types=["file"], assert_equal=exact)


@pytest.mark.parametrize("cls", list(NOT_RESULTS), ids=lambda cls: cls.__name__)
def test_not_results_as_file_and_object(cls, exact):
    check_packager(cls, NOT_RESULTS[cls], artifact_types=["file", "object"], assert_equal=exact)


@pytest.mark.parametrize("file_format", FORMATS)
def test_non_finite_floats_in_files(file_format, exact):
    samples = [[NAN, INF, -INF, -0.0], {NAN: 1, "k": {INF}}, (NAN,), {-INF, 1.0}]
    for sample in samples:
        cls = {list: ListPackager, dict: DictPackager, tuple: TuplePackager, set: SetPackager}[type(sample)]
        check_packager(
            _with_format(cls, file_format), [sample], artifact_types=["file", "object"], assert_equal=exact
        )


def test_str_as_path(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("hello")
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.bin").write_bytes(b"\x00\x01")

    def same_content(expected, actual):
        assert type(actual) is str
        from pathlib import Path

        expected, actual = Path(expected), Path(actual)
        if expected.is_dir():
            assert sorted(p.relative_to(actual).as_posix() for p in actual.rglob("*")) == sorted(
                p.relative_to(expected).as_posix() for p in expected.rglob("*")
            )
            assert (actual / "sub" / "a.bin").read_bytes() == b"\x00\x01"
        else:
            assert actual != str(expected) and Path(actual).read_text() == "hello"

    check_packager(StrPackager, [str(file), str(folder)], artifact_types=["path"], assert_equal=same_content)
