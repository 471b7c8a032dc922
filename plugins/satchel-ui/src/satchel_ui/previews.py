"""Previews of artifacts, made from what is safe to read: nothing is ever unpickled.

An artifact's own preview, recorded when it was packed (`artifact["preview"]`, made by its
packager's `preview` hook while the object was in memory), is shown as it is: no payload is
read at all. Only artifacts recorded without one (before previews existed, or by a packager
without the hook) get a preview derived here, from their payload.

What a derived preview may read: the artifact's instructions (a pandas `dataset` records its schema and
first rows there when packed), an `.npy` header and its numbers (`allow_pickle=False`, and only
when numpy is installed), the member list of a zip or tar archive (never extracted), Parquet
through pyarrow (schema and first rows; pandas metadata is JSON), and text: JSON, YAML, CSV or
anything that decodes as UTF-8. A pickle (artifact type `object`), an object array and anything
else get no preview, and the page says why.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tarfile
import zipfile
from typing import Any

MAX_TEXT = 4000  # characters of text shown
MAX_READ = 256 * 1024  # bytes read to sniff or show text
MAX_ROWS = 10  # rows of a table
MAX_FILES = 200  # members of a folder listed
MAX_ARRAY = 50_000_000  # bytes of an array loaded for statistics
BINS = 20  # histogram bars


def preview(artifact: dict[str, Any], path: str | None) -> dict[str, Any]:
    """A preview of one artifact: `{"type": table|array|json|text|files|none, ...}`."""
    recorded = artifact.get("preview")
    if isinstance(recorded, dict):
        try:
            shown = _from_recorded(recorded)
        except Exception:  # a third-party packager's malformed preview: derive one instead
            shown = None
        if shown is not None:
            return shown
    kind = artifact.get("kind")
    instructions = artifact.get("instructions") or {}
    if kind == "object":
        return _none("a pickle: never unpickled to draw a page")
    if isinstance(instructions.get("preview"), dict):  # a pandas dataset recorded before previews
        return _table_from_instructions(instructions)
    if path is None:
        return _none("the payload is not in the store")
    try:
        if os.path.isdir(path):
            return _folder(path)
        return _file(path, instructions)
    except Exception as problem:  # a preview never breaks a page
        return _none(f"no preview ({type(problem).__name__}: {problem})")


def _none(reason: str) -> dict[str, Any]:
    return {"type": "none", "reason": reason}


def _from_recorded(recorded: dict[str, Any]) -> dict[str, Any] | None:
    """What the page draws from a pack-time preview (the types of docs/writing-a-packager.md);
    None for a type it does not know (the payload is then read as before)."""
    kind = recorded.get("type")
    if kind == "table":
        return {
            "type": "table",
            "rows_total": recorded.get("rows"),
            "schema": [(str(c["name"]), str(c["dtype"])) for c in recorded.get("columns", [])],
            "index": [(str(c["name"]), str(c["dtype"])) for c in recorded.get("index", [])],
            "columns": [str(c["name"]) for c in recorded.get("columns", [])],
            "rows": [[_cell(v) for v in row] for row in recorded.get("head", [])[:MAX_ROWS]],
            "row_labels": [_cell(v) for v in recorded.get("row_labels", [])[:MAX_ROWS]],
        }
    if kind == "array":
        shown: dict[str, Any] = {
            "type": "array",
            "shape": [int(n) for n in recorded["shape"]],
            "dtype": str(recorded["dtype"]),
            "stats": {str(k): v for k, v in (recorded.get("stats") or {}).items()},
        }
        notes = [str(recorded["note"])] if recorded.get("note") else []
        if recorded.get("sampled"):
            notes.append("statistics of a sample")
        if recorded.get("nonfinite"):
            notes.append(f"{int(recorded['nonfinite'])} NaN or infinite values left out")
        if notes:
            shown["note"] = "; ".join(notes)
        histogram = recorded.get("histogram")
        if isinstance(histogram, dict):
            counts, edges = histogram["counts"], histogram["edges"]
            shown["histogram"] = [
                (float(edges[i]), float(edges[i + 1]), int(count))
                for i, count in enumerate(counts[: BINS * 5])
            ]
        return shown
    if kind == "arrays":
        arrays = recorded.get("arrays", [])
        return {
            "type": "table",
            "rows_total": None,
            "schema": [],
            "index": [],
            "columns": ["array", "shape", "dtype"],
            "rows": [[str(a["name"]), str(tuple(a["shape"])), str(a["dtype"])] for a in arrays[:MAX_FILES]],
            "row_labels": [],
        }
    if kind in ("json", "text"):
        return {"type": kind, "text": _cut(str(recorded["text"])), "format": "recorded when packed"}
    if kind == "files":
        files = [(str(f["path"]), int(f["size"])) for f in recorded.get("files", [])[:MAX_FILES]]
        total = recorded.get("total")
        return {"type": "files", "files": files, "more": isinstance(total, int) and total > len(files)}
    if kind == "file":
        if isinstance(recorded.get("text"), str):
            return {"type": "text", "text": _cut(recorded["text"]), "format": "text"}
        return _none(f"{recorded.get('name', 'a file')}: {int(recorded['size'])} bytes, not text")
    if kind == "bytes":
        return _none(f"{int(recorded['size'])} bytes of binary data")
    if kind == "none":
        return _none(str(recorded.get("reason") or "no preview"))
    return None


def _table_from_instructions(instructions: dict[str, Any]) -> dict[str, Any]:
    """A pandas dataset: its schema and first rows, as recorded when it was packed."""
    head = instructions["preview"]
    columns = [str(c) for c in head.get("columns", [head.get("name", "value")])]
    data = head.get("data", [])
    rows = data if head.get("columns") is not None else [[value] for value in data]
    index = head.get("index")
    index_values = index if isinstance(index, list) else []
    return {
        "type": "table",
        "rows_total": instructions.get("rows"),
        "schema": [(str(c.get("name")), str(c.get("dtype"))) for c in instructions.get("columns", [])],
        "index": [(str(c.get("name")), str(c.get("dtype"))) for c in instructions.get("index", [])],
        "columns": columns,
        "rows": [[_cell(v) for v in row] for row in rows[:MAX_ROWS]],
        "row_labels": [_cell(v) for v in index_values[:MAX_ROWS]],
    }


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _folder(path: str) -> dict[str, Any]:
    files = []
    for root, _dirs, names in os.walk(path):
        for name in sorted(names):
            full = os.path.join(root, name)
            files.append((os.path.relpath(full, path), os.path.getsize(full)))
            if len(files) >= MAX_FILES:
                return {"type": "files", "files": files, "more": True}
    return {"type": "files", "files": sorted(files), "more": False}


def _file(path: str, instructions: dict[str, Any]) -> dict[str, Any]:
    with open(path, "rb") as handle:
        head = handle.read(MAX_READ)
    file_format = str(instructions.get("file_format") or instructions.get("archive_format") or "")
    if head.startswith(b"\x93NUMPY"):
        if instructions.get("pickled"):
            return _none("an object array (pickles inside): never loaded to draw a page")
        return _npy(path)
    if head.startswith(b"PK\x03\x04") or file_format == "zip":
        with zipfile.ZipFile(path) as archive:
            members = [(i.filename, i.file_size) for i in archive.infolist() if not i.is_dir()]
        return {"type": "files", "files": members[:MAX_FILES], "more": len(members) > MAX_FILES}
    if file_format.startswith("tar") or _is_tar(path):
        with tarfile.open(path) as archive:
            members = [(m.name, m.size) for m in archive.getmembers() if m.isfile()]
        return {"type": "files", "files": members[:MAX_FILES], "more": len(members) > MAX_FILES}
    if head.startswith(b"PAR1"):
        return _parquet(path)
    if head[:1] == b"\x80" or file_format in {"pickle", "pkl", "h5", "npz", "feather", "orc"}:
        return _none(f"a binary payload ({file_format or 'pickle or unknown'}): no preview")
    return _text(head, file_format, truncated=os.path.getsize(path) > len(head))


def _is_tar(path: str) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _text(head: bytes, file_format: str, truncated: bool) -> dict[str, Any]:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        if not truncated:
            return _none("binary data: no preview")
        text = head[: len(head) - 4].decode("utf-8", errors="ignore")  # a character cut at the end
    if "\x00" in text:
        return _none("binary data: no preview")
    if not truncated and file_format in ("", "json"):
        try:
            value = json.loads(text)
        except ValueError:
            pass
        else:
            return {"type": "json", "text": _cut(json.dumps(value, indent=2, ensure_ascii=False))}
    if file_format == "csv" or (file_format == "" and _looks_like_csv(text)):
        rows = list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 1]
        if rows and len(rows[0]) > 1:
            return {
                "type": "table",
                "rows_total": None,
                "schema": [],
                "index": [],
                "columns": rows[0],
                "rows": rows[1:],
                "row_labels": [],
            }
    return {"type": "text", "text": _cut(text), "format": file_format or "text"}


def _looks_like_csv(text: str) -> bool:
    lines = text.splitlines()[:5]
    return len(lines) > 1 and all(line.count(",") == lines[0].count(",") > 0 for line in lines)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "\n..."


def _npy(path: str) -> dict[str, Any]:
    """Shape and dtype from the header; statistics and a histogram when numpy is installed."""
    try:
        import numpy as np
    except ImportError:
        return _none("an .npy array (install numpy to see its shape and statistics)")
    fmt = np.lib.format
    with open(path, "rb") as handle:
        version = fmt.read_magic(handle)
        if version not in ((1, 0), (2, 0)):  # a newer header: numpy's reader, still without pickles
            return _none(f"an .npy array of format {version}: no preview")
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, _fortran, dtype = read(handle)  # the header only
    found: dict[str, Any] = {"type": "array", "shape": list(shape), "dtype": str(dtype), "stats": {}}
    if dtype.hasobject:
        found["note"] = "an object array: never loaded to draw a page"
        return found
    if dtype.kind not in "biuf" or dtype.itemsize * max(1, int(np.prod(shape))) > MAX_ARRAY:
        return found
    values = np.load(path, allow_pickle=False, mmap_mode="r").astype(float, copy=False).ravel()
    values = values[np.isfinite(values)]
    if values.size:
        found["stats"] = {
            "min": float(values.min()),
            "max": float(values.max()),
            "mean": float(values.mean()),
            "std": float(values.std()),
            "count": int(values.size),
        }
        counts, edges = np.histogram(values, bins=BINS)
        found["histogram"] = [(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)]
    return found


def _parquet(path: str) -> dict[str, Any]:
    """Schema and first rows through pyarrow (no pickle in Parquet), when it is installed."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return _none("a Parquet file (install pyarrow to see its schema and first rows)")
    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    rows: list[list[str]] = []
    for batch in parquet.iter_batches(batch_size=MAX_ROWS):
        rows = [[_cell(_jsonable(v)) for v in row.values()] for row in batch.to_pylist()]
        break
    return {
        "type": "table",
        "rows_total": parquet.metadata.num_rows,
        "schema": [(field.name, str(field.type)) for field in schema],
        "index": [],
        "columns": list(schema.names),
        "rows": rows,
        "row_labels": [],
    }


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
