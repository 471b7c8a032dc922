"""Store backends from other distributions, found by URL scheme through `satchel.stores`.

The backends here are written as a third party would: against `satchel.backends` only, in a
module of their own, registered by a fake installed distribution. Runs, loads and listings then
go through them with no change to the tracking code.
"""

from __future__ import annotations

import pytest

import satchel
from satchel import SatchelError

BACKEND = '''
import shutil
from pathlib import Path

from satchel.backends import PayloadStore
from satchel.payloads import hash_path


class MirrorPayloads(PayloadStore):
    """Payloads copied into a flat folder (as an object store would hold them), read through a cache."""

    def __init__(self, url):
        self.url = url
        self.root = Path(url[len("mirror://"):])
        self.objects = self.root / "objects"
        self.cache = self.root / "cache"
        self.staging = self.root / "staging"
        for folder in (self.objects, self.cache, self.staging):
            folder.mkdir(parents=True, exist_ok=True)

    def staging_root(self):
        return self.staging

    def _object(self, digest):
        return self.objects / digest.replace(":", "-")

    def put(self, source, digest):
        target = self._object(digest)
        if not target.exists():
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copyfile(source, target)
        shutil.rmtree(source) if source.is_dir() else source.unlink()

    def exists(self, digest):
        return self._object(digest).exists()

    def local_path(self, digest):
        cached = self.cache / digest.replace(":", "-")
        if not cached.exists():
            source = self._object(digest)
            if source.is_dir():
                shutil.copytree(source, cached)
            elif source.exists():
                shutil.copyfile(source, cached)
        return cached

    def verify(self, digest):
        target = self._object(digest)
        return hash_path(target)[0] if target.exists() else None


def open_payloads(url):
    return MirrorPayloads(url)


def not_a_store(url):
    return object()


def broken(url):
    raise RuntimeError("cannot reach the service")
'''


def total(data: list[int]) -> int:
    return sum(data)


@pytest.fixture
def backend(make_module, dist_writer, tmp_path, monkeypatch):
    module = make_module(BACKEND)
    folder = tmp_path / "site"
    dist_writer(
        folder,
        "satchel_mirror",
        "1.0",
        {
            "mirror": f"{module}:open_payloads",
            "wrongkind": f"{module}:not_a_store",
            "broken": f"{module}:broken",
        },
        group="satchel.stores",
    )
    monkeypatch.syspath_prepend(str(folder))
    return tmp_path / "mirror"


def test_runs_store_their_payloads_through_an_installed_backend(store, backend, monkeypatch):
    monkeypatch.setenv("SATCHEL_PAYLOADS", f"mirror://{backend}")
    run = satchel.run(lambda: [1, 2, 3], returns="data:file", project="p")
    digest = run.artifacts["data"].hash
    assert (backend / "objects" / digest.replace(":", "-")).read_text().strip() == "[1, 2, 3]"
    assert not (store / "payloads").exists()  # nothing went to the embedded payload folder
    assert satchel.load("store://p/data") == [1, 2, 3]
    assert [path for path in (backend / "staging").rglob("*") if not path.is_dir()] == []
    consumer = satchel.run(total, inputs={"data": "store://p/data"}, returns="sum", project="p")
    assert consumer.results == {"sum": 6}


def test_an_unknown_scheme_names_the_distribution_to_install(store, monkeypatch):
    monkeypatch.setenv("SATCHEL_PAYLOADS", "gcs://bucket/prefix")
    with pytest.raises(SatchelError, match=r"no installed store backend serves gcs:// URLs .*satchel-gcs"):
        satchel.list_runs()


def test_a_password_in_a_url_is_never_shown(store, monkeypatch):
    monkeypatch.setenv("SATCHEL_RECORDS", "postgresql://alice:secret@localhost:5432/db")
    with pytest.raises(SatchelError) as caught:
        satchel.list_runs()
    assert "secret" not in str(caught.value) and "alice:***@localhost" in str(caught.value)


@pytest.mark.parametrize(
    "scheme,message",
    [
        ("wrongkind", "gave a object for payloads, not a PayloadStore"),
        ("broken", "failed to open wrongkind://x: RuntimeError: cannot reach the service"),
    ],
)
def test_a_backend_that_fails_is_named(store, backend, monkeypatch, scheme, message):
    monkeypatch.setenv("SATCHEL_PAYLOADS", f"{scheme}://x")
    with pytest.raises(SatchelError) as caught:
        satchel.list_runs()
    assert "satchel_mirror" in str(caught.value)
    assert message.replace("wrongkind", scheme) in str(caught.value)
