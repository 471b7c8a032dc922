"""Trust and integrity in the store: `satchel trust`, and `satchel verify` re-hashing payloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from satchel.errors import SatchelError
from satchel.packaging.artifact import Artifact
from satchel.tracking.inputs import find
from satchel.tracking.store.opening import Store
from satchel.tracking.uris import parse_uri


@dataclass(frozen=True)
class Damage:
    """An artifact whose payload is missing or does not match its hash."""

    artifact: Artifact
    actual: str | None  # the payload's digest now, None when it is missing

    def describe(self) -> str:
        """One line: which artifact, of which run, and what is wrong."""
        what = "is missing" if self.actual is None else f"does not match its hash (now {self.actual})"
        return f"{self.artifact.uri}: the payload {what}; recorded {self.artifact.hash}"


def trust(store: Store, uri: str) -> Artifact:
    """Trust the artifact a URI names (latest or pinned); returns it as now recorded."""
    artifact = find(store, uri)
    pinned = parse_uri(artifact.uri or uri)
    recorded = pinned.run_id is not None and store.records.set_trusted(
        pinned.project, pinned.key, pinned.run_id, True
    )
    if not recorded:
        raise SatchelError(f"{uri}: could not record the trust")
    artifact.trusted = True
    return artifact


def verify(
    store: Store, uri: str | None = None, advance: Callable[[int], None] | None = None
) -> tuple[list[Artifact], list[Damage]]:
    """Re-hash the payloads of one artifact (a URI) or of every artifact: `(checked, damaged)`.

    Each distinct payload is hashed once, however many artifacts share it; `advance(bytes)` is
    called after each.
    """
    artifacts = [find(store, uri)] if uri is not None else store.records.list_artifacts()
    actual: dict[str, str | None] = {}
    for artifact in artifacts:
        digest = artifact.hash or ""
        if digest not in actual:
            actual[digest] = store.payloads.verify(digest) if digest else None
            if advance is not None:
                advance(artifact.size or 0)
    damaged = [Damage(a, actual[a.hash or ""]) for a in artifacts if actual[a.hash or ""] != a.hash]
    return artifacts, damaged
