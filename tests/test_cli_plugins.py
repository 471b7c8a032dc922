"""`satchel plugins` through the console script and `python -m satchel`, on a real install."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.slow


def test_console_script_and_module_agree(full_venv, tmp_path):
    for args in (["plugins", "--json"], ["plugins"]):
        script = full_venv.satchel(*args, tmp=tmp_path)
        module = full_venv.satchel(*args, tmp=tmp_path, module=True)
        assert script.stdout == module.stdout, args
        assert script.stderr == module.stderr == "", args


def test_text_listing_shows_every_plugin_and_packager(full_venv, wheels, version, tmp_path):
    listing = full_venv.plugins_json(tmp_path)
    text = full_venv.satchel("plugins", tmp=tmp_path).stdout
    for family in wheels.families:
        assert re.search(rf"^{family} \(satchel[-_]{family} {re.escape(version)}\): loaded$", text, re.M), (
            text
        )
    for plugin in listing["plugins"]:
        for packager in plugin["packagers"]:
            line = next(line for line in text.splitlines() if line.split()[:1] == [packager["class"]])
            assert f"priority {packager['priority']}" in line, line
            assert ", ".join(packager["artifact_types"]) in line, line
    assert text.splitlines()[-1].startswith("default: satchel.DefaultPackager")


def test_json_listing_is_one_document(full_venv, tmp_path):
    out = full_venv.satchel("plugins", "--json", tmp=tmp_path).stdout
    document = json.loads(out)  # nothing but the JSON document on stdout
    assert set(document) == {"plugins", "default_packager"}
