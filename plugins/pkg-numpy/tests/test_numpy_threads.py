"""Threads packing arrays right after numpy is first imported all get the array packager.

In a fresh interpreter (numpy not imported yet when the managers collect the plugin), many
managers are made, numpy is imported, then several threads per manager pack an array at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from satchel.discovery.entry_points import find_entry_points
from satchel.packaging.collecting import GROUP

SCRIPT = """
import json, sys, threading
import satchel

MANAGERS, THREADS = {managers}, {threads}
managers = [satchel.PackagersManager() for _ in range(MANAGERS)]
assert "numpy" not in sys.modules

sys.setswitchinterval(1e-6)
import numpy as np
from satchel_numpy.packagers import NumpyArrayPackager

wanted = f"{{NumpyArrayPackager.__module__}}.{{NumpyArrayPackager.__qualname__}}"
picks = []


def work(manager, start):
    start.wait()
    picks.append(manager.pack(np.arange(3), "a").packager)


threads = []
for manager in managers:
    start = threading.Barrier(THREADS)
    threads += [threading.Thread(target=work, args=(manager, start)) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.setswitchinterval(0.005)
for manager in managers:
    manager.clear()
print(json.dumps({{"total": len(picks), "wrong": [pick for pick in picks if pick != wanted]}}))
"""


def test_threads_get_the_array_packager_right_after_numpy_is_imported():
    others = [entry.name for entry in find_entry_points(GROUP) if entry.name != "numpy"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("SATCHEL_")}
    env["SATCHEL_DISABLE_PLUGINS"] = ",".join(others)
    code = SCRIPT.format(managers=100, threads=8)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["total"] == 100 * 8
    assert seen["wrong"] == [], f"{len(seen['wrong'])} of {seen['total']} arrays went to another packager"
