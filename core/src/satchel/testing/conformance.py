"""`check_packager`: the conformance check every packager (ours and third parties') passes.

It packs each sample with each supported artifact type through a real manager, unpacks it, and
checks what users rely on. Failures are `AssertionError`s that say what failed.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from satchel.errors import PackagerCollectionError, PackingError, SatchelError
from satchel.packaging.artifact import Artifact
from satchel.packaging.manager import PackagersManager
from satchel.packaging.packager import Packager


def _same(expected: Any, actual: Any) -> None:
    assert type(actual) is type(expected), (
        f"got a {type(actual).__qualname__}, expected a {type(expected).__qualname__}"
    )
    assert actual == expected, f"got {actual!r}, expected {expected!r}"


def check_packager(
    packager_cls: type[Packager],
    samples: Iterable[Any],
    *,
    artifact_types: Iterable[str] | None = None,
    assert_equal: Callable[[Any, Any], None] | None = None,
    configurations: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> None:
    """Check `packager_cls` on every sample and artifact type.

    A class that collection refuses (see `core/README.md`) fails, with the reason. For each
    sample and each supported artifact type (or `artifact_types`): the packager is chosen, pack
    then unpack (by type hint and by stored instructions) gives an equal object of the same
    type, instructions are JSON-able, results are JSON values, the sample is unchanged, clearing
    removes what was registered and nothing else, and an unknown configuration is a
    `PackingError`. `assert_equal(expected, actual)` raises `AssertionError` on a difference
    (default: same type and `==`). `configurations` maps an artifact type to the configuration
    sets to check it with (e.g. `{"file": [{"file_format": "csv"}, {"file_format": "json"}]}`);
    each artifact type is always checked with its defaults too.
    """
    same = assert_equal or _same
    name = f"{packager_cls.__module__}.{packager_cls.__qualname__}"
    explicit = artifact_types is not None
    types = list(artifact_types or packager_cls.get_supported_artifact_types())
    assert types, f"{name} supports no artifact type"
    for index, sample in enumerate(samples):
        label = f"{name}, sample {index} ({type(sample).__qualname__})"
        before = copy.deepcopy(sample)
        with tempfile.TemporaryDirectory() as outside:
            sentinel = Path(outside) / "not-satchels.txt"
            sentinel.write_text("keep me")
            manager = _collecting(packager_cls, name)
            packed_any = False
            try:
                for artifact_type in types:
                    where = f"{label} as {artifact_type!r}"
                    chosen = manager.explain(sample, artifact_type).chosen
                    if chosen != name:
                        assert not explicit, f"{where}: {name} is not chosen (chosen: {chosen})"
                        continue  # the packager declines this artifact type for this sample
                    packed_any = True
                    for extra in [{}, *(configurations or {}).get(artifact_type, ())]:
                        shown = f"{where} with {dict(extra)}" if extra else where
                        _check_round_trip(manager, sample, before, artifact_type, extra, same, shown)
                assert packed_any, f"{label}: {name} packs it as none of {types}"
                _check_unknown_configuration(manager, sample, packager_cls, label)
                registered = manager._workspace.registered()
            finally:
                manager.clear()
            for path in registered:
                assert not path.exists(), f"{label}: {path} was registered for clearing but remains"
            assert sentinel.exists(), f"{label}: clearing removed a file satchel did not create"
        same(before, sample)


def _collecting(packager_cls: type[Packager], name: str) -> PackagersManager:
    """A manager holding only `packager_cls`; a class collection refuses fails the check."""
    manager = PackagersManager(installed=False)
    try:
        manager.collect_packagers([packager_cls], mandatory=True)
    except PackagerCollectionError:
        manager.clear()
        reason = manager.plugins[-1].reason
        raise AssertionError(f"{name} cannot be collected: {reason}") from None
    return manager


def _check_round_trip(
    manager: PackagersManager,
    sample: Any,
    before: Any,
    artifact_type: str,
    extra: Mapping[str, Any],
    same: Callable[[Any, Any], None],
    where: str,
) -> None:
    for _ in (1, 2):  # packing the same object twice works
        try:
            out = manager.pack(sample, {"key": "sample", "artifact_type": artifact_type, **extra})
        except SatchelError as error:
            raise AssertionError(f"{where}: pack failed: {error}") from error
        try:
            same(before, sample)
        except AssertionError as error:
            raise AssertionError(f"{where}: packing changed the sample: {error}") from None
    if artifact_type == "result":
        assert isinstance(out, dict) and list(out) == ["sample"], f"{where}: got {out!r}"
        value = out["sample"]
        assert json.loads(json.dumps(value)) == value, f"{where}: {value!r} is not a JSON value"
        return
    assert isinstance(out, Artifact), f"{where}: pack gave {type(out).__qualname__}, not Artifact"
    try:
        json.dumps(out.instructions)
    except (TypeError, ValueError) as error:
        raise AssertionError(f"{where}: instructions are not JSON-able: {error}") from None
    assert out.kind == artifact_type, f"{where}: the artifact's kind is {out.kind!r}"
    for hint in (type(sample), None):
        try:
            restored = manager.unpack(out, hint)
        except SatchelError as error:
            raise AssertionError(f"{where}: unpack with hint {hint!r} failed: {error}") from error
        try:
            same(before, restored)
        except AssertionError as error:
            raise AssertionError(f"{where}, unpacked with hint {hint!r}: {error}") from None


def _check_unknown_configuration(
    manager: PackagersManager, sample: Any, packager_cls: type[Packager], label: str
) -> None:
    hint = {"key": "sample", "no_such_configuration": 1}
    try:
        manager.pack(sample, hint)
    except PackingError:
        return
    raise AssertionError(f"{label}: an unknown configuration was accepted, not a PackingError")
