"""Importing satchel and collecting the numpy packagers imports neither numpy nor pyarrow."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from satchel.discovery.entry_points import find_entry_points
from satchel.packaging.collecting import GROUP

HEAVY = ("numpy", "pandas", "pyarrow")

SCRIPT = """
import json, sys
import satchel
manager = satchel.PackagersManager()
numpy_plugin = [p for p in manager.plugins if p.name == "numpy"]
import satchel_numpy
print(json.dumps({
    "heavy": sorted(set(sys.modules) & set(HEAVY)),
    "numpy_plugin": [(p.status, p.reason, len(p.items)) for p in numpy_plugin],
    "explained": str(manager.explain(1)),
}))
"""


def run_isolated(script: str) -> dict:
    others = [entry.name for entry in find_entry_points(GROUP) if entry.name != "numpy"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("SATCHEL_")}
    env["SATCHEL_DISABLE_PLUGINS"] = ",".join(others)  # only this plugin is under test
    code = f"HEAVY = {HEAVY!r}\n{script}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_collecting_the_numpy_plugin_imports_no_numpy():
    seen = run_isolated(SCRIPT)
    assert seen["numpy_plugin"] == [["loaded", None, 5]]
    assert seen["heavy"] == []


def test_packing_an_array_imports_numpy_but_not_pyarrow():
    """The control: numpy is imported by the user's code, and pyarrow only for datasets."""
    packing = "import numpy\nout = manager.pack(numpy.arange(3), 'a')\nassert 'Array' in out.packager"
    script = SCRIPT.replace("import satchel_numpy", packing)
    seen = run_isolated(script)
    assert seen["heavy"] == ["numpy"]
