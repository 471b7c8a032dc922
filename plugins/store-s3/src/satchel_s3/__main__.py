"""`python -m satchel_s3 cache [--clear]`: where the download cache is, what it holds; empty it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from satchel_s3.cache import PayloadCache


def main(argv: Sequence[str] | None = None) -> int:
    """Print the cache folder and its size, or empty it with `--clear`."""
    parser = argparse.ArgumentParser(prog="python -m satchel_s3", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    cache = commands.add_parser("cache", help="the local cache of downloaded payloads")
    cache.add_argument("--clear", action="store_true", help="remove every cached payload")
    args = parser.parse_args(argv)
    store = PayloadCache()
    if args.clear:
        removed = store.clear()
        print(f"removed {removed} cached payloads from {store.root}")
        return 0
    payloads, size = store.size()
    print(f"{store.root}: {payloads} payloads, {size:,} bytes (clear: python -m satchel_s3 cache --clear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
