"""Streaming to and from S3 with obstore: memory bounded by the chunk size, a bar on a terminal.

Small payloads go up in one request with `mode="create"` (an atomic put-if-absent: obstore
buffers such a put, so only payloads up to `SINGLE_PUT_LIMIT` do). Bigger ones go up as a
multipart upload read from the file chunk by chunk, visible only once complete.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import obstore
from obstore.exceptions import AlreadyExistsError, BaseError

#: What a failed request raises (a missing object is a FileNotFoundError, an OSError).
FAILURES = (OSError, BaseError)

#: Up to this size a payload is put in one request (buffered by obstore) with put-if-absent.
SINGLE_PUT_LIMIT = 16 << 20
#: The multipart part size, and how many parts are in flight: memory stays below their product.
CHUNK_SIZE = 8 << 20
CONCURRENCY = 4
#: Transfers smaller than this never show a bar (they take less time than drawing one).
PROGRESS_FROM = 16 << 20


class _Bar:
    """A transfer's progress: a rich bar on stderr when it is a terminal, nothing otherwise."""

    def __init__(self, advance: Callable[[int], None]) -> None:
        self.advance = advance


@contextmanager
def progress(total: int, description: str, stream: IO[str] | None = None) -> Iterator[_Bar]:
    """A progress bar for `total` bytes, shown only when `stream` (stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if total < PROGRESS_FROM or not stream.isatty():
        yield _Bar(lambda _: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield _Bar(lambda size: bar.advance(task, size))


def upload(store: Any, key: str, source: Path, attributes: dict[str, str], description: str) -> bool:
    """Put the file `source` at `key` unless an object is there; False when one already was."""
    size = source.stat().st_size
    if size <= SINGLE_PUT_LIMIT:
        try:
            obstore.put(store, key, source, attributes=attributes, mode="create", use_multipart=False)
        except AlreadyExistsError:
            return False
        return True
    if exists(store, key):  # a multipart upload cannot be conditional: look first
        return False
    with progress(size, description) as bar:
        obstore.put(
            store,
            key,
            _chunks(source, bar.advance),
            attributes=attributes,
            use_multipart=True,
            chunk_size=CHUNK_SIZE,
            max_concurrency=CONCURRENCY,
        )
    return True


def _chunks(source: Path, advance: Callable[[int], None]) -> Iterator[bytes]:
    with open(source, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            advance(len(chunk))
            yield chunk


def brief(error: BaseException) -> str:
    """The first line of a client error (obstore appends its whole debug chain)."""
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 300 else line[:297] + "..."


def exists(store: Any, key: str) -> bool:
    """Whether an object is at `key` (one HEAD request)."""
    try:
        obstore.head(store, key)
    except FileNotFoundError:
        return False
    return True


def open_object(store: Any, key: str) -> Any | None:
    """The object's `GetResult` (its body not read yet), or None when there is none."""
    try:
        return obstore.get(store, key)
    except FileNotFoundError:
        return None


def stream_body(result: Any, description: str) -> Iterator[bytes]:
    """The object's bytes, chunk by chunk, with a bar on a terminal for a big one."""
    with progress(int(result.meta["size"]), description) as bar:
        for chunk in result.stream(min_chunk_size=CHUNK_SIZE):
            bar.advance(len(chunk))
            yield chunk


def download(result: Any, target: Path, description: str) -> str:
    """Write the object's bytes to `target` (a new file), streamed; their `blake3:` digest."""
    from blake3 import blake3

    hasher = blake3()
    with open(target, "xb") as sink:
        for chunk in stream_body(result, description):
            hasher.update(chunk)
            sink.write(chunk)
    return "blake3:" + hasher.hexdigest()


def digest_of(result: Any, description: str) -> str:
    """The `blake3:` digest of the object's bytes, streamed (nothing written)."""
    from blake3 import blake3

    hasher = blake3()
    for chunk in stream_body(result, description):
        hasher.update(chunk)
    return "blake3:" + hasher.hexdigest()
