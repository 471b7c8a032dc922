"""A real S3-compatible server for the tests: moto's server mode on a free loopback port.

One server per test process (started on first use, stopped at the end); each test gets a
bucket of its own, the `AWS_*` variables pointing at the server, and a cache folder of its own.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_buckets = itertools.count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server listening on 127.0.0.1 only."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Bucket:
    """The test's bucket: its payloads URL, and direct access to its objects."""

    name: str
    url: str
    endpoint: str
    cache: Path

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def keys(self) -> list[str]:
        """Every object key in the bucket."""
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def overwrite(self, key: str, data: bytes) -> None:
        """Replace an object's bytes, keeping its metadata (what a tampering would do)."""
        client = self.client()
        metadata = client.head_object(Bucket=self.name, Key=key)["Metadata"]
        client.put_object(Bucket=self.name, Key=key, Body=data, Metadata=metadata)

    def delete(self, key: str) -> None:
        self.client().delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A new bucket, with the AWS variables set for it and `SATCHEL_S3_CACHE` in tmp_path."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("SATCHEL_S3_CACHE", str(tmp_path / "s3-cache"))
    name = f"satchel-test-{os.getpid()}-{next(_buckets)}"
    found = Bucket(name, f"s3://{name}/team/payloads", s3_endpoint, tmp_path / "s3-cache")
    found.client().create_bucket(Bucket=name)
    return found
