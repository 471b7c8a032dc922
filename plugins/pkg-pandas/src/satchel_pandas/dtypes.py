"""Dtypes as JSON specs and back: `"int64"`, `"Int64"`, `"period[M]"`, or a tagged object.

Most dtypes are their own `str()` (checked: `pandas_dtype(str(dtype))` gives an equal dtype of
the same class). The rest are tagged: string dtypes (`str()` hides the storage), categoricals
(their categories, recorded exactly, and whether ordered), tz-aware datetimes (a zone name that
comes back as an equal zone), nested Arrow types, and `{"unknown": ...}` for what cannot be
recorded (`is_exact` is False for those).
"""

from __future__ import annotations

import base64
from typing import Any

#: Categoricals with more categories than this do not record them (instructions stay small);
#: formats that need them warn.
MAX_RECORDED_CATEGORIES = 100_000


def encode_dtype(dtype: Any) -> Any:
    """The JSON spec of `dtype`, exact when possible, else `{"unknown": str(dtype)}`."""
    import pandas as pd

    try:
        spec = _encode(dtype)
    except Exception:  # a dtype we do not know how to record: said so, never raised
        return {"unknown": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        return spec  # checked by the index codec of its categories
    try:
        back = decode_dtype(spec)
    except Exception:
        return {"unknown": str(dtype)}
    if type(back) is not type(dtype) or back != dtype:
        return {"unknown": str(dtype)}
    return spec


def _encode(dtype: Any) -> Any:
    import numpy as np
    import pandas as pd

    from satchel_pandas.labels import tz_name

    if isinstance(dtype, np.dtype):
        return str(dtype) if dtype.kind != "O" else "object"
    if isinstance(dtype, pd.StringDtype):
        return {"string": dtype.storage, "na_value": "NA" if dtype.na_value is pd.NA else "nan"}
    if isinstance(dtype, pd.CategoricalDtype):
        return _encode_categorical(dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return {"datetime": dtype.unit, "tz": tz_name(dtype.tz)}
    if isinstance(dtype, pd.ArrowDtype) and str(dtype) != _arrow_simple_name(dtype):
        import pyarrow as pa

        schema = pa.schema([pa.field("x", dtype.pyarrow_dtype)])
        return {"arrow": base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")}
    return str(dtype)


def _arrow_simple_name(dtype: Any) -> str | None:
    from pandas.api.types import pandas_dtype

    try:
        return str(pandas_dtype(str(dtype)))
    except Exception:  # pandas refuses many nested or parametrised Arrow names
        return None


def _encode_categorical(dtype: Any) -> dict[str, Any]:
    from satchel_pandas.indexes import encode_index

    categories = dtype.categories
    spec: dict[str, Any] = {"category": None, "ordered": bool(dtype.ordered)}
    if categories is not None and len(categories) <= MAX_RECORDED_CATEGORIES:
        encoded = encode_index(categories, name=False)
        if encoded is not None:
            spec["category"] = encoded
    if spec["category"] is None and categories is not None:
        spec["categories_dtype"] = encode_dtype(categories.dtype)
    return spec


def decode_dtype(spec: Any) -> Any:
    """The dtype recorded by `encode_dtype` (a plain `category` if its categories were not)."""
    import pandas as pd
    from pandas.api.types import pandas_dtype

    from satchel_pandas.labels import tz_from_name

    if isinstance(spec, str):
        return pandas_dtype(spec)
    if "string" in spec:
        na_value = pd.NA if spec["na_value"] == "NA" else float("nan")
        return pd.StringDtype(spec["string"], na_value=na_value)
    if "category" in spec:
        from satchel_pandas.indexes import decode_index

        categories = None if spec["category"] is None else decode_index(spec["category"])
        return pd.CategoricalDtype(categories, ordered=spec["ordered"])
    if "datetime" in spec:
        return pd.DatetimeTZDtype(spec["datetime"], tz_from_name(spec["tz"]))
    if "arrow" in spec:
        import pyarrow as pa

        schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(spec["arrow"])))
        return pd.ArrowDtype(schema.field(0).type)
    raise ValueError(f"the dtype {spec.get('unknown', spec)!r} was not recorded exactly")


def is_exact(spec: Any) -> bool:
    """Whether `spec` records its dtype fully (categories included)."""
    if isinstance(spec, str):
        return True
    if "unknown" in spec:
        return False
    if "category" in spec:
        return spec["category"] is not None
    return True


def dtype_text(spec: Any) -> str:
    """A short readable name of a recorded dtype (for schemas shown to people)."""
    if isinstance(spec, str):
        return spec
    if "string" in spec:
        return "str" if spec["na_value"] == "nan" else f"string[{spec['string']}]"
    if "category" in spec:
        return "category (ordered)" if spec["ordered"] else "category"
    if "datetime" in spec:
        return f"datetime64[{spec['datetime']}, {spec['tz']}]"
    if "arrow" in spec:
        try:
            return str(decode_dtype(spec))
        except Exception:  # readable text only
            return "arrow"
    return str(spec.get("unknown", spec))
