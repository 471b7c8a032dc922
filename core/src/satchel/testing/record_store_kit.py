"""`check_record_store`: the conformance check of a `RecordStore` backend (the built-in SQLite
store passes it; so must every other backend).

It exercises every method of `satchel.backends.RecordStore` on fresh stores: projects, custom
packagers, runs and their artifacts, id prefixes, queries, `latest_run`, aborting, workflows,
trust, `list_runs_json` against `run_document`, importing runs, reopening; then several processes opening one
new store and writing runs at once while this process reads (nothing lost, every listing
consistent), threads sharing one store object, and a forked child using its parent's store.
Failures are `AssertionError`s that say what was wrong.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from satchel.backends import (
    ABORTED,
    COMPLETED,
    ERROR,
    RUNNING,
    RecordStore,
    RunQuery,
    RunRecord,
    WorkflowRecord,
    now,
    run_document,
    workflow_document,
)
from satchel.errors import SatchelError
from satchel.packaging.artifact import Artifact

Opener = Callable[[str], RecordStore]


def check_record_store(
    open_records: Opener,
    new_location: Callable[[], str],
    *,
    processes: int = 4,
    runs_per_process: int = 20,
    only: Iterable[str] | None = None,
) -> None:
    """Check a `RecordStore` implementation; raise `AssertionError` on the first failure.

    `open_records(location)` opens the store at a location (a path, a URL); it must be importable
    by its module and name (a class or a module-level function), because other processes call
    it too. `new_location()` gives the location of a new, empty store at each call. `processes`
    and `runs_per_process` size the concurrent check; `only` runs some checks by name (`CHECKS`).
    """
    _importable_name(open_records)
    names = list(CHECKS) if only is None else list(only)
    unknown = sorted(set(names) - set(CHECKS))
    assert not unknown, f"unknown checks {unknown}; the checks are {list(CHECKS)}"
    for name in names:
        location = new_location()
        try:
            if name == "concurrent_processes":  # the new location is made by the writers, at once
                _check_processes(open_records, location, processes, runs_per_process)
                continue
            store = open_records(location)
            try:
                CHECKS[name](open_records, location, store)
            finally:
                store.close()
        except AssertionError as failure:
            raise AssertionError(f"{_importable_name(open_records)}, check {name!r}: {failure}") from None


# -- records to write ----------------------------------------------------------------------------


def _run(project: str = "p", run_id: str | None = None, **fields: Any) -> RunRecord:
    """A `running` run with every field set to something recognisable."""
    values: dict[str, Any] = {
        "id": run_id or uuid.uuid4().hex,
        "project": project,
        "name": "step",
        "function": "jobs.steps:step",
        "source_hash": "blake3:" + "5" * 64,
        "params": {"lr": 0.5, "layers": [64, 32], "tag": "é ☃ \"q\" \\ \n", "nested": {"a": None}},
        "inputs": {"data": {"uri": "store://p/data@abc", "hash": "blake3:" + "d" * 64}},
        "returns": ["model:file", "score"],
        "status": RUNNING,
        "started": now(),
        "versions": {"python": "3.11.7", "satchel": "0.1.0"},
        "host": "host-1",
        "pid": 4242,
        "process_started": 1764578400.25,
    }
    values.update(fields)
    return RunRecord(**values)


#: A pack-time preview as a packager records one: nested JSON, text that needs escaping.
_PREVIEW: dict[str, Any] = {
    "type": "table",
    "rows": 3,
    "columns": [{"name": "é ☃ \"q\"", "dtype": "float64"}],
    "head": [["1.5"], ["nan"], ["\\ \n"]],
    "stats": {"mean": 0.25, "count": None},
}


def _artifact(key: str, size: int = 3, **fields: Any) -> Artifact:
    values: dict[str, Any] = {
        "key": key,
        "kind": "file",
        "packager": "satchel_builtins.packagers.ListPackager",
        "object_type": "builtins.list",
        "instructions": {"file_format": "json", "nested": {"n": [1, 2.5, None, True]}},
        "hash": "blake3:" + uuid.uuid4().hex * 2,
        "size": size,
        "versions": {"satchel": "0.1.0"},
        "created": now(),
        "trusted": False,
    }
    values.update(fields)
    return Artifact(**values)


def _finish(store: RecordStore, run: RunRecord, *artifacts: Artifact, status: str = COMPLETED) -> None:
    store.finish_run(
        run.id,
        status,
        {"score": 0.75, "label": "ok"},
        list(artifacts),
        None if status == COMPLETED else "ValueError: bad",
        now(),
        {**run.versions, "numpy": "2.1.0"},
    )


def _ids(runs: Iterable[RunRecord]) -> list[str]:
    return [run.id for run in runs]


def _same_artifact(got: Artifact | None, expected: Artifact, project: str, run_id: str, what: str) -> None:
    assert got is not None, f"{what}: no artifact {expected.key!r}"
    want = {**expected.to_dict(), "uri": f"store://{project}/{expected.key}@{run_id}"}
    assert got.to_dict() == want, f"{what}: artifact {expected.key!r} is {got.to_dict()}, expected {want}"
    assert got.path is None, f"{what}: a stored artifact has no local path, got {got.path!r}"


def _documents(store: RecordStore, query: RunQuery) -> None:
    """`list_runs_json` parses to the `run_document`s of `list_runs`, in the same order."""
    expected = json.loads(json.dumps([run_document(run) for run in store.list_runs(query)]))
    text = store.list_runs_json(query)
    assert isinstance(text, str), f"list_runs_json gave a {type(text).__qualname__}, not a str"
    got = json.loads(text)
    assert got == expected, f"list_runs_json({query}) differs from the run_documents: {got} != {expected}"


# -- the checks, each on a new store --------------------------------------------------------------


def _check_projects(_open: Opener, _location: str, store: RecordStore) -> None:
    assert store.projects() == [], f"a new store has projects: {store.projects()}"
    assert not store.has_project("alpha"), "has_project on a new store"
    assert store.ensure_project("alpha") is True, "ensure_project of a new project did not say True"
    assert store.ensure_project("alpha") is False, "ensure_project of an existing project said True"
    assert store.has_project("alpha"), "ensure_project did not create the project"
    store.start_run(_run("gamma"))  # a run creates its project
    store.ensure_project("beta")
    store.start_workflow(WorkflowRecord(id=uuid.uuid4().hex, project="delta", name="w", status=RUNNING,
                                        started=now()))  # fmt: skip
    assert store.projects() == ["alpha", "gamma", "beta", "delta"], (
        f"projects are not in creation order: {store.projects()}"
    )
    assert store.ensure_project("gamma") is False, "start_run's project: ensure_project said True"


def _check_custom_packagers(_open: Opener, _location: str, store: RecordStore) -> None:
    assert store.custom_packagers("p") == [], "a new project has custom packagers"
    assert store.add_custom_packager("p", "pkg.z:Zed", True) is True, "adding a custom packager: not True"
    assert store.has_project("p"), "add_custom_packager did not create the project"
    assert store.add_custom_packager("p", "pkg.a:Ay", False) is True
    assert store.add_custom_packager("p", "pkg.z:Zed", False) is False, "adding it again did not say False"
    assert store.add_custom_packager("q", "pkg.a:Ay", True) is True, "projects do not have their own"
    got = store.custom_packagers("p")
    assert got == [("pkg.z:Zed", True), ("pkg.a:Ay", False)], f"custom packagers not in order added: {got}"
    assert all(type(flag) is bool for _, flag in got), f"is_mandatory is not a bool: {got}"
    assert store.remove_custom_packager("p", "pkg.z:Zed") is True, "removing a custom packager: not True"
    assert store.remove_custom_packager("p", "pkg.z:Zed") is False, "removing it again: not False"
    assert store.remove_custom_packager("nope", "pkg.a:Ay") is False, "removing from no project: not False"
    assert store.add_custom_packager("p", "pkg.z:Zed", True) is True
    got = store.custom_packagers("p")
    assert got == [("pkg.a:Ay", False), ("pkg.z:Zed", True)], f"re-added packager is not last: {got}"
    assert store.custom_packagers("q") == [("pkg.a:Ay", True)]


def _check_runs(_open: Opener, _location: str, store: RecordStore) -> None:
    cache = {"miss": ["source", "params"], "nearest": None}
    run = _run(workflow="wf-1", cached_from="0" * 32, cache_key="key-1", cache=cache, origin={"store": "s"})
    store.start_run(run)
    got = store.get_run(run.id)
    assert got is not None, "get_run of a started run gave None"
    assert run_document(got) == run_document(run), f"the started run differs: {got} != {run}"
    for field in ("returns", "host", "pid", "process_started", "cache_key"):
        assert getattr(got, field) == getattr(run, field), f"{field}: {getattr(got, field)!r}"
    assert type(got.pid) is int and type(got.process_started) is float, "pid / process_started types"
    bare = _run(returns=None, host=None, pid=None, process_started=None, source_hash=None, function=None)
    store.start_run(bare)
    got_bare = store.get_run(bare.id)
    assert got_bare is not None and got_bare.returns is None and got_bare.function is None, "None fields"
    assert got_bare.cache is None and got_bare.origin is None and got_bare.cache_key is None

    model = _artifact("model", size=10**10, preview=_PREVIEW)
    table = _artifact("table", kind="object", trusted=True)  # no preview: None round-trips too
    _finish(store, run, table, model)
    got = store.get_run(run.id)
    assert got is not None
    assert got.status == COMPLETED and got.ended is not None, f"finish_run: status {got.status!r}"
    assert got.results == {"score": 0.75, "label": "ok"}, f"results {got.results}"
    assert got.versions == {**run.versions, "numpy": "2.1.0"}, f"versions not updated: {got.versions}"
    assert list(got.artifacts) == ["model", "table"], f"artifacts not by key: {list(got.artifacts)}"
    assert got.artifacts["model"].preview == _PREVIEW, f"preview: {got.artifacts['model'].preview!r}"
    assert got.artifacts["table"].preview is None, "an artifact without a preview read with one"
    _same_artifact(got.artifacts["model"], model, "p", run.id, "get_run")
    _same_artifact(got.artifacts["table"], table, "p", run.id, "get_run")
    _finish(store, bare, status=ERROR)
    got_bare = store.get_run(bare.id)
    assert got_bare is not None and got_bare.status == ERROR and got_bare.error == "ValueError: bad"
    assert got_bare.artifacts == {}, "a run that logged nothing has artifacts"
    try:
        _finish(store, _run())
    except SatchelError:
        pass
    else:
        raise AssertionError("finish_run of an unknown run did not raise SatchelError")
    assert store.get_run("f" * 32) is None, "get_run of an unknown id is not None"


def _check_prefixes(_open: Opener, _location: str, store: RecordStore) -> None:
    first, second = "abc" + "1" * 29, "abc" + "2" * 29
    for run_id in (first, second):
        store.start_run(_run(run_id=run_id))
    got = store.get_run("abc1")
    assert got is not None and got.id == first, "a unique prefix does not find its run"
    assert store.get_run(first) is not None and store.get_run(first).id == first  # type: ignore[union-attr]
    try:
        store.get_run("abc")
    except SatchelError as error:
        assert "ambiguous" in str(error), f"the ambiguity error does not say so: {error}"
    else:
        raise AssertionError("get_run of a prefix of two runs did not raise SatchelError")
    assert store.get_run("abd") is None, "a prefix of no run found one"
    assert store.get_run("") is None, "the empty id found a run"
    assert store.get_run("ABC1") is None, "prefix lookup is for lower-case hex only"
    assert store.get_run("abc%") is None and store.get_run("abc_") is None, "wildcards matched"
    named = "run-Named_%"
    store.start_run(_run(run_id=named))
    assert store.get_run(named) is not None, "an id that is not hex is found whole"
    for workflow_id in (first, second):
        store.start_workflow(WorkflowRecord(id=workflow_id, project="p", name="w", status=RUNNING,
                                            started=now()))  # fmt: skip
    found = store.get_workflow("abc2")
    assert found is not None and found.id == second, "a unique workflow prefix does not find it"
    try:
        store.get_workflow("abc")
    except SatchelError as error:
        assert "ambiguous" in str(error), f"the ambiguity error does not say so: {error}"
    else:
        raise AssertionError("get_workflow of a prefix of two workflows did not raise SatchelError")
    assert store.get_workflow("abd") is None and store.get_workflow("") is None


def _check_queries(_open: Opener, _location: str, store: RecordStore) -> None:
    # ids in the reverse order of starting: listings must follow the order runs started
    specs = [
        ("p", "train", "jobs:train", "k1", "wf-a"),
        ("p", "train", "jobs:train", "k2", None),
        ("q", "train", "jobs:train", "k1", "wf-a"),
        ("p", "eval", "jobs:eval", None, "wf-b"),
        ("p", "train", "jobs:train", "k1", None),
        ("p", "train", "other:train", "k1", None),
    ]
    runs = []
    for index, (project, name, function, key, workflow) in enumerate(specs):
        run = _run(project, run_id=f"{9 - index:x}" * 32, name=name, function=function, cache_key=key,
                   workflow=workflow)  # fmt: skip
        store.start_run(run)
        runs.append(run)
    _finish(store, runs[0], _artifact("m"))
    _finish(store, runs[1], status=ERROR)
    _finish(store, runs[2], _artifact("m"))
    _finish(store, runs[3], _artifact("m"), _artifact("n"))
    assert _ids(store.list_runs(RunQuery())) == _ids(runs), "list_runs is not in the order runs started"
    cases: list[tuple[RunQuery, list[int]]] = [
        (RunQuery(project="p"), [0, 1, 3, 4, 5]),
        (RunQuery(project="q"), [2]),
        (RunQuery(project="none"), []),
        (RunQuery(status=COMPLETED), [0, 2, 3]),
        (RunQuery(status=RUNNING), [4, 5]),
        (RunQuery(name="eval"), [3]),
        (RunQuery(workflow="wf-a"), [0, 2]),
        (RunQuery(function="jobs:train"), [0, 1, 2, 4]),
        (RunQuery(cache_key="k1"), [0, 2, 4, 5]),
        (RunQuery(project="p", function="jobs:train", cache_key="k1"), [0, 4]),
        (RunQuery(project="p", function="jobs:train", cache_key="k1", status=COMPLETED), [0]),
        (RunQuery(project="p", status=ERROR, name="train"), [1]),
    ]
    for query, expected in cases:
        got = _ids(store.list_runs(query))
        assert got == [runs[i].id for i in expected], f"list_runs({query}): {got}"
        latest = store.latest_run(query)
        want = runs[expected[-1]].id if expected else None
        assert (latest.id if latest else None) == want, f"latest_run({query}) gave {latest and latest.id}"
        _documents(store, query)
    latest = store.latest_run(RunQuery(project="p", name="eval"))
    assert latest is not None and sorted(latest.artifacts) == ["m", "n"], "latest_run without artifacts"
    _same_artifact(latest.artifacts["m"], latest.artifacts["m"], "p", runs[3].id, "latest_run")
    listed = {run.id: run for run in store.list_runs(RunQuery())}
    for run in runs:
        single = store.get_run(run.id)
        assert single is not None and run_document(listed[run.id]) == run_document(single), (
            f"list_runs and get_run differ for {run.id}"
        )


def _check_aborting(_open: Opener, _location: str, store: RecordStore) -> None:
    live, done, gone = _run(), _run(), _run(error="Killed: by hand")
    for run in (live, done, gone):
        store.start_run(run)
    _finish(store, done)
    ended = now()
    changed = store.mark_aborted([gone.id, done.id, live.id, "0" * 32], ended)
    assert changed == [gone.id, live.id], f"mark_aborted changed {changed}, not the running ones in order"
    for run in (live, gone):
        got = store.get_run(run.id)
        assert got is not None and got.status == ABORTED and got.ended == ended, f"{got}"
    assert store.get_run(live.id).error.startswith("Aborted"), "an aborted run says why"  # type: ignore[union-attr]
    assert store.get_run(gone.id).error == "Killed: by hand", "mark_aborted replaced an error"  # type: ignore[union-attr]
    assert store.get_run(done.id).status == COMPLETED, "mark_aborted changed a completed run"  # type: ignore[union-attr]
    assert store.mark_aborted([live.id], now()) == [], "aborting twice changed something"
    assert store.mark_aborted([], now()) == [], "aborting nothing changed something"


def _check_workflows(_open: Opener, _location: str, store: RecordStore) -> None:
    first = WorkflowRecord(id="f" * 32, project="p", name="pipeline", status=RUNNING, started=now(),
                           cache=True, host="h", pid=7, process_started=12.5)  # fmt: skip
    rerun = WorkflowRecord(id="0" * 32, project="p", name="pipeline", status=RUNNING, started=now(),
                           rerun_of=first.id, from_step="train")  # fmt: skip
    other = WorkflowRecord(id="8" * 32, project="q", name="other", status=RUNNING, started=now())
    for workflow in (first, rerun, other):
        store.start_workflow(workflow)
    assert store.has_project("q"), "start_workflow did not create its project"
    got = store.get_workflow(first.id)
    assert got is not None and workflow_document(got) == workflow_document(first), f"{got} != {first}"
    assert (got.host, got.pid, got.process_started) == ("h", 7, 12.5) and got.cache is True
    report = {"steps": {"train": {"same": False, "why": ["params"]}}, "score": 0.5}
    store.finish_workflow(rerun.id, COMPLETED, now(), None, report)
    got = store.get_workflow(rerun.id)
    assert got is not None and got.status == COMPLETED and got.report == report and got.ended, f"{got}"
    assert got.rerun_of == first.id and got.from_step == "train" and got.cache is False
    store.finish_workflow(other.id, ERROR, now(), "RuntimeError: x", None)
    got = store.get_workflow(other.id)
    assert got is not None and got.error == "RuntimeError: x" and got.report is None
    try:
        store.finish_workflow("1" * 32, COMPLETED, now(), None, None)
    except SatchelError:
        pass
    else:
        raise AssertionError("finish_workflow of an unknown workflow did not raise SatchelError")
    assert [w.id for w in store.list_workflows()] == [first.id, rerun.id, other.id], "not in start order"
    assert [w.id for w in store.list_workflows(project="p")] == [first.id, rerun.id]
    assert [w.id for w in store.list_workflows(name="other")] == [other.id]
    assert [w.id for w in store.list_workflows(project="q", name="pipeline")] == []
    ended = now()
    assert store.mark_workflows_aborted([other.id, first.id], ended) == [first.id], "aborted a finished one"
    got = store.get_workflow(first.id)
    assert got is not None and got.status == ABORTED and got.ended == ended and got.error
    assert store.mark_workflows_aborted([first.id], now()) == []
    steps = [_run(workflow=first.id) for _ in range(3)]
    for step in steps:
        store.start_run(step)
    assert _ids(store.list_runs(RunQuery(workflow=first.id))) == _ids(steps), "a workflow's steps"
    assert store.get_workflow("9" * 32) is None


def _check_artifacts(_open: Opener, _location: str, store: RecordStore) -> None:
    early, late, other = _run(), _run(), _run("q")
    for run in (early, late, other):
        store.start_run(run)
    late_model, early_model = _artifact("model"), _artifact("model")
    _finish(store, late, late_model)  # the run started later finishes first
    _finish(store, early, early_model, _artifact("extra"))
    _finish(store, other, _artifact("model"))
    found = store.find_artifact("p", "model")
    _same_artifact(found, late_model, "p", late.id, "find_artifact (latest)")
    _same_artifact(store.find_artifact("p", "model", early.id), early_model, "p", early.id, "find_artifact")
    assert store.find_artifact("p", "missing") is None and store.find_artifact("p", "extra", late.id) is None
    assert store.find_artifact("none", "model") is None
    everything = [(a.uri, a.key) for a in store.list_artifacts()]
    expected = [
        (f"store://p/extra@{early.id}", "extra"),
        (f"store://p/model@{early.id}", "model"),
        (f"store://p/model@{late.id}", "model"),
        (f"store://q/model@{other.id}", "model"),
    ]
    assert everything == expected, f"list_artifacts is not by run start, then key: {everything}"
    assert [a.uri for a in store.list_artifacts("q")] == [f"store://q/model@{other.id}"]
    assert store.list_artifacts("none") == []
    assert store.set_trusted("p", "model", early.id, True) is True, "set_trusted of an artifact: not True"
    assert store.find_artifact("p", "model", early.id).trusted is True, "trust not recorded"  # type: ignore[union-attr]
    assert store.find_artifact("p", "model", late.id).trusted is False, "trusted the wrong artifact"  # type: ignore[union-attr]
    assert store.get_run(early.id).artifacts["model"].trusted is True  # type: ignore[union-attr]
    assert store.set_trusted("p", "model", early.id, False) is True
    assert store.find_artifact("p", "model", early.id).trusted is False, "distrust not recorded"  # type: ignore[union-attr]
    assert store.set_trusted("p", "nope", early.id, True) is False, "set_trusted of no artifact: not False"
    assert store.set_trusted("q", "model", early.id, True) is False, "set_trusted across projects"
    _documents(store, RunQuery())


def _check_importing(_open: Opener, _location: str, store: RecordStore) -> None:
    workflow = WorkflowRecord(id=uuid.uuid4().hex, project="copy", name="nightly", status=COMPLETED,
                              started=now(), ended=now(), report={"n": 1})  # fmt: skip
    origin = {"project": "demo", "run": "0" * 32, "bundle": "b.satchel"}
    runs = []
    for index in range(2):
        run = _run("copy", status=COMPLETED, ended=now(), workflow=workflow.id, origin=origin,
                   results={"i": index}, error=None)  # fmt: skip
        run.artifacts = {
            "model": _artifact("model", trusted=False, preview=_PREVIEW),
            "extra": _artifact("extra"),
        }
        runs.append(run)
    store.import_runs(runs, workflow)
    got = store.get_workflow(workflow.id)
    assert got is not None and workflow_document(got) == workflow_document(workflow), f"imported {got}"
    for run in runs:
        found = store.get_run(run.id)
        assert found is not None, "an imported run is not there"
        expected = run_document(run)
        expected["artifacts"] = {
            key: {**artifact.to_dict(), "uri": f"store://copy/{key}@{run.id}"}
            for key, artifact in sorted(run.artifacts.items())
        }
        assert run_document(found) == expected, f"the imported run differs: {run_document(found)}"
    assert _ids(store.list_runs(RunQuery(workflow=workflow.id))) == _ids(runs), "imported steps' order"
    found = store.find_artifact("copy", "model")
    assert found is not None and found.uri == f"store://copy/model@{runs[-1].id}"
    store.import_runs([_run("solo", status=COMPLETED, ended=now())])  # no workflow
    assert len(store.list_runs(RunQuery(project="solo"))) == 1
    fresh, clash = _run("late", status=COMPLETED, ended=now()), _run("late", run_id=runs[0].id)
    try:
        store.import_runs([fresh, clash])  # the second id exists: nothing of the batch is added
    except Exception:  # whatever the backend raises for a duplicate id
        pass
    else:
        raise AssertionError("importing a run whose id exists did not fail")
    assert store.get_run(fresh.id) is None, "a failed import_runs left part of its runs (one transaction)"
    assert not store.has_project("late"), "a failed import_runs left its project"


def _check_reopening(open_records: Opener, location: str, store: RecordStore) -> None:
    run = _run()
    store.start_run(run)
    _finish(store, run, _artifact("m"))
    store.add_custom_packager("p", "pkg:P", True)
    store.close()
    assert store.get_run(run.id) is not None, "a closed store is not usable again"
    again = open_records(location)
    try:
        got = again.get_run(run.id)
        assert got is not None and run_document(got) == run_document(store.get_run(run.id)), (  # type: ignore[arg-type]
            "a second store object on the same location does not see the same run"
        )
        assert again.custom_packagers("p") == [("pkg:P", True)] and again.projects() == ["p"]
        assert isinstance(again.url, str) and again.url, "a store has a url for messages"
    finally:
        again.close()


def _check_threads(_open: Opener, _location: str, store: RecordStore) -> None:
    errors: list[BaseException] = []
    made: list[str] = []

    def write(worker: int) -> None:
        try:
            for _ in range(10):
                run = _run(f"t{worker % 2}")
                store.start_run(run)
                _finish(store, run, _artifact("m"))
                made.append(run.id)
                store.list_runs(RunQuery(project=run.project))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"writing from 4 threads failed: {errors[0]!r}"
    listed = store.list_runs(RunQuery())
    assert sorted(_ids(listed)) == sorted(made), "runs written by threads were lost"
    assert all(run.status == COMPLETED and "m" in run.artifacts for run in listed)


def _check_fork(_open: Opener, _location: str, store: RecordStore) -> None:
    if not hasattr(os, "fork"):
        return
    before = _run()
    store.start_run(before)
    child_run = _run()
    with warnings.catch_warnings():  # a multi-threaded parent (pytest-xdist): the child only writes
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: its own connection; never the parent's, even when it closes
        code = 1
        try:
            store.close()  # as a child that releases what it inherited: the parent's stay open
            store.start_run(child_run)
            _finish(store, child_run, _artifact("m"))
            store.close()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "a forked child could not write a run"
    _finish(store, before)  # the parent's own connection still works after the child's
    got = store.get_run(child_run.id)
    assert got is not None and got.status == COMPLETED, "the forked child's run is not there"
    assert store.get_run(before.id).status == COMPLETED  # type: ignore[union-attr]


# -- several processes at once --------------------------------------------------------------------

_CHILD = "from satchel.testing.record_store_kit import _child; _child()"


def _check_processes(open_records: Opener, fresh: str, processes: int, count: int) -> None:
    """Processes open a new store at once (one creates it) and write runs while this one reads."""
    opener = _importable_name(open_records)
    pipes: dict[str, Any] = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    pipes["text"] = True
    children = [
        subprocess.Popen([sys.executable, "-c", _CHILD, opener, fresh, str(n), str(count)], **pipes)
        for n in range(processes)
    ]
    try:
        for child in children:
            line = child.stdout.readline().strip()  # type: ignore[union-attr]
            assert line == "ready", f"a writer process did not start: {line!r} {child.stderr.read()[-3000:]}"  # type: ignore[union-attr]
        for child in children:
            child.stdin.write("go\n")  # type: ignore[union-attr]
            child.stdin.flush()  # type: ignore[union-attr]
        reader = open_records(fresh)  # opened while the children create and write
        try:
            listings = 0
            while any(child.poll() is None for child in children) or listings < 3:
                _consistent(reader.list_runs(RunQuery(project="p")), "a listing during the writes")
                _consistent_documents(json.loads(reader.list_runs_json(RunQuery(project="p"))))
                listings += 1
                time.sleep(0.005)  # leave the writers most of the CPU
            reports = []
            for child in children:
                out, err = child.communicate(timeout=600)
                assert child.returncode == 0, f"a writer process failed: {err[-3000:]}"
                reports.append(json.loads(out.strip().splitlines()[-1]))
            _check_written(reader, reports, processes, count)
        finally:
            reader.close()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()


def _consistent(runs: list[RunRecord], what: str) -> None:
    for run in runs:
        finished = run.status == COMPLETED
        assert finished == (sorted(run.artifacts) == ["own", "shared"]), (
            f"{what}: run {run.id} is {run.status} with artifacts {sorted(run.artifacts)} (a half-"
            "written run: a run and its artifacts must be read together)"
        )


def _consistent_documents(documents: list[dict[str, Any]]) -> None:
    for document in documents:
        finished = document["status"] == COMPLETED
        assert finished == (sorted(document["artifacts"]) == ["own", "shared"]), (
            f"list_runs_json during the writes: run {document['id']} is {document['status']} with "
            f"artifacts {sorted(document['artifacts'])}"
        )


def _check_written(store: RecordStore, reports: list[dict[str, Any]], processes: int, count: int) -> None:
    created = [report["created"] for report in reports]
    assert created.count(True) == 1, f"ensure_project said True in {created.count(True)} processes, not 1"
    added = [report["added"] for report in reports]
    assert added.count(True) == 1, f"one custom packager added by {added.count(True)} processes, not 1"
    made = [run_id for report in reports for run_id in report["runs"]]
    runs = store.list_runs(RunQuery(project="p"))
    assert len(runs) == processes * count, f"{len(runs)} runs stored, {processes} x {count} written"
    assert sorted(_ids(runs)) == sorted(made), "the stored runs are not the runs written"
    assert all(run.status == COMPLETED for run in runs), "a run written at once is not completed"
    _consistent(runs, "after the writes")
    for report in reports:  # each process's runs are listed in the order it started them
        mine = [run.id for run in runs if run.id in set(report["runs"])]
        assert mine == report["runs"], "a process's runs are not listed in the order it started them"
    shared = store.find_artifact("p", "shared")
    assert shared is not None and shared.uri == runs[-1].artifacts["shared"].uri, (
        "the latest 'shared' artifact is not the one of the last run started"
    )
    packagers = store.custom_packagers("p")
    assert sorted(path for path, _ in packagers) == sorted(
        ["pkg.shared:P", *(f"pkg.own{report['worker']}:P" for report in reports)]
    ), f"custom packagers added at once: {packagers}"
    workflows = store.list_workflows(project="p")
    assert len(workflows) == processes and all(w.status == COMPLETED for w in workflows)
    assert store.projects() == ["p"], f"projects: {store.projects()}"
    _documents(store, RunQuery(project="p"))


def _child() -> None:
    """A writer process: open the store on 'go', then write runs; print what it did as JSON."""
    opener, location, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    module, _, name = opener.partition(":")
    factory: Any = importlib.import_module(module)
    for part in name.split("."):
        factory = getattr(factory, part)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    store = factory(location)
    created = store.ensure_project("p")
    added = store.add_custom_packager("p", "pkg.shared:P", False)
    store.add_custom_packager("p", f"pkg.own{worker}:P", True)
    workflow = WorkflowRecord(id=uuid.uuid4().hex, project="p", name=f"w{worker}", status=RUNNING,
                              started=now())  # fmt: skip
    store.start_workflow(workflow)
    runs = []
    for _ in range(count):
        run = _run(workflow=workflow.id)
        store.start_run(run)
        runs.append(run.id)
        _finish(store, run, _artifact("shared"), _artifact("own"))
        store.latest_run(RunQuery(project="p", function=run.function, status=COMPLETED))
    store.finish_workflow(workflow.id, COMPLETED, now(), None, None)
    store.close()
    print(json.dumps({"worker": worker, "created": created, "added": added, "runs": runs}), flush=True)


def _importable_name(open_records: Opener) -> str:
    """`module:qualname` of the opener, checked to resolve to it (other processes import it)."""
    module, name = getattr(open_records, "__module__", None), getattr(open_records, "__qualname__", "")
    assert module and name and "<" not in name, (
        f"open_records ({open_records!r}) must be a class or module-level function: other processes "
        "import it by name"
    )
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part, None)
    assert found is open_records, f"{module}:{name} does not name open_records: other processes import it"
    return f"{module}:{name}"


#: The checks by name, in the order they run (`only=` picks some).
CHECKS: dict[str, Callable[[Opener, str, RecordStore], None]] = {
    "projects": _check_projects,
    "custom_packagers": _check_custom_packagers,
    "runs": _check_runs,
    "prefixes": _check_prefixes,
    "queries": _check_queries,
    "aborting": _check_aborting,
    "workflows": _check_workflows,
    "artifacts": _check_artifacts,
    "importing": _check_importing,
    "reopening": _check_reopening,
    "threads": _check_threads,
    "fork": _check_fork,
    "concurrent_processes": lambda *_: None,  # run by check_record_store itself (it takes sizes)
}
