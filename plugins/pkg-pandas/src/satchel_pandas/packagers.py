"""The pandas packagers (the `satchel.packagers` entry point collects every public class here).

pandas and pyarrow are imported only while packing or unpacking: the packable types are dotted
names, resolved once pandas has been imported by the user's code.
"""

from __future__ import annotations

from typing import Any

from satchel import DefaultPackager


class DataFramePackager(DefaultPackager):
    """`pandas.DataFrame`: `dataset` (default, parquet), `file`, `object`, `result`.

    `file_format` is parquet (default), csv, feather, orc, json, h5 or xml. Every format gets
    the frame back identical (dtypes, index, column labels, names); what a format cannot hold is
    restored from the schema recorded in the instructions, or named in a `SatchelWarning`.
    """

    PACKABLE_OBJECT_TYPE = "pandas.DataFrame"
    DEFAULT_PACKING_ARTIFACT_TYPE = "dataset"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_dataset(self, obj: Any, key: str, file_format: str = "parquet") -> tuple[Any, dict[str, Any]]:
        """A file plus a readable schema, the row count and a small preview in the instructions."""
        from satchel_pandas import packing  # its schema and format code loads on first use
        from satchel_pandas.frames import labels_of
        from satchel_pandas.results import preview

        path, instructions, schema = packing.pack_file(self, obj, key, file_format)
        summary = schema.summary(labels_of(obj), obj.index)
        instructions.update(summary)
        instructions["preview"] = preview(obj)
        return path, instructions

    def unpack_dataset(
        self,
        item: Any,
        file_format: str | None = None,
        schema: dict[str, Any] | None = None,
        layout: dict[str, Any] | None = None,
    ) -> Any:
        """The DataFrame, identical to the one packed."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        return packing.unpack_file(item, file_format, schema, layout, "DataFrame")

    def pack_file(self, obj: Any, key: str, file_format: str = "parquet") -> tuple[Any, dict[str, Any]]:
        """The frame in one file of `file_format`; its schema goes into the instructions."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        path, instructions, _ = packing.pack_file(self, obj, key, file_format)
        return path, instructions

    def unpack_file(
        self,
        item: Any,
        file_format: str | None = None,
        schema: dict[str, Any] | None = None,
        layout: dict[str, Any] | None = None,
    ) -> Any:
        """The DataFrame; a plain file made outside satchel is read by its suffix."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        return packing.unpack_file(item, file_format, schema, layout, "DataFrame")

    def pack_result(self, obj: Any, key: str) -> Any:
        """The frame as a JSON value in pandas' split orientation (one way: see the README)."""
        from satchel_pandas.results import to_json_value

        return to_json_value(obj)


class SeriesPackager(DefaultPackager):
    """`pandas.Series`: `file` (default; same formats as DataFrame), `object`, `result`."""

    PACKABLE_OBJECT_TYPE = "pandas.Series"
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj: Any, key: str, file_format: str = "parquet") -> tuple[Any, dict[str, Any]]:
        """The Series as a one-column file; its name, dtype and index go into the schema."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        path, instructions, _ = packing.pack_file(self, obj, key, file_format)
        return path, instructions

    def unpack_file(
        self,
        item: Any,
        file_format: str | None = None,
        schema: dict[str, Any] | None = None,
        layout: dict[str, Any] | None = None,
    ) -> Any:
        """The Series; a file with more than one column is an `UnpackingError`."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        return packing.unpack_file(item, file_format, schema, layout, "Series")

    def pack_result(self, obj: Any, key: str) -> Any:
        """The Series as a JSON value: `{"name", "index", "data"}`."""
        from satchel_pandas.results import to_json_value

        return to_json_value(obj)
