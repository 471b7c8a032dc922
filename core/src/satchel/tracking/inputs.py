"""A run's inputs: paths, artifact URIs and `Artifact`s, pinned and hashed before the run starts.

What is recorded for each input: the URI pinned to the run that made it (even when given as a
latest-URI), the path for a plain file or folder, and the content hash of every input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any

from satchel.errors import UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.payloads.hashing import hash_path
from satchel.tracking.store.opening import Store
from satchel.tracking.uris import is_uri, parse_uri


@dataclass
class Input:
    """One resolved input: what to unpack, and what the run records of it."""

    key: str
    source: Any  # an Artifact (from the store, or packed elsewhere) or a path string
    record: dict[str, Any]


def resolve_inputs(store: Store, inputs: dict[str, Any]) -> dict[str, Input]:
    """Resolve every input, or raise an `UnpackingError` naming the one that is wrong."""
    return {key: resolve_input(store, key, value) for key, value in inputs.items()}


def resolve_input(store: Store, key: str, value: Any) -> Input:
    """Resolve one input given as a URI, a path or an `Artifact`."""
    if isinstance(value, Artifact):
        if value.uri:
            return resolve_input(store, key, value.uri)
        path = value.local_path()
        return Input(key, value, {"path": path, "hash": value.hash or hash_path(path)[0]})
    if is_uri(value):
        artifact = find(store, value)
        return Input(key, artifact, {"uri": artifact.uri, "hash": artifact.hash})
    if isinstance(value, (str, os.PathLike)):
        path = os.path.abspath(os.fspath(value))
        if not os.path.exists(path):
            raise UnpackingError(f"input {key!r}: no such file or folder: {os.fspath(value)}")
        return Input(key, os.fspath(value), {"path": path, "hash": hash_path(path)[0]})
    raise UnpackingError(
        f"input {key!r} is a {type(value).__qualname__}; inputs are paths, store:// URIs or "
        "Artifacts (pass Python values as params)"
    )


def find(store: Store, uri: str) -> Artifact:
    """The artifact a URI names, with its local payload; an `UnpackingError` says what is unknown."""
    parsed = parse_uri(uri)
    artifact = store.records.find_artifact(parsed.project, parsed.key, parsed.run_id)
    if artifact is None:
        if not store.records.has_project(parsed.project):
            known = ", ".join(store.records.projects()) or "none yet"
            raise UnpackingError(f"{uri}: there is no project {parsed.project!r} (projects: {known})")
        where = f" by run {parsed.run_id}" if parsed.run_id else ""
        keys = sorted({a.key for a in store.records.list_artifacts(parsed.project)})
        raise UnpackingError(
            f"{uri}: project {parsed.project!r} has no artifact {parsed.key!r}{where} "
            f"(its artifacts: {', '.join(keys) or 'none yet'})"
        )
    return with_payload(store, artifact)


def with_payload(store: Store, artifact: Artifact) -> Artifact:
    """The artifact with its payload resolved from the store on first read (`local_path()`):
    nothing is fetched when a run is listed or built, only when a payload is read."""
    if artifact.hash is not None:
        artifact.path = None
        artifact.resolver = partial(store.payloads.local_path, artifact.hash)
    return artifact
