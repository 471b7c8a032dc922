"""What the text formats (csv, json, xml) share: the losses of object columns, and time columns
stored as integers where their text could not be parsed back."""

from __future__ import annotations

from typing import Any

from satchel_pandas.dtypes import decode_dtype
from satchel_pandas.schema import RESTORABLE_OBJECT_KINDS, Schema, column_text
from satchel_pandas.values import integer_values, json_nested, needs_integers, nested_arrow


def object_losses(schema: Schema, labels: list[Any], fmt: str) -> list[str]:
    """What text loses: object columns of values that cannot be parsed back, nested Arrow values
    JSON cannot hold."""
    losses = []
    for position, kind in schema.objects.items():
        if kind not in RESTORABLE_OBJECT_KINDS:
            losses.append(
                f"{column_text(schema, labels, position)} holds Python objects ({kind}); {fmt} keeps "
                "their text (str), which is what comes back"
            )
    levels = [] if "range" in schema.index else schema.index["levels"]
    specs = [(column_text(schema, labels, p), spec) for p, spec in enumerate(schema.dtypes)]
    specs += [(f"index level {p}", level["dtype"]) for p, level in enumerate(levels)]
    for what, spec in specs:
        if isinstance(spec, dict) and "arrow" in spec:
            dtype = decode_dtype(spec)
            if nested_arrow(dtype) and not json_nested(dtype):
                losses.append(
                    f"{what} ({dtype}): {fmt} keeps its values' text (JSON holds only numbers, "
                    "strings, booleans, times and decimals in lists and structs)"
                )
    objects = schema.index.get("objects")
    if objects is not None and objects not in RESTORABLE_OBJECT_KINDS:
        losses.append(f"the index holds Python objects ({objects}); {fmt} keeps their text")
    for position, level in enumerate(levels):  # a MultiIndex records each level's
        kind = level.get("objects")
        if kind is not None and kind not in RESTORABLE_OBJECT_KINDS:
            losses.append(f"index level {position} holds Python objects ({kind}); {fmt} keeps their text")
    return losses


def store_integers(flat: Any) -> tuple[Any, list[int]]:
    """The flat frame with time columns of years outside 1..9999 as integers, and their positions."""
    positions = [p for p in range(flat.shape[1]) if needs_integers(flat.iloc[:, p])]
    if positions:
        flat = flat.copy(deep=False)
        for position in positions:
            flat.isetitem(position, integer_values(flat.iloc[:, position]))
    return flat, positions


def load_integers(flat: Any, positions: list[int]) -> Any:
    """The flat frame read back, with the integer columns `store_integers` wrote as Int64."""
    import pandas as pd

    if not positions:
        return flat
    flat = flat.copy(deep=False)
    for position in positions:
        column = flat.iloc[:, position]  # text: to_numeric would go through floats for a missing value
        ints = [None if value is None or value != value else int(value) for value in column]
        flat.isetitem(position, pd.array(ints, dtype="Int64"))
    return flat
