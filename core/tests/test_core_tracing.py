"""`SATCHEL_TRACE_PLUGINS=1`: a line on stderr per hook call; when off, nothing printed and the
records keep their instances' own bound hooks (the small-result path is untouched)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from satchel import DefaultPackager, PackagersManager, PackingError
from satchel.packaging.registry import Registry

TRACE = "SATCHEL_TRACE_PLUGINS"
LINE = re.compile(
    r"satchel-trace: (?P<packager>\S+) (?P<hook>\w+) (?P<what>.+?) (?P<ms>\d+\.\d{3}) ms(?P<tail>.*)"
)


class Note:
    def __init__(self, text: str) -> None:
        self.text = text


class NotePackager(DefaultPackager):
    """Writes a note to a file, and leaves a scratch file for `clear` each time."""

    PACKABLE_OBJECT_TYPE = Note
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".txt")
        path.write_text(obj.text)
        scratch = self.staging_path(key, ".scratch")
        scratch.write_text("")
        self.add_future_clearing_path(scratch)
        return path, {}

    def unpack_file(self, item):
        scratch = self.staging_path(item.key, ".read")
        scratch.write_text("")
        self.add_future_clearing_path(scratch)
        return Note(Path(item.local_path()).read_text())


NOTES = f"{__name__}.NotePackager"


def pack_and_unpack(manager: PackagersManager) -> None:
    artifact = manager.pack(Note("hi"), "note")
    assert manager.unpack(artifact, Note).text == "hi"
    assert manager.pack(3, "count:result") == {"count": 3}
    manager.clear()


def traced(err: str) -> list[dict[str, str]]:
    lines = err.splitlines()
    matches = [LINE.fullmatch(line) for line in lines]
    assert all(matches), [line for line, match in zip(lines, matches) if not match]
    return [match.groupdict() for match in matches if match]


def test_tracing_prints_every_hook_call(monkeypatch, capsys):
    monkeypatch.setenv(TRACE, "1")
    manager = PackagersManager(installed=False)
    manager.collect_packagers([NotePackager])
    pack_and_unpack(manager)
    calls = [(c["packager"], c["hook"], c["what"], c["tail"]) for c in traced(capsys.readouterr().err)]
    assert calls == [
        (NOTES, "is_packable", "key='note'", " -> True"),
        (NOTES, "pack", "key='note'", ""),
        (NOTES, "unpack", "key='note'", ""),
        ("satchel.DefaultPackager", "is_packable", "key='count'", " -> True"),
        ("satchel.DefaultPackager", "pack", "key='count'", ""),
        (NOTES, "clear", "2 paths", ""),
    ]


class BrokenNotePackager(NotePackager):
    PRIORITY = 2

    def pack_file(self, obj, key):
        raise ValueError("no ink")


def test_tracing_names_a_hook_that_raised(monkeypatch, capsys):
    monkeypatch.setenv(TRACE, "1")
    manager = PackagersManager(installed=False)
    manager.collect_packagers([BrokenNotePackager])
    with pytest.raises(PackingError, match="no ink"):
        manager.pack(Note("x"), "note")
    manager.clear()
    calls = [(c["hook"], c["tail"]) for c in traced(capsys.readouterr().err)]
    assert calls == [("is_packable", " -> True"), ("pack", " -> raised ValueError")]


def test_explain_traces_is_packable_without_a_key(monkeypatch, capsys):
    monkeypatch.setenv(TRACE, "1")
    manager = PackagersManager(installed=False)
    manager.collect_packagers([NotePackager])
    manager.explain(Note("x"))
    calls = [(c["hook"], c["what"]) for c in traced(capsys.readouterr().err)]
    assert calls == [("is_packable", "key=None"), ("is_packable", "key=None")]  # the default one too


def test_tracing_off_prints_nothing_and_keeps_the_instances_own_hooks(monkeypatch, capsys):
    monkeypatch.delenv(TRACE, raising=False)
    manager = PackagersManager(installed=False)
    manager.collect_packagers([NotePackager])
    registry = manager._registry
    assert not registry.tracing
    assert "choose" not in vars(registry)  # Registry.choose itself, no wrapper in between
    for record in manager.packagers:
        assert not record.traced
        for hook in ("is_packable", "pack", "unpack"):
            bound = getattr(record, hook)
            assert bound.__self__ is record.instance
            assert bound.__func__ is getattr(record.cls, hook)
    pack_and_unpack(manager)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", ["", "0", "false", "off", "no"])
def test_values_that_leave_tracing_off(monkeypatch, value):
    monkeypatch.setenv(TRACE, value)
    assert not Registry().tracing


def test_the_variable_is_read_when_the_registry_is_created(monkeypatch, capsys):
    monkeypatch.delenv(TRACE, raising=False)
    manager = PackagersManager(installed=False)
    manager.collect_packagers([NotePackager])
    monkeypatch.setenv(TRACE, "1")  # too late for this manager
    pack_and_unpack(manager)
    assert capsys.readouterr().err == ""
    traced_registry = Registry()
    assert traced_registry.tracing
    assert traced_registry.default.pack is not traced_registry.default.instance.pack
    assert traced_registry.default.pack.__wrapped__ == traced_registry.default.instance.pack
    assert traced_registry.extended().tracing  # a run's registry traces as its base does
    monkeypatch.delenv(TRACE)
    assert traced_registry.extended().tracing


def test_tracing_a_real_pack_and_unpack_with_the_installed_packagers(tmp_path):
    pytest.importorskip("satchel_builtins")
    code = (
        "import pathlib, satchel\n"
        "with satchel.PackagersManager() as manager:\n"
        "    artifact = manager.pack({'a': 1}, 'table:object')\n"
        "    assert manager.unpack(artifact, dict) == {'a': 1}\n"
        "    manager.pack(1.5, 'score')\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    environment[TRACE] = "1"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    calls = [(c["packager"], c["hook"], c["what"]) for c in traced(result.stderr)]
    assert calls == [
        ("satchel_builtins.packagers.DictPackager", "is_packable", "key='table'"),
        ("satchel_builtins.packagers.DictPackager", "pack", "key='table'"),
        ("satchel_builtins.packagers.DictPackager", "preview", "key='table'"),
        ("satchel_builtins.packagers.DictPackager", "unpack", "key='table'"),
        ("satchel_builtins.packagers.FloatPackager", "is_packable", "key='score'"),
        ("satchel_builtins.packagers.FloatPackager", "pack", "key='score'"),
    ]
