"""Helpers to test `path` packagers: compare trees by content, and build a demanding sample tree.

`assert_same_contents` is an `assert_equal` for `satchel.testing.check_packager`: an unpacked
path lives somewhere else than the original, so paths are compared by what they hold.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _describe(path: Path) -> tuple[Any, ...]:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ("dir",)
    return ("file", _digest(path), bool(info.st_mode & stat.S_IXUSR))


def tree_snapshot(path: str | os.PathLike[str]) -> dict[str, tuple[Any, ...]]:
    """What a file or folder holds: relative name -> kind, content digest and exec bit, or link.

    A file is `{".": ("file", digest, executable)}`; a folder maps each member (links not
    followed) to its description, so two trees compare equal when they hold the same things.
    """
    root = Path(path)
    if not root.is_dir():
        return {".": _describe(root)}
    found = {}
    for current, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            member = Path(current) / name
            found[member.relative_to(root).as_posix()] = _describe(member)
    return found


def assert_same_contents(expected: Any, actual: Any) -> None:
    """Raise `AssertionError` unless `actual` is the same kind of path holding the same tree."""
    assert type(actual) is type(expected), (
        f"got a {type(actual).__qualname__}, expected a {type(expected).__qualname__}"
    )
    if not isinstance(expected, (str, os.PathLike)):
        assert actual == expected, f"got {actual!r}, expected {expected!r}"
        return
    want, got = tree_snapshot(expected), tree_snapshot(actual)
    if want != got:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        changed = sorted(name for name in set(want) & set(got) if want[name] != got[name])
        raise AssertionError(
            f"{actual} does not hold what {expected} holds: missing {missing}, extra {extra}, "
            f"different {changed}"
        )


def make_sample_tree(folder: str | os.PathLike[str]) -> Path:
    """Build a folder with what archives must keep: nesting, an empty folder, an executable,
    binary and unicode-named files, an empty file, and relative symlinks (to a file, to a
    folder, dangling) that all stay inside. Returns the folder.
    """
    root = Path(folder)
    (root / "nested" / "deeper" / "deepest").mkdir(parents=True)
    (root / "empty folder").mkdir()
    (root / "top.txt").write_text("top level\n", encoding="utf-8")
    (root / "nested" / "data.bin").write_bytes(bytes(range(256)) * 64)
    (root / "nested" / "deeper" / "deepest" / "leaf.txt").write_text("leaf", encoding="utf-8")
    (root / "nested" / "empty.txt").write_bytes(b"")
    (root / "ünïcødé ✓.txt").write_text("naïve café ✓", encoding="utf-8")
    script = root / "run.sh"
    script.write_text("#!/bin/sh\necho hello\n", encoding="utf-8")
    script.chmod(0o755)
    (root / "nested" / "to-top.txt").symlink_to(Path("..") / "top.txt")
    (root / "to-nested").symlink_to("nested", target_is_directory=True)
    (root / "dangling").symlink_to("nested/not-there")
    return root
