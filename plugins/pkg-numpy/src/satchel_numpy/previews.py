"""Pack-time previews of arrays (the `preview` hook): shape, dtype, statistics and a histogram.

Made while the array is in memory, so a page never reads the payload (an npz, an object array
with pickles inside). Only numbers are summarized: an object, string, datetime or complex array
gets its shape and dtype alone, never its contents. Arrays over `SAMPLE_LIMIT` elements are
summarized from an evenly strided sample (`"sampled": true`), so previewing costs little next
to writing the file. NaN and infinities are left out of the statistics (counted as
`"nonfinite"`): the preview is strict JSON.
"""

from __future__ import annotations

from typing import Any

BINS = 20
SAMPLE_LIMIT = 1_000_000
ARRAYS_LIMIT = 200


def array_preview(array: Any) -> dict[str, Any]:
    """`{"type": "array", "shape", "dtype", "stats", "histogram": {"counts", "edges"}}`."""
    import numpy as np

    found: dict[str, Any] = {
        "type": "array",
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "stats": {},
    }
    if array.dtype.hasobject:
        found["note"] = "an object array: its contents are not shown"
        return found
    if array.dtype.kind not in "biuf" or array.size == 0:
        return found
    if array.size > SAMPLE_LIMIT:  # `flat` copies the sample alone, whatever the layout
        values = np.asarray(array).flat[:: -(-array.size // SAMPLE_LIMIT)]
        found["sampled"] = True
    else:
        values = np.asarray(array).reshape(-1)
    with np.errstate(all="ignore"):  # overflows (the std of extreme values) give None, not warnings
        values = values.astype(np.float64, copy=False)
        finite = values[np.isfinite(values)]
        if finite.size != values.size:
            found["nonfinite"] = int(values.size - finite.size)
        if not finite.size:
            return found
        low, high = float(finite.min()), float(finite.max())
        found["stats"] = {
            "min": low,
            "max": high,
            "mean": _finite(finite.mean()),
            "std": _finite(finite.std()),
            "count": int(finite.size),
        }
        if _finite(high - low) is None:  # a range wider than a float: no finite-sized bins
            found["note"] = "values span more than a float's range: no histogram"
            return found
        try:
            counts, edges = np.histogram(finite, bins=BINS)
        except ValueError:  # bins numpy cannot make finite-sized (a range near a float's limits)
            found["note"] = "no histogram: the values' range cannot be split in equal bins"
            return found
    found["histogram"] = {"counts": [int(c) for c in counts], "edges": [float(e) for e in edges]}
    return found


def arrays_preview(named: list[tuple[str, Any]]) -> dict[str, Any]:
    """A collection of arrays: each one's name, shape and dtype (the first `ARRAYS_LIMIT`)."""
    return {
        "type": "arrays",
        "arrays": [
            {"name": name, "shape": list(value.shape), "dtype": str(value.dtype)}
            for name, value in named[:ARRAYS_LIMIT]
        ],
        "total": len(named),
    }


def _finite(value: Any) -> float | None:
    """A float for JSON: None for an overflow to infinity (the mean of huge values)."""
    number = float(value)
    return number if number - number == 0 else None
