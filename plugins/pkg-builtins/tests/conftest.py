"""Fixtures for the satchel-builtins tests: a manager with only these packagers, exact equality."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from satchel import PackagersManager
from satchel_builtins._ordering import order_key


def assert_exact(expected, actual, where="value"):
    """Equal, with the same types all the way down; NaN equals NaN of the same sign, -0.0 is not 0.0."""
    assert type(actual) is type(expected), (
        f"{where}: got a {type(actual).__name__} ({actual!r:.80}), expected a "
        f"{type(expected).__name__} ({expected!r:.80})"
    )
    if isinstance(expected, float):
        if math.isnan(expected):
            sign = math.copysign(1, expected)
            assert math.isnan(actual), f"{where}: got {actual!r}, expected nan"
            assert math.copysign(1, actual) == sign, f"{where}: the sign bit of the NaN flipped"
        else:
            assert actual == expected and math.copysign(1, actual) == math.copysign(1, expected), (
                f"{where}: got {actual!r}, expected {expected!r}"
            )
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{where}: got {len(actual)} items, expected {len(expected)}"
        for position, (one, other) in enumerate(zip(expected, actual)):
            assert_exact(one, other, f"{where}[{position}]")
    elif isinstance(expected, dict):
        assert len(actual) == len(expected), f"{where}: got {len(actual)} keys, expected {len(expected)}"
        for (key, value), (key2, value2) in zip(expected.items(), actual.items()):
            assert_exact(key, key2, f"{where} key {key!r}")
            assert_exact(value, value2, f"{where}[{key!r}]")
    elif isinstance(expected, (set, frozenset)):
        assert len(actual) == len(expected), f"{where}: got {len(actual)} items, expected {len(expected)}"
        for position, (one, other) in enumerate(
            zip(sorted(expected, key=order_key), sorted(actual, key=order_key))
        ):
            assert_exact(one, other, f"{where} item {position}")
    else:
        assert actual == expected, f"{where}: got {actual!r}, expected {expected!r}"


@pytest.fixture
def exact():
    """`assert_exact(expected, actual)`."""
    return assert_exact


@pytest.fixture
def manager() -> Iterator[PackagersManager]:
    """A manager with only the builtins packagers (and the pickling default), cleared after."""
    with PackagersManager(installed=False) as packagers:
        packagers.collect_packagers(["satchel_builtins.packagers"], default_priority=5, mandatory=True)
        yield packagers
