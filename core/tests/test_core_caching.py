"""Step caching: an unchanged step is reused (recorded as a new run, no payload copied); a change
of parameters, input content, source, log hints or packager versions executes it again and the
run says which part differed."""

from __future__ import annotations

import importlib
import json
import sqlite3
import textwrap

import pytest

import satchel
from satchel.cli import main

STEP = """
from pathlib import Path

CALLS = []


def count(data: Path, n: int = 2):
    CALLS.append(n)
    return [len(data.read_text()) * n, n]
"""


@pytest.fixture
def step(make_module, tmp_path):
    module = importlib.import_module(make_module(STEP))
    data = tmp_path / "data.txt"
    data.write_text("abc")
    module.data = data
    return module


def _payloads(store) -> int:
    return sum(1 for path in (store / "payloads").rglob("*") if path.is_file())


def _run(step, **changes):
    arguments = {"params": {"n": 2}, "inputs": {"data": step.data}, "returns": ["numbers:file"]}
    arguments["cache"] = True
    arguments.update(changes)
    return satchel.run(step.count, **arguments)


def test_an_unchanged_step_is_reused_as_a_new_run_with_the_same_artifacts(store, step):
    first = _run(step)
    assert first.cached_from is None and first.cache["miss"][0]["part"] == "function"
    stored = _payloads(store)
    second = _run(step)
    assert step.CALLS == [2]  # the function ran once
    assert second.id != first.id and second.status == "completed"
    assert second.cached_from == first.id and second.cache == {"hit": first.id}
    assert second.artifacts["numbers"].hash == first.artifacts["numbers"].hash
    assert second.artifacts["numbers"].uri.endswith("@" + second.id)
    assert second.output("numbers") == [6, 2]
    assert _payloads(store) == stored  # no payload copied
    third = _run(step)  # a hit of a hit names the run that executed
    assert third.cached_from == first.id


def test_identical_input_content_hits_whatever_the_path(store, step, tmp_path):
    _run(step)
    copy = tmp_path / "elsewhere" / "copy.txt"
    copy.parent.mkdir()
    copy.write_text("abc")
    assert _run(step, inputs={"data": copy}).cached_from is not None
    assert step.CALLS == [2]


@pytest.mark.parametrize(
    ("change", "part", "detail"),
    [
        ("params", "params", "n: 2 -> 3"),
        ("input", "inputs", "data: "),
        ("log hint", "log hints", "['numbers:file'] -> ['numbers:result']"),
    ],
)
def test_a_changed_part_executes_again_and_says_which(store, step, change, part, detail):
    first = _run(step)
    if change == "params":
        again = _run(step, params={"n": 3})
    elif change == "input":
        step.data.write_text("abcd")
        again = _run(step)
    else:
        again = _run(step, returns=["numbers:result"])
    assert len(step.CALLS) == 2 and again.cached_from is None
    assert again.cache["nearest"] == first.id
    assert [p["part"] for p in again.cache["miss"]] == [part]
    assert detail in again.cache["miss"][0]["detail"]


def test_changed_source_executes_again(store, step, tmp_path):
    first = _run(step)
    path = step.__file__
    with open(path, "a") as source:
        source.write("\n")
    with open(path) as source:
        text = source.read().replace("len(data.read_text()) * n", "len(data.read_text()) * n * 10")
    with open(path, "w") as source:
        source.write(text)
    module = importlib.reload(step)
    module.data = step.data
    again = _run(module)
    assert again.output("numbers") == [60, 2]
    assert [p["part"] for p in again.cache["miss"]] == ["source"] and again.cache["nearest"] == first.id


def test_a_run_packed_by_other_packager_versions_is_not_reused(store, step):
    first = _run(step)
    with sqlite3.connect(store / "satchel.db") as connection:  # as recorded by an older plugin
        versions = dict(first.versions, **{"satchel-builtins": "0.0.1"})
        connection.execute("UPDATE runs SET versions = ? WHERE id = ?", (json.dumps(versions), first.id))
    again = _run(step)
    assert again.cached_from is None and len(step.CALLS) == 2
    (miss,) = again.cache["miss"]
    assert miss["part"] == "versions" and "satchel-builtins 0.0.1 -> " in miss["detail"]


def test_a_run_whose_payload_is_gone_is_not_reused(store, step):
    first = _run(step)
    digest = first.artifacts["numbers"].hash.removeprefix("blake3:")
    (store / "payloads" / digest[:2] / digest[2:]).unlink()
    again = _run(step)
    assert again.cached_from is None and again.cache["miss"][0]["part"] == "payloads"
    assert again.output("numbers") == [6, 2]


def test_only_completed_runs_are_reused(store, make_module):
    module = importlib.import_module(
        make_module(textwrap.dedent("""
            CALLS = []
            def flaky(fail: bool = True):
                CALLS.append(fail)
                if len(CALLS) == 1:
                    raise RuntimeError("first time")
                return 1
        """))
    )
    with pytest.raises(RuntimeError):
        satchel.run(module.flaky, returns=["one"], cache=True)
    assert satchel.run(module.flaky, returns=["one"], cache=True).results == {"one": 1}
    assert len(module.CALLS) == 2


def test_a_workflow_with_cache_caches_its_steps_unless_a_step_says_otherwise(store, step):
    for _ in range(2):
        with satchel.workflow("cached", cache=True) as wf:
            inputs, returns = {"data": step.data}, ["numbers:file"]
            satchel.run(step.count, params={"n": 2}, inputs=inputs, returns=returns)
            satchel.run(step.count, params={"n": 5}, inputs=inputs, returns=returns, cache=False)
    assert step.CALLS == [2, 5, 5]
    first, second = wf.steps
    assert first.cached_from is not None and second.cached_from is None and second.cache is None


def test_caching_is_off_by_default_and_show_explains_a_miss(store, step, capsys):
    satchel.run(step.count, params={"n": 2}, inputs={"data": step.data}, returns=["numbers:file"])
    plain = satchel.run(step.count, params={"n": 2}, inputs={"data": step.data}, returns=["numbers:file"])
    assert plain.cache is None and step.CALLS == [2, 2]
    missed = _run(step, params={"n": 7})
    assert main(["show", missed.id]) == 0
    shown = capsys.readouterr().out
    assert f"cache     miss: executed; what differed from the nearest earlier run {plain.id}:" in shown
    assert "params: n: 2 -> 7" in shown
    hit = _run(step, params={"n": 7})
    assert main(["show", hit.id]) == 0
    assert f"cache     hit: reused the outputs of run {missed.id}" in capsys.readouterr().out
