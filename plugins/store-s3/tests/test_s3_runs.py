"""Real runs with `SATCHEL_PAYLOADS=s3://bucket/prefix` (records in local SQLite), on a real S3 server.

Payloads are uploaded once each and never kept locally; reading one downloads it into the
cache, checked; `satchel verify` re-hashes what the bucket holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import satchel
from satchel import UnpackingError

# the job of these tests, importable by the processes they start
JOB = """
from pathlib import Path

import satchel


def make(folder: str):
    tree = Path(folder)
    (tree / "sub").mkdir(parents=True, exist_ok=True)
    (tree / "a.txt").write_text("alpha")
    (tree / "sub" / "b.bin").write_bytes(bytes(range(256)) * 40)
    return [1, 2, 3], tree


def run(folder: str, project: str = "p"):
    hints = ["numbers:file", "tree:path"]
    return satchel.run(make, params={"folder": folder}, returns=hints, project=project)
"""


@pytest.fixture
def s3_store(bucket, tmp_path, monkeypatch):
    """Records in a local SQLite store of the test's own, payloads in the test's bucket."""
    from satchel.tracking.store.opening import forget_open_stores

    (tmp_path / "job").mkdir()
    (tmp_path / "job" / "s3_job.py").write_text(JOB)
    monkeypatch.syspath_prepend(str(tmp_path / "job"))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(tmp_path / "job"), os.environ.get("PYTHONPATH", "")])
    )
    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SATCHEL_RECORDS", raising=False)
    monkeypatch.setenv("SATCHEL_PAYLOADS", bucket.url)
    monkeypatch.chdir(tmp_path)
    yield bucket
    forget_open_stores()
    sys.modules.pop("s3_job", None)


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with the test's environment."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=300
    )


def satchel_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "satchel", *args], capture_output=True, text=True, timeout=300
    )


def key_of(digest: str) -> str:
    hexdigest = digest.partition(":")[2]
    return f"team/payloads/{hexdigest[:2]}/{hexdigest}"


def local_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_run_stores_each_payload_once_in_the_bucket_and_keeps_no_local_copy(s3_store, tmp_path):
    import s3_job

    run = s3_job.run(str(tmp_path / "out"))
    again = s3_job.run(str(tmp_path / "out"))  # the same bytes: nothing new is stored
    digests = sorted(a.hash for a in run.artifacts.values())
    assert sorted(a.hash for a in again.artifacts.values()) == digests
    assert s3_store.keys() == sorted(key_of(d) for d in digests)
    assert {p.name for p in local_files(tmp_path / "home")} <= {
        "satchel.db",
        "satchel.db-wal",
        "satchel.db-shm",
    }
    staging = satchel.get_run(run.id)._store.payloads.staging_root()
    assert local_files(staging) == []  # uploaded, then removed
    assert local_files(s3_store.cache) == []  # building runs fetched nothing


def test_outputs_load_back_in_a_fresh_process_through_the_cache_which_clearing_empties(s3_store, tmp_path):
    import s3_job

    s3_job.run(str(tmp_path / "out"))
    loaded = python(
        """
        import json, satchel
        numbers = satchel.load("store://p/numbers")
        tree = satchel.load("store://p/tree")
        print(json.dumps([numbers, (tree / "a.txt").read_text(), len((tree / "sub" / "b.bin").read_bytes())]))
        """
    )
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout) == [[1, 2, 3], "alpha", 256 * 40]
    assert len(list((s3_store.cache).glob("??/*"))) == 2  # both payloads, verified, cached
    shown = python(
        "import runpy, sys; sys.argv = ['x', 'cache']; runpy.run_module('satchel_s3', run_name='__main__')"
    )
    assert f"{s3_store.cache}: 2 payloads" in shown.stdout, shown.stderr
    cleared = python("from satchel_s3.__main__ import main; main(['cache', '--clear'])")
    assert "removed 2 cached payloads" in cleared.stdout, cleared.stderr
    assert local_files(s3_store.cache) == []
    assert satchel.load("store://p/numbers") == [1, 2, 3]  # downloaded again


def test_show_names_the_object_without_downloading_it(s3_store, tmp_path):
    import s3_job

    run = s3_job.run(str(tmp_path / "out"))
    shown = satchel_cli("show", "store://p/numbers")
    assert shown.returncode == 0, shown.stderr
    assert f"s3://{s3_store.name}/{key_of(run.artifacts['numbers'].hash)}" in shown.stdout
    assert local_files(s3_store.cache) == []


def test_verify_detects_a_tampered_object_and_a_load_refuses_it(s3_store, tmp_path):
    import s3_job

    run = s3_job.run(str(tmp_path / "out"))
    assert satchel_cli("verify").returncode == 0
    digest = run.artifacts["numbers"].hash
    s3_store.overwrite(key_of(digest), b"[6, 6, 6]")
    checked = satchel_cli("verify")
    assert checked.returncode == 1
    assert "store://p/numbers" in checked.stdout and "does not match its hash" in checked.stdout
    assert "2 artifact(s) checked, 1 damaged" in checked.stdout
    with pytest.raises(UnpackingError, match=r"hashes to blake3:.*not " + digest + r".*was not used"):
        satchel.load("store://p/numbers")
    assert local_files(s3_store.cache) == []  # the bad download was not kept


def test_a_missing_payload_is_a_clear_error(s3_store, tmp_path):
    import s3_job

    run = s3_job.run(str(tmp_path / "out"))
    s3_store.delete(key_of(run.artifacts["tree"].hash))
    with pytest.raises(
        UnpackingError, match=r"artifact 'tree'.* is not stored at s3://.*check SATCHEL_PAYLOADS"
    ):
        satchel.load("store://p/tree")
    checked = satchel_cli("verify")
    assert (
        checked.returncode == 1 and f"{run.artifacts['tree'].uri}: the payload is missing" in checked.stdout
    )


def test_eight_processes_storing_the_same_payloads_at_once_store_each_once(s3_store, tmp_path):
    start = tmp_path / "start"
    code = """
        import sys, time
        from pathlib import Path
        while not Path(sys.argv[1]).exists():
            time.sleep(0.01)
        import s3_job
        print(s3_job.run(sys.argv[2]).id)
        """
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), str(start), str(tmp_path / f"out{n}")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    start.touch()
    results = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in results]
    runs = [satchel.get_run(out.strip()) for out, _ in results]
    digests = {a.hash for run in runs for a in run.artifacts.values()}
    assert len(digests) == 2
    assert s3_store.keys() == sorted(key_of(d) for d in digests)  # no duplicate, nothing lost
    checked = satchel_cli("verify")
    assert checked.returncode == 0 and "16 artifact(s) checked, 0 damaged" in checked.stdout
