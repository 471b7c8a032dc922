"""A third-party library with a type of its own."""

from __future__ import annotations


class Widget:
    """A named widget of some size."""

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size

    def __eq__(self, other: object) -> bool:
        return type(other) is Widget and (self.name, self.size) == (other.name, other.size)

    def __hash__(self) -> int:
        return hash((self.name, self.size))

    def __repr__(self) -> str:
        return f"Widget({self.name!r}, {self.size!r})"
