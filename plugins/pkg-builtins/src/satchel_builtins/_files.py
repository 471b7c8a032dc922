"""Reading and writing the `file` formats: json, yaml, jsonl and txt.

- json: one JSON document (UTF-8, not ASCII-escaped unless a string cannot be UTF-8).
- yaml: one YAML document, written and read with PyYAML's *safe* dumper and loader only
  (the C ones when available); yaml is imported on first use.
- jsonl: one JSON value per line. What a line is depends on the *layout*: ``array`` (list, tuple,
  set, frozenset: one item per line, sets in `order_key` order; a dict whose keys collide once
  written: one ``[key, value]`` pair per line), ``object`` (dict: one ``{"key": value}`` object
  per entry, merged back in order; a plain file may hold several keys per line) and ``value``
  (bytes, bytearray: the whole value on one line, as in json).
- txt: a Python literal, ``repr`` read back with ``ast.literal_eval`` (sets written sorted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from satchel import UnpackingError
from satchel_builtins._ordering import ordered

FILE_FORMATS = {"json": ".json", "yaml": ".yaml", "jsonl": ".jsonl", "txt": ".txt"}
SUFFIXES = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "txt",
}
LAYOUTS = ("array", "object", "value")


def format_of(path: str | Path) -> str | None:
    """The file format a file name's suffix stands for, or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def write(native: Any, path: Path, file_format: str, layout: str, *, has_sets: bool = True) -> None:
    """Write a native value (see `satchel_builtins._schema`) in `file_format`."""
    if file_format == "json":
        _write_text(path, lambda escape: _json(native, escape) + "\n")
    elif file_format == "jsonl":
        _write_text(path, lambda escape: _json_lines(native, layout, escape))
    elif file_format == "yaml":
        import yaml  # lazy: importing yaml costs ~20 ms

        # libyaml's safe dumper; the pure-Python one mangles U+0085 unless it escapes non-ASCII
        dumper = getattr(yaml, "CSafeDumper", None)
        text = yaml.dump(
            native,
            Dumper=dumper or yaml.SafeDumper,
            allow_unicode=dumper is not None,
            sort_keys=False,
        )
        _write_text(path, lambda escape: text)
    elif file_format == "txt":
        text = literal(native) if has_sets else repr(native)
        _write_text(path, lambda escape: text + "\n")
    else:  # the packager checks the format first
        raise ValueError(f"unknown file format {file_format!r}")


def _json(value: Any, escape: bool) -> str:
    return json.dumps(value, ensure_ascii=escape, allow_nan=False)


def _json_lines(native: Any, layout: str, escape: bool) -> str:
    """The jsonl text: one JSON value per line, in the layout's way (see the module's doc)."""
    encode_str = json.encoder.encode_basestring_ascii if escape else json.encoder.encode_basestring
    encode = json.JSONEncoder(ensure_ascii=escape, allow_nan=False).encode
    scalars: dict[type, Any] = {
        str: encode_str,
        int: int.__repr__,
        float: float.__repr__,  # finite here: the schema wrote NaN and infinities as strings
        bool: {True: "true", False: "false"}.__getitem__,
        type(None): lambda value: "null",
    }

    def line(value: Any) -> str:
        scalar = scalars.get(type(value))
        return scalar(value) if scalar is not None else encode(value)

    if layout == "object":
        lines = ("{" + encode_str(name) + ": " + line(value) + "}" for name, value in native.items())
    elif layout == "array":
        lines = map(line, native)
    else:
        lines = iter([line(native)])
    return "".join(text + "\n" for text in lines)


def _write_text(path: Path, render: Any) -> None:
    try:
        data = render(False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON can still escape it (\udXXX)
        data = render(True).encode("utf-8")
    path.write_bytes(data)


def literal(value: Any) -> str:
    """`repr(value)` with set elements in `order_key` order, so the same set gives the same text."""
    kind = type(value)
    if kind is list:
        return "[" + ", ".join(map(literal, value)) + "]"
    if kind is tuple:
        return "(" + ", ".join(map(literal, value)) + ("," if len(value) == 1 else "") + ")"
    if kind is dict:
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if kind is set:
        return "{" + ", ".join(map(literal, ordered(value))) + "}" if value else "set()"
    return repr(value)


def read(path: str, file_format: str, layout: str, key: str, *, ours: bool = False) -> Any:
    """The native value stored in `path`; a malformed file is an `UnpackingError`.

    `ours`: satchel wrote the file (one JSON value per jsonl line), so it may be read faster.
    """
    name = Path(path).name
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise UnpackingError(f"{key!r}: {name} is not UTF-8 text, so not {file_format}: {error}") from None
    if file_format == "json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise UnpackingError(f"{key!r}: {name} is not valid JSON: {error}") from None
    if file_format == "jsonl":
        return _read_lines(text, layout, name, key, ours)
    if file_format == "yaml":
        import yaml  # lazy: importing yaml costs ~20 ms

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            return yaml.load(text, Loader=loader)  # a safe loader only
        except yaml.YAMLError as error:
            raise UnpackingError(f"{key!r}: {name} is not valid (safe) YAML: {error}") from None
    if file_format == "txt":
        import ast  # only txt needs it

        try:
            return ast.literal_eval(text.strip())
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
            raise UnpackingError(
                f"{key!r}: {name} does not hold a Python literal (txt files are read with "
                f"ast.literal_eval): {type(error).__name__}: {error}"
            ) from None
    raise UnpackingError(f"{key!r}: unknown file format {file_format!r}")


def _read_lines(text: str, layout: str, name: str, key: str, ours: bool) -> Any:
    values = None
    if ours:  # one parse of the lines as an array is ten times faster than a parse per line, and
        # right for lines that each hold one value (not for "[1" then "2]": never written here)
        lines = [line for line in text.split("\n") if line.strip()]  # not splitlines: U+2028
        try:
            values = json.loads("[" + ",".join(lines) + "]")
        except ValueError:
            values = None
        if values is not None and len(values) != len(lines):
            values = None
    if values is None:
        values = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except ValueError as error:
                raise UnpackingError(
                    f"{key!r}: line {number} of {name} is not valid JSON: {error}"
                ) from None
    if layout == "array":
        return values
    if layout == "value":
        if len(values) != 1:
            raise UnpackingError(
                f"{key!r}: {name} has {len(values)} JSON lines; one value (bytes) needs exactly one"
            )
        return values[0]
    merged: dict[str, Any] = {}
    for number, value in enumerate(values, 1):
        if not isinstance(value, dict):
            raise UnpackingError(
                f"{key!r}: JSON line {number} of {name} is {describe(value)}; a dict is read "
                "from lines of JSON objects ({\"key\": value})"
            )
        for entry, item in value.items():
            if entry in merged:
                raise UnpackingError(f"{key!r}: key {entry!r} appears twice in {name}")
            merged[entry] = item
    return merged


def describe(value: Any) -> str:
    """'a JSON object (dict)'-style words for what a file holds, for error messages."""
    words = {
        dict: "a mapping (JSON object)",
        list: "a sequence (JSON array)",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return words.get(type(value), f"a {type(value).__name__}")
