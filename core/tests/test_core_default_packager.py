"""`DefaultPackager`: dispatch by artifact type, configurations, and the pickling fallback."""

from __future__ import annotations

import importlib.metadata
import json
import pickle
import platform
import sys
from pathlib import Path

import cloudpickle
import pluggy
import pytest

from satchel import (
    Artifact,
    DefaultPackager,
    Packager,
    PackingError,
    SatchelError,
    SatchelWarning,
    UnpackingError,
)

DEFAULT = "satchel.DefaultPackager"


class Text:
    """A small value type with a text form."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return type(other) is Text and other.text == self.text


class TextPackager(DefaultPackager):
    """`text` (configurable encoding, required `mode`) and `upper`; unpack sees only what it accepts."""

    PACKABLE_OBJECT_TYPE = Text
    DEFAULT_PACKING_ARTIFACT_TYPE = "text"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "text"

    def pack_text(self, obj, key, mode, encoding="utf-8"):
        path = self.staging_path(key, ".txt")
        path.write_bytes(obj.text.encode(encoding))
        return path, {"encoding": encoding, "mode": mode, "not_for_unpack": [1, 2]}

    def unpack_text(self, item, encoding="utf-8"):
        return Text(Path(item.local_path()).read_bytes().decode(encoding))

    def pack_upper(self, obj, key):
        path = self.staging_path(key, ".txt")
        path.write_text(obj.text.upper())
        return path, {}

    def unpack_upper(self, item):
        return Text(Path(item.local_path()).read_text().lower())


class HalfText(TextPackager):
    """Never collected (collection refuses a half pair), but its instances still refuse `half`."""

    def pack_half(self, obj, key):  # no unpack_half: not a supported artifact type
        raise AssertionError("never called")


class WithResult(TextPackager):
    PACKABLE_OBJECT_TYPE = Text

    def pack_result(self, obj, key):
        return {"text": obj.text}


class InheritsResult(WithResult):
    PACKABLE_OBJECT_TYPE = Text


class NeedsInstruction(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Text
    DEFAULT_PACKING_ARTIFACT_TYPE = "text"

    def pack_text(self, obj, key):
        path = self.staging_path(key, ".txt")
        path.write_text(obj.text)
        return path, {}

    def unpack_text(self, item, encoding):
        return Text(Path(item.local_path()).read_text(encoding))


@pytest.fixture
def texts(manager):
    manager.collect_packagers([TextPackager])
    return manager


def test_supported_artifact_types():
    assert DefaultPackager.get_supported_artifact_types() == ["object", "result"]
    assert TextPackager.get_supported_artifact_types() == ["object", "text", "upper"]
    assert WithResult.get_supported_artifact_types() == ["object", "result", "text", "upper"]
    assert InheritsResult.get_supported_artifact_types() == ["object", "result", "text", "upper"]


def test_packager_base_supported_types_are_its_defaults():
    class Plain(Packager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack(self, obj, key, artifact_type, configurations):
            return obj

        def unpack(self, item, artifact_type, instructions):
            return None

    assert Plain.get_supported_artifact_types() == ["object", "result"]


def test_dispatch_and_instructions_round_trip(texts):
    artifact = texts.pack(Text("héllo"), {"key": "greeting", "mode": "w", "encoding": "latin-1"})
    assert artifact.kind == "text"
    assert artifact.packager == f"{__name__}.TextPackager"
    assert artifact.object_type == f"{__name__}.Text"
    assert artifact.instructions == {"encoding": "latin-1", "mode": "w", "not_for_unpack": [1, 2]}
    assert Path(artifact.local_path()).read_bytes() == "héllo".encode("latin-1")
    assert Path(artifact.local_path()).name == "greeting.txt"
    # only the instructions unpack_text accepts are passed (no TypeError for the others)
    assert texts.unpack(artifact, Text) == Text("héllo")
    assert texts.unpack(artifact) == Text("héllo")


def test_each_artifact_type_goes_to_its_method(texts):
    artifact = texts.pack(Text("abc"), "shout:upper")
    assert artifact.kind == "upper"
    assert Path(artifact.local_path()).read_text() == "ABC"
    assert texts.unpack(artifact, Text) == Text("abc")


def test_unsupported_artifact_type_is_declined(texts):
    verdict = texts.explain(Text("x"), "result").candidates[0]["verdict"]  # the default supports result
    assert verdict == "declines: supports object, text, upper, not 'result'"
    with pytest.raises(PackingError, match="no packager can pack 'x'"):
        texts.pack(Text("x"), "x:result")
    with pytest.raises(SatchelError, match="unknown artifact type 'half'"):
        texts.explain(Text("x"), "half")  # no collected packager supports it
    with pytest.raises(PackingError, match="no packager can pack 'x'"):
        texts.pack(Text("x"), "x:half")  # packing says so as a PackingError, with the candidates


@pytest.mark.parametrize("cls", [TextPackager, HalfText])
def test_direct_pack_with_an_unsupported_type_names_the_supported_ones(cls):
    assert cls.get_supported_artifact_types() == ["object", "text", "upper"]
    with pytest.raises(PackingError, match="cannot pack 'k' as 'half'; it supports object, text, upper"):
        cls().pack(Text("x"), "k", "half", {})


def test_result_only_where_defined(manager):
    manager.collect_packagers([WithResult])
    assert manager.pack(Text("hi"), "t:result") == {"t": {"text": "hi"}}
    with pytest.raises(UnpackingError, match="cannot unpack 'result' artifacts"):
        WithResult().unpack(Artifact("t", "result"), "result", {})


def test_object_is_inherited_by_every_subclass(texts):
    artifact = texts.pack(Text("pickled"), "t:object")
    assert artifact.kind == "object"
    assert artifact.packager == f"{__name__}.TextPackager"
    assert artifact.instructions["pickle_module"] == "cloudpickle"
    assert texts.unpack(artifact, Text) == Text("pickled")
    artifact = texts.pack(Text("p"), {"key": "t", "artifact_type": "object", "pickle_module": "pickle"})
    assert artifact.instructions["pickle_module"] == "pickle"
    assert texts.unpack(artifact) == Text("p")


def test_unknown_configuration(texts):
    with pytest.raises(PackingError) as raised:
        texts.pack(Text("x"), {"key": "note", "mode": "w", "colour": "red", "size": 3})
    message = str(raised.value)
    assert message == (
        f"{__name__}.TextPackager packing 'note' as 'text': unknown configuration 'colour', "
        "'size'; accepted: mode, encoding"
    )


def test_missing_configuration(texts):
    with pytest.raises(PackingError) as raised:
        texts.pack(Text("x"), "note")
    assert str(raised.value) == (
        f"{__name__}.TextPackager packing 'note' as 'text': missing required configuration "
        "'mode'; accepted: mode, encoding"
    )


def test_configuration_for_a_type_without_any(texts):
    with pytest.raises(PackingError, match="unknown configuration 'mode'; accepted: none"):
        texts.pack(Text("x"), {"key": "n", "artifact_type": "upper", "mode": "w"})


def test_object_accepts_only_pickle_module(texts):
    with pytest.raises(PackingError, match="unknown configuration 'protocol'; accepted: pickle_module"):
        texts.pack(Text("x"), {"key": "n", "artifact_type": "object", "protocol": 2})


def test_missing_instruction_on_unpack(manager):
    manager.collect_packagers([NeedsInstruction])
    artifact = manager.pack(Text("x"), "n")
    with pytest.raises(UnpackingError, match=r"needs instruction\(s\) encoding to unpack 'n' as 'text'"):
        manager.unpack(artifact)


# -- the pickling fallback ------------------------------------------------------------------


@pytest.mark.parametrize("module", ["dill", "os", "marshal", "json", ""])
def test_pickle_module_allow_list(manager, module):
    with pytest.raises(
        PackingError, match=f"pickle_module {module!r} is not allowed; use one of cloudpickle, pickle"
    ):
        manager.pack([1], {"key": "k", "pickle_module": module})
    assert "dill" not in sys.modules or module != "dill"


def test_unpacking_refuses_a_pickle_module_outside_the_allow_list(manager):
    artifact = manager.pack([1, 2], "k")
    artifact.instructions["pickle_module"] = "dill"
    with pytest.raises(UnpackingError, match="pickle_module 'dill' is not allowed"):
        manager.unpack(artifact)


def test_instructions_record_versions(manager):
    marker = pluggy.HookimplMarker("x")
    artifact = manager.pack(marker, "marker")
    assert artifact.packager == DEFAULT
    assert artifact.kind == "object"
    assert artifact.instructions == {
        "pickle_module": "cloudpickle",
        "pickle_module_version": cloudpickle.__version__,
        "python_version": platform.python_version(),
        "object_module": type(marker).__module__,
        "object_module_version": importlib.metadata.version("pluggy"),
    }
    assert artifact.versions["python"] == platform.python_version()
    assert artifact.versions["satchel"] == importlib.metadata.version("satchel")
    assert artifact.versions["pluggy"] == pluggy.__version__
    assert artifact.object_type == f"{type(marker).__module__}.{type(marker).__qualname__}"
    with open(artifact.local_path(), "rb") as handle:
        assert pickle.load(handle).project_name == "x"


def test_instructions_for_a_builtin_and_plain_pickle(manager):
    artifact = manager.pack({"a": 1}, {"key": "d", "pickle_module": "pickle"})
    assert artifact.instructions["pickle_module"] == "pickle"
    assert artifact.instructions["pickle_module_version"] == pickle.format_version
    assert artifact.instructions["object_module"] == "builtins"
    assert artifact.instructions["object_module_version"] is None
    assert artifact.object_type == "builtins.dict"
    json.dumps(artifact.instructions)


def test_distributions_are_looked_up_once_per_process(manager, monkeypatch):
    from satchel.packaging import versions

    calls = []
    real = importlib.metadata.packages_distributions

    def counting():
        calls.append(1)
        return real()

    versions.distribution_of.cache_clear()
    versions._packages_distributions.cache_clear()
    monkeypatch.setattr(importlib.metadata, "packages_distributions", counting)
    try:
        for number in range(5):
            manager.pack(pluggy.HookimplMarker(str(number)), f"m{number}")
            manager.pack(Text(str(number)), f"t{number}")
    finally:
        versions.distribution_of.cache_clear()
        versions._packages_distributions.cache_clear()
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("pickle_module_version", "0.0.1", "0.0.1"),
        ("python_version", "2.7.18", "2.7"),
        ("object_module_version", "0.1", "0.1"),
    ],
)
def test_version_mismatch_warns_on_unpack(manager, name, value, shown):
    artifact = manager.pack(pluggy.HookimplMarker("x"), "marker")
    artifact.instructions[name] = value
    with pytest.warns(SatchelWarning, match=f"'marker' was pickled with {name} {shown}, this process has"):
        restored = manager.unpack(artifact)
    assert restored.project_name == "x"


def test_patch_release_of_python_does_not_warn(manager):
    artifact = manager.pack([1], "k")
    major_minor = platform.python_version().rsplit(".", 1)[0]
    artifact.instructions["python_version"] = f"{major_minor}.999"
    assert manager.unpack(artifact) == [1]  # filterwarnings=error: a warning would fail here


SIDE_EFFECT = """
    import pathlib

    def touch(path):
        pathlib.Path(path).write_text("unpickled")
        return "ran"

    class Trap:
        def __init__(self, marker, padding):
            self.marker = marker
            self.padding = padding

        def __reduce__(self):
            return (touch, (self.marker,))
"""


@pytest.fixture
def trap(manager, make_module, tmp_path):
    """A pickled object whose unpickling writes a marker file, so unpickling is observable."""
    import importlib

    module = importlib.import_module(make_module(SIDE_EFFECT))
    marker = tmp_path / "marker"
    artifact = manager.pack(module.Trap(str(marker), "x" * 64), {"key": "trap", "pickle_module": "pickle"})
    assert not marker.exists()
    return artifact, marker


def test_trusted_intact_payload_is_unpickled(manager, trap):
    artifact, marker = trap
    assert manager.unpack(artifact) == "ran"
    assert marker.read_text() == "unpickled"


def test_untrusted_artifact_is_never_unpickled(manager, trap):
    artifact, marker = trap
    artifact.trusted = False
    with pytest.raises(UnpackingError, match="'trap' is not trusted, so it is never unpickled"):
        manager.unpack(artifact)
    with pytest.raises(UnpackingError, match="not trusted"):
        manager.unpack(artifact, object)
    assert not marker.exists()


def test_tampered_payload_is_refused_before_unpickling(manager, trap):
    artifact, marker = trap
    path = Path(artifact.local_path())
    data = path.read_bytes()
    # change one byte of the marker path: unpickling would now write elsewhere
    index = data.index(marker.name.encode())
    tampered = data[:index] + b"M" + data[index + 1 :]
    assert len(tampered) == len(data)
    path.write_bytes(tampered)
    with pytest.raises(UnpackingError, match="does not match its hash"):
        manager.unpack(artifact)
    assert not marker.exists()
    assert not (marker.parent / ("M" + marker.name[1:])).exists()


def test_truncated_payload_is_a_size_error(manager, trap):
    artifact, marker = trap
    path = Path(artifact.local_path())
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    with pytest.raises(UnpackingError, match=rf"is {len(data) - 10} bytes, {len(data)} were recorded"):
        manager.unpack(artifact)
    assert not marker.exists()


def test_plain_pickle_file_is_never_unpickled(manager, tmp_path, trap):
    artifact, marker = trap
    copy = tmp_path / "copy.pkl"
    copy.write_bytes(Path(artifact.local_path()).read_bytes())
    assert manager.unpack(str(copy), object) == str(copy)  # object accepts anything: kept as given
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(str(copy), int)
    assert "a plain file is never unpickled" in str(raised.value)
    assert "trust" not in str(raised.value)  # trusting a plain file would not (and must not) help
    assert not marker.exists()


def test_artifact_without_hash_is_not_unpickled(manager, trap):
    artifact, marker = trap
    artifact.hash = None
    with pytest.raises(UnpackingError, match="no recorded hash"):
        manager.unpack(artifact)
    assert not marker.exists()


def test_result_from_the_fallback_only_for_json_values(manager):
    assert manager.pack({"a": [1, 2.5, None, "x"]}, "r:result") == {"r": {"a": [1, 2.5, None, "x"]}}
    with pytest.raises(PackingError, match="no packager can pack 'r' \\(Text\\) as 'result'"):
        manager.pack(Text("x"), "r:result")


class PickleInDisguise:
    """Packed as a `file` whose bytes happen to be a pickle (that writes a marker if loaded)."""


class _Marker:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), "unpickled"))


class DisguisePackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = PickleInDisguise
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    marker = ""

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".bin")
        path.write_bytes(pickle.dumps(_Marker(self.marker)))
        return path, {}

    def unpack_file(self, item):
        raise ValueError("this packager cannot read its files back")


def test_the_default_packager_never_unpickles_a_payload_recorded_as_another_kind(manager, tmp_path):
    marker = tmp_path / "marker"
    DisguisePackager.marker = str(marker)
    manager.collect_packagers([DisguisePackager])
    artifact = manager.pack(PickleInDisguise(), "d")
    assert artifact.kind == "file" and artifact.trusted
    with pytest.raises(UnpackingError) as caught:
        manager.unpack(artifact, PickleInDisguise)
    assert f"{DEFAULT} as 'object'" not in str(caught.value)  # not even tried
    assert f"{DEFAULT}: not tried" in str(caught.value)  # and the error says why
    assert not marker.exists()
