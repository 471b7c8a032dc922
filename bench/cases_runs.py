"""Tracked runs: what `satchel.run` costs per run, listing a big store, a big array through a run,
and four processes writing one store at once.

- `runs-per-second-result` / `runs-per-second-file`: `satchel.run` of a trivial function (one int
  result; one small file artifact) in one process, warm, per run, against the bare call and the
  manager's own `pack` of the same value; and a cache hit of the file run.
- `runs-json-10k`: a fresh `python -m satchel runs --json` over a store of 10,000 runs (built once,
  cached in the temp folder), against `python -c pass`.
- `run-array-800MB` / `run-array-800MB-load`: an 800 MB float64 array returned by a run, against
  the manager's own pack of it and `np.save`; loaded back with `satchel.load(uri)` against `np.load`.
- `runs-4-processes`: four processes doing N runs each into one store at once, against one
  process alone; the store must hold exactly 4 x N new completed runs (the case fails otherwise).

MLflow numbers are notes measured earlier on this machine; when `import mlflow` works in this
interpreter, MLflow's own per-run cost is also measured in the same run (never installed by the
benchmarks: see bench/README.md).
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import itertools
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.cases_core import WITH_BYTECODE
from bench.cases_numpy import BIG_VALUES, big_array
from bench.harness import ROOT, Command, Comparison, Target, Variant
from bench.steps import scratch_manager

PROJECT = "bench"
PER_CALL = 20_000  # bare calls and small packs per repetition
RUN_NUMBER = 200  # satchel.run calls per repetition (about 0.1-1 s)
MLFLOW_NUMBER = 20  # mlflow runs per repetition (about 15 ms each)
STORE_RUNS = 10_000
STORE_VERSION = "runs-store-1"  # bump when what `_build_store_child` writes changes
WORKER_RUNS = 200  # runs per process in runs-4-processes
WORKERS = 4
WORKER_IDLE_TIMEOUT = 120.0  # seconds a prestarted worker waits for "go" before leaving
ARRAY_BYTES = BIG_VALUES * 8

MLFLOW_MEASURED = (
    "MLflow 3.17, measured earlier on this machine (local SQLite tracking store), not in this run"
)
MLFLOW_NOTES_RESULT = (
    f"{MLFLOW_MEASURED}: 66-71 runs/s (14-15 ms per run) for a step logging one param and one "
    "metric; `import mlflow` 1.05-1.09 s"
)
MLFLOW_NOTES_FILE = f"{MLFLOW_MEASURED}: 60-64 runs/s (16-17 ms per run) with a small JSON artifact"
MLFLOW_NOTES_LIST = f"{MLFLOW_MEASURED}: `mlflow.search_runs` over 10,001 runs 4.3 s"


def _mlflow_available() -> bool:
    """Whether `import mlflow` can work here (without importing it: discovery must stay cheap)."""
    return importlib.util.find_spec("mlflow") is not None


def _mlflow_status() -> str:
    if _mlflow_available():
        return "mlflow is importable: its own per-run cost is measured in this run (the mlflow variant)"
    return (
        "mlflow is not installed in this interpreter, so only the earlier numbers are shown "
        "(optional: .venv/bin/pip install mlflow, see bench/README.md)"
    )


# -- the functions the runs call -------------------------------------------------------------------


def answer() -> int:
    """A trivial step: one int result."""
    return 3


def answer_with_param(lr: float = 0.1) -> int:
    """The same, taking one parameter (what the MLflow step logs: one param, one metric)."""
    return 3


_FRESH = itertools.count(1)


def small_list() -> list[int]:
    """A small list, different at every call: each run writes a new (tiny) payload."""
    first = next(_FRESH)
    return [first, first + 1, first + 2]


def store_step(i: int) -> float:
    """A step of the 10k-runs store: one param, one result."""
    return i * 0.5


def store_step_file(i: int) -> tuple[float, list[int]]:
    """A step of the 10k-runs store that also logs a small file artifact."""
    return i * 0.5, [i, i + 1, i + 2]


def _call(function: Any) -> Any:
    return function()


# -- 1 and 2: runs per second ----------------------------------------------------------------------


def _bare_setup(function: Any) -> Any:
    def setup(_data: Any, _scratch: Path) -> Any:
        return function

    return setup


def _pack_setup(make: Any, hint: str) -> Any:
    """`mgr.pack(value, hint)` with a manager whose payloads go to the scratch folder."""

    def setup(_data: Any, scratch: Path) -> Any:
        manager = scratch_manager(scratch)
        return _Packs(manager, make, hint)

    return setup


class _Packs:
    """Calls `mgr.pack(make(), hint)`; `clear()` (untimed, in reset) removes what it wrote."""

    def __init__(self, manager: Any, make: Any, hint: str, warm: bool = True) -> None:
        self.manager, self.make, self.hint = manager, make, hint
        if warm:  # the first call's lazy imports are not what is measured
            self.manager.pack(make(), hint)
            self.manager.clear()

    def __call__(self) -> Any:
        return self.manager.pack(self.make(), self.hint)


def _clear_packs(state: _Packs) -> None:
    state.manager.clear()


def _run_setup(
    function: Any,
    returns: Any,
    params: dict[str, Any] | None = None,
    tmpfs: bool = False,
    cache: bool = False,
) -> Any:
    """`satchel.run(function, ...)` into a store of its own, after a first run (warm); with
    `cache`, every measured run is a cache hit of the first."""

    def setup(_data: Any, scratch: Path) -> Any:
        import satchel

        store = scratch / "store"
        if tmpfs:
            store = Path(tempfile.mkdtemp(prefix="satchel-bench-runs-", dir="/dev/shm"))
            atexit.register(shutil.rmtree, store, True)
        call = functools.partial(
            satchel.run, function, params=params or {}, returns=returns, project=PROJECT, store=store,
            cache=cache,
        )  # fmt: skip
        first = call()
        if first.status != "completed":
            raise RuntimeError(f"the first run ended {first.status}: {first.error}")
        keys = [returns] if isinstance(returns, str) else list(returns)
        logged = {*first.results, *first.artifacts}
        expected = {key.partition(":")[0] for key in keys}
        if logged != expected:
            raise RuntimeError(f"the first run logged {sorted(logged)}, not {sorted(expected)}")
        return call

    return setup


def _tmpfs_available() -> bool:
    return os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)


def _mlflow_setup(artifact: bool) -> Any:
    """MLflow's own run: `start_run` + `log_param` + `log_metric` (+ `log_dict`), local SQLite."""

    def setup(_data: Any, scratch: Path) -> Any:
        import logging

        import mlflow

        logging.getLogger("mlflow").setLevel(logging.WARNING)  # no "Creating initial tables" lines
        mlflow.set_tracking_uri(f"sqlite:///{scratch / 'mlflow.db'}")
        experiment = mlflow.create_experiment(
            "satchel-bench", artifact_location=(scratch / "mlartifacts").as_uri()
        )

        def step() -> None:
            with mlflow.start_run(experiment_id=experiment):
                mlflow.log_param("lr", 0.1)
                mlflow.log_metric("x", 3)
                if artifact:
                    mlflow.log_dict({"data": small_list()}, "data.json")

        step()  # the first run (schema, lazy imports) is not what is measured
        return step

    return setup


def runs_per_second_cases() -> list[Comparison]:
    """`satchel.run` per run, warm, for one int result and for one small file artifact."""
    mlflow = _mlflow_available()
    result_variants: list[Variant | Command] = [
        Variant("bare call", _call, setup=_bare_setup(answer), number=PER_CALL),
        Variant(
            "mgr.pack(3, 'x')",
            _call,
            setup=_pack_setup(answer, "x"),
            reset=_clear_packs,
            number=PER_CALL,
        ),
        Variant("satchel.run", _call, setup=_run_setup(answer, "x"), number=RUN_NUMBER),
        Variant(
            "satchel.run, 1 param",
            _call,
            setup=_run_setup(answer_with_param, "x", params={"lr": 0.1}),
            number=RUN_NUMBER,
        ),
    ]
    file_variants: list[Variant | Command] = [
        Variant("bare call", _call, setup=_bare_setup(small_list), number=PER_CALL),
        Variant(
            "mgr.pack(list, 'data:file')",
            _call,
            setup=_pack_setup(small_list, "data:file"),
            reset=_clear_packs,
            number=RUN_NUMBER,
        ),
        Variant("satchel.run", _call, setup=_run_setup(small_list, "data:file"), number=RUN_NUMBER),
        Variant(
            "satchel.run, cache=True (a hit)",
            _call,
            setup=_run_setup(small_list, "data:file", cache=True),
            number=RUN_NUMBER,
        ),
    ]
    if _tmpfs_available():
        file_variants.append(
            Variant(
                "satchel.run, store on tmpfs",
                _call,
                setup=_run_setup(small_list, "data:file", tmpfs=True),
                number=RUN_NUMBER,
            )
        )
    if mlflow:
        result_variants.append(
            Variant("mlflow run+param+metric", _call, setup=_mlflow_setup(False), number=MLFLOW_NUMBER)
        )
        file_variants.append(
            Variant("mlflow run+param+metric+dict", _call, setup=_mlflow_setup(True), number=MLFLOW_NUMBER)
        )
    status = _mlflow_status()
    return [
        Comparison(
            name="runs-per-second-result",
            description="satchel.run(f, returns='x'), f returns an int; warm, per run",
            variants=result_variants,
            memory=False,
            targets=[Target("time", 1e-3, variant="satchel.run")],
            notes=[
                "target 1 ms per run = 1,000 runs/s; runs/s = 1 / median",
                MLFLOW_NOTES_RESULT,
                status,
            ],
        ),
        Comparison(
            name="runs-per-second-file",
            description="satchel.run(f, returns='data:file'), f returns a small list; warm, per run",
            variants=file_variants,
            memory=False,
            targets=[Target("time", 2e-3, variant="satchel.run")],
            notes=[
                "target 2 ms per run = 500 runs/s; each run's list differs, so each writes a new payload",
                "mgr.pack writes into its workspace and is cleared untimed; satchel.run also moves the "
                "payload into the store and cleans its scratch space, timed",
                "the tmpfs line (a store in /dev/shm) shows what the store's filesystem costs",
                "cache=True (a hit): the function is not called; the run is recorded with the first "
                "run's artifacts (a lookup by cache key, the versions and payloads checked)",
                MLFLOW_NOTES_FILE,
                status,
            ],
        ),
    ]


# -- 3. listing 10,000 runs --------------------------------------------------------------------------


def runs_store_dir() -> Path:
    """The cached store of 10,000 runs (built on first use by `build_runs_store`)."""
    return Path(tempfile.gettempdir()) / f"satchel-bench-{STORE_VERSION}-{STORE_RUNS}"


def _store_marker() -> dict[str, Any]:
    import satchel
    from satchel.tracking.store.sqlite_schema import SCHEMA_VERSION

    return {"satchel": satchel.__version__, "schema": SCHEMA_VERSION, "runs": STORE_RUNS}


def build_runs_store() -> Path:
    """Create (once) a store of 10,000 completed runs; rebuilt when satchel or its schema changes.

    Every run has one param and one result; every 10th also logs a small file artifact. Built
    with `satchel.run` in a fresh process (nothing of it stays open in the harness), into a
    folder beside the cache that is renamed into place when complete.
    """
    folder = runs_store_dir()
    marker = folder / "complete.json"
    wanted = _store_marker()
    if marker.exists():
        try:
            if json.loads(marker.read_text()) == wanted:
                return folder
        except (OSError, ValueError):
            pass
        shutil.rmtree(folder, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=folder.name + "-", dir=folder.parent))
    try:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from bench.cases_runs import _build_store_child as b; b(sys.argv[1])",
                str(building),
            ],
            env={**os.environ, "PYTHONPATH": _pythonpath()},
            cwd=str(ROOT),
            check=True,
        )
        (building / "complete.json").write_text(json.dumps(wanted))
        try:
            building.rename(folder)
        except OSError:  # built meanwhile by another process
            pass
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _build_store_child(store: str) -> None:
    """In the fresh process: the 10,000 runs, then a check that they are all there."""
    import satchel

    for i in range(STORE_RUNS):
        if i % 10 == 0:
            satchel.run(
                store_step_file, params={"i": i}, returns=["x", "data:file"], project=PROJECT, store=store
            )
        else:
            satchel.run(store_step, params={"i": i}, returns="x", project=PROJECT, store=store)
    runs = satchel.list_runs(store=store)
    if len(runs) != STORE_RUNS or any(run.status != "completed" for run in runs):
        raise SystemExit(f"the store holds {len(runs)} runs, not {STORE_RUNS} completed ones")


def _pythonpath() -> str:
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


def _cli_code(arguments: list[str]) -> str:
    """`python -c` code doing what `python -m satchel ARGUMENTS` does; a failure still fails."""
    return (
        f"import runpy, sys\nsys.argv = ['satchel', *{arguments!r}]\n"
        "try:\n    runpy.run_module('satchel', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit:\n    if exit.code:\n        raise\n"
    )


def list_runs_case() -> Comparison:
    """A fresh `satchel runs --json` over 10,000 runs, whole process."""
    store = str(runs_store_dir())
    cwd = tempfile.gettempdir()  # not the repo root: nothing of the checkout on sys.path
    home = {**WITH_BYTECODE, "SATCHEL_HOME": store}
    return Comparison(
        name="runs-json-10k",
        description=f"fresh python -m satchel runs --json over {STORE_RUNS:,} runs (stdout to /dev/null)",
        variants=[
            Command.python("python -c pass", "pass", env=WITH_BYTECODE, cwd=cwd),
            Command.python("import satchel.tracking.runs", "import satchel.tracking.runs", env=home, cwd=cwd),
            Command.python("satchel.list_runs()", "import satchel; satchel.list_runs()", env=home, cwd=cwd),
            Command.python(
                "python -m satchel runs --json",
                _cli_code(["runs", "--json", "--store", store]),
                env=WITH_BYTECODE,
                cwd=cwd,
            ),
        ],
        prepare=build_runs_store,
        targets=[Target("time", 0.3, variant="python -m satchel runs --json")],
        notes=[
            f"the store: {STORE_RUNS:,} completed runs, one param and one result each, every 10th with "
            f"a small file artifact; built once and cached in {store}",
            "list_runs() finds the store through SATCHEL_HOME; `python -m satchel` is run as -m runs it "
            "(runpy), so that the process reports its own peak RSS",
            MLFLOW_NOTES_LIST,
        ],
    )


# -- 4. an 800 MB array through a run ----------------------------------------------------------------


def _perturb(array: Any) -> None:
    """Untimed: change one value, so the next write is new bytes (the store keeps one copy of each)."""
    array[0] = float(next(_FRESH)) + 0.5  # the random values are in [0, 1): never seen before


class _ArrayRun:
    """`satchel.run(produce, returns='a')` where produce returns the array; a store of its own."""

    def __init__(self, array: Any, scratch: Path) -> None:
        self.array = array
        self.store = scratch / "store"
        self.checked = False
        self.last: Any = None

        def produce() -> Any:
            return self.array

        self.produce = produce

    def __call__(self) -> Any:
        import satchel

        self.last = satchel.run(self.produce, returns="a", project=PROJECT, store=self.store)
        return self.last


def _array_run_setup(array: Any, scratch: Path) -> _ArrayRun:
    return _ArrayRun(array, scratch)


def _array_run_reset(state: _ArrayRun) -> None:
    """Untimed: check the artifact once, remove every stored payload, perturb the array."""
    run, state.last = state.last, None
    if run is not None and not state.checked:
        artifact = run.artifacts.get("a")
        if run.status != "completed" or artifact is None or artifact.instructions.get("file_format") != "npy":
            raise RuntimeError(f"the run did not store an npy artifact: {run.status} {run.artifacts}")
        if artifact.size < ARRAY_BYTES:
            raise RuntimeError(f"the stored payload is {artifact.size} bytes, not {ARRAY_BYTES}+")
        state.checked = True
    _remove_payloads(state.store)
    _perturb(state.array)


def _remove_payloads(store: Path) -> None:
    """Delete the stored payload files (read-only files in a writable folder); records stay."""
    for path in (store / "payloads").rglob("*"):
        if path.is_file():
            path.unlink()


def _array_pack_setup(array: Any, scratch: Path) -> _Packs:
    # no warm pack here: the harness's warm-up round does it (800 MB is not a setup step)
    return _Packs(scratch_manager(scratch), lambda: array, "a", warm=False)


def _array_pack_reset(state: _Packs) -> None:
    state.manager.clear()
    _perturb(state.make())


def _np_save_setup(array: Any, scratch: Path) -> tuple[Any, Path]:
    return array, scratch / "raw.npy"


def _np_save(state: tuple[Any, Path]) -> None:
    import numpy as np

    array, path = state
    np.save(path, array)


def _np_save_reset(state: tuple[Any, Path]) -> None:
    state[1].unlink(missing_ok=True)
    _perturb(state[0])


# The array stored once per process by a run, shared by both load variants: np.load reads the
# very payload file satchel.load reads (the same bytes, the same page-cache state, one copy on disk).
_STORED: dict[str, tuple[str, Path, Path]] = {}


def _stored_array(array: Any, scratch: Path) -> tuple[str, Path, Path]:
    """`(uri, payload path, store)` of the array stored by a run, made on first use."""
    found = _STORED.get("a")
    if found is not None and found[1].exists():
        return found
    import satchel

    store = scratch / "store"

    def produce() -> Any:
        return array

    run = satchel.run(produce, returns="a", project=PROJECT, store=store)
    artifact = run.artifacts["a"]
    _STORED["a"] = (artifact.uri, Path(artifact.local_path()), store)
    return _STORED["a"]


def _np_load_setup(array: Any, scratch: Path) -> Path:
    return _stored_array(array, scratch)[1]


def _np_load(path: Path) -> Any:
    import numpy as np

    return np.load(path)


def _satchel_load_setup(array: Any, scratch: Path) -> Any:
    import numpy as np

    import satchel

    uri, _, store = _stored_array(array, scratch)
    loaded = satchel.load(uri, store=store)
    if type(loaded) is not np.ndarray or loaded.shape != array.shape:
        raise RuntimeError(f"satchel.load({uri!r}) gave a {type(loaded).__qualname__}, not the ndarray")
    return functools.partial(satchel.load, uri, store=store)


def array_cases() -> list[Comparison]:
    """An 800 MB array returned by a run, and loaded back by its URI."""
    return [
        Comparison(
            name="run-array-800MB",
            description="satchel.run(f, returns='a'), f returns an 800 MB float64 array (npy)",
            make_input=big_array,
            variants=[
                Variant("np.save", _np_save, setup=_np_save_setup, reset=_np_save_reset),
                Variant("mgr.pack(a, 'a')", _call, setup=_array_pack_setup, reset=_array_pack_reset),
                Variant("satchel.run", _call, setup=_array_run_setup, reset=_array_run_reset),
            ],
            payload_bytes=ARRAY_BYTES,
            targets=[Target("time_ratio", 1.1, variant="satchel.run", against="mgr.pack(a, 'a')")],
            notes=[
                "one value is changed (untimed) after every repetition, so every write is a new payload; "
                "stored payloads and written files are removed untimed",
                "mgr.pack writes into a workspace in the same temp folder as the store (one filesystem)",
            ],
        ),
        Comparison(
            name="run-array-800MB-load",
            description="satchel.load(uri) of the 800 MB array vs np.load of the same stored file",
            make_input=big_array,
            variants=[
                Variant("np.load(path)", _np_load, setup=_np_load_setup),
                Variant("satchel.load(uri)", _call, setup=_satchel_load_setup),
            ],
            payload_bytes=ARRAY_BYTES,
            targets=[Target("time_ratio", 1.05)],
            notes=["np.load reads the stored payload file itself: the same bytes, one copy on disk"],
        ),
    ]


# -- 5. four processes, one store ------------------------------------------------------------------


def worker_main(store: str, project: str, count: int, with_file: bool) -> None:
    """A prestarted worker: one warm run (another project), 'ready', then on 'go' its runs, 'done'."""
    import satchel

    returns: Any = ["x", "data:file"] if with_file else "x"
    step = store_step_file if with_file else store_step
    satchel.run(step, params={"i": -1}, returns=returns, project=f"{project}-warm", store=store)
    print("ready", flush=True)
    readable, _, _ = select.select([sys.stdin], [], [], WORKER_IDLE_TIMEOUT)
    if not readable or sys.stdin.readline().strip() != "go":
        return  # never started (the last fleet of a case, or the harness ended): leave quietly
    for i in range(count):
        satchel.run(step, params={"i": i}, returns=returns, project=project, store=store)
    print("done", flush=True)


class _Fleet:
    """`processes` prestarted workers doing `count` runs each into one store, once per repetition.

    The harness calls `run` `processes x count` times per repetition (`number`), so its time per
    call is the wall time per run: the first call starts every worker and waits for all to be
    done; the others return at once. `check_and_restart` (the reset, untimed) checks that the
    store holds exactly the runs made, then prestarts the next workers.
    """

    def __init__(self, scratch: Path, processes: int, count: int, with_file: bool) -> None:
        self.store = scratch / "store"
        self.processes, self.count, self.with_file = processes, count, with_file
        self.round = 0
        self.workers: list[subprocess.Popen[str]] = []
        self.armed = False
        # The store is made here, before any worker starts, so that only writing runs is timed.
        import satchel

        satchel.list_runs(store=self.store)
        self._start()

    @property
    def project(self) -> str:
        return f"par-{self.round}"

    def _start(self) -> None:
        self.round += 1
        code = (
            "import sys; from bench.cases_runs import worker_main as w; "
            "w(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1')"
        )
        argv = [
            sys.executable, "-c", code, str(self.store), self.project, str(self.count),
            "1" if self.with_file else "0",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": _pythonpath()}
        self.workers = [
            subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=str(ROOT),
                env=env,
            )
            for _ in range(self.processes)
        ]
        for worker in self.workers:
            self._expect(worker, "ready")
        self.armed = True

    def _expect(self, worker: subprocess.Popen[str], word: str) -> None:
        assert worker.stdout is not None
        line = worker.stdout.readline().strip()
        if line != word:
            worker.kill()
            _, errors = worker.communicate()
            raise RuntimeError(f"a worker said {line!r}, not {word!r}: {errors.strip()[-2000:]}")

    def __call__(self) -> None:
        if not self.armed:
            return
        self.armed = False
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in self.workers:
            self._expect(worker, "done")

    def check_and_restart(self) -> None:
        """Untimed: every worker ended well, and exactly processes x count completed runs are new."""
        import satchel

        for worker in self.workers:
            _, errors = worker.communicate()
            if worker.returncode != 0:
                raise RuntimeError(f"a worker exited {worker.returncode}: {errors.strip()[-2000:]}")
        runs = satchel.list_runs(self.project, store=self.store)
        expected = self.processes * self.count
        completed = [run for run in runs if run.status == "completed"]
        if len(runs) != expected or len(completed) != expected:
            statuses = sorted({run.status for run in runs})
            raise RuntimeError(
                f"{self.processes} processes x {self.count} runs: the store holds {len(runs)} runs "
                f"({len(completed)} completed; statuses {statuses}), not {expected}: runs were lost"
            )
        if self.with_file:
            missing = [run.id for run in runs if not Path(run.artifacts["data"].local_path()).is_file()]
            if missing:
                raise RuntimeError(f"{len(missing)} runs have no stored payload, e.g. {missing[0]}")
        self._start()

    def close(self) -> None:
        """Let prestarted workers leave (they read end-of-file instead of 'go')."""
        for worker in self.workers:
            if worker.poll() is None and worker.stdin is not None:
                try:
                    worker.stdin.close()
                except OSError:
                    pass


def _fleet_setup(processes: int, with_file: bool = False) -> Any:
    def setup(_data: Any, scratch: Path) -> _Fleet:
        fleet = _Fleet(scratch, processes, WORKER_RUNS, with_file)
        atexit.register(fleet.close)
        return fleet

    return setup


def _fleet_reset(state: _Fleet) -> None:
    state.check_and_restart()


def processes_case() -> Comparison:
    """Four processes doing N runs each into one store at once, against one process alone."""

    def fleet(name: str, processes: int, with_file: bool = False) -> Variant:
        return Variant(
            name,
            _call,
            setup=_fleet_setup(processes, with_file),
            reset=_fleet_reset,
            number=processes * WORKER_RUNS,
            memory=False,
        )

    n = WORKER_RUNS
    return Comparison(
        name="runs-4-processes",
        description=f"{WORKERS} processes x {n} runs into one store at once; time = wall time / runs",
        variants=[
            fleet(f"1 process x {n}", 1),
            fleet(f"{WORKERS} processes x {n}", WORKERS),
            fleet(f"1 process x {n}, file artifacts", 1, True),
            fleet(f"{WORKERS} processes x {n}, file artifacts", WORKERS, True),
        ],
        memory=False,
        notes=[
            f"after every repetition the store must hold exactly {WORKERS} x {n} = {WORKERS * n} new "
            "completed runs (each with its payload): the case fails otherwise. Zero lost is the target",
            "workers are started and warmed untimed; the time is from 'go' to the last 'done', divided "
            "by the runs made: runs/s = 1 / median; below 1.00x, more processes gave more runs per second",
            f"this machine has {os.cpu_count()} CPUs; the file artifacts are the same bytes in every "
            "process, so the processes also race to store each payload",
            "the store is created before the workers start, so that only writing runs is timed",
        ],
    )


def cases() -> list[Comparison]:
    """Every runs case, in the order they are reported."""
    return [*runs_per_second_cases(), list_runs_case(), *array_cases(), processes_case()]
