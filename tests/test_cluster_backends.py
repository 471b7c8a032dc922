"""Beyond one machine, all at once: records in a real PostgreSQL server, payloads in a real
S3-compatible server (moto's), steps on a real Dask cluster whose workers' own store folders stay
empty; the same workflow run locally gives the same results and hashes; eight steps storing the
same payload at once lose nothing and store it once; a project moves between the embedded store
and PostgreSQL + S3 both ways (README: "Team set-up", "Steps on a cluster")."""

from __future__ import annotations

import os
import socket
import textwrap
import uuid

import pytest

import satchel
from satchel.backends import open_store

distributed = pytest.importorskip("distributed")
throwaway = pytest.importorskip("satchel_postgresql.throwaway")

pytestmark = pytest.mark.slow

STEPS = """
import numpy as np
import pandas as pd


def make_table(rows: int = 40):
    rng = np.random.default_rng(7)
    return pd.DataFrame({"x": rng.random(rows), "g": pd.Categorical(["a", "b"] * (rows // 2))})


def fit(table: pd.DataFrame):
    return np.polyfit(np.arange(len(table)), table["x"].to_numpy(), 1), {"mean": float(table["x"].mean())}


def score(weights: np.ndarray, table: pd.DataFrame) -> float:
    return float(weights.sum() + len(table))


def same_bytes(i: int):
    return np.arange(1000.0), i


def dies_once(marker: str, table: pd.DataFrame):
    import os
    from pathlib import Path

    if not Path(marker).exists():  # the first time: the worker running it dies mid-step
        Path(marker).write_text("died")
        os.kill(os.getpid(), 9)
    return float(table["x"].sum())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """PostgreSQL + S3 servers on loopback, and the environment that points a process at them."""
    from moto.server import ThreadedMotoServer

    try:
        postgres = throwaway.ThrowawayServer({"fsync": "off"}).start()
    except throwaway.ServerMissingError as missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: {missing}")
        pytest.skip(str(missing))
    port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    s3.start()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }
    import boto3

    bucket = f"team-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    client.create_bucket(Bucket=bucket)
    try:
        yield postgres, env, client, bucket
    finally:
        s3.stop()
        postgres.stop()


@pytest.fixture
def urls(team, monkeypatch, tmp_path):
    """A new team store (a schema of its own, a prefix of its own) in SATCHEL_RECORDS/PAYLOADS."""
    from satchel.tracking.store.opening import forget_open_stores

    postgres, env, _client, bucket = team
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SATCHEL_S3_CACHE", str(tmp_path / "s3-cache"))
    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "local-home"))
    prefix = f"p{uuid.uuid4().hex[:8]}"
    records = postgres.url(schema=prefix)
    payloads = f"s3://{bucket}/{prefix}"
    yield records, payloads, prefix
    forget_open_stores()


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    from satchel.tracking.functions import load_function

    path = tmp_path_factory.mktemp("steps") / "team_steps.py"
    path.write_text(textwrap.dedent(STEPS))
    return lambda name: load_function(f"{path}:{name}")


@pytest.fixture(scope="module")
def cluster(team, tmp_path_factory):
    """Eight worker processes, each with an empty SATCHEL_HOME and S3 cache of its own."""
    _postgres, env, _client, _bucket = team
    import dask

    homes = [tmp_path_factory.mktemp(f"worker-{i}") for i in range(8)]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):  # a killed worker fails its step
        cluster = distributed.LocalCluster(
            n_workers=0, threads_per_worker=1, processes=True, host="127.0.0.1", silence_logs=40,
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
        )  # fmt: skip
    for home in homes:
        worker_env = {**env, "SATCHEL_HOME": str(home / "store"), "SATCHEL_S3_CACHE": str(home / "cache")}
        options = {"nthreads": 1, "env": worker_env, "host": "127.0.0.1"}
        options.update(dashboard=False, dashboard_address="127.0.0.1:0")
        cluster.worker_spec[f"w-{home.name}"] = {"cls": distributed.Nanny, "options": options}
    cluster.scale(len(homes))
    client = distributed.Client(cluster)
    client.wait_for_workers(len(homes), timeout=300)
    try:
        yield client, homes
    finally:
        client.close()
        cluster.close()


def _objects(client, bucket: str, prefix: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix + "/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def _nightly(steps, store):
    """The three steps, run here, in `store`."""
    with satchel.workflow("nightly", project="team", store=store) as wf:
        table = satchel.run(steps("make_table"), returns=["table:dataset"])
        inputs = {"table": table.artifacts["table"].uri}
        model = satchel.run(steps("fit"), inputs=inputs, returns=["weights", "stats"])
        inputs["weights"] = model.artifacts["weights"].uri
        satchel.run(steps("score"), inputs=inputs, returns=["score"])
    return wf


def _nightly_on(steps, client):
    """The same three steps submitted to the cluster, in the store the environment names."""
    with satchel.workflow("nightly", project="team", executor=client) as wf:
        table = satchel.submit(steps("make_table"), returns=["table:dataset"])
        inputs = {"table": table.uri("table")}
        model = satchel.submit(steps("fit"), inputs=inputs, returns=["weights", "stats"])
        inputs["weights"] = model.uri("weights")
        satchel.submit(steps("score"), inputs=inputs, returns=["score"])
    return wf


def test_a_workflow_on_the_cluster_with_postgresql_and_s3_gives_what_it_gives_locally(
    team, urls, cluster, steps, tmp_path, monkeypatch
):
    _postgres, _env, s3, bucket = team
    records, payloads, prefix = urls
    client, homes = cluster
    local = _nightly(steps, store=tmp_path / "local")  # the embedded store, in this process
    monkeypatch.setenv("SATCHEL_RECORDS", records)
    monkeypatch.setenv("SATCHEL_PAYLOADS", payloads)
    remote = _nightly_on(steps, client)
    assert satchel.get_workflow(remote.id).status == "completed"
    here, there = local.steps, remote.steps
    assert [s.name for s in there] == ["make_table", "fit", "score"]
    assert all(s.status == "completed" for s in there)
    for mine, theirs in zip(here, there):
        assert mine.results == theirs.results
        assert {k: a.hash for k, a in mine.artifacts.items()} == {
            k: a.hash for k, a in theirs.artifacts.items()
        }
    # every payload in the bucket once, content-addressed; nothing on the workers' own disks
    hashes = {a.hash for s in there for a in s.artifacts.values()}
    assert len(_objects(s3, bucket, prefix)) == len(hashes) == 2
    assert all(not (home / "store").exists() for home in homes)
    # and it loads back here, from the team store, by URI
    assert satchel.load(there[1].artifacts["weights"].uri).shape == (2,)


def test_eight_workers_storing_the_same_payload_at_once_lose_nothing(team, urls, cluster, steps, monkeypatch):
    _postgres, _env, s3, bucket = team
    records, payloads, prefix = urls
    client, _homes = cluster
    monkeypatch.setenv("SATCHEL_RECORDS", records)
    monkeypatch.setenv("SATCHEL_PAYLOADS", payloads)
    with satchel.workflow("together", project="team", executor=client) as wf:
        futures = [
            satchel.submit(steps("same_bytes"), params={"i": i}, returns=["array", "i"]) for i in range(8)
        ]
    runs = [future.result() for future in futures]
    assert sorted(run.results["i"] for run in runs) == list(range(8))
    assert len(wf.steps) == 8 and all(step.status == "completed" for step in wf.steps)
    assert len({run.artifacts["array"].hash for run in runs}) == 1
    assert len(_objects(s3, bucket, prefix)) == 1  # stored once, whoever stored it first


def test_a_project_moves_between_the_embedded_store_and_postgresql_with_s3(team, urls, steps, tmp_path):
    records, payloads, _prefix = urls
    local = _nightly(steps, store=tmp_path / "here")
    bundle = tmp_path / "nightly.satchel"
    satchel.export(local.id, bundle, store=tmp_path / "here")
    team_store = open_store(records=records, payloads=payloads)
    imported = satchel.import_bundle(bundle, project="moved", store=team_store)
    assert [run.name for run in imported.runs] == ["make_table", "fit", "score"]
    table = imported.runs[0].artifacts["table"]
    assert satchel.load(table.uri, store=team_store).shape == (40, 2)
    back = tmp_path / "back.satchel"
    satchel.export(imported.workflow, back, store=team_store)
    home_again = satchel.import_bundle(back, project="returned", store=tmp_path / "again")
    assert [r.results for r in home_again.runs] == [s.results for s in local.steps]
    assert {a.hash for r in home_again.runs for a in r.artifacts.values()} == {
        a.hash for s in local.steps for a in s.artifacts.values()
    }


def test_a_worker_killed_mid_step_leaves_its_run_aborted_and_the_rerun_from_it_completes(
    urls, cluster, steps, tmp_path, monkeypatch
):
    records, payloads, _prefix = urls
    client, _homes = cluster
    monkeypatch.setenv("SATCHEL_RECORDS", records)
    monkeypatch.setenv("SATCHEL_PAYLOADS", payloads)
    marker = str(tmp_path / "died-once")
    failed = pytest.raises(satchel.SatchelError, match="dies_once: KilledWorker")
    with failed, satchel.workflow("fragile", project="team", executor=client) as wf:
        table = satchel.submit(steps("make_table"), returns=["table:dataset"])
        dying = satchel.submit(steps("dies_once"), params={"marker": marker},
                               inputs={"table": table.uri("table")}, returns=["total"])  # fmt: skip
    with pytest.raises(distributed.KilledWorker):
        dying.result()
    assert [(s.name, s.status) for s in wf.steps] == [("make_table", "completed"), ("dies_once", "aborted")]
    assert satchel.get_workflow(wf.id).status == "error"
    client.wait_for_workers(8, timeout=300)  # the nanny restarts the worker
    again = satchel.rerun(wf.id, "dies_once", executor=client)
    (step,) = again.steps
    assert step.status == "completed" and step.outputs["total"]["outcome"] == "new"
    assert again.reused == ["make_table"] and satchel.get_workflow(again.workflow.id).status == "completed"


def test_s3_down_during_a_pack_is_a_run_in_error_with_no_record_of_a_missing_payload(
    team, tmp_path, monkeypatch
):
    from moto.server import ThreadedMotoServer

    from satchel.tracking.store.opening import forget_open_stores

    postgres, env, _client, _bucket = team
    port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    s3.start()
    import boto3

    s3_client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                             aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    s3_client.create_bucket(Bucket="going")
    for name, value in {**env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SATCHEL_S3_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SATCHEL_RECORDS", postgres.url(schema=f"down{uuid.uuid4().hex[:8]}"))
    monkeypatch.setenv("SATCHEL_PAYLOADS", "s3://going/payloads")
    try:
        assert satchel.run(lambda: [1, 2, 3], name="before", returns=["numbers:file"]).status == "completed"
        s3.stop()
        with pytest.raises(satchel.SatchelError, match="cannot store"):
            satchel.run(lambda: [4, 5, 6], name="during", returns=["numbers:file"])
        during = satchel.list_runs(name="during")[-1]
        assert during.status == "error" and during.artifacts == {}  # no record of a payload not stored
        assert "cannot store" in during.error
    finally:
        forget_open_stores()


def test_postgresql_restarted_between_runs_the_next_run_succeeds(team, urls, monkeypatch):
    postgres, *_ = team
    records, payloads, _prefix = urls
    monkeypatch.setenv("SATCHEL_RECORDS", records)
    monkeypatch.setenv("SATCHEL_PAYLOADS", payloads)
    first = satchel.run(lambda: 1, name="first", returns=["one"], project="team")
    postgres.restart()  # every connection this process holds is dropped
    second = satchel.run(lambda: 2, name="second", returns=["two"], project="team")
    assert second.status == "completed"
    assert [r.name for r in satchel.list_runs(project="team")][-2:] == ["first", "second"]
    assert satchel.get_run(first.id).results == {"one": 1}
