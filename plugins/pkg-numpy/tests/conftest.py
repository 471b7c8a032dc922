"""Shared checks for the numpy family's tests: exact array identity, and a manager with the plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from satchel import PackagersManager


def _expected_layout(expected: np.ndarray) -> tuple[bool, bool]:
    """The contiguity flags a round trip gives: the same for a contiguous array, C otherwise."""
    if not (expected.flags.c_contiguous or expected.flags.f_contiguous):
        expected = np.ascontiguousarray(expected)
    return expected.flags.c_contiguous, expected.flags.f_contiguous


def same_values(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Elementwise identity: bit for bit for floats (NaN payloads, -0.0), NaT equal to NaT."""
    dtype = expected.dtype
    if dtype.names is not None:
        same = np.ones(expected.shape, dtype=bool)
        for name in dtype.names:
            field = same_values(expected[name], actual[name])
            same &= field.all(axis=tuple(range(expected.ndim, field.ndim)))  # sub-array fields
        return same
    kind = dtype.kind
    if kind == "O":
        flat = [
            _same_object(e, a) for e, a in zip(expected.reshape(-1).tolist(), actual.reshape(-1).tolist())
        ]
        return np.array(flat, dtype=bool).reshape(expected.shape)
    if kind == "c":
        return same_values(expected.real, actual.real) & same_values(expected.imag, actual.imag)
    if kind == "f" and dtype.itemsize <= 8:
        bits = np.dtype(f"u{dtype.itemsize}")
        return expected.view(bits) == actual.view(bits)  # same itemsize: any strides can be viewed
    if kind == "f":
        nan = np.isnan(expected) & np.isnan(actual)
        return ((expected == actual) | nan) & (np.signbit(expected) == np.signbit(actual))
    if kind in "mM":
        return expected.view(np.int64) == actual.view(np.int64)
    if kind == "V":
        flat = [bytes(e) == bytes(a) for e, a in zip(expected.reshape(-1), actual.reshape(-1))]
        return np.array(flat, dtype=bool).reshape(expected.shape)
    return np.asarray(expected == actual, dtype=bool)


def _same_object(expected: Any, actual: Any) -> bool:
    if isinstance(expected, np.ndarray):
        return isinstance(actual, np.ndarray) and bool(same_values(expected, actual).all())
    if isinstance(expected, float) and expected != expected:
        return isinstance(actual, float) and actual != actual
    return type(expected) is type(actual) and expected == actual


def assert_identical(expected: Any, actual: Any, *, allow_memmap: bool = False, layout: bool = True) -> None:
    """Same type, dtype (byte order, fields, alignment), shape, memory order and values, exactly.

    `numpy.testing.assert_array_equal` is not enough: it ignores dtype, order and NaN bits.
    Lists and dicts of arrays: same type, same keys in the same order, each array identical.
    `layout=False` skips the order flags (comparing an input with a copy made before packing).
    """
    if isinstance(expected, dict):
        assert type(actual) is type(expected), f"got a {type(actual).__qualname__}, expected a dict"
        assert list(actual) == list(expected), f"keys {list(actual)} != {list(expected)}"
        for name in expected:
            assert_identical(expected[name], actual[name], allow_memmap=allow_memmap, layout=layout)
        return
    if isinstance(expected, list):
        assert type(actual) is list, f"got a {type(actual).__qualname__}, expected a list"
        assert len(actual) == len(expected), f"{len(actual)} arrays, expected {len(expected)}"
        for e, a in zip(expected, actual):
            assert_identical(e, a, allow_memmap=allow_memmap, layout=layout)
        return
    if isinstance(expected, np.generic):
        assert type(actual) is type(expected), f"got {type(actual)}, expected {type(expected)}"
        assert_identical(np.asarray(expected), np.asarray(actual))
        return
    allowed = (type(expected), np.memmap) if allow_memmap else (type(expected),)
    assert type(actual) in allowed, (
        f"got a {type(actual).__qualname__}, expected a {type(expected).__qualname__}"
    )
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype!r} != {expected.dtype!r}"
    assert actual.dtype.str == expected.dtype.str, f"dtype {actual.dtype.str} != {expected.dtype.str}"
    assert actual.dtype.isalignedstruct == expected.dtype.isalignedstruct, "aligned struct flag differs"
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    c, f = _expected_layout(expected) if layout else (actual.flags.c_contiguous, actual.flags.f_contiguous)
    assert (actual.flags.c_contiguous, actual.flags.f_contiguous) == (c, f), (
        f"order flags C={actual.flags.c_contiguous} F={actual.flags.f_contiguous}, expected C={c} F={f}"
    )
    same = same_values(expected, actual)
    assert bool(np.all(same)), (
        f"values differ at {np.argwhere(~same)[:5].tolist()}: {actual!r} != {expected!r}"
    )


@pytest.fixture(scope="session")
def identical() -> Callable[..., None]:
    """`assert_identical(expected, actual)`: exact array (or list/dict of arrays) identity."""
    return assert_identical


@pytest.fixture(scope="session")
def elementwise_same() -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """`same_values(expected, actual)`: a boolean array, True where the values are identical."""
    return same_values


@pytest.fixture
def numpy_manager() -> Iterator[PackagersManager]:
    """A manager with the numpy family alone (cleared after the test)."""
    manager = PackagersManager(installed=False)
    manager.collect_packagers(["satchel_numpy.packagers"], default_priority=5, mandatory=True)
    yield manager
    manager.clear()
