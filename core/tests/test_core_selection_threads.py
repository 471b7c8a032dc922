"""Choosing a packager under threads, right after the module of a dotted declared type is imported.

The race needs a fresh interpreter (the module must not be imported yet when the packagers are
collected), so it runs in a subprocess: many managers wait for `<module>.Thing`, the module is
imported, then several threads per manager pack a `Thing` at once, with the thread switch
interval at its smallest so the threads interleave inside selection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import satchel

MODULE = "satchel_race_thing"

SCRIPT = """
import json, sys, threading
import satchel
from satchel import DefaultPackager

MANAGERS, THREADS, PACKS = {managers}, {threads}, {packs}


class ThingPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = "{module}.Thing"
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return "thing"


managers = []
for _ in range(MANAGERS):
    manager = satchel.PackagersManager(installed=False)
    manager.collect_packagers([ThingPackager])
    managers.append(manager)
assert "{module}" not in sys.modules
assert all(len(manager._registry.pending) == 1 for manager in managers)

sys.setswitchinterval(1e-6)
import {module}

picks = []


def work(manager, start):
    start.wait()
    for _ in range(PACKS):
        out = manager.pack({module}.Thing(), "out")
        picks.append("ThingPackager" if out == {{"out": "thing"}} else getattr(out, "packager", repr(out)))


threads = []
for manager in managers:
    start = threading.Barrier(THREADS)
    threads += [threading.Thread(target=work, args=(manager, start)) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
after = [manager.pack({module}.Thing(), "out") == {{"out": "thing"}} for manager in managers]
print(json.dumps({{
    "total": len(picks),
    "wrong": sorted(pick for pick in picks if pick != "ThingPackager"),
    "wrong_afterwards": after.count(False),
}}))
"""


def race(folder: Path, managers: int, threads: int, packs: int) -> dict:
    """Run the race in a fresh interpreter with `folder` (holding the module) on its path."""
    folder.joinpath(f"{MODULE}.py").write_text("class Thing:\n    pass\n")
    code = textwrap.dedent(SCRIPT).format(
        module=MODULE, managers=managers, threads=threads, packs=packs
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("SATCHEL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_threads_get_the_dotted_packager_right_after_its_module_is_imported(tmp_path):
    seen = race(tmp_path, managers=200, threads=8, packs=2)
    assert seen["total"] == 200 * 8 * 2
    assert seen["wrong"] == [], f"{len(seen['wrong'])} of {seen['total']} packs went elsewhere"
    assert seen["wrong_afterwards"] == 0  # and no wrong answer stays cached


def test_a_computation_from_before_a_collection_is_never_cached_after_it(manager, monkeypatch):
    """Another thread collects a packager while candidates are being computed from the old index."""
    from satchel.packaging import type_index

    class Ints(satchel.DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

    compute = type_index._State.compute

    def compute_while_collecting(state, cls):
        found = compute(state, cls)  # from the index as it was before the collection
        monkeypatch.setattr(type_index._State, "compute", compute)
        manager.collect_packagers([Ints])
        return found

    monkeypatch.setattr(type_index._State, "compute", compute_while_collecting)
    index = manager._registry.index
    assert index.candidates(int) == ()  # the answer of its time
    assert [record.cls for record in index.candidates(int)] == [Ints]
