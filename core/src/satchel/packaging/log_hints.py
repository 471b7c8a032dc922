"""Log hints: how each output of a function is logged (`"key"`, `"key:type"`, or a dict)."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Union

from satchel.errors import LogHintError, SatchelWarning

KEY_PATTERN = re.compile(r"[A-Za-z0-9_.\-]+")
_ARTIFACT_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EMPTY: Mapping[str, Any] = MappingProxyType({})

LogHintLike = Union[str, Mapping[str, Any], "LogHint"]


@dataclass(frozen=True)
class LogHint:
    """A parsed log hint. `star` is 1 for `*key` (each item), 2 for `**key` (each dict value)."""

    key: str
    artifact_type: str | None = None
    configurations: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    star: int = 0

    def with_key(self, key: str) -> LogHint:
        """The same hint for one item of a `*` or `**` output."""
        return LogHint(key, self.artifact_type, self.configurations, 0)


def parse_log_hint(hint: LogHintLike) -> LogHint:
    """Parse and validate one log hint; a malformed one is a `LogHintError`."""
    if isinstance(hint, LogHint):
        return hint
    if isinstance(hint, str):
        return _parse_text(hint)
    if isinstance(hint, Mapping):
        if "key" not in hint:
            raise LogHintError(f"log hint {dict(hint)!r} has no 'key'; e.g. {{'key': 'scores'}}")
        key = hint["key"]
        if not isinstance(key, str):
            raise LogHintError(f"log hint key must be a string, got {key!r}")
        artifact_type = hint.get("artifact_type")
        if artifact_type is not None:
            _check_artifact_type(artifact_type, hint)
        configurations = {k: v for k, v in hint.items() if k not in ("key", "artifact_type")}
        star, name = _split_star(key.strip(), hint)
        return LogHint(name, artifact_type, MappingProxyType(configurations), star)
    raise LogHintError(
        f"a log hint is a string ('key' or 'key:artifact_type') or a dict with 'key'; "
        f"got {type(hint).__name__} {hint!r}"
    )


@functools.lru_cache(maxsize=4096)
def _parse_text(hint: str) -> LogHint:
    parts = [part.strip() for part in hint.split(":")]
    if len(parts) > 2 or not all(parts):
        raise LogHintError(
            f"malformed log hint {hint!r}: use 'key' or 'key:artifact_type' (e.g. 'model:file')"
        )
    star, key = _split_star(parts[0], hint)
    artifact_type = parts[1] if len(parts) == 2 else None
    if artifact_type is not None:
        _check_artifact_type(artifact_type, hint)
    return LogHint(key, artifact_type, _EMPTY, star)


def _split_star(key: str, hint: Any) -> tuple[int, str]:
    star = 2 if key.startswith("**") else 1 if key.startswith("*") else 0
    name = key[star:]
    check_key(name, hint)
    return star, name


def check_key(key: str, hint: Any = None) -> str:
    """Validate an output key: letters, digits, `_`, `-` and `.` only (keys go into URIs)."""
    if not KEY_PATTERN.fullmatch(key):
        where = f" in log hint {hint!r}" if hint is not None and hint != key else ""
        raise LogHintError(
            f"invalid key {key!r}{where}: use letters, digits, '_', '-' and '.' only"
        )
    if key in (".", ".."):  # a path step, not a name, in URIs and payload paths
        raise LogHintError(f"invalid key {key!r}: '.' and '..' are not names; use a word")
    return key


def _check_artifact_type(artifact_type: Any, hint: Any) -> None:
    if not isinstance(artifact_type, str) or not _ARTIFACT_TYPE.fullmatch(artifact_type):
        raise LogHintError(f"invalid artifact type {artifact_type!r} in log hint {hint!r}")


def parse_log_hints(hints: Sequence[LogHintLike | None]) -> list[LogHint | None]:
    """Parse a function's list of log hints (None skips that output)."""
    return [None if hint is None else parse_log_hint(hint) for hint in hints]


def split_outputs(value: Any, hints: Sequence[LogHint | None]) -> list[tuple[LogHint, Any]]:
    """Pair a return value with its hints: two or more hints split a returned tuple in order.

    With one hint the whole value is one output (a tuple included). A count mismatch warns
    and pairs what it can; a None hint skips its output.
    """
    if not hints:
        return []
    if len(hints) == 1:
        values: Sequence[Any] = (value,)
    elif isinstance(value, tuple):
        values = value
        if len(values) != len(hints):
            warnings.warn(
                f"the function returned {len(values)} values for {len(hints)} log hints; "
                f"logging the first {min(len(values), len(hints))}",
                SatchelWarning,
                stacklevel=3,
            )
    else:
        warnings.warn(
            f"the function returned one {type(value).__name__}, not a tuple, for "
            f"{len(hints)} log hints; logging it under the first",
            SatchelWarning,
            stacklevel=3,
        )
        values = (value,)
    return [(hint, item) for hint, item in zip(hints, values) if hint is not None]
