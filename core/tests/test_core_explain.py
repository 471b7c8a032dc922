"""`satchel.explain` and `satchel explain --type`: certain and per-object verdicts, conflicts
between distributions, pending packagers kept to what matters, unknown artifact types."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys

import pytest

import satchel
from satchel import DefaultPackager, PackagersManager, SatchelError
from satchel.cli import main

DEFAULT = "satchel.DefaultPackager"
WIDTH = 110
FAMILIES = ("satchel_builtins", "satchel_numpy", "satchel_pandas", "satchel_pathlib")
all_families = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in FAMILIES),
    reason="needs every packager family installed",
)


def satchel_command(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    return subprocess.run(
        [sys.executable, "-m", "satchel", *args], capture_output=True, text=True, env=environment, timeout=120
    )


GADGETS = """
from satchel import DefaultPackager

class Gadget:
    pass

class _Files(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Gadget
    PRIORITY = 5
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        raise NotImplementedError

    def unpack_file(self, item):
        raise NotImplementedError

class AlphaPackager(_Files):
    pass

class BetaPackager(_Files):
    pass

class PickyPackager(_Files):
    PRIORITY = 3

    def is_packable(self, obj, artifact_type, configurations):
        return getattr(obj, "small", False) and super().is_packable(obj, artifact_type, configurations)
"""


@pytest.fixture
def gadgets(tmp_path, make_module, dist_writer, only_fake_plugins, monkeypatch):
    """Two fake distributions packing one class at the same priority (beta collected last)."""
    name = make_module(GADGETS)
    site = tmp_path / "site"
    dist_writer(site, "satchel_fake_alpha", "1.0", {"satchel-t-alpha": f"{name}:AlphaPackager"})
    dist_writer(site, "satchel_fake_beta", "1.0", {"satchel-t-beta": f"{name}:BetaPackager"})
    monkeypatch.syspath_prepend(str(site))
    return name


# -- builtin types, with every family installed -------------------------------------------------


@all_families
def test_explain_int_is_short_and_certain():
    result = satchel_command("explain", "--type", "int")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "packagers for builtins.int, in the order they are tried:",
        " -> 1. satchel_builtins.packagers.IntPackager (priority 5, satchel-builtins): packs it as 'result'",
        f"    2. {DEFAULT} (priority 10, default): packs it as 'object'",
        "chosen: satchel_builtins.packagers.IntPackager",
        lines[-1],
    ]
    assert re.fullmatch(
        r"\d+ packagers wait for modules not imported yet: numpy, pandas \(satchel plugins lists them\)",
        lines[-1],
    )
    assert all(len(line) <= WIDTH for line in lines), max(lines, key=len)


@all_families
def test_explain_list_names_the_pending_packager_that_could_take_it():
    result = satchel_command("explain", "--type", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("may be candidates once their modules are imported:")
    assert lines[start + 1] == "    satchel_numpy.packagers.NumpyArrayListPackager (list[numpy.ndarray])"
    assert re.fullmatch(r"\d+ more packagers wait for modules not imported yet: numpy, pandas .*", lines[-1])
    assert all(len(line) <= WIDTH for line in lines)


@pytest.mark.parametrize(
    ("cls", "chosen"),
    [(int, "IntPackager"), (str, "StrPackager"), (bytes, "BytesPackager"), (float, "FloatPackager")],
)
@all_families
def test_explain_builtin_types(cls, chosen):
    explanation = satchel.explain(cls)
    assert explanation.chosen == f"satchel_builtins.packagers.{chosen}"
    assert explanation.candidates[0]["verdict"] == "packs it as 'result'"
    assert explanation.candidates[0]["outcome"] == "packs"
    assert explanation.candidates[-1]["verdict"] == "packs it as 'object'"
    assert explanation.conflicts == []
    assert explanation.otherwise is None


# -- certain and per-object verdicts -------------------------------------------------------------


def test_given_a_type_a_packager_with_its_own_is_packable_decides_per_object(gadgets):
    name = gadgets
    manager = PackagersManager()
    manager.collect_packagers([f"{name}.PickyPackager"])
    module = importlib.import_module(name)
    explanation = manager.explain(module.Gadget)
    assert [(c["packager"], c["outcome"]) for c in explanation.candidates] == [
        (f"{name}.PickyPackager", "may pack"),
        (f"{name}.BetaPackager", "packs"),
        (f"{name}.AlphaPackager", "packs"),
        (DEFAULT, "packs"),
    ]
    assert explanation.candidates[0]["verdict"] == "supports 'file'; is_packable decides for a given object"
    assert explanation.chosen == f"{name}.PickyPackager"
    assert explanation.otherwise == f"{name}.BetaPackager"
    text = str(explanation).splitlines()
    at = text.index(f"chosen: {name}.PickyPackager")
    assert text[at + 1] == f"    when its is_packable accepts the object; otherwise {name}.BetaPackager"

    # given an object, the verdict is the packager's own: why each one before the chosen declined
    explanation = manager.explain(module.Gadget())
    assert explanation.candidates[0]["verdict"] == "is_packable declined 'file'"
    assert explanation.chosen == f"{name}.BetaPackager"
    assert explanation.otherwise is None


def test_the_default_packager_decides_result_per_object(manager):
    explanation = manager.explain(object, "result")
    assert explanation.candidates[0]["outcome"] == "may pack"  # only JSON values are results
    assert manager.explain(object).candidates[0]["verdict"] == "packs it as 'object'"


def test_a_subclass_of_a_packager_keeping_the_base_is_packable_is_certain(manager):
    class Ints(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            return obj

    class MoreInts(Ints):
        PRIORITY = 2

    manager.collect_packagers([MoreInts])
    assert manager.explain(int).candidates[0]["verdict"] == "packs it as 'result'"


# -- conflicts -----------------------------------------------------------------------------------


def test_equal_priorities_of_two_distributions_are_a_conflict(gadgets):
    name = gadgets
    manager = PackagersManager()
    records = {record.name: record for record in manager.packagers}
    alpha, beta = records[f"{name}.AlphaPackager"], records[f"{name}.BetaPackager"]
    winner, loser = (beta, alpha) if beta.order > alpha.order else (alpha, beta)  # the last collected
    explanation = manager.explain(importlib.import_module(name).Gadget)
    assert explanation.chosen == winner.name
    assert explanation.conflicts == [
        {
            "priority": 5,
            "winner": winner.name,
            "winner_distribution": winner.distribution,
            "loser": loser.name,
            "loser_distribution": loser.distribution,
        }
    ]
    lines = str(explanation).splitlines()
    at = lines.index(
        f"conflict: {winner.distribution} and {loser.distribution} both have priority 5 for {name}.Gadget:"
    )
    assert lines[at + 1] == f"    {winner.name} wins over {loser.name} (collected last)"


def test_the_cli_reports_the_conflict(gadgets, capsys):
    assert main(["explain", "--type", f"{gadgets}.Gadget"]) == 0
    out = capsys.readouterr().out
    assert "conflict: satchel_fake_" in out
    assert "(collected last)" in out


def test_one_distribution_at_one_priority_is_no_conflict(manager, make_module):
    name = make_module(GADGETS)
    manager.collect_packagers([f"{name}.AlphaPackager", f"{name}.BetaPackager"])  # custom: no distribution
    assert manager.explain(importlib.import_module(name).Gadget).conflicts == []


def test_packagers_not_supporting_the_artifact_type_are_no_conflict(gadgets):
    gadget = importlib.import_module(gadgets).Gadget
    assert len(PackagersManager().explain(gadget, "object").conflicts) == 1  # both pickle too
    explanation = PackagersManager().explain(gadget, "result")  # the default packager's alone
    assert explanation.conflicts == []
    assert "conflict" not in str(explanation)


# -- unknown artifact types ----------------------------------------------------------------------


def test_an_unknown_artifact_type_is_an_error_naming_the_known_ones(manager):
    with pytest.raises(SatchelError, match=r"^unknown artifact type 'banana': .*; known: object, result$"):
        manager.explain(1, "banana")
    with pytest.raises(SatchelError, match="unknown artifact type 'banana'"):
        manager.explain(int, "banana")


def test_top_level_explain_refuses_an_unknown_artifact_type(only_fake_plugins):
    with pytest.raises(SatchelError, match=r"unknown artifact type 'banana'.*known: object, result"):
        satchel.explain({"a": 1}, "banana")


def test_the_cli_fails_on_an_unknown_artifact_type():
    result = satchel_command("explain", "--type", "int", "--artifact-type", "banana")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("satchel: SatchelError: unknown artifact type 'banana': ")
    assert "known: " in lines[0] and "object" in lines[0] and "result" in lines[0]


def test_a_known_artifact_type_nobody_supports_for_this_type_is_chosen_none(gadgets):
    explanation = PackagersManager().explain(int, "file")  # the gadget packagers support 'file'
    assert explanation.chosen is None
    assert str(explanation).splitlines()[-1] == "chosen: none"


# -- pending packagers ---------------------------------------------------------------------------


def test_pending_packagers_are_kept_as_data_and_summed_up_in_text(manager, make_module):
    target = make_module("class Thing:\n    pass\n")
    packagers = make_module(
        f"""
        from satchel import DefaultPackager

        class ThingList(DefaultPackager):
            PACKABLE_OBJECT_TYPE = "list[{target}.Thing]"

        class Things(DefaultPackager):
            PACKABLE_OBJECT_TYPE = "{target}.Thing"
        """
    )
    manager.collect_packagers([f"{packagers}.ThingList", f"{packagers}.Things"])
    explanation = manager.explain([1])
    assert explanation.pending == [
        f"{packagers}.ThingList (list[{target}.Thing])",
        f"{packagers}.Things ({target}.Thing)",
    ]
    assert explanation.pending_modules == [target]
    assert explanation.pending_candidates == [f"{packagers}.ThingList (list[{target}.Thing])"]
    assert str(explanation).splitlines()[-3:] == [
        "may be candidates once their modules are imported:",
        f"    {packagers}.ThingList (list[{target}.Thing])",
        f"1 more packager waits for modules not imported yet: {target} (satchel plugins lists them)",
    ]
    assert target not in sys.modules  # explaining imports nothing
    assert manager.explain(1).pending_candidates == []


class IntegersDecidingForEachObjectThemselves(DefaultPackager):
    PACKABLE_OBJECT_TYPE = int

    def is_packable(self, obj, artifact_type, configurations):
        return True


def test_a_long_verdict_goes_on_its_own_line(manager):
    manager.collect_packagers([IntegersDecidingForEachObjectThemselves])
    lines = str(manager.explain(int)).splitlines()
    assert all(len(line) <= WIDTH for line in lines), lines
    assert lines[1].endswith("(priority 3, custom):")
    assert lines[2] == "       supports 'object'; is_packable decides for a given object"
