"""What a tuple hint says about length, the same on every Python (for plugins that shape data)."""

from __future__ import annotations

import typing
from typing import Any, get_args, get_origin


def tuple_items(hint: Any) -> tuple[Any, ...] | None:
    """The item hints of a fixed-length tuple hint; None when any length fits.

    `tuple[int, str]` gives `(int, str)` and `tuple[()]` gives `()` (only the empty tuple fits);
    `tuple`, `typing.Tuple`, `tuple[int, ...]` and hints that are not tuple hints give None.
    """
    if get_origin(hint) is not tuple or hint is typing.Tuple:  # noqa: UP006 - bare, it has no args either
        return None
    args = get_args(hint)
    if args == ((),):  # tuple[()] on Python 3.10; later versions give no args at all
        return ()
    if len(args) == 2 and args[1] is Ellipsis:
        return None
    return args
