"""`satchel explain` for a dict of arrays, as an object and as a type (with the builtins installed)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import satchel

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("satchel_builtins") is None, reason="needs satchel-builtins installed"
)
DICTS = "satchel_numpy.packagers.NumpyArrayDictPackager"
BUILTIN_DICTS = "satchel_builtins.packagers.DictPackager"


def test_explain_a_dict_of_arrays():
    explanation = satchel.explain({"a": np.zeros(2)})
    assert explanation.object_type == "builtins.dict"
    assert explanation.chosen == DICTS
    assert [(c["packager"], c["source"], c["verdict"]) for c in explanation.candidates] == [
        (DICTS, "satchel-numpy", "packs it as 'file'"),
        (BUILTIN_DICTS, "satchel-builtins", "packs it as 'result'"),
        ("satchel.DefaultPackager", "default", "packs it as 'object'"),
    ]
    assert explanation.otherwise is None  # an object: its verdict is certain
    assert all(len(line) <= 110 for line in str(explanation).splitlines())


def test_explain_a_dict_of_other_values_says_why_numpy_declined():
    explanation = satchel.explain({"a": 1})
    assert explanation.candidates[0]["verdict"] == "is_packable declined 'file'"
    assert explanation.chosen == BUILTIN_DICTS


def test_explain_the_type_dict_of_arrays():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    result = subprocess.run(
        [sys.executable, "-m", "satchel", "explain", "--type", "dict[str, numpy.ndarray]"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "packagers for dict[str, numpy.ndarray], in the order they are tried:"
    assert lines[1] == f" -> 1. {DICTS} (priority 4, satchel-numpy):"
    assert lines[2] == "       supports 'file'; is_packable decides for a given object"
    assert lines[3] == f"    2. {BUILTIN_DICTS} (priority 5, satchel-builtins): packs it as 'result'"
    at = lines.index(f"chosen: {DICTS}")
    assert lines[at + 1] == f"    when its is_packable accepts the object; otherwise {BUILTIN_DICTS}"
    assert all(len(line) <= 110 for line in lines)
