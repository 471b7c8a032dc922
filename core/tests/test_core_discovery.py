"""Entry-point discovery (`satchel.discovery`) and collecting installed plugins through it."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest

from satchel import PackagerCollectionError, PackagersManager, SatchelPluginWarning
from satchel.discovery.entry_points import find_entry_points, normalize
from satchel.packaging.collecting import GROUP

PLUGIN = """
    from satchel import DefaultPackager

    class {name}Thing:
        pass

    class {name}Packager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = {name}Thing
"""


def fake(found, prefix="satchel-fake"):
    return [ep for ep in found if normalize(ep.distribution).startswith(prefix)]


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path that fake distributions are written into."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_entry_points_are_found_in_order(site, dist_writer):
    dist_writer(site, "satchel_fake_zeta", "2.0", {"b": "mod_b", "a": "mod_a:Cls"})
    dist_writer(site, "satchel_fake_alpha", "1.0", {"z": "mod_z", "c": "mod_c"})
    found = [(ep.distribution, ep.version, ep.name, ep.value) for ep in fake(find_entry_points(GROUP))]
    assert found == [
        ("satchel_fake_alpha", "1.0", "c", "mod_c"),
        ("satchel_fake_alpha", "1.0", "z", "mod_z"),
        ("satchel_fake_zeta", "2.0", "a", "mod_a:Cls"),
        ("satchel_fake_zeta", "2.0", "b", "mod_b"),
    ]


def test_distribution_name_comes_from_the_metadata(site, dist_writer):
    dist_writer(site, "satchel_fake_real", "1.0", {"r": "mod_r"}, metadata_name="Satchel-Fake.Real")
    assert [(ep.distribution, ep.version) for ep in fake(find_entry_points(GROUP))] == [
        ("Satchel-Fake.Real", "1.0")
    ]


def test_other_groups_comments_and_extras_are_handled(site, dist_writer):
    folder = dist_writer(site, "satchel_fake_mixed", "1.0", {})
    folder.joinpath("entry_points.txt").write_text(
        "[console_scripts]\n"
        "tool = mod:main\n"
        "\n"
        f"[ {GROUP} ]\n"
        "# a comment\n"
        "; another\n"
        "one = mod_one:Cls [extra]\n"
        "two=mod_two\n"
        "[other]\n"
        "three = mod_three\n"
    )
    found = [(ep.name, ep.value) for ep in fake(find_entry_points(GROUP))]
    assert found == [("one", "mod_one:Cls"), ("two", "mod_two")]
    assert [ep.name for ep in fake(find_entry_points("console_scripts"))] == ["tool"]


def test_first_distribution_of_a_name_wins(tmp_path, monkeypatch, dist_writer):
    first, second = tmp_path / "first", tmp_path / "second"
    dist_writer(first, "satchel_fake_dup", "1.0", {"dup": "mod_first"})
    dist_writer(
        second,
        "Satchel_Fake.Dup",
        "2.0",
        {"dup": "mod_second", "x": "mod_x"},
        metadata_name="Satchel-Fake.Dup",
    )
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))  # now first on sys.path
    found = [(ep.name, ep.value, ep.version) for ep in fake(find_entry_points(GROUP))]
    assert found == [("dup", "mod_first", "1.0")]


def test_distribution_without_entry_points_or_without_the_group(site, dist_writer):
    dist_writer(site, "satchel_fake_none", "1.0", {}, group="console_scripts")
    (site / "satchel_fake_bare-1.0.dist-info").mkdir()
    assert fake(find_entry_points(GROUP)) == []


def test_egg_info_without_version_reads_pkg_info(site):
    folder = site / "satchel_fake_egg.egg-info"
    folder.mkdir()
    folder.joinpath("PKG-INFO").write_text("Metadata-Version: 1.2\nName: satchel-fake-egg\nVersion: 3.1\n\n")
    folder.joinpath("entry_points.txt").write_text(f"[{GROUP}]\negg = mod_egg\n")
    assert [(ep.distribution, ep.version, ep.name) for ep in fake(find_entry_points(GROUP))] == [
        ("satchel-fake-egg", "3.1", "egg")
    ]


@pytest.mark.parametrize("group", [GROUP, "console_scripts", "pytest11"])
def test_agrees_with_importlib_metadata(group):
    ours = sorted((normalize(ep.distribution), ep.name, ep.value) for ep in find_entry_points(group))
    theirs = sorted(
        (normalize(ep.dist.name), ep.name, ep.value.split("[")[0].strip())
        for ep in importlib.metadata.entry_points(group=group)
    )
    assert ours == theirs
    if group == "pytest11":  # the core itself is installed and registers its pytest plugin
        assert ("satchel", "satchel", "satchel.testing.pytest_plugin") in ours


def test_agrees_with_importlib_metadata_on_fake_distributions(site, dist_writer):
    dist_writer(site, "satchel_fake_one", "1.0", {"x": "mod_x", "w": "mod_w:Cls"})
    dist_writer(site, "satchel_fake_two", "0.5", {"v": "mod_v"})
    ours = sorted((ep.name, ep.value) for ep in fake(find_entry_points(GROUP)))
    theirs = sorted(
        (ep.name, ep.value)
        for ep in importlib.metadata.entry_points(group=GROUP)
        if normalize(ep.dist.name).startswith("satchel-fake")
    )
    assert ours == theirs == [("v", "mod_v"), ("w", "mod_w:Cls"), ("x", "mod_x")]


# -- collection of installed plugins -----------------------------------------------------------


@pytest.fixture
def plugins(site, make_module, only_fake_plugins, dist_writer):
    """Two fake distributions: a good plugin and one whose module cannot be imported."""
    good = make_module(PLUGIN.format(name="Good"))
    bad = make_module("import satchel_no_such_dependency_xyz\n")
    dist_writer(site, "satchel_fake_good", "1.2", {"satchel-t-good": good})
    dist_writer(site, "satchel_fake_bad", "0.3", {"satchel-t-bad": f"{bad}:Cls"})
    return good, bad


def test_installed_plugins_are_collected_with_priority_5(plugins):
    good, _ = plugins
    with pytest.warns(SatchelPluginWarning) as caught:
        mgr = PackagersManager()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "'satchel-t-bad'" in message
    assert "distribution satchel_fake_bad 0.3" in message
    assert "satchel_no_such_dependency_xyz" in message
    mine = {s.name: s for s in mgr.plugins if s.name.startswith("satchel-t-")}
    assert mine["satchel-t-good"].status == "loaded"
    assert mine["satchel-t-good"].distribution == "satchel_fake_good"
    assert mine["satchel-t-good"].version == "1.2"
    assert mine["satchel-t-bad"].status == "failed"
    assert "satchel_no_such_dependency_xyz" in mine["satchel-t-bad"].reason
    record = mine["satchel-t-good"].items[0]
    assert record.name == f"{good}.GoodPackager"
    assert record.priority == 5
    # the plugin's distribution is recorded in the versions of what it packs
    thing = sys.modules[good].GoodThing()
    artifact = mgr.pack(thing, "thing")
    assert artifact.packager == f"{good}.GoodPackager"
    assert artifact.versions["satchel_fake_good"] == "1.2"
    mgr.clear()


def test_disabled_plugins_are_skipped_and_not_imported(plugins, only_fake_plugins):
    good, bad = plugins
    only_fake_plugins("satchel-t-good, satchel-t-bad")
    mgr = PackagersManager()  # no warning: the failing one is not even imported
    mine = {s.name: s for s in mgr.plugins if s.name.startswith("satchel-t-")}
    assert {name: s.status for name, s in mine.items()} == {
        "satchel-t-good": "disabled",
        "satchel-t-bad": "disabled",
    }
    assert "SATCHEL_DISABLE_PLUGINS" in mine["satchel-t-good"].reason
    assert good not in sys.modules and bad not in sys.modules
    assert len(mgr.packagers) == 1


@pytest.mark.parametrize(
    ("listed", "guess"),
    [
        ("satchel-t-good satchel-t-bad", "'satchel-t-good,satchel-t-bad'"),  # spaces, not commas
        ("satchel-t-goood", "'satchel-t-good'"),  # a typo
    ],
    ids=["space-separated", "typo"],
)
def test_disabling_a_name_no_plugin_has_warns(plugins, only_fake_plugins, listed, guess):
    good, _ = plugins
    only_fake_plugins(listed)
    with pytest.warns(SatchelPluginWarning) as caught:
        mgr = PackagersManager()
    messages = [str(warning.message) for warning in caught]
    (unknown,) = [message for message in messages if message.startswith("SATCHEL_DISABLE_PLUGINS")]
    assert f"names {listed!r} (did you mean {guess}?)" in unknown
    assert "which no installed plugin is called, so it disables nothing" in unknown
    assert "names are separated by commas" in unknown
    assert "satchel-t-bad, satchel-t-good" in unknown  # the installed names
    assert caught[messages.index(unknown)].filename == __file__  # points at the code that made it
    # nothing of it was disabled: the good plugin loaded, the bad one failed (and warned)
    mine = {s.name: s.status for s in mgr.plugins if s.name.startswith("satchel-t-")}
    assert mine == {"satchel-t-good": "loaded", "satchel-t-bad": "failed"}
    assert any("'satchel-t-bad'" in message and "was skipped" in message for message in messages)
    assert f"{good}.GoodPackager" in [record.name for record in mgr.packagers]


def test_a_skipped_plugin_warning_points_at_the_code_that_made_the_manager(plugins):
    with pytest.warns(SatchelPluginWarning, match="satchel-t-bad") as caught:
        PackagersManager()
    assert caught[0].filename == __file__


def test_required_failing_plugin_raises(plugins, monkeypatch):
    monkeypatch.setenv("SATCHEL_REQUIRE", "satchel-t-bad , satchel-t-good")
    with pytest.raises(PackagerCollectionError) as raised:
        PackagersManager()
    message = str(raised.value)
    assert message.startswith("1 mandatory packager plugin(s) could not be collected")
    assert "satchel-t-bad (distribution satchel_fake_bad 0.3)" in message
    assert "satchel_no_such_dependency_xyz" in message
    assert "satchel-t-good" not in message


def test_required_name_without_entry_point_is_a_failure(plugins, only_fake_plugins, monkeypatch):
    only_fake_plugins("satchel-t-bad")
    monkeypatch.setenv("SATCHEL_REQUIRE", "satchel-t-good,satchel-t-nowhere")
    with pytest.raises(PackagerCollectionError) as raised:
        PackagersManager()
    message = str(raised.value)
    assert message.startswith("1 mandatory packager plugin(s)")
    assert "satchel-t-nowhere" in message
    assert "no installed distribution has a 'satchel.packagers' entry point" in message
    assert "satchel-t-good" not in message


@pytest.mark.parametrize(
    ("required", "guess"),
    [
        ("satchel-t-good satchel-t-bad", "'satchel-t-good,satchel-t-bad'"),
        ("satchel-t-godo", "'satchel-t-good'"),
    ],
    ids=["space-separated", "typo"],
)
def test_requiring_a_name_no_plugin_has_fails_with_a_guess(
    plugins, only_fake_plugins, monkeypatch, required, guess
):
    only_fake_plugins("satchel-t-bad")
    monkeypatch.setenv("SATCHEL_REQUIRE", required)
    with pytest.raises(PackagerCollectionError) as raised:
        PackagersManager()
    message = str(raised.value)
    assert message.startswith("1 mandatory packager plugin(s) could not be collected")
    assert f"entry point called {required!r} (did you mean {guess}?)" in message
    assert "install the plugin or remove it from SATCHEL_REQUIRE" in message
    assert "names are separated by commas; `satchel plugins` lists the installed ones" in message


def test_the_required_error_says_how_to_stop_requiring_installed_plugins(plugins, monkeypatch):
    monkeypatch.setenv("SATCHEL_REQUIRE", "satchel-t-bad")
    with pytest.raises(PackagerCollectionError) as raised:
        PackagersManager()
    last = str(raised.value).splitlines()[-1]
    assert last == "Fix or install them, or stop requiring them: remove them from SATCHEL_REQUIRE."
    assert "mandatory" not in last  # no parameter of collect_packagers applies to installed plugins


def test_required_and_disabled_is_a_failure(plugins, only_fake_plugins, monkeypatch):
    only_fake_plugins("satchel-t-good,satchel-t-bad")
    monkeypatch.setenv("SATCHEL_REQUIRE", "satchel-t-good")
    with pytest.raises(PackagerCollectionError, match=r"satchel-t-good.*SATCHEL_DISABLE_PLUGINS") as raised:
        PackagersManager()
    assert "listed in SATCHEL_DISABLE_PLUGINS and in SATCHEL_REQUIRE; remove it from one of them" in str(
        raised.value
    )


def test_installed_false_ignores_entry_points(plugins):
    mgr = PackagersManager(installed=False)
    assert mgr.plugins == []
    assert len(mgr.packagers) == 1
