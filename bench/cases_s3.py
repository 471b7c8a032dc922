"""Payloads in S3 (`satchel-s3`) against raw obstore calls, on a moto S3 server on loopback.

- `s3-put-100KB-x50` / `s3-get-100KB-x50`: 50 payloads of 100 KB each stored with
  `S3Payloads.put` (put-if-absent, staged file removed) vs `obstore.put(..., mode="create")` of
  the same files; read back with `S3Payloads.local_path` (download into the cache, BLAKE3 check,
  rename) vs `obstore.get` streamed into a local file.
- `s3-put-64MB` / `s3-get-64MB`: one big payload the same ways (multipart both sides).

The server (`python -m moto.server`, another process so that it never shares the GIL with the
client) is started once by the first case and stopped at exit. It is Python: its own speed bounds
both sides, so the ratios say what satchel adds, not what a real S3 would give.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.harness import Comparison, Target, Variant

SMALL = 100_000
COUNT = 50
BIG = 64 << 20
BUCKET = "satchel-bench"
_SERVER: dict[str, Any] = {}


def start_server() -> None:
    """Start moto's S3 server on a free loopback port (once) and point the AWS variables at it."""
    if _SERVER:
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(process.terminate)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
    )
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    _SERVER.update(process=process, endpoint=endpoint)


class _Files:
    """Local files of fresh random bytes (new digests each repetition), and their digests."""

    def __init__(self, folder: Path, size: int, count: int) -> None:
        self.folder, self.size, self.count = folder, size, count
        self.paths: list[Path] = []
        self.digests: list[str] = []
        self.renew()

    def renew(self) -> None:
        from satchel.payloads import hash_path

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.paths = []
        for number in range(self.count):
            path = self.folder / f"payload-{number}.bin"
            with open(path, "wb") as sink:
                for start in range(0, self.size, 1 << 20):
                    sink.write(os.urandom(min(1 << 20, self.size - start)))
            self.paths.append(path)
        self.digests = [hash_path(path)[0] for path in self.paths]


def _stores(prefix: str) -> tuple[Any, Any]:
    from obstore.store import S3Store

    from satchel_s3 import S3Payloads

    raw = S3Store(BUCKET, prefix=f"{prefix}/raw", client_options={"allow_http": True})
    return raw, S3Payloads(f"s3://{BUCKET}/{prefix}/satchel")


# -- puts ----------------------------------------------------------------------------------------


def put_setup(size: int, count: int) -> Any:
    def setup(_: Any, scratch: Path) -> Any:
        raw, payloads = _stores(f"put-{uuid.uuid4().hex}")
        return raw, payloads, _Files(scratch / "files", size, count)

    return setup


def raw_put(state: Any) -> None:
    import obstore

    raw, _, files = state
    for path, digest in zip(files.paths, files.digests):
        key = f"{digest[7:9]}/{digest[7:]}"
        if path.stat().st_size <= 16 << 20:
            obstore.put(raw, key, path, mode="create")
        else:
            obstore.put(raw, key, path)


def satchel_put(state: Any) -> None:
    _, payloads, files = state
    for path, digest in zip(files.paths, files.digests):
        payloads.put(path, digest)


def renew_files(state: Any) -> None:
    state[2].renew()


# -- gets ----------------------------------------------------------------------------------------


def get_setup(size: int, count: int) -> Any:
    def setup(_: Any, scratch: Path) -> Any:
        import obstore

        raw, payloads = _stores(f"get-{uuid.uuid4().hex}")
        payloads.cache = type(payloads.cache)(scratch / "cache")
        files = _Files(scratch / "files", size, count)
        for path, digest in zip(files.paths, files.digests):
            obstore.put(raw, f"{digest[7:9]}/{digest[7:]}", path)
            payloads.put(path, digest)
        return raw, payloads, files.digests, scratch / "downloads"

    return setup


def raw_get(state: Any) -> None:
    import obstore

    raw, _, digests, folder = state
    folder.mkdir(exist_ok=True)
    for digest in digests:
        result = obstore.get(raw, f"{digest[7:9]}/{digest[7:]}")
        with open(folder / digest[7:], "wb") as sink:
            for chunk in result.stream(min_chunk_size=8 << 20):
                sink.write(chunk)


def satchel_get(state: Any) -> None:
    _, payloads, digests, _ = state
    for digest in digests:
        payloads.local_path(digest)


def clear_downloads(state: Any) -> None:
    _, payloads, _, folder = state
    payloads.cache.clear()
    shutil.rmtree(folder, ignore_errors=True)


def cases() -> list[Comparison]:
    """The four S3 cases (no memory runs: the server lives in the parent's process group)."""
    common = {"prepare": start_server, "memory": False}
    return [
        Comparison(
            name="s3-put-100KB-x50",
            variants=[
                Variant("obstore put", raw_put, setup=put_setup(SMALL, COUNT), reset=renew_files),
                Variant("satchel put", satchel_put, setup=put_setup(SMALL, COUNT), reset=renew_files),
            ],
            targets=[Target("time_ratio", 1.3)],
            description="50 payloads of 100 KB, put-if-absent",
            **common,
        ),
        Comparison(
            name="s3-get-100KB-x50",
            variants=[
                Variant("obstore get", raw_get, setup=get_setup(SMALL, COUNT), reset=clear_downloads),
                Variant("satchel get", satchel_get, setup=get_setup(SMALL, COUNT), reset=clear_downloads),
            ],
            targets=[Target("time_ratio", 1.3)],
            description="50 payloads of 100 KB, downloaded to local files (satchel: checked, cached)",
            **common,
        ),
        Comparison(
            name="s3-put-64MB",
            variants=[
                Variant("obstore put", raw_put, setup=put_setup(BIG, 1), reset=renew_files),
                Variant("satchel put", satchel_put, setup=put_setup(BIG, 1), reset=renew_files),
            ],
            targets=[Target("time_ratio", 1.3)],
            payload_bytes=BIG,
            repeat=5,
            description="one 64 MB payload, multipart",
            **common,
        ),
        Comparison(
            name="s3-get-64MB",
            variants=[
                Variant("obstore get", raw_get, setup=get_setup(BIG, 1), reset=clear_downloads),
                Variant("satchel get", satchel_get, setup=get_setup(BIG, 1), reset=clear_downloads),
            ],
            targets=[Target("time_ratio", 1.3)],
            payload_bytes=BIG,
            repeat=5,
            description="one 64 MB payload, streamed to a local file (satchel: hashed on the way)",
            **common,
        ),
    ]
