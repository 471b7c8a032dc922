"""`satchel export` / `satchel import` between two stores, each used by its own processes
(README: "Moving runs between stores"): what loads, what stays refused until trusted, and
bundles that are refused whole with nothing added."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

JOB = """
import numpy as np
import pandas as pd
import satchel


@satchel.handler(returns=["metrics", "table", "weights", "model:object", "mixed", "bag", "report:file"])
def prepare(rows: int = 6):
    frame = pd.DataFrame({"x": np.arange(rows, dtype="int64"), "y": [f"r{i}" for i in range(rows)]})
    weights = {"w": np.linspace(0.0, 1.0, 4), "b": np.arange(2.0)}
    mixed = np.array([1, "a", None], dtype=object)  # npy pickles what it holds
    bag = {"o": np.array([None, 1], dtype=object), "f": np.arange(2.0)}  # so does npz
    return {"rows": rows}, frame, weights, {"coef": [1.5, 2.5]}, mixed, bag, {"rows": rows, "ok": True}


def train(table: pd.DataFrame, scale: float = 2.0):
    return {"total": float(table["x"].sum() * scale)}


@satchel.handler(returns=[{"key": "stored", "file_format": "h5"}])
def h5():  # PyTables unpickles: read only from a trusted payload
    return pd.DataFrame({"x": [1, 2], "s": ["a", "b"]})


def nightly():
    with satchel.workflow("nightly", project="demo") as flow:
        first = satchel.run(prepare, params={"rows": 4})
        satchel.run(train, inputs={"table": first.artifacts["table"].uri}, returns=["result"])
    print(flow.id)


if __name__ == "__main__":
    nightly()
"""

LOAD = """
import json, sys
import numpy as np
import pandas as pd
import satchel

project = sys.argv[1]
table = satchel.load(f"store://{project}/table")
weights = satchel.load(f"store://{project}/weights")
expected = pd.DataFrame({"x": np.arange(6, dtype="int64"), "y": [f"r{i}" for i in range(6)]})
pd.testing.assert_frame_equal(table, expected)
assert set(weights) == {"w", "b"} and np.array_equal(weights["w"], np.linspace(0.0, 1.0, 4))
refused = {}
for key in ("model", "mixed", "bag"):
    try:
        value = satchel.load(f"store://{project}/{key}")
    except satchel.UnpackingError as error:
        refused[key] = str(error)
    else:
        refused[key] = None
        assert key != "model" or value == {"coef": [1.5, 2.5]}
        assert key != "mixed" or list(value) == [1, "a", None]
        assert key != "bag" or list(value["o"]) == [None, 1]
print(json.dumps(refused))
"""


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "job.py").write_text(textwrap.dedent(JOB))
    (tmp_path / "load.py").write_text(textwrap.dedent(LOAD))
    return tmp_path


def satchel(cwd: Path, store: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """One `satchel` command in a process of its own, on the store folder `store` of `cwd`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    done = subprocess.run(
        [sys.executable, "-m", "satchel", "--store", store, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, f"satchel {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


def load_in(cwd: Path, store: str, project: str) -> dict[str, str | None]:
    """Load every artifact of `project` in a new process: which were refused, and why."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env["SATCHEL_HOME"] = str(cwd / store)
    done = subprocess.run(
        [sys.executable, "load.py", project], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _members_end(bundle: Path) -> int:
    """Where the bundle's last member's data ends (the tar's zero blocks and padding follow)."""
    import tarfile

    with tarfile.open(bundle) as archive:
        archive.getmembers()
        return archive.offset


def exported_run(cwd: Path, project: str = "demo") -> tuple[str, Path]:
    """Run `prepare` in store A and export the run; its id and the bundle."""
    ran = json.loads(satchel(cwd, "A", "run", "job.py:prepare", "--project", project, "--json").stdout)
    bundle = cwd / "prepare.satchel"
    satchel(cwd, "A", "export", ran["id"], "-o", str(bundle))
    return ran["id"], bundle


def runs_of(cwd: Path, store: str) -> list[dict]:
    return json.loads(satchel(cwd, store, "runs", "--json").stdout)


def payload_files(cwd: Path, store: str) -> list[Path]:
    return sorted(p for p in (cwd / store / "payloads").rglob("*") if p.is_file())


def test_a_run_moves_to_another_store_where_only_its_pickles_wait_for_trust(job):
    source_id, bundle = exported_run(job)
    imported = satchel(job, "B", "import", str(bundle), "--project", "copy")
    assert "imported 1 run into project copy from" in imported.stdout and "untrusted" in imported.stdout
    (run,) = runs_of(job, "B")
    assert run["project"] == "copy" and run["id"] != source_id and run["status"] == "completed"
    assert run["results"] == {"metrics": {"rows": 6}} and run["params"] == {}
    origin = run["origin"]
    assert origin["project"] == "demo" and origin["run"] == source_id and origin["bundle"] == bundle.name
    assert origin["uris"]["table"] == f"store://demo/table@{source_id}"
    assert {a["trusted"] for a in run["artifacts"].values()} == {False}
    model = run["artifacts"]["model"]["uri"]
    assert f"satchel trust {model}" in imported.stdout  # the line to run, printed by import

    refused = load_in(job, "B", "copy")  # the dataset and the arrays load; no pickle is read
    assert set(refused) == {"model", "mixed", "bag"} and all(refused.values())
    for key, message in refused.items():
        uri = run["artifacts"][key]["uri"]
        assert "not trusted, so it is never unpickled" in message and f"satchel trust {uri}" in message

    satchel(job, "B", "trust", model)
    refused = load_in(job, "B", "copy")
    assert refused["model"] is None and refused["mixed"] and refused["bag"]  # only what was trusted

    shown = satchel(job, "B", "show", run["id"]).stdout
    assert f"imported  from run {source_id} of project demo ({bundle.name}," in shown


def test_trust_at_import_trusts_every_artifact(job):
    _, bundle = exported_run(job)
    satchel(job, "B", "import", str(bundle), "--trust")
    (run,) = runs_of(job, "B")
    assert run["project"] == "demo" and {a["trusted"] for a in run["artifacts"].values()} == {True}
    assert load_in(job, "B", "demo") == {"model": None, "mixed": None, "bag": None}


def test_one_artifact_by_uri(job):
    source_id, _ = exported_run(job)
    bundle = job / "table.satchel"
    out = satchel(job, "A", "export", "store://demo/table", "-o", str(bundle)).stdout
    assert f"exported 1 run, 1 artifact to {bundle}" in out
    satchel(job, "B", "import", str(bundle))
    (run,) = runs_of(job, "B")
    assert list(run["artifacts"]) == ["table"] and run["origin"]["run"] == source_id


def test_an_h5_frame_is_read_only_once_trusted(job):
    satchel(job, "A", "run", "job.py:h5", "--project", "demo")
    bundle = job / "h5.satchel"
    satchel(job, "A", "export", "store://demo/stored", "-o", str(bundle))
    satchel(job, "B", "import", str(bundle))
    (run,) = runs_of(job, "B")
    uri = run["artifacts"]["stored"]["uri"]
    code = f"import satchel; print(satchel.load({uri!r}).to_dict('list'))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env["SATCHEL_HOME"] = str(job / "B")
    refused = subprocess.run([sys.executable, "-c", code], cwd=job, env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and f"satchel trust {uri}" in refused.stderr, refused.stderr
    satchel(job, "B", "trust", uri)
    loaded = subprocess.run([sys.executable, "-c", code], cwd=job, env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "{'x': [1, 2], 's': ['a', 'b']}"


def test_a_workflow_moves_whole_and_its_steps_keep_their_order(job):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env["SATCHEL_HOME"] = str(job / "A")
    done = subprocess.run([sys.executable, "job.py"], cwd=job, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    flow_id = done.stdout.split()[-1]
    bundle = job / "nightly.satchel"
    out = satchel(job, "A", "export", flow_id, "-o", str(bundle)).stdout
    assert f"exported workflow {flow_id}: 2 runs, 6 artifacts" in out
    satchel(job, "B", "import", str(bundle), "--project", "copy")
    first, second = runs_of(job, "B")
    assert (first["name"], second["name"]) == ("prepare", "train")
    assert first["workflow"] == second["workflow"] and first["workflow"] != flow_id
    assert second["results"] == {"result": {"total": 12.0}}
    # the step made the input in the bundle: it points at the imported step's table now
    assert second["inputs"]["table"]["uri"] == first["artifacts"]["table"]["uri"]
    assert second["inputs"]["table"]["exported_as"].startswith("store://demo/table@")
    assert {first["origin"]["workflow"], second["origin"]["workflow"]} == {flow_id}
    code = "import json, satchel; print(json.dumps([w.to_dict() for w in satchel.list_workflows()]))"
    listed = subprocess.run(
        [sys.executable, "-c", code], cwd=job, env={**env, "SATCHEL_HOME": str(job / "B")},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    flows = json.loads(listed.stdout)
    assert [(f["name"], f["project"], [s["name"] for s in f["steps"]]) for f in flows] == [
        ("nightly", "copy", ["prepare", "train"])
    ]
    # and the moved workflow reruns in its new store, reading what it brought
    command = ["--store", str(job / "B"), "rerun", flows[0]["id"], "--from", "train"]
    rerun = subprocess.run(
        [sys.executable, "-m", "satchel", *command], cwd=job, env=env, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "reused (not executed): prepare" in rerun.stdout and "step train: reproduced" in rerun.stdout


def test_another_project_of_the_same_store_shares_the_payloads(job):
    _, bundle = exported_run(job)
    before = payload_files(job, "A")
    satchel(job, "A", "import", str(bundle), "--project", "copy")
    satchel(job, "A", "import", str(bundle), "--project", "copy")  # twice: two new runs
    assert payload_files(job, "A") == before  # identical bytes are stored once
    runs = runs_of(job, "A")
    assert [r["project"] for r in runs] == ["demo", "copy", "copy"]
    assert len({r["id"] for r in runs}) == 3
    assert load_in(job, "A", "copy")["model"]  # the copy is untrusted, though the original is not
    assert runs[0]["artifacts"]["model"]["trusted"] is True


#: a cut inside a member fails reading the tar; a cut between members leaves payloads missing
TRUNCATED = "is damaged or not a bundle|the bundle is truncated"


def _rewrite(bundle: Path, target: Path, change) -> None:
    """Copy the bundle's tar with `change(name, data) -> data` applied to each member."""
    with tarfile.open(bundle) as source, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as sink:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
            sink.addfile(member, None if data is None else io.BytesIO(data))


def _flip_payload(name: str, data: bytes) -> bytes:
    if name.startswith("payloads/") and len(data) > 100:
        return data[:50] + bytes([data[50] ^ 1]) + data[51:]
    return data


def _change_manifest(name: str, data: bytes) -> bytes:
    return data.replace(b'"rows": 6', b'"rows": 7') if name == "manifest.json" else data


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("payload", "does not match its hash or size"),
        ("manifest", "manifest.json does not match its digest"),
        *[(f"cut-at-{tenths}/10", TRUNCATED) for tenths in (3, 5, 8)],
        ("not-a-bundle", "is damaged or not a bundle"),
    ],
)
def test_a_damaged_bundle_is_refused_and_nothing_is_added(job, damage, expected):
    _, bundle = exported_run(job)
    bad = job / f"{damage.replace('/', '-')}.satchel"
    if damage == "payload":
        _rewrite(bundle, bad, _flip_payload)
    elif damage == "manifest":
        _rewrite(bundle, bad, _change_manifest)
    elif damage.startswith("cut-at-"):  # inside a member, or between two: both are refused
        tenths = int(damage.removeprefix("cut-at-").partition("/")[0])
        # of the members' data, not of the file: a cut in the tar's trailing zero padding
        # leaves a whole bundle (its end-of-archive blocks included), rightly imported
        bad.write_bytes(bundle.read_bytes()[: _members_end(bundle) * tenths // 10])
    else:
        bad.write_text("hello")
    failed = satchel(job, "B", "import", str(bad), "--project", "copy", check=False)
    assert failed.returncode == 1 and re.search(expected, failed.stderr), failed.stderr
    assert failed.stderr.rstrip().endswith("; nothing was added")
    assert runs_of(job, "B") == []
    assert json.loads(satchel(job, "B", "artifacts", "--json").stdout) == []
    assert payload_files(job, "B") == []
    staging = job / "B" / "staging"
    assert not staging.exists() or list(staging.iterdir()) == []  # no scratch left either


@pytest.mark.slow
def test_a_store_without_the_families_imports_them_and_names_what_to_install(job, core_venv):
    _, bundle = exported_run(job)
    core_venv.satchel("--store", "B", "import", str(bundle), tmp=job)  # no packager needed to import
    loaded = core_venv.script(
        """
        import satchel
        result = {}
        for key in ("table", "weights"):
            try:
                satchel.load(f"store://demo/{key}", store="B")
            except satchel.UnpackingError as error:
                result[key] = str(error)
        """,
        tmp=job,
    )
    assert "pip install satchel-pandas (it was packed with satchel-pandas " in loaded["table"]
    assert "pip install satchel-numpy (it was packed with satchel-numpy " in loaded["weights"]
