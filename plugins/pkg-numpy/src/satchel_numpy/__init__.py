"""satchel packagers for numpy: arrays, scalars, and lists and dicts of arrays.

Importing this package does not import numpy: the packagers declare their types as dotted names.
"""

from satchel_numpy.packagers import (
    NumpyArrayDictPackager,
    NumpyArrayListPackager,
    NumpyArrayPackager,
    NumpyMemmapPackager,
    NumpyScalarPackager,
)

__all__ = [
    "NumpyArrayDictPackager",
    "NumpyArrayListPackager",
    "NumpyArrayPackager",
    "NumpyMemmapPackager",
    "NumpyScalarPackager",
]
