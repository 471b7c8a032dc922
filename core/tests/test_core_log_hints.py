"""Log hints (DESIGN §4): the grammar, `*` and `**`, and the tuple rule through `manager.pack`."""

from __future__ import annotations

import pytest

from satchel import Artifact, DefaultPackager, LogHintError, PackingError, SatchelWarning
from satchel.packaging.log_hints import LogHint, parse_log_hint, parse_log_hints, split_outputs


@pytest.mark.parametrize(
    ("hint", "key", "artifact_type", "star"),
    [
        ("model", "model", None, 0),
        ("model:file", "model", "file", 0),
        ("model : file", "model", "file", 0),
        ("  model:  file ", "model", "file", 0),
        ("a.b-c_D9", "a.b-c_D9", None, 0),
        ("*part", "part", None, 1),
        ("*part:file", "part", "file", 1),
        ("**m_", "m_", None, 2),
        ("**m_ : result", "m_", "result", 2),
    ],
)
def test_text_hints(hint, key, artifact_type, star):
    parsed = parse_log_hint(hint)
    assert (parsed.key, parsed.artifact_type, parsed.star) == (key, artifact_type, star)
    assert dict(parsed.configurations) == {}


def test_dict_hint_with_configurations():
    hint = {"key": "scores", "artifact_type": "file", "file_format": "csv", "compressed": True}
    parsed = parse_log_hint(hint)
    assert parsed.key == "scores"
    assert parsed.artifact_type == "file"
    assert dict(parsed.configurations) == {"file_format": "csv", "compressed": True}
    assert hint == {"key": "scores", "artifact_type": "file", "file_format": "csv", "compressed": True}


def test_dict_hint_without_artifact_type_and_with_stars():
    parsed = parse_log_hint({"key": "*part", "pickle_module": "pickle"})
    assert (parsed.key, parsed.artifact_type, parsed.star) == ("part", None, 1)
    assert dict(parsed.configurations) == {"pickle_module": "pickle"}


def test_configurations_cannot_be_changed_through_the_hint():
    parsed = parse_log_hint({"key": "k", "x": 1})
    with pytest.raises(TypeError):
        parsed.configurations["x"] = 2  # type: ignore[index]


def test_parsed_hint_passes_through():
    hint = LogHint("k", "file")
    assert parse_log_hint(hint) is hint


@pytest.mark.parametrize(
    ("hint", "match"),
    [
        ("k:", "malformed log hint 'k:'"),
        ("a:b:c", "malformed log hint 'a:b:c'"),
        (":x", "malformed log hint ':x'"),
        ("", "malformed log hint ''"),
        ("   ", "malformed log hint"),
        ("a/b", "invalid key 'a/b'"),
        ("a b", "invalid key 'a b'"),
        ("a b:file", "invalid key 'a b'"),
        ("*", "invalid key ''"),
        ("***x", "invalid key '\\*x'"),
        ("k:fi le", "invalid artifact type 'fi le'"),
        ("k:1file", "invalid artifact type '1file'"),
        ("ключ", "invalid key"),
        (".", "invalid key '.'"),
        ("..:file", "invalid key '..'"),
        ("*..", "invalid key '..'"),
        ({"artifact_type": "file"}, "has no 'key'"),
        ({"key": 3}, "key must be a string, got 3"),
        ({"key": None}, "key must be a string"),
        ({"key": "a/b"}, "invalid key 'a/b'"),
        ({"key": "k:file"}, "invalid key 'k:file'"),
        ({"key": "k", "artifact_type": 5}, "invalid artifact type 5"),
        ({"key": "k", "artifact_type": ""}, "invalid artifact type ''"),
        (3, "got int 3"),
        (["k"], "got list"),
    ],
)
def test_malformed_hints(hint, match):
    with pytest.raises(LogHintError, match=match):
        parse_log_hint(hint)


def test_keys_are_checked_before_packing(manager):
    calls = []

    class Spy(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        def is_packable(self, obj, artifact_type, configurations):
            calls.append(obj)
            return True

    manager.collect_packagers([Spy])
    with pytest.raises(LogHintError):
        manager.pack(1, "bad key")
    with pytest.raises(LogHintError):
        manager.pack((1, 2), ["good", "bad:"])  # every hint is parsed before anything is packed
    assert calls == []


def test_parse_log_hints_keeps_none():
    parsed = parse_log_hints(["a", None, {"key": "b"}])
    assert parsed[1] is None
    assert [p.key for p in parsed if p] == ["a", "b"]


# -- * and ** ---------------------------------------------------------------------------------


def test_star_logs_each_item(manager):
    out = manager.pack([1, "two", None], "*part:result")
    assert out == [{"part0": 1}, {"part1": "two"}, {"part2": None}]


def test_star_on_a_generator_and_with_configurations(manager):
    out = manager.pack((x for x in ([1], [2])), {"key": "*p", "pickle_module": "pickle"})
    assert [a.key for a in out] == ["p0", "p1"]
    assert all(isinstance(a, Artifact) and a.instructions["pickle_module"] == "pickle" for a in out)
    assert [manager.unpack(a) for a in out] == [[1], [2]]


def test_double_star_logs_each_value(manager):
    out = manager.pack({"a": 1, "b.c": [2]}, "**m_:result")
    assert out == [{"m_a": 1}, {"m_b.c": [2]}]
    out = manager.pack({1: "x"}, "**m_:result")
    assert out == [{"m_1": "x"}]


@pytest.mark.parametrize("empty", [[], (), set(), iter([])])
def test_star_on_an_empty_iterable_warns_and_logs_nothing(manager, empty):
    with pytest.warns(SatchelWarning, match="'part' got an empty .*nothing was logged"):
        assert manager.pack(empty, "*part") == []


def test_double_star_on_an_empty_dict_warns(manager):
    with pytest.warns(SatchelWarning, match="nothing was logged"):
        assert manager.pack({}, "**m_") == []


@pytest.mark.parametrize("value", [5, "text", b"bytes", None, 2.5])
def test_star_on_a_non_iterable_or_a_string(manager, value):
    with pytest.raises(PackingError, match=r"'\*part' logs each item of an iterable, but 'part' is a"):
        manager.pack(value, "*part")


def test_star_on_a_dict_suggests_double_star(manager):
    with pytest.raises(PackingError, match=r"'part' is a dict \(use '\*\*' for each value of a dict\)"):
        manager.pack({"a": 1}, "*part")


@pytest.mark.parametrize("value", [[1, 2], "ab", 3, (("a", 1),)])
def test_double_star_on_a_non_dict(manager, value):
    with pytest.raises(PackingError, match=r"'\*\*m_' logs each value of a dict, but 'm_' is a"):
        manager.pack(value, "**m_")


def test_double_star_with_an_invalid_generated_key(manager):
    with pytest.raises(PackingError) as raised:
        manager.pack({"ok": 1, "not ok": 2, "a/b": 3}, "**m_:result")
    message = str(raised.value)
    assert "'**m_'" in message and "invalid key 'm_not ok'" in message and "'m_a/b'" in message
    # the valid values are still logged
    assert raised.value.outputs == [{"m_ok": 1}]


# -- the tuple rule ---------------------------------------------------------------------------


def test_two_hints_split_a_tuple(manager):
    assert manager.pack((1, "b"), ["first:result", "second:result"]) == [{"first": 1}, {"second": "b"}]


def test_one_hint_takes_a_tuple_whole(manager):
    out = manager.pack((1, 2), ["pair"])
    assert len(out) == 1 and isinstance(out[0], Artifact)
    assert manager.unpack(out[0]) == (1, 2)
    single = manager.pack((1, 2), "pair")
    assert isinstance(single, Artifact) and manager.unpack(single) == (1, 2)


def test_none_skips_an_output(manager):
    assert manager.pack((1, 2, 3), ["a:result", None, "c:result"]) == [{"a": 1}, {"c": 3}]


def test_star_inside_the_tuple_rule(manager):
    out = manager.pack(([1, 2], 3), ["*p:result", "n:result"])
    assert out == [{"p0": 1}, {"p1": 2}, {"n": 3}]


def test_more_values_than_hints_warns_and_logs_what_it_can(manager):
    with pytest.warns(SatchelWarning, match="returned 3 values for 2 log hints; logging the first 2"):
        out = manager.pack((1, 2, 3), ["a:result", "b:result"])
    assert out == [{"a": 1}, {"b": 2}]


def test_fewer_values_than_hints_warns(manager):
    with pytest.warns(SatchelWarning, match="returned 2 values for 3 log hints; logging the first 2"):
        out = manager.pack((1, 2), ["a:result", "b:result", "c:result"])
    assert out == [{"a": 1}, {"b": 2}]


def test_a_non_tuple_for_several_hints_goes_to_the_first(manager):
    with pytest.warns(SatchelWarning, match="returned one list, not a tuple, for 2 log hints"):
        out = manager.pack([1, 2], ["a:result", "b:result"])
    assert out == [{"a": [1, 2]}]


def test_no_hints_log_nothing(manager):
    assert manager.pack((1, 2), []) == []
    assert split_outputs((1, 2), []) == []


def test_one_failing_output_still_packs_the_others(manager):
    class Broken(DefaultPackager):
        PACKABLE_OBJECT_TYPE = complex

        def pack_object(self, obj, key, pickle_module="cloudpickle"):
            raise OSError("disk full")

    manager.collect_packagers([Broken])
    with pytest.raises(PackingError) as raised:
        manager.pack((1, 2j, "x"), ["a:result", "b", "c:result"])
    error = raised.value
    assert "Broken failed to pack 'b' (complex) as 'object': OSError: disk full" in str(error)
    assert error.outputs == [{"a": 1}, {"c": "x"}]


def test_failures_inside_star_keep_the_other_items(manager):
    with pytest.raises(PackingError) as raised:
        manager.pack([1, object(), 3], "*p:result")
    assert "'p1'" in str(raised.value)
    assert raised.value.outputs == [{"p0": 1}, {"p2": 3}]


def test_every_packing_error_has_outputs():
    assert PackingError("x").outputs == []
    assert PackingError("x", outputs=[{"a": 1}]).outputs == [{"a": 1}]
