"""`SATCHEL_TRACE_PLUGINS=1`: every packager hook call on stderr, one line each.

The variable is read once, when a registry is created (`Registry(trace=None)`); with it off
nothing here is on any call path: a record keeps its instance's own bound hooks and the
registry its own `choose`. With it on, the registry replaces a record's bound hooks by the
wrappers made here (`traced_hook`), its `choose` by one that names the key being packed (for the
`is_packable` lines), and tells its workspaces to trace `clear`.

A line: ``satchel-trace: <packager class> <hook> key=<key> <milliseconds> ms[ -> outcome]``, the
outcome being `is_packable`'s answer, or the exception a hook raised; `clear` names how many
paths it was given instead of a key, and `is_packable` has `key=None` when `explain` calls it.
"""

from __future__ import annotations

import contextvars
import os
import sys
import time
from collections.abc import Callable
from typing import Any

TRACE_VARIABLE = "SATCHEL_TRACE_PLUGINS"
_OFF = frozenset({"", "0", "false", "no", "off"})

#: The key `Registry.choose` is choosing a packager for, while tracing (None: `explain`).
CHOOSING: contextvars.ContextVar[str | None] = contextvars.ContextVar("satchel_trace_key", default=None)


def tracing_enabled() -> bool:
    """Whether `SATCHEL_TRACE_PLUGINS` asks for tracing (set, and not 0, false, no or off)."""
    return os.environ.get(TRACE_VARIABLE, "").strip().lower() not in _OFF


def _key_of_is_packable(args: tuple[Any, ...]) -> str | None:
    return CHOOSING.get()


def _key_of_pack(args: tuple[Any, ...]) -> str | None:
    return args[1] if len(args) > 1 else None  # pack(obj, key, artifact_type, configurations)


def _key_of_unpack(args: tuple[Any, ...]) -> str | None:
    return getattr(args[0], "key", None) if args else None  # unpack(item, artifact_type, instructions)


_KEYS: dict[str, Callable[[tuple[Any, ...]], str | None]] = {
    "is_packable": _key_of_is_packable,
    "pack": _key_of_pack,
    "unpack": _key_of_unpack,
    "preview": _key_of_pack,  # preview(obj, key, artifact_type)
}


def traced_hook(packager: str, hook: str, bound: Callable[..., Any]) -> Callable[..., Any]:
    """`bound` (one hook of one packager instance), printing a trace line for each call."""
    key_of = _KEYS[hook]

    def traced(*args: Any) -> Any:
        key = key_of(args)
        start = time.perf_counter()
        try:
            result = bound(*args)
        except BaseException as error:
            emit(packager, hook, f"key={key!r}", start, f"raised {type(error).__name__}")
            raise
        emit(packager, hook, f"key={key!r}", start, repr(result) if hook == "is_packable" else None)
        return result

    traced.__wrapped__ = bound  # type: ignore[attr-defined]
    return traced


def traced_clear(packager: Any, paths: list[str]) -> None:
    """`packager.clear(paths)`, with its trace line."""
    cls = type(packager)
    name = f"{cls.__module__}.{cls.__qualname__}"
    what = f"{len(paths)} path{'' if len(paths) == 1 else 's'}"
    start = time.perf_counter()
    try:
        packager.clear(paths)
    except BaseException as error:
        emit(name, "clear", what, start, f"raised {type(error).__name__}")
        raise
    emit(name, "clear", what, start, None)


def emit(packager: str, hook: str, what: str, start: float, outcome: str | None) -> None:
    """Write one trace line to stderr (one write, so threads do not interleave within a line)."""
    elapsed = (time.perf_counter() - start) * 1000
    tail = f" -> {outcome}" if outcome else ""
    sys.stderr.write(f"satchel-trace: {packager} {hook} {what} {elapsed:.3f} ms{tail}\n")
