"""satchel packagers for `pathlib.Path`: a file stored as it is, a directory as a reproducible archive."""

from satchel_pathlib.packagers import PathPackager

__all__ = ["PathPackager"]
