"""`satchel.testing.check_packager`: it passes a right packager and names what a wrong one breaks."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from satchel import DefaultPackager
from satchel.testing import check_packager


class Box:
    """A small value type of the tests' own."""

    def __init__(self, items: list[int]) -> None:
        self.items = items

    def __eq__(self, other: object) -> bool:
        return type(other) is Box and other.items == self.items

    def __repr__(self) -> str:
        return f"Box({self.items!r})"


class GoodBoxPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Box
    scratch_dir: str | None = None  # set by the `scratch` fixture: a test's own folder
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key, indent: int = 0):
        path = self.staging_path(key, ".json")
        handle, scratch = tempfile.mkstemp(dir=self.scratch_dir)  # outside satchel's folders
        os.close(handle)
        self.add_future_clearing_path(scratch)
        path.write_text(json.dumps(obj.items, indent=indent or None))
        return path, {"indent": indent}

    def unpack_file(self, item, indent: int = 0):
        return Box(json.loads(Path(item.local_path()).read_text()))

    def pack_result(self, obj, key):
        return list(obj.items)


@pytest.fixture(autouse=True)
def scratch(tmp_path, monkeypatch):
    """Where the packagers put the scratch files they register for clearing."""
    monkeypatch.setattr(GoodBoxPackager, "scratch_dir", str(tmp_path))
    return tmp_path


def test_a_right_packager_passes_with_every_artifact_type_and_configuration(scratch):
    check_packager(
        GoodBoxPackager,
        [Box([]), Box([1, 2, 3])],
        configurations={"file": [{"indent": 2}, {"indent": 4}]},
    )
    assert list(scratch.iterdir()) == []  # every scratch file registered was cleared


def test_the_fixture_is_the_same_check(check_packager):
    check_packager(GoodBoxPackager, [Box([7])])


def test_a_configuration_set_that_fails_is_reported():
    expected = r"with \{'width': 3\}: pack failed: .*unknown configuration 'width'"
    with pytest.raises(AssertionError, match=expected):
        check_packager(GoodBoxPackager, [Box([1])], configurations={"file": [{"width": 3}]})


class MutatingPackager(GoodBoxPackager):
    PACKABLE_OBJECT_TYPE = Box

    def pack_file(self, obj, key, indent: int = 0):
        obj.items.append(99)  # changes the caller's object
        return super().pack_file(obj, key, indent)


class WrongTypePackager(GoodBoxPackager):
    PACKABLE_OBJECT_TYPE = Box

    def unpack_file(self, item, indent: int = 0):
        return list(super().unpack_file(item, indent).items)


class ForgetfulPackager(GoodBoxPackager):
    PACKABLE_OBJECT_TYPE = Box

    def clear(self, paths):
        """Registers paths for clearing but never deletes them."""


class LaxPackager(GoodBoxPackager):
    PACKABLE_OBJECT_TYPE = Box

    def pack_file(self, obj, key, **anything):  # accepts any configuration silently
        return super().pack_file(obj, key)


class BadResultPackager(GoodBoxPackager):
    PACKABLE_OBJECT_TYPE = Box

    def pack_result(self, obj, key):
        return tuple(obj.items)  # JSON turns it into a list


@pytest.mark.parametrize(
    ("packager", "message"),
    [
        (MutatingPackager, "packing changed the sample"),
        (WrongTypePackager, r"(?s)unpack with hint .*Box.* failed: .*gave a list, not a Box"),
        (ForgetfulPackager, "was registered for clearing but remains"),
        (LaxPackager, "an unknown configuration was accepted"),
        (BadResultPackager, "is not a JSON value"),
    ],
    ids=["mutates", "wrong-type", "no-clearing", "lax-configuration", "tuple-result"],
)
def test_a_wrong_packager_fails_with_a_message_saying_what(packager, message):
    with pytest.raises(AssertionError, match=message):
        check_packager(packager, [Box([1, 2])])


def test_an_artifact_type_asked_for_but_declined_fails():
    class PickyPackager(GoodBoxPackager):
        PACKABLE_OBJECT_TYPE = Box

        def is_packable(self, obj, artifact_type, configurations):
            return artifact_type != "result" and super().is_packable(obj, artifact_type, configurations)

    check_packager(PickyPackager, [Box([1])])  # declining is fine when not asked for
    with pytest.raises(AssertionError, match="is not chosen"):
        check_packager(PickyPackager, [Box([1])], artifact_types=["file", "result"])


class HalfFilePackager(DefaultPackager):
    """Packs a `file` it can never unpack: before, collection let it through and its objects were
    silently pickled by the fallback, so the check passed."""

    PACKABLE_OBJECT_TYPE = Box
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".json")
        path.write_text(json.dumps(obj.items))
        return path, {}


def test_a_packager_collection_refuses_fails_the_check():
    with pytest.raises(AssertionError) as raised:
        check_packager(HalfFilePackager, [Box([1])])
    message = str(raised.value)
    assert message.startswith(f"{__name__}.HalfFilePackager cannot be collected: ")
    assert "HalfFilePackager has pack_file but no unpack_file" in message
    assert "add unpack_file" in message


def test_a_packager_with_an_unsupported_default_fails_the_check():
    class NoResult(GoodBoxPackager):
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "result"

    with pytest.raises(AssertionError, match=r"NoResult cannot be collected: .*NoResult.DEFAULT_UNPACKING"):
        check_packager(NoResult, [Box([1])])
