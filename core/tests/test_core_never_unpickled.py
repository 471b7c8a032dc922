"""No unpickling of what was never a pickle.

A payload goes to a pickle module only when it was recorded as artifact type `object` by the
packager that pickled it, is trusted, and its hash matches. A plain file, or an artifact recorded
as any other type, is never given to pickle, whatever the hint or the packager; the error says so
and never suggests trusting it. Every payload here is a pickle whose loading creates a marker
folder, so an unpickling anywhere would show.
"""

from __future__ import annotations

import os
import pickle
import shutil
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from satchel import Artifact, DefaultPackager, PackagersManager, UnpackingError
from satchel.packaging import pickling
from satchel.payloads.hashing import hash_path


class Boom:
    """Unpickling this creates the folder `marker` (the pickle names `os.mkdir`, not this class)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def _numpy(name: str) -> Callable[[], object]:
    return lambda: getattr(pytest.importorskip("numpy"), name)


#: The hints, built lazily (numpy is optional for the core).
HINTS: dict[str, Callable[[], object]] = {
    "int": lambda: int,
    "float": lambda: float,
    "bool": lambda: bool,
    "complex": lambda: complex,
    "str": lambda: str,
    "bytes": lambda: bytes,
    "object": lambda: object,
    "Any": lambda: typing.Any,
    "none": lambda: None,
    "int | None": lambda: int | None,
    "np.float64": _numpy("float64"),
    "np.int64": _numpy("int64"),
    "np.bool_": _numpy("bool_"),
    "list": lambda: list,
    "dict": lambda: dict,
    "tuple[int, ...]": lambda: tuple[int, ...],
    "Boom": lambda: Boom,
}


class Disguise:
    """Packed by `DisguisePackager` as a `file` whose bytes are a pickle."""

    def __init__(self, marker: str) -> None:
        self.marker = marker


class DisguisePackager(DefaultPackager):
    """A third-party packager whose `file` payload is a pickle, and whose reader tries to unpickle it
    through core (which refuses: it was recorded as `file`)."""

    PACKABLE_OBJECT_TYPE = Disguise
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".pkl")
        path.write_bytes(pickle.dumps(Boom(obj.marker)))
        return path, {"pickle_module": "pickle"}

    def unpack_file(self, item, **instructions):
        return self.unpack_object(item, **instructions)


@pytest.fixture
def everything() -> Iterator[PackagersManager]:
    """A manager with every installed family, and the third-party packager."""
    with PackagersManager() as manager:
        manager.collect_packagers([DisguisePackager], mandatory=True)
        yield manager


@pytest.fixture
def core() -> Iterator[PackagersManager]:
    """A manager with the core alone (the pickling default), and the third-party packager."""
    with PackagersManager(installed=False) as manager:
        manager.collect_packagers([DisguisePackager], mandatory=True)
        yield manager


def _replace_payload(artifact: Artifact, payload: Path, tmp_path: Path) -> Artifact:
    """`artifact` with its payload renamed and replaced by `payload`, its hash and size matching."""
    replaced = tmp_path / "replaced.pkl"
    shutil.copyfile(payload, replaced)
    artifact.path = str(replaced)
    artifact.hash, artifact.size = hash_path(replaced)
    assert artifact.trusted
    return artifact


def _sources(manager: PackagersManager, tmp_path: Path, marker: Path) -> dict[str, Callable[[], object]]:
    payload = tmp_path / "payload.bin"
    payload.write_bytes(pickle.dumps(Boom(str(marker))))
    sources: dict[str, Callable[[], object]] = {
        "plain file": lambda: str(payload),
        "plain Path": lambda: payload,
        "plain .pkl": lambda: shutil.copyfile(payload, tmp_path / "plain.pkl"),
        "file artifact replaced": lambda: _replace_payload(
            manager.pack([1, 2, 3], "k:file"), payload, tmp_path
        ),
        "third-party file": lambda: manager.pack(Disguise(str(marker)), "d"),
        "crafted dataset": lambda: _crafted(payload, "dataset"),
        "crafted result": lambda: _crafted(payload, "result"),
        "crafted kind None": lambda: _crafted(payload, None),
        "path artifact": lambda: manager.pack(payload, "p"),  # the families only
        "str path artifact": lambda: manager.pack(str(payload), "s:path"),
    }
    return sources


def _crafted(payload: Path, kind: str | None) -> Artifact:
    """A trusted, hash-matching artifact recorded by the default packager as `kind`."""
    digest, size = hash_path(payload)
    return Artifact(
        key="crafted",
        kind=kind,
        packager="satchel.DefaultPackager",
        object_type=f"{Boom.__module__}.Boom",
        instructions={"pickle_module": "pickle"},
        hash=digest,
        size=size,
        trusted=True,
        path=str(payload),
    )


SOURCES_EVERYWHERE = [
    "plain file",
    "plain Path",
    "plain .pkl",
    "file artifact replaced",
    "third-party file",
    "crafted dataset",
    "crafted result",
    "crafted kind None",
    "path artifact",
    "str path artifact",
]
SOURCES_CORE = ["plain file", "plain .pkl", "third-party file", "crafted dataset", "crafted kind None"]


def _check_never_unpickled(manager: PackagersManager, source: object, hint_name: str, marker: Path) -> None:
    hint = HINTS[hint_name]()
    try:
        obj = manager.unpack(source, hint)
    except UnpackingError as error:
        text = str(error)
        assert "trust" not in text, text  # trusting it would not (and must not) lead to unpickling
    else:
        assert not isinstance(obj, Boom)  # a path, a string, bytes: never the unpickled object
    assert not marker.exists(), f"unpickled under {hint_name}"


@pytest.mark.parametrize("hint_name", list(HINTS))
@pytest.mark.parametrize("source_name", SOURCES_EVERYWHERE)
def test_never_unpickled_with_every_family(everything, tmp_path, source_name, hint_name):
    pytest.importorskip("satchel_pathlib")
    pytest.importorskip("satchel_builtins")
    marker = tmp_path / "unpickled"
    source = _sources(everything, tmp_path, marker)[source_name]()
    _check_never_unpickled(everything, source, hint_name, marker)


@pytest.mark.parametrize("hint_name", list(HINTS))
@pytest.mark.parametrize("source_name", SOURCES_CORE)
def test_never_unpickled_by_the_core_alone(core, tmp_path, source_name, hint_name):
    marker = tmp_path / "unpickled"
    source = _sources(core, tmp_path, marker)[source_name]()
    _check_never_unpickled(core, source, hint_name, marker)


# -- what each refusal says ------------------------------------------------------------------------


def test_a_plain_file_under_int_lists_who_was_left_out_and_what_works(everything, tmp_path):
    pytest.importorskip("satchel_builtins")
    path = tmp_path / "f.bin"
    path.write_bytes(pickle.dumps(42))
    with pytest.raises(UnpackingError) as raised:
        everything.unpack(str(path), int)
    lines = str(raised.value).splitlines()
    assert lines[:3] == [
        "cannot unpack 'f.bin' as int; tried:",
        "  - satchel_builtins.packagers.IntPackager: not tried: it would read it as 'object' (a pickle), "
        "and a plain file is never unpickled",
        "  - satchel.DefaultPackager: not tried: it would read it as 'object' (a pickle), "
        "and a plain file is never unpickled",
    ]
    assert lines[3].startswith("'f.bin' is a plain file, and a plain file is never unpickled")
    assert "int is read back from a result" in lines[3]
    assert "hint a type whose packager reads files: " in lines[3] and "pathlib.Path" in lines[3]
    assert "trust" not in str(raised.value)


def test_the_core_alone_says_no_packager_reads_plain_files(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(pickle.dumps(42))
    with PackagersManager(installed=False) as manager, pytest.raises(UnpackingError) as raised:
        manager.unpack(str(path), int)
    assert "a plain file is never unpickled" in str(raised.value)
    assert "int is read back only from an 'object' artifact satchel packed" in str(raised.value)
    assert "No packager collected here reads files" in str(raised.value)
    assert "trust" not in str(raised.value)


def test_a_file_artifact_under_int_says_what_it_was_recorded_as(everything):
    pytest.importorskip("satchel_builtins")
    artifact = everything.pack([1, 2, 3], "k:file")
    with pytest.raises(UnpackingError) as raised:
        everything.unpack(artifact, int)
    text = str(raised.value)
    assert "invalid load key" not in text  # it never reaches pickle
    assert "a payload recorded as 'file' is never unpickled" in text
    assert (
        "'k' was recorded as 'file' by satchel_builtins.packagers.ListPackager, so it is never unpickled"
        in text
    )
    assert "Unpack it as the type it was packed from (builtins.list)" in text
    assert everything.unpack(artifact, list) == [1, 2, 3]  # which does work


def test_a_third_party_reader_that_unpickles_its_file_is_refused_by_core(core, tmp_path):
    marker = tmp_path / "unpickled"
    artifact = core.pack(Disguise(str(marker)), "d")
    assert (artifact.kind, artifact.packager) == ("file", f"{DisguisePackager.__module__}.DisguisePackager")
    assert artifact.trusted
    for hint in (None, Disguise):
        with pytest.raises(UnpackingError, match="'d' was recorded as 'file', not as 'object'") as raised:
            core.unpack(artifact, hint)
        assert "trust" not in str(raised.value)
    assert not marker.exists()


# -- the pickling load path refuses by itself ------------------------------------------------------


@pytest.mark.parametrize("kind", [None, "file", "path", "dataset", "result", "objects"])
def test_pickling_load_refuses_what_was_not_recorded_as_object(tmp_path, kind):
    marker = tmp_path / "unpickled"
    payload = tmp_path / "payload.bin"
    payload.write_bytes(pickle.dumps(Boom(str(marker))))
    item = _crafted(payload, kind)
    for load in (
        lambda: pickling.load(item, payload, {"pickle_module": "pickle"}),
        lambda: DefaultPackager().unpack_object(item, pickle_module="pickle"),
        lambda: DefaultPackager().unpack(item, "object", {"pickle_module": "pickle"}),
    ):
        with pytest.raises(UnpackingError, match="so it is never unpickled") as raised:
            load()
        assert "trust" not in str(raised.value)
    assert not marker.exists()


def test_check_unpickling_allowed_never_passes_a_plain_file(tmp_path):
    path = tmp_path / "f.npy"
    path.write_bytes(b"anything")
    item = Artifact.from_path(path)
    item.trusted = True  # even so: a plain file has nothing recorded to check against
    with pytest.raises(UnpackingError, match=r"is a plain file .*, so it is never unpickled") as raised:
        item.check_unpickling_allowed()
    assert "trust" not in str(raised.value)


# -- what is a pickle still unpickles --------------------------------------------------------------


def test_a_trusted_hash_matching_object_artifact_is_unpickled(core, tmp_path):
    marker = tmp_path / "unpickled"
    artifact = core.pack(Boom(str(marker)), {"key": "boom", "pickle_module": "pickle"})
    assert (artifact.kind, artifact.trusted) == ("object", True)
    assert core.unpack(artifact) is None  # os.mkdir's return value
    assert marker.is_dir()


def test_an_object_artifact_is_unpickled_by_the_packagers_of_its_hint(everything):
    pytest.importorskip("satchel_builtins")
    np = pytest.importorskip("numpy")
    pytest.importorskip("satchel_numpy")
    number = everything.pack(42, "n:object")
    assert number.packager == "satchel_builtins.packagers.IntPackager"
    assert everything.unpack(number, int) == 42
    scalar = everything.pack(np.float64(1.5), "x:object")
    assert everything.unpack(scalar, np.float64) == np.float64(1.5)
    assert everything.unpack(everything.pack([1, 2], "l:object"), list) == [1, 2]
    assert everything.unpack(everything.pack([1, 2, 3], "t:file"), tuple) == (1, 2, 3)  # a sibling's file
