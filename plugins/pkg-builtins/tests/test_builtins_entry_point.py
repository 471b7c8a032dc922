"""The installed distribution: its entry point is found, loads cleanly and wins over the default."""

from __future__ import annotations

import enum
import subprocess
import sys
from collections import Counter, OrderedDict, defaultdict, namedtuple

import pytest

from satchel import PackagersManager
from satchel.discovery.entry_points import normalize

DEFAULT = "satchel.DefaultPackager"


class Level(enum.IntEnum):
    LOW = 1


class Tag(str):
    pass


Pair = namedtuple("Pair", "a b")


@pytest.fixture
def installed():
    with PackagersManager(installed=True) as manager:
        yield manager


def test_the_entry_point_is_loaded(installed):
    (status,) = [plugin for plugin in installed.plugins if plugin.name == "builtins"]
    assert status.status == "loaded", status.reason
    # the folder's (normalized) spelling, satchel_builtins, may be reported: compare as packaging does
    assert normalize(status.distribution) == "satchel-builtins"
    assert status.value == "satchel_builtins.packagers"
    names = sorted(record.cls.__name__ for record in status.items)
    assert names == sorted(
        f"{name}Packager"
        for name in (
            *("Int", "Float", "Bool", "Str", "NoneType"),
            *("Dict", "List", "Tuple", "Set", "Frozenset", "Bytes", "Bytearray"),
        )
    )
    assert {record.priority for record in status.items} == {5}


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        (1, "IntPackager"),
        (True, "BoolPackager"),
        (1.5, "FloatPackager"),
        (None, "NoneTypePackager"),
        ("s", "StrPackager"),
        ({"a": 1}, "DictPackager"),
        ([1], "ListPackager"),
        ((1,), "TuplePackager"),
        ({1}, "SetPackager"),
        (frozenset(), "FrozensetPackager"),
        (b"", "BytesPackager"),
        (bytearray(), "BytearrayPackager"),
    ],
)
def test_builtins_are_chosen_over_the_default(installed, obj, name):
    assert installed.explain(obj).chosen == f"satchel_builtins.packagers.{name}"
    assert installed.explain(obj, "object").chosen == f"satchel_builtins.packagers.{name}"


@pytest.mark.parametrize(
    "obj",
    [Level.LOW, Tag("x"), OrderedDict(a=1), defaultdict(list, a=[1]), Counter("ab"), Pair(1, 2)],
    ids=lambda obj: type(obj).__name__,
)
def test_subclasses_go_to_the_pickling_default_and_keep_their_type(installed, obj):
    assert installed.explain(obj, "object").chosen == DEFAULT
    artifact = installed.pack(obj, "value:object")
    assert artifact.packager == DEFAULT
    back = installed.unpack(artifact)
    assert type(back) is type(obj) and back == obj


def test_importing_and_collecting_imports_no_heavy_library():
    code = (
        "import sys, satchel\n"
        "satchel.PackagersManager()\n"
        "import satchel_builtins\n"
        "heavy = ('yaml', 'numpy', 'pandas', 'pyarrow', 'cloudpickle')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
