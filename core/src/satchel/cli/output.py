"""What commands print: lines, JSON, tables fitted to the terminal, progress bars on a terminal.

Tables and progress bars are drawn by `rich`, imported only when a command draws one (a
`--json` listing never imports it).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def echo(text: str = "") -> None:
    """One line (or several) to standard output."""
    sys.stdout.write(f"{text}\n")


def echo_json(value: Any, *, compact: bool = False) -> None:
    """`value` as JSON on standard output: indented, or `compact` for long listings (one line,
    written by json's C encoder, several times faster than the indenting one)."""
    text = json.dumps(value, ensure_ascii=False, indent=None if compact else 2)
    sys.stdout.write(text + "\n")


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, fold: Sequence[str] = ()) -> None:
    """A table, newest row last, fitted to the terminal's width: the `fold` columns are folded
    onto more lines when it is narrow (never cut), the others kept whole."""
    from rich.console import Console
    from rich.table import Table

    drawn = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    for column in columns:
        drawn.add_column(column, overflow="fold", no_wrap=column not in fold)
    for row in rows:
        drawn.add_row(*("" if cell is None else str(cell) for cell in row))
    # off a terminal (a pipe, a log) there is no width to fit: only COLUMNS, if set, limits it
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 0) or 240
    Console(soft_wrap=False, highlight=False, width=width).print(drawn)


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Any]:
    """A progress bar on a terminal, shown only for work that lasts more than a second.

    Yields `advance(amount)`; off a terminal it draws nothing.
    """
    if not sys.stderr.isatty():
        yield lambda amount=1: None
        return
    from rich.progress import Progress

    with Progress(transient=True, refresh_per_second=8) as bar:
        task = bar.add_task(description, total=total, visible=False)
        import time

        start = time.monotonic()

        def advance(amount: int = 1) -> None:
            bar.advance(task, amount)
            if time.monotonic() - start > 1.0:
                bar.update(task, visible=True)

        yield advance


@contextmanager
def activity(title: str) -> Iterator[Any]:
    """On a terminal, a spinner naming the step a run is at, shown once the run has lasted a
    second; off a terminal, nothing. Yields the reporter to install (or None)."""
    if not sys.stderr.isatty():
        yield None
        return
    import threading

    from rich.console import Console

    status = Console(stderr=True).status(title)
    started = threading.Event()

    def show() -> None:
        status.start()
        started.set()

    timer = threading.Timer(1.0, show)
    timer.daemon = True
    timer.start()

    def reporter(step: str | None) -> None:
        if step is not None:
            status.update(f"{title}: {step}")

    try:
        yield reporter
    finally:
        timer.cancel()
        if started.is_set():
            status.stop()


def short(text: str | None, width: int = 12) -> str:
    """The beginning of an id or a hash."""
    if not text:
        return ""
    if text.startswith("blake3:"):
        text = text[len("blake3:") :]
    return text[:width]


def size_text(size: int | None) -> str:
    """A byte count for people: `512 B`, `1.5 KB`, `800.0 MB`."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
