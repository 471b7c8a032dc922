"""satchel packagers for Python's builtin types: scalars, str paths and containers."""

from satchel_builtins.packagers import (
    BoolPackager,
    BytearrayPackager,
    BytesPackager,
    DictPackager,
    FloatPackager,
    FrozensetPackager,
    IntPackager,
    ListPackager,
    NoneTypePackager,
    SetPackager,
    StrPackager,
    TuplePackager,
)

__all__ = [
    "BoolPackager",
    "BytearrayPackager",
    "BytesPackager",
    "DictPackager",
    "FloatPackager",
    "FrozensetPackager",
    "IntPackager",
    "ListPackager",
    "NoneTypePackager",
    "SetPackager",
    "StrPackager",
    "TuplePackager",
]
