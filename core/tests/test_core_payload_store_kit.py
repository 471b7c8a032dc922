"""`satchel.testing.check_payload_store` passes the built-in folder store and fails broken stores."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from satchel.payloads import remove_payload
from satchel.testing import check_payload_store
from satchel.tracking.store.folder_payloads import FolderPayloads


def count_payloads(root: Path) -> int:
    folder = root / "payloads"
    return sum(1 for shard in folder.iterdir() for _ in shard.iterdir()) if folder.exists() else 0


def test_the_folder_store_passes_the_kit(tmp_path):
    root = tmp_path / "store"
    check_payload_store(
        functools.partial(FolderPayloads, root), count_stored=lambda: count_payloads(root), processes=3
    )


def test_the_kit_runs_again_on_the_same_store(tmp_path):
    root = tmp_path / "store"
    for _ in range(2):
        check_payload_store(
            functools.partial(FolderPayloads, root), count_stored=lambda: count_payloads(root), processes=0
        )


class Overwriting(FolderPayloads):
    """Replaces what is stored: a put of an existing digest must keep the stored payload."""

    def put(self, source: Path, digest: str) -> None:
        target = self.path_of(digest)
        if target.exists():
            target.chmod(0o644)
            remove_payload(target)
        super().put(source, digest)


class KeepsSource(FolderPayloads):
    """Copies instead of taking the staged payload."""

    def put(self, source: Path, digest: str) -> None:
        target = self.path_of(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)


class StoresTwice(FolderPayloads):
    """Stores each put under a new name: identical bytes must be stored once."""

    def put(self, source: Path, digest: str) -> None:
        if self.path_of(digest).exists():
            spare = self.path_of(digest).with_name(f"{self.path_of(digest).name}.copy{id(source)}")
            source.rename(spare)
            return
        super().put(source, digest)


class VerifiesNothing(FolderPayloads):
    """Says every payload is fine, even a missing one."""

    def verify(self, digest: str) -> str | None:
        return digest


@pytest.mark.parametrize(
    "broken,message",
    [
        (Overwriting, "replaced the stored payload"),
        (KeepsSource, "left the staged"),
        (StoresTwice, "added 2 payloads, expected 1"),
        (VerifiesNothing, "verify() of a payload never stored gave"),
    ],
)
def test_the_kit_fails_a_broken_store(tmp_path, broken, message):
    root = tmp_path / "store"
    with pytest.raises(AssertionError) as caught:
        check_payload_store(lambda: broken(root), count_stored=lambda: count_payloads(root), processes=0)
    assert message in str(caught.value)
