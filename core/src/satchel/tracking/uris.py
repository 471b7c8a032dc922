"""Artifact URIs: `store://<project>/<key>` (the latest run's) and `store://<project>/<key>@<run-id>`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from satchel.errors import SatchelError, UnpackingError

SCHEME = "store://"
_URI = re.compile(r"store://(?P<project>[A-Za-z0-9_.\-]+)/(?P<key>[A-Za-z0-9_.\-]+)(?:@(?P<run>[A-Za-z0-9]+))?")


@dataclass(frozen=True)
class ArtifactURI:
    """A parsed artifact URI."""

    project: str
    key: str
    run_id: str | None = None

    def __str__(self) -> str:
        pinned = f"@{self.run_id}" if self.run_id else ""
        return f"{SCHEME}{self.project}/{self.key}{pinned}"


def check_name(what: str, name: str) -> None:
    """A project (or other) name goes into URIs: letters, digits, `_`, `-` and `.` only."""
    from satchel.packaging.log_hints import KEY_PATTERN

    if not isinstance(name, str) or not KEY_PATTERN.fullmatch(name) or name in (".", ".."):
        raise SatchelError(f"invalid {what} name {name!r}: use letters, digits, '_', '-' and '.' only")


def is_uri(value: object) -> bool:
    """Whether `value` is a string in the `store:` scheme (well formed or not)."""
    return isinstance(value, str) and value.startswith("store:")  # a malformed one is still a URI


def parse_uri(text: str) -> ArtifactURI:
    """Parse an artifact URI; a malformed one is an `UnpackingError` saying the forms."""
    match = _URI.fullmatch(text.strip())
    if match is None:
        raise UnpackingError(
            f"malformed artifact URI {text!r}: use store://PROJECT/KEY or store://PROJECT/KEY@RUN_ID"
        )
    return ArtifactURI(match["project"], match["key"], match["run"])
