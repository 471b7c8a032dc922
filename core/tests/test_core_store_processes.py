"""The embedded store under several processes at once, and runs whose process was killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import satchel

WRITER = """
import json, sys
import satchel

def step(index: int, worker: int):
    return {"index": index, "worker": worker}, [worker, index]

def reader(seen: list, worker: int):
    return seen

worker, count = int(sys.argv[1]), int(sys.argv[2])
ids = []
for index in range(count):
    params = {"index": index, "worker": worker}
    run = satchel.run(step, params=params, returns=["meta", "pair:file"], project="p")
    ids.append(run.id)
    try:  # the latest artifact another process wrote, if any yet
        latest = satchel.run(reader, inputs={"seen": "store://p/pair"}, params={"worker": worker},
                             returns="seen", project="p")
        ids.append(latest.id)
    except satchel.UnpackingError:
        pass
print(json.dumps(ids))
"""


def _env(home: Path, extra_path: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env["SATCHEL_HOME"] = str(home)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(extra_path), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.slow
def test_four_processes_writing_at_once_lose_no_run(store, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    count = 40
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(worker), str(count)],
            env=_env(store),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    ids = []
    for process in workers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        ids += json.loads(out)
    runs = satchel.list_runs("p")
    assert sorted(run.id for run in runs) == sorted(ids)  # every run any process made, and no other
    assert all(run.status == "completed" for run in runs)
    steps = [run for run in runs if run.name == "step"]
    assert len(steps) == 4 * count
    assert sorted((r.params["worker"], r.params["index"]) for r in steps) == [
        (w, i) for w in range(4) for i in range(count)
    ]
    for run in steps:
        assert run.output("pair") == [run.params["worker"], run.params["index"]]
    for run in runs:
        if run.name == "reader":  # it read a pinned, complete artifact of some step
            made_by = run.inputs["seen"]["uri"].rpartition("@")[2]
            assert satchel.get_run(made_by).output("pair") == run.results["seen"]


SLOW_PACKAGER = '''
import os, time
from pathlib import Path
import satchel


class Big:
    pass


class SlowPackager(satchel.DefaultPackager):
    PACKABLE_OBJECT_TYPE = Big
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".bin")
        with open(path, "wb") as handle:
            handle.write(b"x" * 1_000_000)
            handle.flush()
            Path(os.environ["READY"]).write_text(str(path))
            time.sleep(60)  # killed here, with half a payload written
        return path, {}

    def unpack_file(self, item):
        return Big()
'''

KILLED = """
import satchel
from slowmod import Big

satchel.get_or_create_project("p").add_custom_packager("slowmod.SlowPackager", is_mandatory=True)
satchel.run(lambda: Big(), returns="big", project="p", name="doomed")
"""


@pytest.mark.slow
def test_a_run_killed_while_packing_is_aborted_and_leaves_no_partial_payload(
    store, tmp_path, monkeypatch
):
    modules = tmp_path / "modules"
    modules.mkdir()
    monkeypatch.syspath_prepend(str(modules))
    (modules / "slowmod.py").write_text(textwrap.dedent(SLOW_PACKAGER))
    ready = tmp_path / "ready"
    env = {**_env(store, modules), "READY": str(ready)}
    process = subprocess.Popen([sys.executable, "-c", KILLED], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the packager never started"
        time.sleep(0.05)
    staged = Path(ready.read_text())
    assert staged.is_relative_to(store / "staging")  # written where a rename moves it into place
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    (run,) = satchel.list_runs("p")
    assert run.status == "aborted" and run.name == "doomed" and run.ended
    assert "process" in run.error
    assert run.artifacts == {}
    assert not (store / "payloads").exists()  # nothing partial is visible: no payload at all
    assert staged.exists()  # the dead process's scratch folder, until the store is next opened
    from satchel.tracking.store.opening import forget_open_stores

    forget_open_stores()
    again = satchel.run(lambda: [1], returns="ok:file", project="p")  # the store is still usable
    assert again.status == "completed" and again.output("ok") == [1]
    assert satchel.get_run(run.id).status == "aborted"  # recorded, not only shown
    leftovers = [path.name for path in (store / "staging").iterdir()]
    assert not any(name.startswith(f"run-{process.pid}-") for name in leftovers), leftovers
    del sys.modules["slowmod"]


NEW_STORE = """
import sys, time
import satchel
from satchel.tracking.packagers import installed_registry
from satchel.tracking.store.sqlite_records import SQLiteRecords

installed_registry()  # everything imported and collected before the start: only the open races
start = float(sys.argv[1])
while time.time() < start:  # every process opens the brand-new store at the same moment
    pass
SQLiteRecords(sys.argv[2])
satchel.run(lambda: [1], returns="one:file", project="p")
"""


@pytest.mark.slow
def test_processes_creating_a_new_store_at_once_all_succeed(tmp_path):
    for attempt in range(4):  # the race is in the first milliseconds: try it a few times
        home = tmp_path / f"store-{attempt}"
        start = time.time() + 2.0
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", NEW_STORE, str(start), str(home / "satchel.db")],
                env=_env(home),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(8)
        ]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        assert len(satchel.list_runs(store=home)) == 8
