"""pandas family cases: big frames packed and unpacked through satchel against raw pandas calls.

- `parquet-1Mx10-pack` / `-unpack`: a 1M x 10 frame (8 float64, 1 int64, 1 str column) as a
  `dataset` (parquet), through `PackagersManager.pack` (the schema, the write, the BLAKE3 hash,
  the Artifact) and `.unpack` (size check, the read, the schema check), against `to_parquet` /
  `read_parquet` on a file in the same folder.
- `csv-1Mx10-pack` / `-unpack`: the same frame as csv, against `to_csv(index=False)` (the same
  text: satchel writes no column for a RangeIndex) / `read_csv`. `to_csv` is slow (seconds per
  call), so these run 5 repetitions, not 9.
- `parquet-multiindex-1M-pack` / `-unpack`: 1M rows under a (str, int) MultiIndex, 4 float64
  columns, as a dataset.

Targets (issue 3): pack <= 1.5x the raw write, unpack <= 1.1x the raw read, extra peak memory
<= 0.2x the payload. Both unpack variants read once in their setup, so the memory measured in a
fresh process is the read's own, not the modules a first read imports (the raw variant's setup
writes with `to_parquet`, which imports what `read_parquet` needs; satchel's does not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.harness import Comparison, Target, Variant
from bench.steps import clear_manager, file_setup, pack_setup, remove_file, satchel_pack, scratch_manager

ROWS = 1_000_000
CSV_REPEAT = 5


def wide_frame() -> Any:
    """1M x 10: eight float64 columns, one int64, one str (pandas 3's default string dtype)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    columns = {f"f{index}": rng.standard_normal(ROWS) for index in range(8)}
    columns["i"] = rng.integers(-(10**12), 10**12, ROWS)
    columns["s"] = pd.Series(rng.integers(0, 50_000, ROWS)).map("id-{:05d}".format).astype("str")
    return pd.DataFrame(columns)


def multiindex_frame() -> Any:
    """1M rows under a MultiIndex (1,000 str keys x 1,000 ints), four float64 columns."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    index = pd.MultiIndex.from_product(
        [[f"key-{k:04d}" for k in range(1000)], range(1000)], names=["key", "step"]
    )
    return pd.DataFrame({f"v{index}": rng.standard_normal(ROWS) for index in range(4)}, index=index)


def _payload(make: Any) -> int:
    return int(make().memory_usage(deep=True, index=True).sum())


# -- raw pandas -----------------------------------------------------------------------------------


def raw_to_parquet(state: tuple[Any, Path]) -> None:
    """DataFrame.to_parquet(path)."""
    frame, path = state
    frame.to_parquet(path)


def raw_to_csv(state: tuple[Any, Path]) -> None:
    """DataFrame.to_csv(path, index=False)."""
    frame, path = state
    frame.to_csv(path, index=False)


def _saved(writer: Any, reader: Any, name: str) -> Any:
    """Write the file once, and read it once: the modules a first read imports are not measured
    (the satchel variant does the same)."""

    def setup(frame: Any, scratch: Path) -> Path:
        path = scratch / name
        writer((frame, path))
        reader(path)
        return path

    return setup


def raw_read_parquet(path: Path) -> Any:
    """pandas.read_parquet(path)."""
    import pandas as pd

    return pd.read_parquet(path)


def raw_read_csv(path: Path) -> Any:
    """pandas.read_csv(path)."""
    import pandas as pd

    return pd.read_csv(path)


# -- satchel --------------------------------------------------------------------------------------


def _unpack_setup(hint: Any) -> Any:
    """Pack once, and unpack once (as the raw variant reads once in its setup)."""

    def setup(frame: Any, scratch: Path) -> tuple[Any, Any]:
        manager = scratch_manager(scratch)
        state = (manager, manager.pack(frame, hint))
        satchel_unpack(state)
        return state

    return setup


def satchel_unpack(state: tuple[Any, Any]) -> Any:
    """mgr.unpack(artifact, pandas.DataFrame): the size check, the read, the schema check."""
    import pandas as pd

    manager, artifact = state
    return manager.unpack(artifact, pd.DataFrame)


PARQUET_SAVED = _saved(raw_to_parquet, raw_read_parquet, "raw.parquet")
CSV_SAVED = _saved(raw_to_csv, raw_read_csv, "raw.csv")
DATASET = "x"  # the default for a DataFrame: dataset, parquet
CSV = {"key": "x", "artifact_type": "file", "file_format": "csv"}


def cases() -> list[Comparison]:
    """The six pandas cases."""
    time_pack, time_unpack = Target("time_ratio", 1.5), Target("time_ratio", 1.1)
    memory = Target("memory_over_fraction", 0.2)
    wide = _payload(wide_frame)
    multi = _payload(multiindex_frame)
    return [
        Comparison(
            name="parquet-1Mx10-pack",
            description="1M x 10 frame to parquet (dataset)",
            make_input=wide_frame,
            variants=[
                Variant("to_parquet", raw_to_parquet, setup=file_setup("raw.parquet"), reset=remove_file),
                Variant("satchel pack", satchel_pack, setup=pack_setup(DATASET), reset=clear_manager),
            ],
            payload_bytes=wide,
            targets=[time_pack, memory],
        ),
        Comparison(
            name="parquet-1Mx10-unpack",
            description="1M x 10 frame from parquet (dataset)",
            make_input=wide_frame,
            variants=[
                Variant("read_parquet", raw_read_parquet, setup=PARQUET_SAVED),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup(DATASET)),
            ],
            payload_bytes=wide,
            targets=[time_unpack, memory],
        ),
        Comparison(
            name="csv-1Mx10-pack",
            description="1M x 10 frame to csv",
            make_input=wide_frame,
            variants=[
                Variant("to_csv", raw_to_csv, setup=file_setup("raw.csv"), reset=remove_file),
                Variant("satchel pack", satchel_pack, setup=pack_setup(CSV), reset=clear_manager),
            ],
            payload_bytes=wide,
            repeat=CSV_REPEAT,
            targets=[time_pack, memory],
            notes=[f"{CSV_REPEAT} repetitions: to_csv takes seconds per call"],
        ),
        Comparison(
            name="csv-1Mx10-unpack",
            description="1M x 10 frame from csv",
            make_input=wide_frame,
            variants=[
                Variant("read_csv", raw_read_csv, setup=CSV_SAVED),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup(CSV)),
            ],
            payload_bytes=wide,
            repeat=CSV_REPEAT,
            targets=[time_unpack, memory],
            notes=[f"{CSV_REPEAT} repetitions, as for the pack case"],
        ),
        Comparison(
            name="parquet-multiindex-1M-pack",
            description="1M-row frame with a (str, int) MultiIndex to parquet (dataset)",
            make_input=multiindex_frame,
            variants=[
                Variant("to_parquet", raw_to_parquet, setup=file_setup("raw.parquet"), reset=remove_file),
                Variant("satchel pack", satchel_pack, setup=pack_setup(DATASET), reset=clear_manager),
            ],
            payload_bytes=multi,
            targets=[time_pack, memory],
        ),
        Comparison(
            name="parquet-multiindex-1M-unpack",
            description="1M-row frame with a (str, int) MultiIndex from parquet (dataset)",
            make_input=multiindex_frame,
            variants=[
                Variant("read_parquet", raw_read_parquet, setup=PARQUET_SAVED),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup(DATASET)),
            ],
            payload_bytes=multi,
            targets=[time_unpack, memory],
        ),
    ]
