"""`satchel ui` over plain HTTP: the pages, and what it refuses (methods, paths, hosts)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest


def request(server, method: str, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    """One raw request (the path sent as it is, not normalized by a client library)."""
    where = urlsplit(server.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers))
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def get(server, path: str) -> str:
    status, _, body = request(server, "GET", path)
    assert status == 200, (path, status, body[:300])
    return body


def test_the_runs_page_lists_every_run(ui_server, ui_store):
    body = get(ui_server, "/")
    for run_id in (ui_store.prepare, ui_store.train, ui_store.train_again, ui_store.cached, ui_store.failed):
        assert f'data-id="{run_id}"' in body
    assert '<span class="count" id="run-count">8</span>' in body


@pytest.mark.parametrize(
    "query,wanted,unwanted",
    [
        ("?project=other", ["fail"], ["prepare"]),
        ("?status=error", ["fail"], ["prepare", "train"]),
        ("?name=prep", ["prepare"], ["train", "fail"]),
    ],
)
def test_the_runs_page_filters(ui_server, query, wanted, unwanted):
    body = get(ui_server, "/" + query)
    names = re.findall(r'class="run-link" href="[^"]+">([^<]+)</a>', body)
    assert all(name in names for name in wanted), names
    assert not any(name in names for name in unwanted), names


def test_the_runs_page_filters_by_workflow(ui_server, ui_store):
    body = get(ui_server, f"/?workflow={ui_store.workflow}")
    ids = re.findall(r'<tr class="run [a-z]+" data-id="([0-9a-f]+)"', body)
    assert sorted(ids) == sorted([ui_store.prepare, ui_store.train])


def test_the_runs_page_sorts_by_a_result(ui_server, ui_store):
    ascending = get(ui_server, "/?sort=result:loss&order=asc")
    ids = re.findall(r'data-id="([0-9a-f]+)"', ascending)
    descending = re.findall(r'data-id="([0-9a-f]+)"', get(ui_server, "/?sort=result:loss&order=desc"))
    assert ids.index(ui_store.train) < ids.index(ui_store.train_again)  # loss 0.1x lr: 0.1 < 0.5
    assert descending.index(ui_store.train_again) < descending.index(ui_store.train)
    assert ids[-2:] == descending[-2:], "runs without that result come last either way"


def test_a_run_page_shows_params_inputs_results_artifacts(ui_server, ui_store):
    body = get(ui_server, f"/runs/{ui_store.train}")
    assert "<th>lr</th><td><code>0.1</code>" in body
    assert f"store://demo/weights@{ui_store.prepare}" in body
    assert f'class="made-by" href="/runs/{ui_store.prepare}#artifact-weights"' in body
    assert "<th>loss</th>" in body
    prepare = get(ui_server, f"/runs/{ui_store.prepare}")
    assert "shape <code>[200]</code>, dtype <code>float64</code>" in prepare
    assert 'class="histogram"' in prepare
    assert "<code>summary.md</code>" in prepare  # the folder's listing, from its archive
    assert "blake3:" in prepare and "satchel_numpy.packagers.NumpyArrayPackager" in prepare


def test_a_failed_run_shows_its_error(ui_server, ui_store):
    body = get(ui_server, f"/runs/{ui_store.failed}")
    assert "ValueError: the step failed on purpose" in body


def test_a_cache_hit_is_marked(ui_server, ui_store):
    body = get(ui_server, f"/runs/{ui_store.cached}")
    assert f'cache hit: the outputs of run <a href="/runs/{ui_store.train}">' in body


def test_verify_rehashes_on_request(ui_server, ui_store):
    plain = get(ui_server, f"/runs/{ui_store.prepare}")
    assert 'class="verify' not in plain, "a run's page does not re-hash payloads"
    verified = get(ui_server, f"/runs/{ui_store.prepare}/verify")
    artifacts = plain.count('<article class="artifact"')
    assert artifacts >= 2
    assert verified.count('<span class="verify ok">ok</span>') == artifacts


def test_the_workflow_page_draws_its_steps_and_artifacts(ui_server, ui_store):
    body = get(ui_server, f"/workflows/{ui_store.workflow}")
    assert f'data-node="{ui_store.prepare}"' in body and f'data-node="{ui_store.train}"' in body
    assert f'data-node="artifact:{ui_store.prepare}/weights"' in body
    assert body.count('class="edge"') >= 3  # prepare -> weights -> train, and the others
    listing = get(ui_server, "/workflows")
    assert f"/workflows/{ui_store.workflow}" in listing


def test_compare_highlights_what_differs(ui_server, ui_store):
    body = get(ui_server, f"/compare?run={ui_store.train}&run={ui_store.train_again}")
    assert '<tr class="differs" data-key="lr">' in body
    assert '<tr class="same" data-key="function">' in body
    assert 'class="chart"' in body and "<polyline" in body


def test_the_chart_page_draws_a_result_across_runs(ui_server):
    body = get(ui_server, "/chart?key=loss")
    assert body.count('class="point"') == 5


def test_values_from_the_store_are_escaped(ui_server, ui_store):
    for path in ("/", f"/runs/{ui_store.escaped}", f"/compare?run={ui_store.escaped}&run={ui_store.train}"):
        body = get(ui_server, path)
        assert ui_store.xss not in body, path
        assert "&lt;script&gt;" in body, path


def test_a_query_is_escaped_too(ui_server):
    body = get(ui_server, "/?name=%3Cscript%3Ex%3C/script%3E")
    assert "<script>x" not in body and "&lt;script&gt;x" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e%2fpages.py",
        "/static/style.css/../../server.py",
        "/runs/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/static/",
    ],
)
def test_nothing_outside_is_served(ui_server, path):
    status, _, body = request(ui_server, "GET", path)
    assert status == 404, (path, status)
    assert "root:" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_only_get_and_head_are_answered(ui_server, method):
    status, headers, _ = request(ui_server, method, "/")
    assert status == 405
    assert headers.get("Allow") == "GET, HEAD"


def test_head_sends_headers_only(ui_server):
    status, headers, body = request(ui_server, "HEAD", "/")
    assert status == 200 and body == ""
    assert int(headers["Content-Length"]) > 0
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_a_static_file_is_served_by_name(ui_server):
    status, headers, body = request(ui_server, "GET", "/static/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and "satchel ui" in body


def test_a_loopback_server_refuses_other_host_names(ui_server):
    status, _, _ = request(ui_server, "GET", "/", headers={"Host": "attacker.example:80"})
    assert status == 400
    assert request(ui_server, "GET", "/", headers={"Host": "localhost"})[0] == 200


def test_an_unknown_run_is_a_404(ui_server):
    assert request(ui_server, "GET", "/runs/ffffffffffffffff")[0] == 404
    assert request(ui_server, "GET", "/workflows/nope")[0] == 404
