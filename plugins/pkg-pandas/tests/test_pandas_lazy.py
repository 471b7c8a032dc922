"""Importing satchel and collecting the installed packagers imports neither pandas nor pyarrow."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_collecting_packagers_imports_no_pandas_or_pyarrow() -> None:
    code = textwrap.dedent(
        """
        import sys
        import satchel
        manager = satchel.PackagersManager()
        names = {record.name for record in manager.packagers}
        assert "satchel_pandas.packagers.DataFramePackager" in names, names
        assert "satchel_pandas.packagers.SeriesPackager" in names, names
        heavy = sorted(m for m in ("pandas", "pyarrow") if m in sys.modules)
        print(",".join(heavy))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported at collection: {done.stdout.strip()}"


def test_frames_are_packed_by_the_installed_plugin_once_pandas_is_imported() -> None:
    code = textwrap.dedent(
        """
        import satchel
        manager = satchel.PackagersManager()
        import pandas as pd
        artifact = manager.pack(pd.DataFrame({"a": [1]}), "data")
        print(artifact.packager, artifact.kind)
        manager.clear()
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["satchel_pandas.packagers.DataFramePackager", "dataset"]
