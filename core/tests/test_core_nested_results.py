"""`Packager.result_of`: a value nested in a result is logged as it would be on its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from satchel import DefaultPackager, PackingError, SatchelError, UnpackingError


class Bag:
    """A container of anything, logged as a JSON list of its items' results."""

    def __init__(self, *items: object) -> None:
        self.items = list(items)


class BagPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Bag
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return [self.result_of(item, f"{key}[{i}]") for i, item in enumerate(obj.items)]


class DecimalPackager(DefaultPackager):
    """A third party's scalar-like type: logged as its exact text."""

    PACKABLE_OBJECT_TYPE = Decimal
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        if obj.is_nan():
            raise ValueError("no NaN here")
        return str(obj)


class Blob:
    """Packed as a file by default (its packager also supports `result`, when asked)."""


class BlobPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Blob
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".blob")
        path.write_bytes(b"blob")
        return path, {}

    def unpack_file(self, item):
        return self.result_of(1, "x")  # a helper of packing: fails while unpacking

    def pack_result(self, obj, key):
        return "blob"


class Odd:
    """Its packager logs something that is not a JSON value."""


class OddPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Odd
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return object()


@pytest.fixture
def nested(manager):
    manager.collect_packagers([BagPackager, DecimalPackager, BlobPackager, OddPackager], mandatory=True)
    return manager


def test_items_are_logged_by_their_own_packagers(nested):
    assert nested.pack(Bag(Decimal("0.10"), Bag(Decimal("2"))), "m") == {"m": ["0.10", ["2"]]}


def test_on_its_own_means_as_the_manager_would_pack_it(nested):
    """Core alone pickles an int, so it is not logged as a result either (builtins logs it)."""
    expected = r"'m\[0\]' is a builtins.int, which satchel.DefaultPackager packs as 'object'"
    with pytest.raises(PackingError, match=expected):
        nested.pack(Bag(1), "m")


def test_a_value_packed_as_a_file_on_its_own_is_not_logged_inside_a_result(nested):
    with pytest.raises(PackingError) as error:
        nested.pack(Bag(Blob()), "m")
    message = str(error.value)
    assert "result 'm[0]' is a " in message and "Blob, which " in message
    assert "BlobPackager packs as 'file', not as a result" in message
    assert "'**'" in message


class Sack(Bag):
    """Its packager tells which items nobody logs as a result."""


class SackPackager(BagPackager):
    PACKABLE_OBJECT_TYPE = Sack
    MARKER = object()

    def pack_result(self, obj, key):
        return [self.result_of(item, key, self.MARKER) is self.MARKER for item in obj.items]


def test_the_default_is_returned_when_nobody_logs_the_value_as_a_result(nested):
    nested.collect_packagers([SackPackager])
    assert nested.pack(Sack(Blob(), Decimal(1), 3), "m") == {"m": [True, False, True]}


def test_a_nested_packager_that_fails_is_named_with_the_nested_key(nested):
    expected = r"DecimalPackager failed to pack 'm\[1\]' \(Decimal\) as 'result': ValueError: no NaN"
    with pytest.raises(PackingError, match=expected):
        nested.pack(Bag(Decimal(1), Decimal("nan")), "m")


def test_a_nested_result_that_is_not_a_json_value(nested):
    with pytest.raises(PackingError, match=r"OddPackager returned a object for result 'm\[0\]'"):
        nested.pack(Bag(Odd()), "m")


def test_result_of_needs_a_pack_in_progress(nested):
    with pytest.raises(SatchelError, match="only be used while satchel is packing"):
        BagPackager().result_of(Decimal(1), "x")
    artifact = nested.pack(Blob(), "b")
    with pytest.raises(UnpackingError, match="while satchel is packing, not unpacking"):
        nested.unpack(artifact, Blob)
