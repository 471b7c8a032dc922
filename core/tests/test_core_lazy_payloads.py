"""An artifact read from the store resolves its payload on first read, never when a run is built.

A remote payload store fetches on `local_path(digest)`, so listing runs or building a `Run` must
not call it; `Artifact.local_path()` does, once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import satchel
from satchel import Artifact, UnpackingError
from satchel.cli.main import main
from satchel.tracking.store.folder_payloads import FolderPayloads


@pytest.fixture
def fetches(monkeypatch) -> list[str]:
    """Every digest `FolderPayloads.local_path` is asked for."""
    asked: list[str] = []
    original = FolderPayloads.local_path

    def counting(self, digest):
        asked.append(digest)
        return original(self, digest)

    monkeypatch.setattr(FolderPayloads, "local_path", counting)
    return asked


def test_building_and_listing_runs_fetches_no_payload(store, fetches):
    run = satchel.run(lambda: ([1, 2], {"a": 1}), returns=["numbers:file", "words:file"], project="p")
    satchel.list_runs("p")
    satchel.get_run(run.id)
    assert fetches == []  # neither the run just made, nor the listing, nor get_run
    assert run.artifacts["numbers"].path is None  # the staged file is gone; nothing fetched yet


def test_the_payload_is_fetched_once_on_first_read(store, fetches):
    run = satchel.run(lambda: [1, 2], returns="numbers:file", project="p")
    artifact = satchel.get_run(run.id).artifacts["numbers"]
    first = artifact.local_path()
    assert artifact.local_path() == first
    assert fetches == [artifact.hash]
    assert Path(first).is_relative_to(store / "payloads")
    assert satchel.get_run(run.id).output("numbers") == [1, 2]


def test_a_load_by_uri_reads_only_its_own_payload(store, fetches):
    satchel.run(lambda: ([1], [2]), returns=["a:file", "b:file"], project="p")
    assert satchel.load("store://p/a") == [1]
    assert len(fetches) == 1


def test_a_path_set_by_hand_wins_over_the_resolver(tmp_path):
    mine = tmp_path / "mine.txt"
    mine.write_text("x")
    artifact = Artifact(key="k", kind=None, path=str(mine), resolver=lambda: "/nowhere")
    assert artifact.local_path() == str(mine)


def test_a_resolver_error_names_the_artifact():
    def missing() -> str:
        raise UnpackingError("blake3:00 is not in s3://bucket")

    artifact = Artifact(key="weights", kind="file", resolver=missing)
    with pytest.raises(UnpackingError, match=r"the payload of artifact 'weights': blake3:00 is not in s3://"):
        artifact.local_path()


def test_show_names_where_the_payload_is_stored_without_fetching(store, fetches, capsys):
    run = satchel.run(lambda: [1], returns="numbers:file", project="p")
    digest = run.artifacts["numbers"].hash
    assert main(["show", "store://p/numbers"]) == 0
    out = capsys.readouterr().out
    assert str(FolderPayloads(store).path_of(digest)) in out
    assert fetches == []
