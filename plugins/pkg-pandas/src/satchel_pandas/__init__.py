"""satchel packagers for pandas: DataFrame and Series, exact through every file format.

Importing this package does not import pandas or pyarrow: the packagers declare their types as
dotted names, and every module imports the libraries inside its functions.
"""

from satchel_pandas.packagers import DataFramePackager, SeriesPackager

__all__ = ["DataFramePackager", "SeriesPackager"]
