"""The S3 payload store passes satchel's payload store kit, against a real S3 server."""

from __future__ import annotations

import functools

from satchel.testing import check_payload_store
from satchel_s3 import S3Payloads


def test_the_s3_store_passes_the_kit(bucket):
    check_payload_store(
        functools.partial(S3Payloads, bucket.url), count_stored=lambda: len(bucket.keys()), processes=3
    )
