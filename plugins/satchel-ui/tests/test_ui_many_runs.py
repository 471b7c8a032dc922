"""10,000 runs: the table is paginated (its speed is measured in bench/cases_ui.py, not here)."""

from __future__ import annotations

import re
import urllib.request
import uuid

import pytest

from satchel.backends import COMPLETED, RunRecord, open_store

RUNS = 10_000


@pytest.fixture(scope="module")
def big_server(tmp_path_factory, request):
    """A store of 10,000 completed runs written through the record store (a transaction each),
    served by `satchel ui`."""
    store = tmp_path_factory.mktemp("big") / "store"
    records = open_store(store).records
    for i in range(RUNS):
        records.start_run(
            RunRecord(
                id=uuid.uuid4().hex, project="bulk", name=f"step{i % 7}", function="bulk:step",
                source_hash=None,
                params={"i": i}, inputs={}, returns=["x"], status=COMPLETED,
                started=f"2026-01-01T00:{i // 6000:02d}:{i // 100 % 60:02d}.{i:06d}+00:00",
                ended=f"2026-01-01T01:00:00.{i:06d}+00:00", versions={}, results={"x": i * 0.5},
            )
        )  # fmt: skip
    start_ui, stop_ui = request.getfixturevalue("ui_process")
    server = start_ui(store)
    yield server
    stop_ui(server)


def fetch(server, path: str) -> str:
    with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=60) as response:
        return response.read().decode()


def rows(body: str) -> list[str]:
    return re.findall(r'<td class="result" data-value="([^"]*)"', body)


def test_the_first_page_holds_50_of_10000_runs(big_server):
    body = fetch(big_server, "/")
    assert f'<span class="count" id="run-count">{RUNS}</span>' in body
    assert len(rows(body)) == 50
    assert f"page 1 of {RUNS // 50}" in body
    assert 'rel="next"' in body and 'rel="prev"' not in body


def test_any_page_sorted_by_a_result(big_server):
    body = fetch(big_server, "/?sort=result:x&order=asc&page=100")
    assert [float(v) for v in rows(body)] == [i * 0.5 for i in range(99 * 50, 100 * 50)]
    last = fetch(big_server, f"/?sort=result:x&order=desc&page={RUNS // 50}")
    assert [float(v) for v in rows(last)] == [i * 0.5 for i in range(49, -1, -1)]


def test_a_page_past_the_end_is_the_last_and_page_size_is_bounded(big_server):
    assert f"page {RUNS // 50} of {RUNS // 50}" in fetch(big_server, "/?page=99999")
    assert len(rows(fetch(big_server, "/?per=100000"))) == 500
