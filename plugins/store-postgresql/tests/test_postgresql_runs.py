"""End to end: real `satchel.run` calls with their records in PostgreSQL and payloads in a local
folder, the command line's `--records`, eight processes at once, and the socket form of the URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

import satchel
from satchel.tracking.store.opening import forget_open_stores


def make_table(rows: int = 3) -> tuple[list[int], int]:
    return list(range(rows)), rows


def total(numbers: list[int]) -> int:
    return sum(numbers)


def _count_runs(server, url: str) -> int:
    schema = url.rpartition("schema=")[2]
    with psycopg.connect(server.url()) as connection:
        return connection.execute(f'SELECT count(*) FROM "{schema}".runs').fetchone()[0]


def test_runs_are_recorded_in_postgresql_and_payloads_in_the_folder(server, records_url, tmp_path):
    made = satchel.run(make_table, params={"rows": 4}, returns=["table:file", "n"], project="p")
    assert made.status == "completed" and made.results == {"n": 4}
    used = satchel.run(total, inputs={"numbers": "store://p/table"}, returns="sum", project="p")
    assert used.results == {"sum": 6}
    assert satchel.load("store://p/table") == [0, 1, 2, 3]
    assert _count_runs(server, records_url) == 2  # the rows are in the server
    home = tmp_path / "store"
    assert not (home / "satchel.db").exists(), "records went to the embedded SQLite database"
    assert any(path.is_file() for path in (home / "payloads").rglob("*")), "no payload in the folder"
    forget_open_stores()  # a new process's view: everything read back from the server
    runs = satchel.list_runs("p")
    assert [run.id for run in runs] == [made.id, used.id]
    assert runs[0].artifacts["table"].uri == f"store://p/table@{made.id}"
    assert satchel.get_run(made.id[:8]).params == {"rows": 4}


def _env(**extra: str) -> dict[str, str]:
    """The environment of a child process: no SATCHEL_ variable but `extra`, and a temporary folder
    of its own (its scratch folders never appear in the shared one that other tests watch)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SATCHEL_")}
    home = Path(extra["SATCHEL_HOME"])
    (home.parent / "tmp").mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(home.parent / "tmp")
    env.update(extra)
    return env


def test_the_command_line_reads_the_records_given_by_records(records_url, tmp_path, monkeypatch):
    run = satchel.run(make_table, returns=["table:file", "n"], project="cli")
    forget_open_stores()
    env = _env(SATCHEL_HOME=str(tmp_path / "store"))  # no SATCHEL_RECORDS: only the option says where
    command = [sys.executable, "-m", "satchel", "--records", records_url]
    listed = subprocess.run([*command, "runs", "--json"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0, listed.stderr
    assert [document["id"] for document in json.loads(listed.stdout)] == [run.id]
    table = subprocess.run([*command, "runs", "--project", "cli"], capture_output=True, text=True, env=env)
    assert table.returncode == 0 and run.id[:8] in table.stdout, table.stderr
    plain = subprocess.run([sys.executable, "-m", "satchel", "runs"], capture_output=True, text=True, env=env)
    assert plain.returncode == 0 and run.id[:8] not in plain.stdout  # without it: the embedded store


WRITER = """
import json, sys
import satchel

def step(index: int, worker: int):
    return [worker, index], index

worker, count = int(sys.argv[1]), int(sys.argv[2])
ids = [satchel.run(step, params={"index": i, "worker": worker}, returns=["pair:file", "i"],
                   project="many").id for i in range(count)]
print(json.dumps(ids))
"""


@pytest.mark.slow
def test_eight_processes_writing_runs_at_once_lose_none(records_url, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = _env(SATCHEL_RECORDS=records_url, SATCHEL_HOME=str(tmp_path / "store"))
    count = 15
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(worker), str(count)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(8)
    ]
    ids = []
    for process in workers:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        ids += json.loads(out)
    runs = satchel.list_runs("many")
    assert sorted(run.id for run in runs) == sorted(ids) and len(ids) == 8 * count
    assert all(run.status == "completed" for run in runs)
    assert sorted((run.params["worker"], run.params["index"]) for run in runs) == [
        (w, i) for w in range(8) for i in range(count)
    ]
    assert all(Path(run.artifacts["pair"].local_path()).is_file() for run in runs)


def test_the_socket_form_and_the_postgres_scheme(server, tmp_path, monkeypatch):
    socket_url = f"postgresql://satchel@/postgres?host={server.socket_dir}&port={server.port}&schema=by_socket"
    alias_url = server.url(schema="by_socket").replace("postgresql://", "postgres://", 1)
    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "store"))
    try:
        monkeypatch.setenv("SATCHEL_RECORDS", socket_url)
        run = satchel.run(make_table, returns=["table:file", "n"], project="s")
        forget_open_stores()
        monkeypatch.setenv("SATCHEL_RECORDS", alias_url)  # the same schema, over TCP, other scheme
        assert [found.id for found in satchel.list_runs("s")] == [run.id]
    finally:
        forget_open_stores()


def test_import_satchel_does_not_import_psycopg(tmp_path):
    code = (
        "import sys, satchel\n"
        "assert 'psycopg' not in sys.modules, 'import satchel imported psycopg'\n"
        "satchel.run(lambda: 1, returns='x', project='p')\n"
        "assert 'psycopg' not in sys.modules, 'a run on the embedded store imported psycopg'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(SATCHEL_HOME=str(tmp_path / "store")))  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_submitted_steps_reopen_the_records_from_their_url(server, records_url):
    """`satchel.submit` gives a step the store's URLs to open (on a worker, in another process):
    the records' URL must open them again, password included."""
    with satchel.workflow("nightly", project="flow") as flow:
        made = satchel.submit(make_table, params={"rows": 3}, returns=["table:file", "n"])
        summed = satchel.submit(total, inputs={"numbers": made.uri("table")}, returns=["sum"])
    assert summed.result().results == {"sum": 3}
    assert [step.name for step in flow.steps] == ["make_table", "total"]


def test_messages_never_show_the_password(server, records_url):
    with pytest.raises(satchel.SatchelError) as missing:
        satchel.get_run("f" * 32)
    assert "satchel:***@" in str(missing.value) and server.password not in str(missing.value)
