"""satchel-ui from its wheel: the `ui` command appears when it is installed, and says what to
install when it is not."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_without_satchel_ui_the_command_says_which_distribution_to_install(core_venv, tmp_path):
    failed = core_venv.satchel("ui", "--port", "0", tmp=tmp_path, check=False)
    assert failed.returncode == 1
    assert "pip install satchel-ui" in failed.stderr
    assert core_venv.satchel("runs", tmp=tmp_path).returncode == 0


def test_installed_satchel_ui_adds_the_command_and_exports_a_site(core_venv, ui_overlay, tmp_path):
    listing = core_venv.satchel("--help", tmp=tmp_path, overlays=[ui_overlay]).stdout
    assert "ui" in listing and "(unavailable)" not in listing
    site = tmp_path / "site"
    done = core_venv.satchel(
        "ui", "--export", str(site), "--store", str(tmp_path / "store"), tmp=tmp_path, overlays=[ui_overlay]
    )
    assert "wrote" in done.stdout
    assert (site / "index.html").exists() and (site / "static" / "style.css").exists()
