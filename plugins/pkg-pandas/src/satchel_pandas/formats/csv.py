"""CSV: the flat frame written by `to_csv` (one header row, index levels first), read back by
position with every dtype restored from the schema.

Text cannot tell a missing value from an empty string, and pandas reads `NA`, `null`, `nan`...
as missing by default. So the reader turns nothing into a missing value except what the writer
recorded: `""` in columns whose values are never empty strings, and a marker that the column does
not contain (`\\N`, like PostgreSQL's text dumps) in a column that holds both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from satchel_pandas.formats import Written
from satchel_pandas.formats.text import object_losses, store_integers
from satchel_pandas.frames import assemble, flatten, header_texts
from satchel_pandas.schema import Schema
from satchel_pandas.values import is_object, text_values

NA_MARKER = "\\N"


def internal_names(count: int) -> list[str]:
    """Unique positional names for the flat columns (the file's header is for people)."""
    return [f"_{position}" for position in range(count)]


def missing_markers(flat: Any) -> tuple[Any, list[list[str]]]:
    """Per flat column, the texts that mean "missing", and the frame with markers written in.

    Columns that never hold "" as a value use "" for missing (what pandas writes); a column that
    holds both empty strings and missing values gets a marker it does not contain.
    """
    markers: list[list[str]] = []
    replaced: dict[int, Any] = {}
    for position in range(flat.shape[1]):
        column = flat.iloc[:, position]
        missing = column.isna()
        if not missing.any():
            markers.append([] if _may_be_empty(column) else [""])
            continue
        if not (_may_be_empty(column) and _holds_empty(column)):
            markers.append([""])
            continue
        texts = text_values(column)
        marker = NA_MARKER
        present = set(texts[~missing.to_numpy()])
        while marker in present:
            marker += "N"
        texts[missing.to_numpy()] = marker
        replaced[position] = texts
        markers.append([marker])
    if replaced:
        flat = flat.copy(deep=False)
        for position, texts in replaced.items():
            flat.isetitem(position, texts)
    return flat, markers


def _may_be_empty(column: Any) -> bool:
    import numpy as np
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    return not (isinstance(dtype, np.dtype) and dtype.kind in "iufcbmM") and not isinstance(
        dtype, (pd.DatetimeTZDtype, pd.PeriodDtype, pd.IntervalDtype)
    )


def _holds_empty(column: Any) -> bool:
    try:
        return bool((column.astype(object) == "").any())
    except (TypeError, ValueError):
        return False


def _text_columns(flat: Any) -> Any:
    """Columns whose `to_csv` text would lose something, written as `text_values` instead:
    complex (NaN parts), anything holding time zones (written as UTC instants), Arrow-backed
    values (Arrow's text; nested ones as JSON), and Python objects other than strings (`to_csv`
    writes a `Decimal("NaN")` as missing)."""
    import numpy as np
    import pandas as pd

    replaced = {}
    for position in range(flat.shape[1]):
        column = flat.iloc[:, position]
        dtype = column.dtype
        inner = dtype.categories.dtype if isinstance(dtype, pd.CategoricalDtype) else dtype
        inner = inner.subtype if isinstance(inner, pd.IntervalDtype) else inner
        if (
            isinstance(inner, pd.DatetimeTZDtype)
            or (isinstance(inner, np.dtype) and inner.kind == "c")
            or isinstance(dtype, pd.ArrowDtype)
            or (is_object(dtype) and pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"))
        ):
            replaced[position] = text_values(column)
    if not replaced:
        return flat
    flat = flat.copy(deep=False)
    for position, texts in replaced.items():
        flat.isetitem(position, texts)
    return flat


def _read_dtypes(schema: Schema) -> list[Any]:
    """What to parse each flat column as (numbers and booleans directly; the rest as text)."""
    import numpy as np
    import pandas as pd

    from satchel_pandas.dtypes import decode_dtype, is_exact

    specs = [] if "range" in schema.index else [level["dtype"] for level in schema.index["levels"]]
    out: list[Any] = []
    for spec in specs + list(schema.dtypes):
        dtype = decode_dtype(spec) if is_exact(spec) else None
        if isinstance(dtype, np.dtype) and dtype.kind in "iub":
            out.append(dtype)
        elif isinstance(dtype, np.dtype) and dtype.kind == "f":
            out.append(np.dtype("float64"))
        elif isinstance(
            dtype, (pd.Int64Dtype, pd.Int32Dtype, pd.Int16Dtype, pd.Int8Dtype, pd.BooleanDtype)
        ) or (
            isinstance(dtype, pd.api.extensions.ExtensionDtype) and str(dtype).startswith(("UInt", "Float"))
        ):
            out.append(dtype)
        else:
            out.append(object)
    return out


def write_csv(obj: Any, path: Path, schema: Schema) -> Written:
    """`to_csv` of the flat frame (header: the index names, then the column labels)."""
    from satchel_pandas.frames import labels_of

    header = header_texts(obj)
    flat = flatten(obj, internal_names(len(header)))
    if flat.shape[1] == 0:
        path.write_text("")
        return Written()
    flat, integers = store_integers(flat)
    flat = _text_columns(flat)
    flat, markers = missing_markers(flat)
    # CRLF line ends (RFC 4180): with "\n" pandas leaves a lone "\r" in a value unquoted, and
    # read_csv then splits the row there
    flat.to_csv(path, index=False, header=header, na_rep="", lineterminator="\r\n")
    layout: dict[str, Any] = {"na": markers}
    if integers:
        layout["integers"] = integers
    return Written(layout=layout, losses=object_losses(schema, labels_of(obj), "csv"))


def read_csv(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """`read_csv` by position, parsing only the recorded missing-value texts as missing.

    Numbers are parsed with their dtype. Text columns are left to the parser's string inference,
    its fast path (pandas 3 builds Arrow strings without a Python object per value; `dtype=object`
    or `"str"` costs 2x); a text column it took for numbers, booleans or mixed chunks is read
    again alone, as text.
    """
    import warnings

    import pandas as pd

    dtypes = _read_dtypes(schema)
    for position in layout.get("integers", []):
        dtypes[position] = "Int64"
    if not dtypes:
        return assemble(pd.DataFrame(index=pd.RangeIndex(schema.rows)), schema)
    names = internal_names(len(dtypes))
    options: dict[str, Any] = {
        "header": 0,
        "names": names,
        "keep_default_na": False,
        "na_values": dict(zip(names, layout.get("na") or [[""]] * len(names))),
        "skip_blank_lines": False,
    }
    typed = {name: dtype for name, dtype in zip(names, dtypes) if dtype is not object}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)  # mixed chunks: read again below
        flat = pd.read_csv(path, dtype=typed, **options)
    again = [name for name, dtype in zip(names, dtypes) if dtype is object and not _all_text(flat[name])]
    if again:
        text = pd.read_csv(path, usecols=again, dtype=object, **options)
        flat = flat.copy(deep=False)
        for name in again:
            flat[name] = text[name]
    # what the parser may leave unparsed: a row of one empty field is written `""` (a blank line
    # would be skipped), and a text column that looks like integers too big for int64 keeps its
    # missing-value texts (pandas 3 falls back to strings without na_values)
    markers = options["na_values"]
    texts = [name for name, dtype in zip(names, dtypes) if dtype is object and markers[name]]
    missed = {name: flat[name].isin(markers[name]) for name in texts}
    missed = {name: mask for name, mask in missed.items() if mask.any()}
    if missed:
        flat = flat.copy(deep=False)
        for name, mask in missed.items():
            flat[name] = flat[name].where(~mask)
    return assemble(flat, schema)


def _all_text(column: Any) -> bool:
    """Whether a column read by inference holds the file's text unchanged (strings, or missing)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return True
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def read_plain(path: str) -> Any:
    """A CSV made outside satchel: `read_csv` defaults (tab-separated for `.tsv`)."""
    import pandas as pd

    return pd.read_csv(path, sep="\t" if ".tsv" in Path(path).name.lower() else ",")


WRITERS = {"csv": write_csv}
READERS = {"csv": read_csv}
PLAIN_READERS = {"csv": read_plain}
