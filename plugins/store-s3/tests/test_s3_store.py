"""`S3Payloads` itself against a real S3 server: URLs, objects, big payloads, cache, progress."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import satchel
from satchel import SatchelError, UnpackingError
from satchel.payloads import hash_path
from satchel_s3 import PayloadCache, S3Payloads, default_root, transfer
from satchel_s3.store import parse_url


def stage(store: S3Payloads, name: str, data: bytes) -> tuple[Path, str]:
    path = store.staging_root() / name
    path.write_bytes(data)
    return path, hash_path(path)[0]


@pytest.mark.parametrize(
    "url,parsed",
    [("s3://b", ("b", "")), ("s3://b/", ("b", "")), ("s3://b/team/payloads/", ("b", "team/payloads"))],
)
def test_urls_give_a_bucket_and_a_prefix(url, parsed):
    assert parse_url(url) == parsed


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix", "gs://b/p"])
def test_a_url_without_a_bucket_says_what_to_write(url):
    with pytest.raises(SatchelError, match=r"use s3://BUCKET or s3://BUCKET/PREFIX"):
        parse_url(url)


def test_the_entry_point_opens_the_store_and_reports_a_bad_url(bucket, tmp_path, monkeypatch):
    from satchel.tracking.store.opening import forget_open_stores, open_store

    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "home"))
    try:
        monkeypatch.setenv("SATCHEL_PAYLOADS", bucket.url)
        assert isinstance(open_store().payloads, S3Payloads)
        monkeypatch.setenv("SATCHEL_PAYLOADS", "s3:///no-bucket")
        with pytest.raises(SatchelError, match=r"payloads URL 's3:///no-bucket': use s3://BUCKET"):
            satchel.list_runs()
    finally:
        forget_open_stores()


def test_objects_are_named_by_digest_under_the_prefix_and_marked_file_or_folder(bucket):
    store = S3Payloads(bucket.url)
    source, digest = stage(store, "one.bin", b"some bytes")
    store.put(source, digest)
    folder = store.staging_root() / "tree"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "x.txt").write_text("x")
    tree_digest = hash_path(folder)[0]
    store.put(folder, tree_digest)
    hexes = [digest[7:], tree_digest[7:]]
    assert bucket.keys() == sorted(f"team/payloads/{h[:2]}/{h}" for h in hexes)
    client = bucket.client()
    kinds = [
        client.head_object(Bucket=bucket.name, Key=f"team/payloads/{h[:2]}/{h}")["Metadata"] for h in hexes
    ]
    assert kinds == [{"satchel-payload": "file"}, {"satchel-payload": "folder"}]
    assert store.location(digest) == f"s3://{bucket.name}/team/payloads/{hexes[0][:2]}/{hexes[0]}"
    assert (store.local_path(tree_digest) / "inner" / "x.txt").read_text() == "x"


def test_a_big_payload_goes_up_in_parts_and_comes_back_whole(bucket, monkeypatch):
    monkeypatch.setattr(transfer, "SINGLE_PUT_LIMIT", 1 << 20)
    monkeypatch.setattr(transfer, "CHUNK_SIZE", 5 << 20)  # S3's smallest part
    store = S3Payloads(bucket.url)
    data = os.urandom(12 << 20)
    source, digest = stage(store, "big.bin", data)
    store.put(source, digest)
    (key,) = bucket.keys()
    assert bucket.client().head_object(Bucket=bucket.name, Key=key)["ETag"].endswith('-3"')  # 3 parts
    assert store.verify(digest) == digest
    assert store.local_path(digest).read_bytes() == data
    again, _ = stage(store, "again.bin", data)
    store.put(again, digest)  # already there: not uploaded again
    assert not again.exists() and len(bucket.keys()) == 1


MEMORY = """
import os, sys
from pathlib import Path
from blake3 import blake3
from satchel_s3 import S3Payloads

def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) >> 10

store = S3Payloads(sys.argv[1])
source, hasher = Path(store.staging_root()) / "big.bin", blake3()
with open(source, "wb") as sink:
    for _ in range(int(sys.argv[2])):
        block = os.urandom(1 << 20)
        hasher.update(block)
        sink.write(block)
digest = "blake3:" + hasher.hexdigest()
before = peak_mib()
store.put(source, digest)
store.local_path(digest)
print(peak_mib() - before, store.verify(digest) == digest)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak memory from /proc")
def test_memory_does_not_grow_with_the_payload_size(bucket):
    size_mib = 128
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(MEMORY), bucket.url, str(size_mib)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    growth, verified = done.stdout.split()
    assert verified == "True"
    # parts in flight (CHUNK_SIZE x CONCURRENCY = 32 MiB) and the client: well under the payload
    assert int(growth) < size_mib // 2, f"moving {size_mib} MiB up and down grew memory by {growth} MiB"


def test_a_missing_bucket_is_a_clear_error(bucket):
    store = S3Payloads(f"s3://{bucket.name}-absent/p")
    source, digest = stage(store, "x.bin", b"x")
    with pytest.raises(SatchelError, match=rf"cannot store {digest} at s3://{bucket.name}-absent/p/"):
        store.put(source, digest)
    assert not source.exists()  # taken even so: the run's scratch space is not left to fill up


def test_a_damaged_download_is_refused_and_never_cached(bucket):
    store = S3Payloads(bucket.url)
    source, digest = stage(store, "x.bin", b"the real bytes")
    store.put(source, digest)
    bucket.overwrite(bucket.keys()[0], b"other bytes")
    with pytest.raises(UnpackingError, match=r"hashes to blake3:\w+, not " + digest):
        store.local_path(digest)
    assert [p for p in bucket.cache.rglob("*") if p.is_file()] == []
    assert store.verify(digest) == hash_path_of(b"other bytes")


def hash_path_of(data: bytes) -> str:
    from blake3 import blake3

    return "blake3:" + blake3(data).hexdigest()


def test_the_cache_is_read_only_shared_and_cleared(bucket, tmp_path):
    store = S3Payloads(bucket.url)
    source, digest = stage(store, "x.bin", b"cached bytes")
    store.put(source, digest)
    cached = store.local_path(digest)
    assert cached.is_relative_to(bucket.cache)
    assert not cached.stat().st_mode & 0o222
    other = S3Payloads(f"s3://{bucket.name}/elsewhere")  # the cache is by content: shared
    assert other.cache.path_of(digest[7:]) == cached
    assert PayloadCache().size() == (1, len(b"cached bytes"))
    assert PayloadCache().clear() == 1
    assert PayloadCache().size() == (0, 0) and not cached.exists()


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SATCHEL_S3_CACHE", str(tmp_path / "mine"))
    assert default_root() == tmp_path / "mine"
    monkeypatch.delenv("SATCHEL_S3_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_root() == tmp_path / "xdg" / "satchel" / "s3"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_root() == tmp_path / "home" / ".cache" / "satchel" / "s3"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only():
    for stream, drawn in ((Terminal(), True), (io.StringIO(), False)):
        with transfer.progress(64 << 20, "upload 0123", stream) as bar:
            bar.advance(32 << 20)
        assert ("upload 0123" in stream.getvalue()) is drawn
    small = Terminal()
    with transfer.progress(1 << 10, "upload small", small) as bar:
        bar.advance(1 << 10)
    assert small.getvalue() == ""  # too small to be worth a bar


def test_a_folder_object_that_is_no_archive_is_reported_damaged(bucket):
    store = S3Payloads(bucket.url)
    folder = store.staging_root() / "tree"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    digest = hash_path(folder)[0]
    store.put(folder, digest)
    bucket.overwrite(bucket.keys()[0], b"not a tar archive at all")
    assert store.verify(digest).startswith("unreadable (")
    with pytest.raises(UnpackingError):
        store.local_path(digest)
    assert [p for p in bucket.cache.rglob("*") if not p.is_dir()] == []


def test_client_errors_are_one_line(bucket):
    store = S3Payloads(f"s3://{bucket.name}-absent/p")
    source, digest = stage(store, "x.bin", b"x")
    with pytest.raises(SatchelError) as caught:
        store.put(source, digest)
    assert "\n" not in str(caught.value) and "check the bucket exists" in str(caught.value)


def test_big_payloads_put_at_once_from_threads_leave_one_whole_object(bucket, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(transfer, "SINGLE_PUT_LIMIT", 1 << 20)
    monkeypatch.setattr(transfer, "CHUNK_SIZE", 5 << 20)
    store = S3Payloads(bucket.url)
    data = os.urandom(6 << 20)
    staged = [stage(store, f"big-{n}.bin", data) for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda item: store.put(*item), staged))
    digest = staged[0][1]
    assert len(bucket.keys()) == 1 and store.verify(digest) == digest
    intruder, _ = stage(store, "intruder.bin", os.urandom(6 << 20))
    store.put(intruder, digest)  # a stored digest is never replaced, multipart or not
    assert store.verify(digest) == digest
