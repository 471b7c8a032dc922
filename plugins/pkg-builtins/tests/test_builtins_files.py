"""The `file` artifact type: natural files, hints, what is lost, bad configurations."""

from __future__ import annotations

import ast
import datetime
import enum
import json
import typing
from collections import Counter, OrderedDict, defaultdict, namedtuple
from pathlib import Path
from typing import Optional

import pytest
import yaml

from satchel import PackingError, SatchelWarning, UnpackingError

FORMATS = ["json", "yaml", "jsonl", "txt"]


class Color(enum.IntEnum):
    RED = 1


class Name(str):
    pass


Point = namedtuple("Point", "x y")


def pack(manager, obj, file_format="json", key="data"):
    return manager.pack(obj, {"key": key, "artifact_type": "file", "file_format": file_format})


def text(artifact):
    return Path(artifact.local_path()).read_text(encoding="utf-8")


def test_files_are_natural_for_other_tools(manager):
    data = {"name": "ü", "scores": [1, 2.5], "ok": True, "none": None}
    assert json.loads(text(pack(manager, data, "json"))) == data
    assert yaml.safe_load(text(pack(manager, data, "yaml"))) == data
    assert ast.literal_eval(text(pack(manager, data, "txt"))) == data
    assert text(pack(manager, data, "txt")) == repr(data) + "\n"
    lines = text(pack(manager, data, "jsonl")).splitlines()
    records = [{"name": "ü"}, {"scores": [1, 2.5]}, {"ok": True}, {"none": None}]
    assert [json.loads(line) for line in lines] == records
    assert text(pack(manager, [1, [2, 3], "x"], "jsonl")) == '1\n[2, 3]\n"x"\n'
    assert text(pack(manager, {3, 1, 2}, "jsonl")) == "1\n2\n3\n"
    assert text(pack(manager, (), "jsonl")) == ""
    assert text(pack(manager, b"bytes", "jsonl")) == '"bytes"\n'


@pytest.mark.parametrize(
    ("obj", "file_format", "content"),
    [
        ({1: "a", 2: "b"}, "json", '{"1": "a", "2": "b"}\n'),  # as json.dumps writes them
        ({1: "a", 2: "b"}, "yaml", "1: a\n2: b\n"),  # yaml holds int keys
        ({1: "a", "1": "b"}, "json", '[[1, "a"], ["1", "b"]]\n'),  # keys that would collide
        ((1, 2), "json", "[1, 2]\n"),
        ({"b", "a"}, "txt", "{'a', 'b'}\n"),
        (set(), "txt", "set()\n"),
        (frozenset({2, 1}), "txt", "(1, 2)\n"),
        (b"caf\xc3\xa9", "json", '"café"\n'),
        (b"\xff\x00", "json", '"/wA="\n'),  # not UTF-8: base64
        (bytearray(b"a"), "txt", "b'a'\n"),
        ([float("nan"), float("-inf")], "json", '["nan", "-inf"]\n'),  # strict JSON
        ([float("nan"), float("-inf")], "yaml", "- .nan\n- -.inf\n"),
        ([float("-nan")], "json", '["-nan"]\n'),  # a NaN whose sign bit is set
        ([float("-nan")], "txt", "['-nan']\n"),
        ([float("-nan"), float("nan")], "yaml", "- .nan\n- .nan\n"),  # the signs in the schema
    ],
)
def test_what_is_written(manager, exact, obj, file_format, content):
    artifact = pack(manager, obj, file_format)
    assert text(artifact) == content
    exact(obj, manager.unpack(artifact))


def test_the_schema_is_compact(manager):
    artifact = pack(manager, [(i, str(i)) for i in range(1000)])
    assert artifact.instructions == {"file_format": "json", "schema": {"t": "list", "a": {"t": "tuple"}}}
    assert pack(manager, {"a": [1]}).instructions == {"file_format": "json", "schema": {"t": "dict"}}


@pytest.mark.parametrize("file_format", FORMATS)
def test_subclasses_inside_are_written_as_their_base_with_a_warning(manager, exact, file_format):
    obj = [Color.RED, Name("n"), OrderedDict(a=1), Point(1, 2), {"c": Counter("aa"), "d": defaultdict(list)}]
    with pytest.warns(SatchelWarning) as caught:
        artifact = pack(manager, obj, file_format)
    message = str(caught[0].message)
    lost_types = ("Color", "Name", "collections.OrderedDict at data[2]", "Point at data[3]")
    for lost in (*lost_types, "Counter at data[4]['c']"):
        assert lost in message
    assert "'object'" in message
    exact([1, "n", {"a": 1}, (1, 2), {"c": {"a": 2}, "d": {}}], manager.unpack(artifact))


@pytest.mark.parametrize("file_format", FORMATS)
def test_objects_that_are_not_builtins_are_a_clear_error(manager, file_format):
    with pytest.raises(PackingError) as error:
        pack(manager, {"when": [datetime.date(2024, 1, 1)]}, file_format)
    message = str(error.value)
    assert "data['when'][0] is a datetime.date" in message and "'object'" in message


def test_an_unknown_file_format(manager):
    with pytest.raises(PackingError) as error:
        pack(manager, [1], "csv")
    message = str(error.value)
    assert "ListPackager" in message and "'data'" in message and "'csv'" in message
    assert "json, yaml, jsonl, txt" in message


def test_an_unknown_configuration(manager):
    with pytest.raises(PackingError) as error:
        manager.pack({"a": 1}, {"key": "data", "artifact_type": "file", "fileformat": "yaml"})
    message = str(error.value)
    assert "DictPackager" in message and "'fileformat'" in message and "file_format" in message
    with pytest.raises(PackingError, match="unknown configuration 'file_format'"):
        manager.pack({"a": 1}, {"key": "data", "file_format": "yaml"})  # results take none


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(
    ("obj", "hint", "expected"),
    [
        ([(1, 2), [3]], tuple, ((1, 2), [3])),  # nested types restored from the schema, then converted
        ((3, 1), list, [3, 1]),
        ({3, 1, 2}, list, [1, 2, 3]),
        ({3, 1, 2}, frozenset, frozenset({1, 2, 3})),
        ([1, 2], typing.List[int], [1, 2]),  # noqa: UP006 - the spelling is tested
        ([1, 2], Optional[list], [1, 2]),  # noqa: UP045
        ([1, 2], list | None, [1, 2]),
        ([1, 2], "list", [1, 2]),
        ({"a": 1}, Optional[dict], {"a": 1}),  # noqa: UP045
        ({1: (2,)}, typing.Dict[int, tuple], {1: (2,)}),  # noqa: UP006
        (b"ab", bytearray, bytearray(b"ab")),
        (bytearray(b"\xff"), bytes, b"\xff"),
        ((1, 2), typing.Optional[typing.Tuple[int, ...]], (1, 2)),  # noqa: UP006, UP045
    ],
)
def test_unpacking_under_other_hints(manager, exact, file_format, obj, hint, expected):
    exact(expected, manager.unpack(pack(manager, obj, file_format), hint))


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_tuple_hint_checks_the_length(manager, exact, file_format):
    pair = pack(manager, (1, 2), file_format)
    exact((1, 2), manager.unpack(pair, tuple[int, ...]))
    exact((1, 2), manager.unpack(pair, "tuple[int, ...]"))
    exact((1, 2), manager.unpack(pair, tuple[int, int]))
    for hint in (tuple[int, int, int], "tuple[int, int, int]", typing.Tuple[int, int, int], tuple[()]):  # noqa: UP006
        with pytest.raises(UnpackingError) as error:
            manager.unpack(pair, hint)
        assert f"cannot unpack 'data' as {hint!s}; tried:" in str(error.value)
        assert f"TuplePackager as 'file': gave a tuple of 2 items, not a {hint!s}" in str(error.value)
    exact((), manager.unpack(pack(manager, (), file_format, key="empty"), tuple[()]))
    items = pack(manager, [1, 2], file_format, key="items")  # a list read as the hinted tuple
    exact((1, 2), manager.unpack(items, tuple[int, int]))
    with pytest.raises(UnpackingError, match="has 2 items, the hint asks for 0"):
        manager.unpack(items, tuple[()])
    with pytest.raises(UnpackingError, match="has 2 items, the hint asks for 3"):
        manager.unpack(items, tuple[int, int, int])


def test_a_wrong_hint_for_a_stored_file(manager):
    artifact = pack(manager, {"a": 1}, "jsonl")
    with pytest.raises(UnpackingError) as error:
        manager.unpack(artifact, list)
    assert "is a mapping (JSON object), not a sequence (list)" in str(error.value)


def test_a_file_changed_after_packing(manager):
    artifact = pack(manager, [(1,), (2,)])
    assert text(artifact) == "[[1], [2]]\n"
    Path(artifact.local_path()).write_text('["1", "2"]\n')  # same size: only the schema can tell
    with pytest.raises(UnpackingError, match="does not match the schema recorded when it was packed"):
        manager.unpack(artifact)


@pytest.mark.parametrize("file_format", FORMATS)
def test_yaml_is_only_imported_for_yaml(file_format, tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, satchel\n"
        "m = satchel.PackagersManager(installed=False)\n"
        "m.collect_packagers(['satchel_builtins.packagers'], mandatory=True)\n"
        f"hint = {{'key': 'k', 'artifact_type': 'file', 'file_format': '{file_format}'}}\n"
        "a = m.pack({'a': (1, 2)}, hint)\n"
        "assert m.unpack(a) == {'a': (1, 2)}\n"
        "print('yaml' in sys.modules)\n"
        "m.clear()\n"
    )
    command = [sys.executable, "-c", code]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == str(file_format == "yaml")


def test_yaml_without_libyaml(manager, exact, monkeypatch):
    monkeypatch.delattr(yaml, "CSafeDumper", raising=False)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    obj = {"next line": "\x85", "é": ["\u2028", "\ud800", "😀"], 1: (b"\xff", float("nan"))}
    artifact = pack(manager, obj, "yaml")
    assert yaml.safe_load(text(artifact))["next line"] == "\x85"
    exact(obj, manager.unpack(artifact))
