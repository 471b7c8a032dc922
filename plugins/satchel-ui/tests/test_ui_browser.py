"""The pages in a real browser: Debian's headless Chromium driven by Playwright (never a browser
Playwright downloads). One browser and one `satchel ui` server for the module.

The runs page and a workflow graph are saved as the README's screenshots (docs/*.png).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("SATCHEL_UI_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module, with a fresh profile."""
    missing = None
    try:
        from playwright import sync_api
    except ImportError:
        missing = "Playwright is not installed (it is in requirements-dev.txt)"
    if missing is None and not os.path.exists(CHROMIUM):
        missing = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if missing:  # in CI (.ci/run installs both) a missing browser fails, never skips
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    profile = tempfile.mkdtemp(prefix="satchel-ui-chromium-")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1200, "height": 760},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, ui_server):
    """A new tab that records every request and fails the test on a dialog (a script ran)."""
    tab = browser.new_page()
    tab.requests = []
    tab.dialogs = []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    assert not tab.dialogs, f"a script from the store ran: {tab.dialogs}"
    tab.close()


def _colours(png: Path) -> int:
    """How many distinct RGB(A) pixel values a PNG screenshot has (a blank page has one or two)."""
    import struct
    import zlib

    data, position, chunks = png.read_bytes(), 8, []
    width = height = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)  # what Chromium writes
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):  # undo the PNG row filters
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return len({row[i : i + channels] for row in rows[::7] for i in range(0, stride, channels * 7)})


def only_from(requests: list[str], *prefixes: str) -> list[str]:
    """The requests that went anywhere else."""
    return [url for url in requests if not url.startswith(prefixes)]


def test_the_runs_table_lists_the_runs(page, ui_server, ui_store):
    page.goto(ui_server.url)
    rows = page.locator("table#runs tbody tr")
    assert rows.count() == 8  # with the rerun's two steps
    names = page.locator("a.run-link").all_inner_texts()
    assert {"prepare", "train", "fail", ui_store.xss} <= set(names)  # the name shows as text
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "runs.png"), full_page=True)
    assert _colours(DOCS / "runs.png") > 20  # a drawn page, not a blank one
    assert not only_from(page.requests, ui_server.url, "data:")


def test_clicking_through_to_a_run_shows_params_results_and_a_preview(page, ui_server, ui_store):
    page.goto(ui_server.url + "?name=prepare")
    page.locator(f'a.run-link[href$="{ui_store.prepare}"]').click()  # not the rerun's reused one
    page.wait_for_url(f"**/runs/{ui_store.prepare}")
    assert page.locator("#run-name").inner_text() == "prepare"
    assert "rows" in page.locator("#params").inner_text()
    assert "metric_mean" in page.locator("#results").inner_text()
    if page.locator("#artifact-table").count():  # pandas is installed: a DataFrame preview
        head = page.locator("#artifact-table table.head")
        assert head.is_visible()
        assert "row 0" in head.inner_text() and "label" in head.inner_text()
    histogram = page.locator("#artifact-weights svg.histogram rect.bar")
    assert histogram.count() == 20 and histogram.first.bounding_box() is not None


def test_the_workflow_graph_renders_its_steps(page, ui_server, ui_store):
    page.goto(ui_server.url + "workflows")
    page.locator(f'a.workflow-link[href="/workflows/{ui_store.workflow}"]').click()
    graph = page.locator("#graph svg.graph")
    graph.wait_for()
    steps = page.locator("#graph g.node.step")
    assert steps.count() == 2
    for index in range(2):
        box = steps.nth(index).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 20
    assert page.locator("#graph path.edge").count() >= 5  # 3 artifacts made, 2 taken by train
    page.screenshot(path=str(DOCS / "workflow.png"), full_page=True)
    assert _colours(DOCS / "workflow.png") > 20
    page.locator(f'#graph g.node.step[data-node="{ui_store.train}"]').click()
    page.wait_for_url(f"**/runs/{ui_store.train}")


def test_comparing_two_runs_highlights_the_differing_parameter(page, ui_server, ui_store):
    page.goto(ui_server.url + "?name=train&project=demo")
    page.locator(f'input[name="run"][value="{ui_store.train}"]').check()
    page.locator(f'input[name="run"][value="{ui_store.train_again}"]').check()
    page.locator("#compare-button").click()
    page.wait_for_url("**/compare?**")
    differing = page.locator('tr.differs[data-key="lr"]')
    assert differing.is_visible()
    same = page.locator('tr.same[data-key="function"]')
    color = lambda row: row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")  # noqa: E731
    assert color(differing) != color(same), "the differing row is highlighted"


def test_the_chart_draws(page, ui_server):
    page.goto(ui_server.url)
    page.locator("a.chart-link", has_text="loss").click()
    line = page.locator("#chart svg.chart polyline.series")
    line.wait_for()
    assert len(line.get_attribute("points").split()) == 5
    box = line.bounding_box()
    assert box is not None and box["width"] > 100


def test_the_static_export_opens_from_file_with_the_same_runs(page, ui_store, tmp_path):
    import subprocess
    import sys

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "satchel", "ui", "--export", str(site), "--store", str(ui_store.path)],
        check=True,
        capture_output=True,
    )
    page.goto((site / "index.html").as_uri())
    visible = page.locator("table#runs tbody tr:not(.hidden)")
    assert visible.count() == 8
    assert page.locator("#run-count").inner_text() == "8"
    page.select_option('select[name="project"]', "other")
    page.locator("#filters button[type=submit]").click()
    assert visible.count() == 2
    page.select_option('select[name="project"]', "")
    page.locator("#filters button[type=submit]").click()
    page.locator('th[data-column="result:loss"] a').click()  # sorted by loss, descending
    first = visible.first.get_attribute("data-id")
    assert first == ui_store.train_again  # lr 0.5: the biggest loss
    page.locator(f'input[name="run"][value="{ui_store.train}"]').check()
    page.locator(f'input[name="run"][value="{ui_store.train_again}"]').check()
    page.locator("#compare-button").click()
    page.wait_for_url("**/compare.html?**")
    assert page.locator('tr.differs[data-key="lr"]').is_visible()
    assert len(page.locator("#charts svg.chart polyline.series").first.get_attribute("points").split()) == 2
    page.locator("a", has_text="train").first.click()
    page.wait_for_url("**/run-*.html")
    assert page.locator("#run-name").inner_text() == "train"
    assert not only_from(page.requests, "file://", "data:"), "the static site fetches nothing else"
