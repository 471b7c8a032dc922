"""Builtin values to what a file format holds natively, plus a compact type schema to restore them.

`encode(obj, file_format, key)` returns the *native* value a format can write as it is (plain JSON
for json and jsonl, YAML's safe types for yaml, Python literals for txt) and a schema recording
only what the native value does not say: tuples, sets and frozensets written as lists, bytes
written as text, non-str dict keys written as strings, NaN and infinities in JSON, huge ints.
`decode(native, schema)` rebuilds the exact object. The schema is JSON; a node is a dict:

- ``{"t": "tuple" | "set" | "frozenset" | "list", "a": node}``: a sequence whose items all need
  `node`, or ``"i": {"<position>": node}`` for some of them (sets are written in `order_key` order);
- ``{"t": "dict", "ka"/"k": ..., "va"/"v": ..., "p": 1}``: keys and values the same way;
  ``"p": 1`` when the dict is written as a list of ``[key, value]`` pairs (keys that would collide
  once written, such as ``1`` and ``"1"`` in JSON);
- ``{"t": "json", "s": node}``: a key written as the JSON text of its native value (also, in yaml,
  a string with a lone surrogate, which libyaml cannot write);
- ``{"t": "bytes" | "bytearray", "e": "base64"}``: bytes as UTF-8 text, or base64 (``"e"``)
  when they are not UTF-8; yaml and txt write bytes natively;
- ``{"t": "float"}``: ``"nan"``, ``"-nan"`` (a NaN whose sign bit is set), ``"inf"`` or ``"-inf"``
  (JSON and Python literals lack them); in yaml, which writes them natively but reads every
  ``.nan`` with the one sign its loader computes, ``{"t": "float", "v": "nan" | "-nan"}`` beside
  the ``.nan`` written;
- ``{"t": "int"}``: an int too long for a decimal string (``sys.get_int_max_str_digits``), in hex.

Subclasses of builtins found inside (OrderedDict, IntEnum, namedtuple, ...) are written as their
builtin base and reported in `lost`; any other object is a `PackingError`.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import Any

from satchel import PackingError
from satchel_builtins._ordering import ordered

_SEQUENCES: dict[str, Callable[[Any], Any]] = {
    "list": list,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
}
_YAML_KEYS = (str, int, float, bool, type(None), bytes)
# Builtin bases a subclass is reduced to, most specific first (bool cannot be subclassed).
_BASES: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (int, int.__int__),
    (float, float.__float__),
    (str, lambda value: str.__getitem__(value, slice(None))),
    (bytes, bytes),
    (bytearray, bytearray),
    (dict, dict),
    (list, list),
    (tuple, tuple),
    (set, set),
    (frozenset, frozenset),
)

_PLAIN = frozenset({str, int, float, bool, type(None)})

Path = tuple[Any, ...]  # (parent path, step) chains, formatted only for messages


def plain_scalars(
    values: Any, *, finite: bool, utf8: bool, max_bits: int | None, nan: bool = False
) -> bool:
    """Whether every item is a str, int, float, bool or None that needs no schema (fast path).

    `finite`: NaN and infinities need one; `nan`: NaN needs one; `utf8`: strings with a lone
    surrogate need one; `max_bits`: ints longer than that need one.
    """
    kinds = set(map(type, values))
    if not kinds <= _PLAIN:
        return False
    single = len(kinds) == 1
    if int in kinds and max_bits is not None:
        ints = values if single else [value for value in values if type(value) is int]
        if ints and max(max(ints), -min(ints)).bit_length() > max_bits:
            return False
    if float in kinds and (finite or nan):
        floats = values if single else [value for value in values if type(value) is float]
        if not all(map(math.isfinite, floats) if finite else (value == value for value in floats)):
            return False
    if str in kinds and utf8:
        texts = values if single else [value for value in values if type(value) is str]
        if not all(map(str.isascii, texts)) and not _utf8_ok("".join(texts)):
            return False
    return True


def describe_path(path: Path | str) -> str:
    """`key[0]['a']`-style text for a path built while encoding."""
    steps = []
    while isinstance(path, tuple):
        path, step = path
        steps.append(step)
    text = str(path)
    for step in reversed(steps):
        if isinstance(step, int):
            text += f"[{step}]"
        elif step[0] == "value":
            text += f"[{step[1]!r}]"
        elif step[0] == "key":
            text += f" (dict key {step[1]!r})"
        else:
            text += f" (set element {step[1]})"
    return text


class Encoder:
    """Encodes one object for one file format, collecting what cannot be kept exactly."""

    def __init__(self, file_format: str, key: str) -> None:
        self.file_format = "json" if file_format == "jsonl" else file_format
        self.key = key
        self.lost: dict[str, list[str]] = {}  # type name -> paths where it was reduced
        self.wrote_set = False  # txt: a native set was written (repr's order is not stable)
        self._active: set[int] = set()
        limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
        self._max_bits = 3 * limit if limit else None
        self._finite = self.file_format != "yaml"
        self._utf8 = self.file_format == "yaml"

    def _plain(self, values: Any) -> bool:
        # yaml writes NaN and infinities, but a NaN needs its sign recorded (see `_float`)
        return plain_scalars(
            values, finite=self._finite, utf8=self._utf8, max_bits=self._max_bits, nan=True
        )

    def encode(self, value: Any, path: Path | str) -> tuple[Any, dict[str, Any] | None]:
        """`(native, node)` for `value`; `node` is None when the native value is exact."""
        kind = type(value)
        if kind is str:
            if self.file_format == "yaml" and not _utf8_ok(value):
                # a lone surrogate: libyaml cannot write it, JSON escapes it (\udXXX)
                return json.dumps(value), {"t": "json"}
            return value, None
        if kind is bool or value is None:
            return value, None
        if kind is int:
            if self._max_bits is not None and value.bit_length() > self._max_bits:
                return hex(value), {"t": "int"}
            return value, None
        if kind is float:
            if value != value or value in (float("inf"), float("-inf")):
                return _float(value, self.file_format)
            return value, None
        if kind is bytes or kind is bytearray:
            return self._bytes(value, kind.__name__)
        if kind is list or kind is tuple or kind is set or kind is frozenset or kind is dict:
            if id(value) in self._active:
                raise PackingError(
                    f"cannot write {self.key!r}: {describe_path(path)} contains itself; "
                    "log it with artifact type 'object' (pickled) instead"
                )
            self._active.add(id(value))
            try:
                if kind is dict:
                    return self._dict(value, path)
                return self._sequence(value, kind.__name__, path)
            finally:
                self._active.discard(id(value))
        return self._reduce(value, path)

    def _reduce(self, value: Any, path: Path | str) -> tuple[Any, dict[str, Any] | None]:
        kind = type(value)
        for base, convert in _BASES:
            if isinstance(value, base):
                self.lost.setdefault(f"{kind.__module__}.{kind.__qualname__}", []).append(
                    describe_path(path)
                )
                return self.encode(convert(value), path)
        raise PackingError(
            f"cannot write {self.key!r} as {self.file_format}: {describe_path(path)} is a "
            f"{kind.__module__}.{kind.__qualname__}, which is not a builtin value; log "
            f"{self.key!r} with artifact type 'object' (pickled) instead"
        )

    def _bytes(self, value: bytes | bytearray, name: str) -> tuple[Any, dict[str, Any] | None]:
        if self.file_format != "json":
            return bytes(value), (None if name == "bytes" else {"t": name})
        import base64  # only bytes in JSON need it

        try:
            return bytes(value).decode("utf-8"), {"t": name}
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii"), {"t": name, "e": "base64"}

    def _sequence(self, value: Any, name: str, path: Path | str) -> tuple[Any, dict[str, Any] | None]:
        is_set = name in ("set", "frozenset")
        items = ordered(value) if is_set else value
        if self._plain(items):  # nothing below needs a schema: write the items as they are
            return self._shape(items if type(items) is list else list(items), name, {})
        natives, nodes = [], []
        for position, item in enumerate(items):
            native, node = self.encode(item, (path, ("element", position) if is_set else position))
            natives.append(native)
            nodes.append(node)
        return self._shape(natives, name, _children(nodes, "a", "i"))

    def _shape(
        self, natives: list[Any], name: str, children: dict[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        """The native sequence for a `name` whose items are `natives`, and its node."""
        if self.file_format != "txt":
            # json and yaml hold lists only: every other sequence is named in the schema
            return natives, ({"t": name, **children} if children or name != "list" else None)
        # Python literals hold lists, tuples and sets (not frozensets, written as tuples); a set
        # whose items need a schema is written as a list, so that its items keep their positions.
        if name == "set" and not children:
            self.wrote_set = True
            return set(natives), None
        native = tuple(natives) if name in ("tuple", "frozenset") else natives
        if children or name in ("set", "frozenset"):
            return native, {"t": name, **children}
        return native, None

    def _dict(self, value: dict[Any, Any], path: Path | str) -> tuple[Any, dict[str, Any] | None]:
        if (
            set(map(type, value)) <= {str}
            and self._plain(list(value.values()))
            and (not self._utf8 or _utf8_ok("".join(value)))
        ):
            return value, None  # str keys, plain values: written as it is
        keys, key_nodes, values, value_nodes = [], [], [], []
        for name, item in value.items():
            native, node = self._key(name, (path, ("key", name)))
            keys.append(native)
            key_nodes.append(node)
            native, node = self.encode(item, (path, ("value", name)))
            values.append(native)
            value_nodes.append(node)
        pairs = len(set(map(_hashable_marker, keys))) < len(keys)
        if pairs:  # keys would collide once written: write [key, value] pairs instead
            key_nodes = []
            keys = []
            for name in value:
                native, node = self.encode(name, (path, ("key", name)))
                keys.append(native)
                key_nodes.append(node)
            native_pairs: Any = [
                (k, v) if self.file_format == "txt" else [k, v] for k, v in zip(keys, values)
            ]
        shape = {**_children(key_nodes, "ka", "k"), **_children(value_nodes, "va", "v")}
        if pairs:
            return native_pairs, {"t": "dict", "p": 1, **shape}
        return dict(zip(keys, values)), ({"t": "dict", **shape} if shape else None)

    def _key(self, name: Any, path: Path) -> tuple[Any, dict[str, Any] | None]:
        if type(name) is str and (self.file_format != "yaml" or _utf8_ok(name)):
            return name, None
        # (not a NaN key in yaml: its loader reads every .nan as one object, so NaN keys would merge)
        if self.file_format == "txt" or (
            self.file_format == "yaml" and type(name) in _YAML_KEYS and name == name
        ):
            native, node = self.encode(name, path)
            if self.file_format == "txt" or not isinstance(native, (list, dict)):
                return native, node
        # Written as the JSON text of the key's JSON encoding (how json writes 1 as "1").
        encoder = Encoder("json", self.key)
        encoder.lost = self.lost
        native, node = encoder.encode(name, path)
        text = json.dumps(native, ensure_ascii=False, allow_nan=False)
        if not _utf8_ok(text):
            text = json.dumps(native, allow_nan=False)
        return text, ({"t": "json", "s": node} if node else {"t": "json"})


def _float(value: float, file_format: str) -> tuple[Any, dict[str, Any] | None]:
    """NaN or an infinity: its text (``"-nan"`` keeps a NaN's sign bit) and node, or yaml's own.

    yaml writes ``.nan`` and ``.inf`` natively, but reads every ``.nan`` back with one sign, the
    one its loader computes (PyYAML's ``-inf / inf``, whose sign is the CPU's: negative on x86),
    so the sign the NaN had is recorded beside it.
    """
    text = repr(value) if value == value else ("-nan" if math.copysign(1.0, value) < 0 else "nan")
    if file_format != "yaml":
        return text, {"t": "float"}
    return value, ({"t": "float", "v": text} if value != value else None)


def _utf8_ok(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (it has no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _hashable_marker(native: Any) -> Any:
    """A value that tells written keys apart the way the file will (1 and True and 1.0 differ)."""
    return (type(native).__name__, native)


def _children(nodes: list[dict[str, Any] | None], all_name: str, some_name: str) -> dict[str, Any]:
    if not nodes or all(node is None for node in nodes):
        return {}
    first = nodes[0]
    if first is not None and all(node == first for node in nodes):
        return {all_name: first}
    return {some_name: {str(position): node for position, node in enumerate(nodes) if node is not None}}


def encode(obj: Any, file_format: str, key: str) -> tuple[Any, dict[str, Any], Encoder]:
    """`(native, schema, encoder)` for a top-level container; the schema always names its type."""
    encoder = Encoder(file_format, key)
    try:
        native, node = encoder.encode(obj, key)
    except RecursionError:
        raise PackingError(
            f"cannot write {key!r} as {file_format}: it is nested too deeply; log it with "
            "artifact type 'object' (pickled) instead"
        ) from None
    return native, node or {"t": type(obj).__name__}, encoder


def decode(native: Any, node: dict[str, Any] | None) -> Any:
    """The exact value `encode` was given, from the native value read back and its node.

    Raises ValueError, TypeError, KeyError or AttributeError when they do not match.
    """
    if node is None:
        return native
    kind = node["t"]
    if kind == "json":
        return decode(json.loads(native), node.get("s"))
    if kind == "int":
        return int(native, 16)
    if kind == "float":
        if "v" in node:  # yaml: a NaN read back as .nan, its sign recorded here
            if not (isinstance(native, float) and native != native) or node["v"] not in ("nan", "-nan"):
                raise ValueError(f"expected .nan, got {native!r}")
            return float(node["v"])
        if native not in ("nan", "-nan", "inf", "-inf"):
            raise ValueError(f"expected 'nan', '-nan', 'inf' or '-inf', got {native!r}")
        return float(native)  # float("-nan") has its sign bit set
    if kind in ("bytes", "bytearray"):
        import base64

        if isinstance(native, str):
            raw = base64.b64decode(native, validate=True) if node.get("e") == "base64" else native.encode()
        elif isinstance(native, (bytes, bytearray)):
            raw = bytes(native)
        else:
            raise TypeError(f"expected text or bytes, got a {type(native).__name__}")
        return raw if kind == "bytes" else bytearray(raw)
    if kind == "dict":
        return _decode_dict(native, node)
    build = _SEQUENCES[kind]
    if not isinstance(native, (list, tuple, set)):
        raise TypeError(f"expected a sequence for a {kind}, got a {type(native).__name__}")
    child = _child_nodes(node, "a", "i")
    if child is None:
        return build(native)
    return build([decode(item, child(position)) for position, item in enumerate(native)])


def _decode_dict(native: Any, node: dict[str, Any]) -> dict[Any, Any]:
    key_node = _child_nodes(node, "ka", "k")
    value_node = _child_nodes(node, "va", "v")
    if node.get("p"):
        if not isinstance(native, (list, tuple)) or not all(
            isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in native
        ):
            raise TypeError("expected a list of [key, value] pairs")
        items: Any = native
    elif isinstance(native, dict):
        if key_node is None and value_node is None:
            return dict(native)
        items = native.items()
    else:
        raise TypeError(f"expected a mapping, got a {type(native).__name__}")
    nothing: Callable[[int], None] = lambda position: None  # noqa: E731
    key_node = key_node or nothing
    value_node = value_node or nothing
    return {
        decode(key, key_node(position)): decode(value, value_node(position))
        for position, (key, value) in enumerate(items)
    }


def _child_nodes(node: dict[str, Any], all_name: str, some_name: str) -> Callable[[int], Any] | None:
    if all_name in node:
        same = node[all_name]
        return lambda position: same
    if some_name in node:
        some = node[some_name]
        return lambda position: some.get(str(position))
    return None
