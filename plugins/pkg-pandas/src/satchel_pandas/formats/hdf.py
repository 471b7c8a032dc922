"""HDF5 (PyTables, pandas' "fixed" format): the flat frame under the key `data`.

NumPy dtypes and tz-aware datetimes are stored natively; every other dtype (nullable, string,
categorical, period, interval, sparse, Arrow, Python objects) is stored as an object column of
1-tuples, which PyTables pickles as they are (pandas would otherwise turn Python datetimes into
datetime64 first), and restored from the schema. Arrow-backed columns are stored as the Python
values of their storage type (`arrow_values.python_values`: times as integers, NaN apart from
missing), since pandas' own conversion to objects loses both. Because PyTables unpickles (object
columns, and the attributes pandas writes), an h5 artifact is read only when it is trusted and its
hash matches.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

from satchel_pandas.formats import Written
from satchel_pandas.frames import assemble, flatten, header_texts, unique_names
from satchel_pandas.schema import Schema

KEY = "data"


def _native(dtype: Any) -> bool:
    import numpy as np
    import pandas as pd

    return (isinstance(dtype, np.dtype) and dtype.kind != "O") or isinstance(dtype, pd.DatetimeTZDtype)


def write_h5(obj: Any, path: Path, schema: Schema) -> Written:
    """`to_hdf(format="fixed")` of the flat frame, non-NumPy dtypes as object columns."""
    import numpy as np
    import pandas as pd

    from satchel_pandas.arrow_values import python_values

    # HDF5 names end at a NUL: "\x00" would be "" (read by position, names need only be unique)
    flat = flatten(obj, unique_names([text.replace("\x00", "\\x00") for text in header_texts(obj)]))
    objects = [p for p in range(flat.shape[1]) if not _native(flat.iloc[:, p].dtype)]
    arrow = [p for p in objects if isinstance(flat.iloc[:, p].dtype, pd.ArrowDtype)]
    if objects:
        flat = flat.copy(deep=False)
        for position in objects:
            column = flat.iloc[:, position]
            values = np.empty(len(flat), dtype=object)
            plain = python_values(column) if position in arrow else column.astype(object)
            values[:] = [(value,) for value in plain]
            flat.isetitem(position, pd.Series(values, index=flat.index, dtype=object))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)  # "PyTables will pickle"
        flat.to_hdf(path, key=KEY, mode="w", format="fixed")
    layout: dict[str, Any] = {"wrapped": objects} if objects else {}
    if arrow:
        layout["arrow"] = arrow
    return Written(layout=layout)


def read_h5(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """`read_hdf` of the flat frame, then every column restored from the schema."""
    import numpy as np
    import pandas as pd

    from satchel_pandas import arrow_values
    from satchel_pandas.dtypes import decode_dtype

    flat = pd.read_hdf(path, KEY).reset_index(drop=True)
    wrapped = layout.get("wrapped", [])
    arrow = set(layout.get("arrow", []))
    specs = [] if "range" in schema.index else [level["dtype"] for level in schema.index["levels"]]
    specs += list(schema.dtypes)
    if wrapped:
        flat = flat.copy(deep=False)
        for position in wrapped:
            unwrapped = [value[0] for value in flat.iloc[:, position]]
            if position in arrow:  # the Python values of the Arrow storage type, cast back
                spec = specs[position]
                dictionary = arrow_values.decode_dictionary(
                    spec.get("dictionary") if isinstance(spec, dict) else None
                )
                values = arrow_values.from_python(unwrapped, decode_dtype(spec).pyarrow_dtype, dictionary)
                flat.isetitem(position, arrow_values.from_arrow(values, flat.index))
                continue
            objects = np.empty(len(flat), dtype=object)
            objects[:] = unwrapped
            flat.isetitem(position, pd.Series(objects, index=flat.index, dtype=object))
    # Python objects come back pickled, missing values included: nothing to put back
    index = {key: value for key, value in schema.index.items() if key != "missing"}
    return assemble(flat, dataclasses.replace(schema, missing={}, index=index))


def read_plain(path: str) -> Any:
    """An h5 file (trusted) made outside satchel: its only key, with `read_hdf` defaults."""
    import pandas as pd

    return pd.read_hdf(path)


WRITERS = {"h5": write_h5}
READERS = {"h5": read_h5}
PLAIN_READERS = {"h5": read_plain}
