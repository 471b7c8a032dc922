"""The pandas packagers (the `satchel.packagers` entry point collects every public class here).

pandas and pyarrow are imported only while packing or unpacking: the packable types are dotted
names, resolved once pandas has been imported by the user's code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from satchel import DefaultPackager


class _PandasPackager(DefaultPackager):
    """What DataFrame and Series share: files in every format, exact schemas, JSON results."""

    #: "DataFrame" or "Series": what `unpack_file` must give back.
    _KIND: ClassVar[str]
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj: Any, key: str, file_format: str = "parquet") -> tuple[Any, dict[str, Any]]:
        """One file of `file_format` (a Series as one column); the schema goes into the instructions."""
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
        """The object, identical to the one packed; a plain file is read by its suffix (a Series
        from a file of more than one column is an `UnpackingError`)."""
        from satchel_pandas import packing  # its schema and format code loads on first use

        return packing.unpack_file(item, file_format, schema, layout, self._KIND)

    def pack_result(self, obj: Any, key: str) -> Any:
        """A JSON value: a frame in pandas' split orientation, a Series as `{"name", "index",
        "data"}` (one way: see the README)."""
        from satchel_pandas.results import to_json_value

        return to_json_value(obj)

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """The schema, row count and first 10 rows (as text), whatever the format packed."""
        from satchel_pandas.previews import table_preview

        return table_preview(obj)


class DataFramePackager(_PandasPackager):
    """`pandas.DataFrame`: `dataset` (default, parquet), `file`, `object`, `result`.

    `file_format` is parquet (default), csv, feather, orc, json, h5 or xml. Every format gets
    the frame back identical (dtypes, index, column labels, names); what a format cannot hold is
    restored from the schema recorded in the instructions, or named in a `SatchelWarning`.
    """

    PACKABLE_OBJECT_TYPE = "pandas.DataFrame"
    DEFAULT_PACKING_ARTIFACT_TYPE = "dataset"
    _KIND = "DataFrame"

    def pack_dataset(self, obj: Any, key: str, file_format: str = "parquet") -> tuple[Any, dict[str, Any]]:
        """A file plus a readable schema, the row count and a small preview in the instructions."""
        from satchel_pandas import packing
        from satchel_pandas.frames import labels_of
        from satchel_pandas.results import preview

        path, instructions, schema = packing.pack_file(self, obj, key, file_format)
        instructions.update(schema.summary(labels_of(obj), obj.index))
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
        return self.unpack_file(item, file_format, schema, layout)


class SeriesPackager(_PandasPackager):
    """`pandas.Series`: `file` (default; same formats as DataFrame), `object`, `result`."""

    PACKABLE_OBJECT_TYPE = "pandas.Series"
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    _KIND = "Series"
