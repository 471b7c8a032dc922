"""Runs on the embedded store: `satchel.run`, `handler`, `Run`, `load`, `get_run`, `list_runs`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import satchel
from satchel import Artifact, LogHintError, PackingError, SatchelError, SatchelWarning, UnpackingError
from satchel.backends import RunQuery, run_document


def prepare(n: int = 3, tag: str = "x"):
    return {"acc": 0.5, "tag": tag}, list(range(n))


@satchel.handler(returns=["metrics", "numbers:file"])
def decorated(n: int = 3):
    return {"acc": 0.5}, list(range(n))


def total(numbers: list[int], scale: int = 1) -> int:
    return sum(numbers) * scale


def test_a_run_records_results_artifacts_and_what_identifies_it(store):
    run = satchel.run(prepare, params={"n": 4}, returns=["metrics", "numbers:file"], project="demo")
    assert run.status == "completed" and run.error is None
    assert run.project == "demo" and run.name == "prepare"
    assert run.function == f"{__name__}:prepare"
    assert run.source_hash.startswith("blake3:") and len(run.source_hash) == 7 + 64
    assert run.params == {"n": 4}
    assert run.results == {"metrics": {"acc": 0.5, "tag": "x"}}
    numbers = run.artifacts["numbers"]
    assert numbers.uri == f"store://demo/numbers@{run.id}"
    assert numbers.trusted and numbers.kind == "file" and numbers.size > 0
    assert Path(numbers.local_path()).is_relative_to(store / "payloads")
    assert run.output("numbers") == [0, 1, 2, 3] and run.output("metrics")["acc"] == 0.5
    assert run.started < run.ended and run.started.endswith("+00:00")
    assert run.versions["python"] and run.versions["satchel"] == satchel.__version__
    again = satchel.get_run(run.id)
    assert again.to_dict() == run.to_dict()
    assert satchel.get_run(run.id[:8]).id == run.id  # a unique prefix will do


def test_the_handler_declares_hints_and_a_direct_call_is_the_plain_function(store):
    assert decorated(2) == ({"acc": 0.5}, [0, 1])  # nothing recorded, nothing packed
    assert satchel.list_runs() == []
    run = satchel.run(decorated, params={"n": 2})
    assert set(run.artifacts) == {"numbers"} and run.project == "default"
    overridden = satchel.run(decorated, params={"n": 2}, returns=["all"])  # run's returns win
    assert overridden.results == {"all": [{"acc": 0.5}, [0, 1]]}
    with pytest.raises(LogHintError):
        satchel.handler(returns=["bad:"])


def test_inputs_are_unpacked_by_type_hints_and_pinned_with_their_hashes(store, tmp_path):
    first = satchel.run(prepare, params={"n": 3}, returns=["metrics", "numbers:file"], project="demo")
    second = satchel.run(prepare, params={"n": 5}, returns=["metrics", "numbers:file"], project="demo")
    latest = satchel.run(total, inputs={"numbers": "store://demo/numbers"}, returns=["sum"], project="demo")
    assert latest.results == {"sum": 10}
    assert latest.inputs["numbers"] == {
        "uri": f"store://demo/numbers@{second.id}",  # a latest-URI is recorded pinned
        "hash": second.artifacts["numbers"].hash,
    }
    pinned = satchel.run(total, inputs={"numbers": first.artifacts["numbers"]}, returns="sum", project="demo")
    assert pinned.results == {"sum": 3}
    plain = tmp_path / "numbers.json"
    plain.write_text("[1, 2]")
    from_file = satchel.run(total, inputs={"numbers": str(plain)}, params={"scale": 10}, returns="sum")
    assert from_file.results == {"sum": 30}
    assert from_file.inputs["numbers"]["path"] == str(plain)
    assert from_file.inputs["numbers"]["hash"].startswith("blake3:")
    assert plain.read_text() == "[1, 2]"  # the user's file is untouched


def test_handler_inputs_override_annotations_and_false_passes_them_as_given(store, tmp_path):
    plain = tmp_path / "n.json"
    plain.write_text("[4, 5]")

    @satchel.handler(returns="got", inputs={"data": "tuple[int, ...]"})
    def typed(data):
        return repr(data)

    @satchel.handler(returns="got", inputs=False)
    def raw(data: list):
        return data

    assert satchel.run(typed, inputs={"data": str(plain)}).results == {"got": "(4, 5)"}
    assert satchel.run(raw, inputs={"data": str(plain)}).results == {"got": str(plain)}


def test_a_failing_function_is_recorded_as_error_and_the_exception_reaches_the_caller(store):
    def broken(x: int = 1):
        raise ValueError(f"bad x {x}")

    with pytest.raises(ValueError, match="bad x 2"):
        satchel.run(broken, params={"x": 2}, project="demo")
    (run,) = satchel.list_runs("demo")
    assert run.status == "error" and run.error == "ValueError: bad x 2" and run.ended


def test_an_output_that_cannot_be_packed_keeps_the_others(store):
    def mixed():
        return [1, 2], object()

    with pytest.raises(PackingError, match="no packager can pack 'bad'") as caught:
        satchel.run(mixed, returns=["good:file", "bad:result"])
    assert [type(output).__name__ for output in caught.value.outputs] == ["Artifact"]
    (run,) = satchel.list_runs()
    assert run.status == "error" and "PackingError" in run.error
    assert set(run.artifacts) == {"good"} and run.output("good") == [1, 2]


def test_a_key_logged_twice_is_an_error_that_keeps_the_first(store):
    with pytest.raises(PackingError, match="logged twice"):
        satchel.run(lambda: (1, 2), returns=["same", "same"])
    (run,) = satchel.list_runs()
    assert run.status == "error" and run.results == {"same": 1}


def test_a_value_returned_without_log_hints_warns(store):
    with pytest.warns(SatchelWarning, match="no log hints"):
        run = satchel.run(lambda: 42)
    assert run.status == "completed" and run.results == {}


def test_identical_payloads_are_stored_once(store):
    runs = [satchel.run(prepare, returns=["metrics", "numbers:file"]) for _ in range(3)]
    hashes = {run.artifacts["numbers"].hash for run in runs}
    assert len(hashes) == 1
    stored = [path for path in (store / "payloads").rglob("*") if path.is_file()]
    assert len(stored) == 1
    assert {run.artifacts["numbers"].local_path() for run in runs} == {str(stored[0])}


def test_no_scratch_file_survives_a_run(store, tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "a.txt").write_text("keep")

    def report(data: Path) -> Path:
        return data

    for _ in range(2):
        satchel.run(report, inputs={"data": str(folder)}, returns="copy")
    with pytest.raises(ZeroDivisionError):
        satchel.run(lambda: 1 / 0)
    # the process's own scratch folder stays (shared by its runs, removed at exit), empty
    assert [path for path in (store / "staging").rglob("*") if not path.is_dir()] == []
    assert [path.name.split("-")[1] for path in (store / "staging").iterdir()] == [str(os.getpid())]
    assert (folder / "a.txt").read_text() == "keep"


def test_load_unpacks_latest_and_pinned_uris(store):
    first = satchel.run(prepare, params={"n": 1}, returns=["metrics", "numbers:file"], project="p")
    satchel.run(prepare, params={"n": 2}, returns=["metrics", "numbers:file"], project="p")
    assert satchel.load("store://p/numbers") == [0, 1]
    assert satchel.load(f"store://p/numbers@{first.id}") == [0]
    assert satchel.load("store://p/numbers", tuple[int, ...]) == (0, 1)


@pytest.mark.parametrize(
    "uri,message",
    [
        ("store://nope/numbers", "there is no project 'nope' (projects: p)"),
        ("store://p/missing", "project 'p' has no artifact 'missing' (its artifacts: numbers)"),
        ("store://p/numbers@ffff", "has no artifact 'numbers' by run ffff"),
        ("store:/p/numbers", "malformed artifact URI"),
    ],
)
def test_unknown_uris_say_what_is_unknown(store, uri, message):
    satchel.run(prepare, returns=["metrics", "numbers:file"], project="p")
    with pytest.raises(UnpackingError) as caught:
        satchel.load(uri)
    assert message in str(caught.value)
    with pytest.raises(UnpackingError) as caught:
        satchel.run(total, inputs={"numbers": uri}, project="p")
    assert message in str(caught.value)
    assert len(satchel.list_runs("p")) == 1  # a run whose inputs are wrong is not started


def test_a_missing_input_file_is_a_clear_error(store, tmp_path):
    with pytest.raises(UnpackingError, match=r"input 'numbers': no such file or folder: .*nope\.json"):
        satchel.run(total, inputs={"numbers": str(tmp_path / "nope.json")})
    with pytest.raises(UnpackingError, match="inputs are paths, store:// URIs or Artifacts"):
        satchel.run(total, inputs={"numbers": [1, 2]})


def test_params_must_be_json_values(store):
    with pytest.raises(SatchelError, match="params must be JSON values"):
        satchel.run(total, params={"scale": object()})
    with pytest.raises(SatchelError, match="invalid project name"):
        satchel.run(total, project="no spaces")


def test_list_runs_filters_and_keeps_the_order_of_starting(store):
    for index in range(3):
        satchel.run(prepare, params={"n": index}, returns=["metrics", "numbers:file"], project="a")
    satchel.run(prepare, returns="all", project="b", name="other")
    assert [run.params["n"] for run in satchel.list_runs("a")] == [0, 1, 2]
    assert [run.name for run in satchel.list_runs(name="other")] == ["other"]
    assert len(satchel.list_runs(status="completed")) == 4
    assert satchel.list_runs(status="error") == []
    with pytest.raises(SatchelError, match="no run 'nope'"):
        satchel.get_run("nope")


def test_the_store_location_is_read_each_time_a_store_is_opened(store, tmp_path, monkeypatch):
    satchel.run(prepare, returns="all")
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("SATCHEL_HOME", str(elsewhere))
    assert satchel.list_runs() == []
    satchel.run(prepare, returns="all")
    assert (elsewhere / "satchel.db").exists()
    assert len(satchel.list_runs(store=store)) == 1


def test_the_default_store_is_dot_satchel_in_the_current_folder(tmp_path, monkeypatch):
    from satchel.tracking.store.opening import forget_open_stores

    monkeypatch.delenv("SATCHEL_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    try:
        satchel.run(prepare, returns="all")
        assert (tmp_path / ".satchel" / "satchel.db").exists()
    finally:
        forget_open_stores()


def test_a_store_made_by_a_newer_satchel_is_refused(store):
    satchel.run(prepare, returns="all")
    from satchel.tracking.store.opening import forget_open_stores

    forget_open_stores()
    with sqlite3.connect(store / "satchel.db") as connection:
        connection.execute("PRAGMA user_version = 99")
    newer = r"schema version 99, made by a newer satchel.*reads schema version 3"
    with pytest.raises(SatchelError, match=newer):
        satchel.list_runs()


def test_a_version_1_store_is_migrated_on_open_and_keeps_its_runs(tmp_path):
    """A store written by the first schema (no workflows, no cache columns) is brought up to the
    current one when opened, by several processes at once, and its runs read as before."""
    from satchel.tracking.store import sqlite_schema
    from satchel.tracking.store.opening import forget_open_stores

    database = tmp_path / "old" / "satchel.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        for statement in sqlite_schema._statements(sqlite_schema._CREATE):
            connection.execute(statement)
        connection.execute("INSERT INTO projects VALUES ('p', '2026-01-01T00:00:00+00:00')")
        connection.execute(
            "INSERT INTO runs (id, project, name, params, inputs, status, started, versions) "
            "VALUES ('abc', 'p', 'old', '{\"n\":1}', '{}', 'completed', '2026-01-01T00:00:00+00:00', '{}')"
        )
        connection.execute("PRAGMA user_version = 1")
    script = (
        "import satchel, sys; runs = satchel.list_runs(store=sys.argv[1]); "
        "print(runs[0].name, runs[0].params, runs[0].cache, satchel.list_workflows(store=sys.argv[1]))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(database.parent)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0].strip() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0]
    assert outputs == ["old {'n': 1} None []"] * 4
    forget_open_stores()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == sqlite_schema.SCHEMA_VERSION
        columns = {row[1] for row in connection.execute("PRAGMA table_info(runs)")}
    assert {"cache_key", "cache", "origin"} <= columns


def test_a_version_2_store_is_migrated_and_its_artifacts_read_without_a_preview(tmp_path):
    """Version 3 adds the artifacts' pack-time previews: an artifact recorded before reads with
    `preview` None (so the UI derives one), in `get_run` and in `list_runs_json` alike, and a new
    artifact records its preview beside the old one."""
    from satchel.tracking.store import sqlite_schema
    from satchel.tracking.store.opening import forget_open_stores
    from satchel.tracking.store.sqlite_records import SQLiteRecords

    database = tmp_path / "old" / "satchel.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        for statement in sqlite_schema._statements(sqlite_schema._CREATE):
            connection.execute(statement)
        for statement in sqlite_schema._statements(sqlite_schema._MIGRATIONS[2]):
            connection.execute(statement)
        connection.execute("INSERT INTO projects VALUES ('p', '2026-01-01T00:00:00+00:00')")
        connection.execute(
            "INSERT INTO runs (id, project, name, params, inputs, status, started, versions) "
            "VALUES ('abc', 'p', 'old', '{}', '{}', 'completed', '2026-01-01T00:00:00+00:00', '{}')"
        )
        connection.execute(
            "INSERT INTO artifacts (run_id, key, project, run_seq, kind, packager, object_type, "
            "instructions, hash, size, versions, created, trusted) VALUES ('abc', 'table', 'p', 1, "
            "'file', 'x.P', 'builtins.list', '{}', 'blake3:00', 3, '{}', '2026-01-01T00:00:00+00:00', 1)"
        )
        connection.execute("PRAGMA user_version = 2")
    records = SQLiteRecords(database)
    try:
        old = records.get_run("abc")
        assert old is not None and old.artifacts["table"].preview is None
        assert json.loads(records.list_runs_json(RunQuery()))[0]["artifacts"]["table"]["preview"] is None
        new = Artifact(key="new", kind="file", hash="blake3:01", size=1, created=old.started,
                       preview={"type": "text", "text": "é\n", "chars": 2, "truncated": False})  # fmt: skip
        records.finish_run("abc", "completed", {}, [new], None, old.started, {})
        again = records.get_run("abc")
        assert again is not None and again.artifacts["new"].preview == new.preview
        assert again.artifacts["table"].preview is None
        document = json.loads(records.list_runs_json(RunQuery()))[0]
        assert document == json.loads(json.dumps(run_document(again)))
    finally:
        records.close()
        forget_open_stores()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == sqlite_schema.SCHEMA_VERSION == 3
        columns = {row[1] for row in connection.execute("PRAGMA table_info(artifacts)")}
    assert "preview" in columns


def test_a_store_folder_that_cannot_be_created_is_a_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SATCHEL_HOME", str(blocker / "store"))
    with pytest.raises(SatchelError, match=r"cannot create the store folder .*choose a writable one"):
        satchel.run(prepare, returns="all")


def test_a_tampered_pickle_is_refused_before_unpickling(store, tmp_path):
    marker = tmp_path / "unpickled"

    class Thing:
        pass

    run = satchel.run(lambda: Thing(), returns="thing:object")
    payload = Path(run.artifacts["thing"].local_path())
    evil = f"import os; os.mkdir({str(marker)!r})"
    import pickle

    class Evil:
        def __reduce__(self):
            return (exec, (evil,))

    data = pickle.dumps(Evil())
    os.chmod(payload, 0o644)
    size = payload.stat().st_size
    assert len(data) < size  # padded to the same size: only the hash can tell (pickle ignores the tail)
    payload.write_bytes(data.ljust(size, b"\0"))
    with pytest.raises(UnpackingError, match="does not match its hash"):
        satchel.load(run.artifacts["thing"].uri)
    assert not marker.exists()


def test_runs_are_json_serialisable(store):
    run = satchel.run(prepare, returns=["metrics", "numbers:file"])
    data = json.loads(json.dumps(run.to_dict()))
    assert data["artifacts"]["numbers"]["uri"] == run.artifacts["numbers"].uri


def test_the_json_listing_built_by_sqlite_is_what_run_document_gives(store):
    """`satchel runs --json` is built in SQL for speed: it must hold exactly `run_document`'s data."""
    from satchel.tracking.store.opening import open_store
    from satchel.tracking.store.records import RecordStore, RunQuery

    tricky = "naïve \"quoted\" \\ \n"
    satchel.run(prepare, params={"n": 2, "tag": tricky}, returns=["metrics", "numbers:file"])
    satchel.run(lambda: (float("nan"), float("inf")), returns=["nan", "inf"], name="ünïcode")
    with pytest.raises(ZeroDivisionError):
        satchel.run(lambda: 1 / 0, project="other")
    first = satchel.list_runs()[0]
    satchel.run(total, inputs={"numbers": first.artifacts["numbers"]}, returns="sum")
    records = open_store().records
    for query in (RunQuery(), RunQuery(project="other"), RunQuery(status="error"), RunQuery(name="nope")):
        built = json.loads(records.list_runs_json(query))
        generic = json.loads(RecordStore.list_runs_json(records, query))
        assert json.dumps(built, sort_keys=True) == json.dumps(generic, sort_keys=True)
        assert [run["id"] for run in built] == [run.id for run in records.list_runs(query)]
    assert len(json.loads(records.list_runs_json(RunQuery()))) == 4
