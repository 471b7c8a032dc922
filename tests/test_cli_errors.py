"""The `satchel` command's error contract (DESIGN §8), on a real install.

Exit code 0 on success; otherwise non-zero with one line on stderr; `--debug` shows the
traceback.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

UNRESOLVABLE = ["explain", "--type", "satchel_no_such_module.Thing"]


def _lines(stderr: str) -> list[str]:
    return stderr.strip().splitlines()


@pytest.mark.parametrize("module", [False, True], ids=["console-script", "python-m"])
def test_a_failing_command_exits_non_zero_with_one_line(core_venv, module, tmp_path):
    failed = core_venv.satchel(*UNRESOLVABLE, tmp=tmp_path, check=False, module=module)
    assert failed.returncode != 0
    (line,) = _lines(failed.stderr)
    assert line.startswith("satchel: ") and "satchel_no_such_module.Thing" in line, line
    assert failed.stdout == ""


def test_a_failing_startup_exits_non_zero_with_a_line_per_failure(core_venv, tmp_path):
    failed = core_venv.satchel("plugins", tmp=tmp_path, check=False, SATCHEL_REQUIRE="nosuch")
    assert failed.returncode != 0
    header, failure, fix = _lines(failed.stderr)
    assert header.startswith("satchel: PackagerCollectionError: 1 mandatory packager plugin(s)"), header
    assert failure.startswith("  - nosuch") and "SATCHEL_REQUIRE" in fix


def test_debug_shows_the_traceback(core_venv, tmp_path):
    failed = core_venv.satchel("--debug", *UNRESOLVABLE, tmp=tmp_path, check=False)
    assert failed.returncode != 0
    lines = _lines(failed.stderr)
    assert lines[0] == "Traceback (most recent call last):", failed.stderr
    assert any("satchel/cli/" in line for line in lines), "the traceback goes through the command"
    assert lines[-1].startswith("satchel: ") and "satchel_no_such_module.Thing" in lines[-1]


def test_success_exits_zero_and_says_nothing_on_stderr(core_venv, tmp_path):
    done = core_venv.satchel("explain", "--type", "collections.OrderedDict", tmp=tmp_path)
    assert done.stderr == ""
    assert "chosen: satchel.DefaultPackager" in done.stdout


@pytest.mark.parametrize(
    "args",
    [["frobnicate"], ["plugins", "--bogus"], ["explain"]],
    ids=["unknown-command", "unknown-option", "missing-option"],
)
def test_a_usage_error_exits_non_zero_with_one_line(core_venv, args, tmp_path):
    failed = core_venv.satchel(*args, tmp=tmp_path, check=False)
    assert failed.returncode != 0
    (line,) = _lines(failed.stderr)
    assert line.startswith("satchel")


def test_debug_after_the_command_shows_the_traceback(core_venv, tmp_path):
    failed = core_venv.satchel(*UNRESOLVABLE, "--debug", tmp=tmp_path, check=False)
    assert failed.returncode != 0
    assert "Traceback (most recent call last):" in failed.stderr
