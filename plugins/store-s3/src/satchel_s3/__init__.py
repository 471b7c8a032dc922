"""satchel payloads in S3-compatible object storage: `SATCHEL_PAYLOADS=s3://bucket/prefix`.

The `satchel.stores` entry point `s3` opens an `S3Payloads`; downloads are cached, checked, in
the folder `PayloadCache` says (`python -m satchel_s3 cache` shows it, `--clear` empties it).
"""

from satchel_s3.cache import PayloadCache, default_root
from satchel_s3.store import S3Payloads, open_s3_payloads

__all__ = ["PayloadCache", "S3Payloads", "default_root", "open_s3_payloads"]
