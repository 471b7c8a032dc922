"""The command line of runs: `run`, `runs`, `show`, `artifacts`, `trust`, `verify`, `--store`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from satchel.cli import main

JOB = """
from pathlib import Path

import satchel


@satchel.handler(returns=["metrics", "numbers:file"])
def prepare(n: int = 3, scale: float = 1.0, label: str = "x", flag: bool = False):
    return {"n": n, "scale": scale, "label": label, "flag": flag}, list(range(n))


def total(numbers: list[int], factor: int = 1) -> int:
    return sum(numbers) * factor


def fails():
    raise RuntimeError("on purpose")


if __name__ == "__main__":
    raise SystemExit("the main guard must not run under satchel run")
"""


@pytest.fixture
def job(tmp_path: Path) -> str:
    path = tmp_path / "job.py"
    path.write_text(textwrap.dedent(JOB))
    return str(path)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_converts_params_by_type_hints_and_prints_how_to_load(store, job, capsys):
    code, out, err = run_cli(
        capsys, "run", f"{job}:prepare", "--param", "n=4", "--param", "scale=2.5", "--param", "flag=yes",
        "--param", "label=7", "--project", "demo",
    )  # fmt: skip
    assert code == 0, err
    assert "demo/prepare  completed" in out
    assert "satchel.load('store://demo/numbers@" in out
    code, out, err = run_cli(capsys, "runs", "--json")
    (run,) = json.loads(out)
    assert run["params"] == {"n": 4, "scale": 2.5, "flag": True, "label": "7"}
    assert run["function"] == f"{job}:prepare"  # a script's function: its file and name


def test_run_takes_inputs_and_returns_and_show_gives_the_run(store, job, capsys):
    assert run_cli(capsys, "run", f"{job}:prepare", "--project", "demo")[0] == 0
    code, out, err = run_cli(
        capsys, "run", f"{job}:total", "--input", "numbers=store://demo/numbers", "--param", "factor=10",
        "--returns", "sum", "--project", "demo", "--json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["results"] == {"sum": 30}
    code, out, _ = run_cli(capsys, "show", shown["id"][:10], "--json")
    assert json.loads(out) == shown
    code, out, _ = run_cli(capsys, "show", shown["id"])
    assert "result    sum = 30" in out and "input     numbers = store://demo/numbers@" in out
    code, out, _ = run_cli(capsys, "show", "store://demo/numbers")
    assert "kind          file" in out and "trusted       yes" in out


@pytest.mark.parametrize(
    "args,message",
    [
        (["--param", "n=abc"], "--param n=abc: n takes int; 'abc' is not an int"),
        (["--param", "nope=1"], "prepare has no parameter 'nope' (it has: n, scale, label, flag)"),
        (["--param", "n"], "--param 'n': use --param NAME=VALUE"),
        (["--input", "numbers=store://demo/missing"], "there is no project 'demo'"),
        (["--returns", "bad:"], "malformed log hint 'bad:'"),
    ],
)
def test_bad_run_arguments_are_one_line_errors(store, job, capsys, args, message):
    code, _, err = run_cli(capsys, "run", f"{job}:prepare", *args)
    assert code != 0
    (line,) = err.strip().splitlines()
    assert line.startswith("satchel: ") and message in line, line


def test_a_failing_function_exits_non_zero_and_is_recorded(store, job, capsys):
    code, _, err = run_cli(capsys, "run", f"{job}:fails")
    assert code == 1 and "RuntimeError: on purpose" in err
    code, out, _ = run_cli(capsys, "runs", "--json")
    assert [run["status"] for run in json.loads(out)] == ["error"]


def test_unknown_targets_are_clear(store, job, capsys):
    for target, message in [
        (f"{job}:nothing", "has no function 'nothing'"),
        ("nowhere.py:f", "no such file"),
        ("no_such_module_xyz:f", "cannot import module 'no_such_module_xyz'"),
        ("justaname", "give FILE.py:FUNCTION or module:FUNCTION"),
    ]:
        code, _, err = run_cli(capsys, "run", target)
        assert code != 0 and message in err, err


def test_listings_are_tables_and_json(store, job, capsys, monkeypatch):
    for n in (1, 2):
        run_cli(capsys, "run", f"{job}:prepare", "--param", f"n={n}", "--project", "demo")
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = run_cli(capsys, "runs")
    lines = out.strip().splitlines()
    assert lines[0].split()[:4] == ["id", "project", "name", "status"] and len(lines) == 3
    assert "metrics={...}" in lines[1] and "completed" in lines[2]
    monkeypatch.setenv("COLUMNS", "70")  # a narrow terminal: long cells fold, nothing is cut
    _, narrow, _ = run_cli(capsys, "runs")
    assert all(len(line.rstrip()) <= 70 for line in narrow.splitlines())
    assert "".join(narrow.split()).count("completed") == 2
    code, out, _ = run_cli(capsys, "artifacts", "--json")
    assert code == 0 and [a["key"] for a in json.loads(out)] == ["numbers", "numbers"]
    code, out, _ = run_cli(capsys, "artifacts", "--project", "other")
    assert code == 0 and out.strip() == "no artifacts yet in project 'other'"


def test_store_option_picks_the_store(store, job, capsys, tmp_path):
    other = tmp_path / "other-store"
    run_cli(capsys, "run", f"{job}:prepare", "--store", str(other))
    assert json.loads(run_cli(capsys, "runs", "--json", "--store", str(other))[1])
    assert json.loads(run_cli(capsys, "runs", "--json")[1]) == []


def test_records_and_payloads_options_move_them(store, job, capsys, tmp_path):
    database, payloads = tmp_path / "records" / "runs.db", tmp_path / "payloads"
    where = ["--records", f"sqlite:///{database}", "--payloads", str(payloads)]
    code, _, err = run_cli(capsys, *where, "run", f"{job}:prepare", "--project", "moved")
    assert code == 0, err
    assert database.is_file() and any(path.is_file() for path in payloads.rglob("*"))
    assert not (store / "satchel.db").exists(), "the records went to the store folder"
    listed = json.loads(run_cli(capsys, "runs", "--json", "--records", f"sqlite:///{database}")[1])
    assert [run["project"] for run in listed] == ["moved"]
    assert json.loads(run_cli(capsys, "runs", "--json")[1]) == []  # without them: the store folder


def test_verify_names_each_damaged_artifact_and_its_run(store, job, capsys):
    run_cli(capsys, "run", f"{job}:prepare", "--project", "demo")
    code, out, _ = run_cli(capsys, "verify")
    assert code == 0 and "1 artifact(s) checked, 0 damaged" in out
    (artifact,) = json.loads(run_cli(capsys, "artifacts", "--json")[1])
    payload = next(p for p in (store / "payloads").rglob("*") if p.is_file())
    os.chmod(payload, 0o644)
    payload.write_text("[9, 9, 9]")
    code, out, err = run_cli(capsys, "verify")
    assert code == 1
    assert f"{artifact['uri']}: the payload does not match its hash" in out
    assert "1 artifact(s) damaged" in err and artifact["uri"] in err
    payload.unlink()
    code, out, _ = run_cli(capsys, "verify", "store://demo/numbers")
    assert code == 1 and "the payload is missing" in out


def test_trust_records_trust(store, job, capsys):
    run_cli(capsys, "run", f"{job}:prepare", "--project", "demo")
    code, out, _ = run_cli(capsys, "trust", "store://demo/numbers")
    assert code == 0 and out.startswith("trusted store://demo/numbers@")
    code, _, err = run_cli(capsys, "trust", "store://demo/nothing")
    assert code == 1 and "has no artifact 'nothing'" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("satchel ")


@pytest.mark.slow
def test_a_listing_into_a_closed_pipe_exits_quietly(store, job):
    env = {**os.environ, "SATCHEL_HOME": str(store)}
    for n in range(3):
        command = [sys.executable, "-m", "satchel", "run", f"{job}:prepare", "--param", f"n={n}"]
        subprocess.run(command, env=env, check=True, capture_output=True)
    for command in ("runs", "artifacts", "plugins"):
        done = subprocess.run(
            f"{sys.executable} -m satchel {command} | head -n 1",
            shell=True,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert len(done.stdout.splitlines()) == 1
