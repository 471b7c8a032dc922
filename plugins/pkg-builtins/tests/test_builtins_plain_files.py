"""Unpacking plain files made outside satchel, by type hint (format from the suffix)."""

from __future__ import annotations

import json
import typing
from typing import Optional

import pytest

from satchel import UnpackingError

HINTS = [dict, typing.Dict[str, typing.Any], dict[str, object], Optional[dict], "dict"]  # noqa: UP006, UP045


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("data.json", '{"a": 1, "b": [1, 2], "ü": null}'),
        ("data.yaml", "a: 1\nb:\n  - 1\n  - 2\nü: null\n"),
        ("data.yml", "{a: 1, b: [1, 2], ü: ~}"),
        ("data.jsonl", '{"a": 1}\n{"b": [1, 2], "ü": null}\n'),
        ("data.txt", "{'a': 1, 'b': [1, 2], 'ü': None}"),
    ],
)
@pytest.mark.parametrize("hint", HINTS)
def test_a_dict_from_each_format(manager, tmp_path, exact, name, text, hint):
    exact({"a": 1, "b": [1, 2], "ü": None}, manager.unpack(write(tmp_path, name, text), hint))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("items.json", "[[1, 2], [3, 4]]"),
        ("items.yaml", "- [1, 2]\n- [3, 4]\n"),
        ("items.jsonl", "[1, 2]\n\n[3, 4]\r\n"),
        ("items.ndjson", "[1, 2]\n[3, 4]"),
        ("items.txt", "[[1, 2], (3, 4)]"),
    ],
)
def test_sequences_take_the_hinted_type(manager, tmp_path, exact, name, text):
    path = write(tmp_path, name, text)
    as_list = manager.unpack(path, list)
    assert type(as_list) is list and [list(x) for x in as_list] == [[1, 2], [3, 4]]
    exact(((1, 2), (3, 4)), manager.unpack(path, tuple[tuple[int, int], ...]))
    exact([(1, 2), (3, 4)], manager.unpack(path, typing.List[typing.Tuple[int, int]]))  # noqa: UP006
    exact({(1, 2), (3, 4)}, manager.unpack(path, set))  # arrays inside a set become tuples
    exact(frozenset({(1, 2), (3, 4)}), manager.unpack(path, frozenset[tuple]))
    exact(((1, 2), (3, 4)), manager.unpack(path, tuple[tuple[int, int], tuple[int, int]]))


def test_empty_tuples(manager, tmp_path, exact):
    path = write(tmp_path, "empty.json", "[]")
    exact((), manager.unpack(path, tuple[()]))
    exact((), manager.unpack(path, typing.Tuple[()]))  # noqa: UP006
    exact((), manager.unpack(path, tuple[int, ...]))
    exact(((),), manager.unpack(write(tmp_path, "one.json", "[[]]"), tuple[tuple[()]]))


def test_a_one_line_jsonl_is_a_one_item_list(manager, tmp_path, exact):
    exact([[1, 2]], manager.unpack(write(tmp_path, "one.jsonl", "[1, 2]\n"), list))
    exact([], manager.unpack(write(tmp_path, "none.jsonl", ""), list))
    exact({}, manager.unpack(write(tmp_path, "none2.jsonl", "\n"), dict))


def test_keys_follow_the_hint(manager, tmp_path, exact):
    path = write(tmp_path, "scores.json", '{"1": 0.5, "2": 0.25}')
    exact({"1": 0.5, "2": 0.25}, manager.unpack(path, dict))
    exact({1: 0.5, 2: 0.25}, manager.unpack(path, dict[int, float]))
    flags = write(tmp_path, "flags.json", '{"true": [1], "false": []}')
    exact({True: (1,), False: ()}, manager.unpack(flags, dict[bool, tuple[int, ...]]))


def test_yaml_keeps_its_own_types(manager, tmp_path, exact):
    path = write(tmp_path, "x.yaml", "1: one\n2.5: [a, b]\nraw: !!binary aGk=\nset: !!set {a, b}\n")
    exact({1: "one", 2.5: ["a", "b"], "raw": b"hi", "set": {"a", "b"}}, manager.unpack(path, dict))


def test_bytes_from_files(manager, tmp_path, exact):
    exact(b"hi \xc3\xbc", manager.unpack(write(tmp_path, "b.json", '"hi \\u00fc"'), bytes))
    exact(bytearray(b"\x00\xff"), manager.unpack(write(tmp_path, "b2.json", "[0, 255]"), bytearray))
    exact(b"hi", manager.unpack(write(tmp_path, "b.jsonl", '"hi"\n'), bytes))
    exact(b"\x00", manager.unpack(write(tmp_path, "b.txt", "b'\\x00'"), bytes))
    exact(b"hi", manager.unpack(write(tmp_path, "b.yaml", "!!binary aGk=\n"), bytes))
    blob = tmp_path / "image.png"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    exact(b"\x89PNG\r\n\x1a\n\x00", manager.unpack(blob, bytes))  # unknown suffix: raw bytes
    exact(bytearray(b"\x89PNG\r\n\x1a\n\x00"), manager.unpack(blob, bytearray))


def test_a_plain_path_under_hint_str_is_itself(manager, tmp_path):
    path = write(tmp_path, "data.json", "[]")
    assert manager.unpack(path, str) == str(path)
    assert manager.unpack(str(tmp_path), str) == str(tmp_path)
    assert path.read_text() == "[]"  # the user's file is never touched


def test_without_a_hint_a_plain_path_stays_a_path(manager, tmp_path):
    path = write(tmp_path, "data.json", "[1]")
    assert manager.unpack(str(path)) == str(path)


@pytest.mark.parametrize(
    ("name", "text", "hint", "expected"),
    [
        ("a.json", '{"a": 1}', list, "not a sequence (list)"),
        ("a.json", "[1, 2]", dict, "not a mapping (dict)"),
        ("a.json", '"text"', tuple, "not a sequence (tuple)"),
        ("a.yaml", "a: 1\n", set, "not a sequence (set)"),
        ("a.yaml", "", dict, "null, not a mapping"),
        ("a.txt", "{'a': 1}", list, "not a sequence (list)"),
        ("a.jsonl", "[1]\n[2]\n", dict, "line 1 of a.jsonl is a sequence"),
        ("a.jsonl", '{"a": 1}\n{"a": 2}\n', dict, "key 'a' appears twice"),
        ("a.jsonl", '"x"\n"y"\n', bytes, "one value (bytes) needs exactly one"),
        ("a.json", "[1, 2, 3]", tuple[int, int], "has 3 items, the hint asks for 2"),
        ("a.json", "[1, 2]", tuple[()], "has 2 items, the hint asks for 0"),
        ("a.json", "[1, 2]", "tuple[()]", "has 2 items, the hint asks for 0"),
        ("a.json", "[[1, 2]]", tuple[tuple[int, int, int], ...], "a.json[0] has 2 items, the hint asks"),
        ("a.json", "[[1], {}]", set, "cannot be in a set"),
        ("a.json", '{"x": 1}', dict[int, int], "key 'x', which is not a int"),
        ("a.json", "[1, 256]", bytes, "list of ints from 0 to 255"),
    ],
)
def test_wrong_shapes_are_clear_errors(manager, tmp_path, name, text, hint, expected):
    with pytest.raises(UnpackingError) as error:
        manager.unpack(write(tmp_path, name, text), hint)
    assert expected in str(error.value)
    assert name in str(error.value)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.json", '{"a": 1', "is not valid JSON"),
        ("bad.jsonl", '[1]\n{"a": \n', "line 2 of bad.jsonl is not valid JSON"),
        ("bad.jsonl", "[1\n2], 3, [4\n5]\n", "line 1 of bad.jsonl is not valid JSON"),
        ("bad.yaml", "a: [1\n", "is not valid (safe) YAML"),
        ("bad.yaml", "!!python/object:os.system {}\n", "is not valid (safe) YAML"),
        ("bad.txt", "__import__('os')", "does not hold a Python literal"),
        ("bad.csv", "a,b\n1,2\n", "cannot tell the format of bad.csv"),
    ],
)
def test_malformed_files_are_clear_errors(manager, tmp_path, name, text, expected):
    with pytest.raises(UnpackingError) as error:
        manager.unpack(write(tmp_path, name, text), dict)
    assert expected in str(error.value)


def test_a_file_that_is_not_utf8(manager, tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('["é"]'.encode("latin-1"))
    with pytest.raises(UnpackingError, match="not UTF-8"):
        manager.unpack(path, list)


def test_json_written_by_satchel_is_plain_json(manager, exact):
    artifact = manager.pack({"a": [1, 2], "b": {"c": None}}, "data:file")
    with open(artifact.local_path(), encoding="utf-8") as handle:
        assert json.load(handle) == {"a": [1, 2], "b": {"c": None}}
    assert artifact.local_path().endswith(".json")
