"""`check_payload_store`: the conformance check every payload store (built-in or a backend's) passes.

It stores files and folders through the store's own `staging_root()` and `put`, then reads them
back with `exists`, `local_path` and `verify`, and checks what the tracking code relies on:
identical bytes stored once, a stored payload never replaced, concurrent puts of one digest from
threads and from processes all succeeding with one payload. Failures are `AssertionError`s that
say what failed. Every call uses fresh random bytes, so it can run again on the same store.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from satchel.errors import SatchelError
from satchel.payloads.hashing import hash_path

#: A payload store is a `satchel.backends.PayloadStore`; the kit only calls its methods.
PayloadStoreFactory = Callable[[], Any]


def check_payload_store(
    open_store: PayloadStoreFactory,
    *,
    count_stored: Callable[[], int] | None = None,
    threads: int = 8,
    processes: int = 4,
) -> None:
    """Check the store `open_store()` returns (called once here, and once in each process).

    `open_store` must be picklable (a class, a module-level function, a `functools.partial`) for
    the process check, which starts `processes` fresh interpreters (none when 0). `count_stored`,
    when given, says how many payloads the store holds: it is used to check that identical bytes
    and concurrent puts of one digest leave exactly one more payload.
    """
    store = open_store()
    _check_file(store)
    _check_folder(store)
    _check_missing(store)
    _check_stored_once(store, count_stored)
    _check_existing_kept(store)
    if threads:
        _check_concurrent_threads(store, threads, count_stored)
    if processes:
        _check_concurrent_processes(store, open_store, processes, count_stored)


# -- staging ----------------------------------------------------------------------------------


def _stage_file(store: Any, data: bytes) -> Path:
    staging = Path(store.staging_root())
    assert staging.is_dir(), f"staging_root() gave {staging}, which is not a folder"
    path = staging / f"kit-{os.getpid()}-{uuid.uuid4().hex}.bin"
    path.write_bytes(data)
    return path


def _stage_folder(store: Any, seed: bytes) -> Path:
    return _stage_folder_at(Path(store.staging_root()) / f"kit-{os.getpid()}-{uuid.uuid4().hex}", seed)


def _stage_folder_at(folder: Path, seed: bytes) -> Path:
    """A small tree: nested folders, an empty one, an empty file."""
    (folder / "nested" / "deeper").mkdir(parents=True)
    (folder / "empty").mkdir()
    (folder / "top.txt").write_bytes(b"top " + seed)
    (folder / "nested" / "data.bin").write_bytes(seed * 3)
    (folder / "nested" / "deeper" / "last.txt").write_bytes(b"")
    return folder


def _read_tree(path: Path) -> dict[str, bytes | None]:
    return {
        item.relative_to(path).as_posix(): (item.read_bytes() if item.is_file() else None)
        for item in sorted(path.rglob("*"))
    }


def _put(store: Any, source: Path, digest: str, what: str) -> None:
    store.put(source, digest)
    assert not os.path.lexists(source), f"put({what}) left the staged {source} behind: put takes it"
    assert store.exists(digest), f"exists({digest}) is False right after put({what})"


# -- the checks -------------------------------------------------------------------------------


def _check_file(store: Any) -> None:
    data = os.urandom(4096) + b"file payload"
    source = _stage_file(store, data)
    digest, _ = hash_path(source)
    assert not store.exists(digest), f"exists({digest}) is True before anything was stored"
    _put(store, source, digest, "a file")
    local = Path(store.local_path(digest))
    assert local.is_file(), f"local_path() of a stored file gave {local}, which is not a file"
    assert local.read_bytes() == data, f"local_path() of a stored file gave other bytes ({local})"
    actual = store.verify(digest)
    assert actual == digest, f"verify() of a stored file gave {actual}, expected {digest}"


def _check_folder(store: Any) -> None:
    seed = os.urandom(64)
    source = _stage_folder(store, seed)
    expected = _read_tree(source)
    digest, _ = hash_path(source)
    _put(store, source, digest, "a folder")
    local = Path(store.local_path(digest))
    assert local.is_dir(), f"local_path() of a stored folder gave {local}, which is not a folder"
    tree = _read_tree(local)
    assert tree == expected, (
        f"local_path() of a stored folder holds {sorted(tree)}, expected {sorted(expected)}"
    )
    assert hash_path(local)[0] == digest, f"the folder at local_path() does not hash to {digest}"
    actual = store.verify(digest)
    assert actual == digest, f"verify() of a stored folder gave {actual}, expected {digest}"


def _check_missing(store: Any) -> None:
    digest = "blake3:" + os.urandom(32).hex()
    assert not store.exists(digest), f"exists() is True for {digest}, which was never stored"
    actual = store.verify(digest)
    assert actual is None, f"verify() of a payload never stored gave {actual!r}, expected None"
    try:
        local = store.local_path(digest)
    except SatchelError:  # UnpackingError: the clear way to say it
        return
    assert not os.path.exists(local), f"local_path() of a payload never stored gave {local}, which exists"


def _check_stored_once(store: Any, count_stored: Callable[[], int] | None) -> None:
    data = os.urandom(2048)
    before = count_stored() if count_stored else 0
    first = _stage_file(store, data)
    digest, _ = hash_path(first)
    _put(store, first, digest, "a file")
    _put(store, _stage_file(store, data), digest, "the same bytes again")
    assert store.verify(digest) == digest, "verify() failed after the same bytes were stored twice"
    if count_stored:
        added = count_stored() - before
        assert added == 1, f"storing the same bytes twice added {added} payloads, expected 1"


def _check_existing_kept(store: Any) -> None:
    data = os.urandom(1024)
    source = _stage_file(store, data)
    digest, _ = hash_path(source)
    _put(store, source, digest, "a file")
    intruder = _stage_file(store, b"other bytes under the same digest")
    _put(store, intruder, digest, "other bytes under a stored digest")
    assert store.verify(digest) == digest, "a put of an already stored digest replaced the stored payload"
    assert Path(store.local_path(digest)).read_bytes() == data, (
        "local_path() no longer gives the stored bytes"
    )


def _check_concurrent_threads(store: Any, threads: int, count_stored: Callable[[], int] | None) -> None:
    data = os.urandom(64 << 10)
    sources = [_stage_file(store, data) for _ in range(threads)]
    digest, _ = hash_path(sources[0])
    before = count_stored() if count_stored else 0
    with ThreadPoolExecutor(threads) as pool:
        failures = [f for f in [pool.submit(store.put, s, digest) for s in sources] if f.exception()]
    assert not failures, f"concurrent put() from {threads} threads raised: {failures[0].exception()!r}"
    left = [s for s in sources if os.path.lexists(s)]
    assert not left, f"concurrent put() left staged payloads behind: {left}"
    assert store.verify(digest) == digest, f"after {threads} concurrent puts, verify() does not give {digest}"
    if count_stored:
        added = count_stored() - before
        assert added == 1, f"{threads} concurrent puts of one digest added {added} payloads, expected 1"


def _check_concurrent_processes(
    store: Any, open_store: PayloadStoreFactory, processes: int, count_stored: Callable[[], int] | None
) -> None:
    seed = os.urandom(32 << 10)
    with tempfile.TemporaryDirectory(prefix="satchel-kit-") as scratch:
        reference = Path(scratch) / "file.bin"
        reference.write_bytes(seed)
        folder = _stage_folder_at(Path(scratch) / "folder", seed)
        digests = [hash_path(reference)[0], hash_path(folder)[0]]
        before = count_stored() if count_stored else 0
        context = multiprocessing.get_context("spawn")  # no fork: a store may hold threads
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            futures = [pool.submit(_put_in_process, open_store, seed) for _ in range(processes)]
            results = [future.result() for future in futures]
    for result in results:
        assert result == digests, f"a process computed digests {result}, expected {digests}"
    for digest in digests:
        assert store.exists(digest), f"after {processes} processes stored {digest}, exists() is False"
        assert store.verify(digest) == digest, (
            f"after {processes} concurrent puts, verify() of {digest} fails"
        )
        local = Path(store.local_path(digest))
        assert hash_path(local)[0] == digest, f"local_path() of {digest} does not hash to it"
    if count_stored:
        added = count_stored() - before
        assert added == 2, f"{processes} processes putting the same 2 payloads added {added}, expected 2"


def _put_in_process(open_store: PayloadStoreFactory, seed: bytes) -> list[str]:
    """In a fresh process: stage the shared file and folder, put both, return their digests."""
    store = open_store()
    staging = Path(store.staging_root())
    file = staging / f"kit-{os.getpid()}-{uuid.uuid4().hex}.bin"
    file.write_bytes(seed)
    folder = _stage_folder_at(staging / f"kit-{os.getpid()}-{uuid.uuid4().hex}", seed)
    digests = [hash_path(file)[0], hash_path(folder)[0]]
    store.put(file, digests[0])
    store.put(folder, digests[1])
    if os.path.lexists(file) or os.path.lexists(folder):
        shutil.rmtree(folder, ignore_errors=True)
        raise AssertionError("put() in a worker process left its staged payload behind")
    return digests
