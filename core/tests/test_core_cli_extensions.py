"""Commands from other distributions (`satchel.commands` entry points), failures isolated."""

from __future__ import annotations

import sys
import types

import pytest

from satchel.cli.main import main
from satchel.discovery import entry_points
from satchel.discovery.entry_points import EntryPoint


def _plugins(monkeypatch, *found: EntryPoint) -> None:
    real = entry_points.find_entry_points
    monkeypatch.setattr(
        entry_points,
        "find_entry_points",
        lambda group: list(found) if group == "satchel.commands" else real(group),
    )


def _module(monkeypatch, name: str, add_commands) -> None:
    module = types.ModuleType(name)
    module.add_commands = add_commands
    monkeypatch.setitem(sys.modules, name, module)


def _hello(commands, common):
    parser = commands.add_parser("hello", parents=[common], help="say hello")
    parser.add_argument("--who", default="world")
    parser.set_defaults(handler=lambda args: print(f"hello {args.who}") or 0)


def test_a_distribution_adds_a_command(monkeypatch, capsys):
    _module(monkeypatch, "fake_hello_commands", _hello)
    _plugins(monkeypatch, EntryPoint("hello", "fake_hello_commands:add_commands", "satchel-hello", "1.0"))
    assert main(["hello", "--who", "you"]) == 0
    assert capsys.readouterr().out == "hello you\n"


def test_a_broken_command_plugin_breaks_only_its_command(monkeypatch, capsys, tmp_path):
    def half_then_fail(commands, common):
        commands.add_parser("half", parents=[common])
        raise RuntimeError("it broke")

    _module(monkeypatch, "fake_broken_commands", half_then_fail)
    _plugins(
        monkeypatch,
        EntryPoint("boom", "no_such_module_for_satchel:add_commands", "satchel-boom", "0.1"),
        EntryPoint("half", "fake_broken_commands:add_commands", "satchel-half", "0.2"),
    )
    assert main(["runs", "--store", str(tmp_path)]) == 0  # every other command still works
    capsys.readouterr()
    assert main(["boom", "--anything", "x"]) == 1
    error = capsys.readouterr().err
    assert "the command 'boom' of satchel-boom 0.1 failed to load" in error and "no_such_module" in error
    assert main(["half"]) == 1
    assert "RuntimeError: it broke" in capsys.readouterr().err


def test_a_plugin_cannot_replace_a_builtin_command(monkeypatch, capsys, tmp_path):
    def steal(commands, common):
        raise AssertionError("never called: 'runs' is taken")

    _module(monkeypatch, "fake_stealing_commands", steal)
    _plugins(monkeypatch, EntryPoint("runs", "fake_stealing_commands:add_commands", "satchel-evil", "1"))
    assert main(["runs", "--store", str(tmp_path)]) == 0


def test_without_satchel_ui_the_ui_command_says_what_to_install(monkeypatch, capsys):
    _plugins(monkeypatch)
    assert main(["ui", "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert "pip install satchel-ui" in error


def test_unknown_arguments_are_still_usage_errors(capsys, tmp_path):
    assert main(["runs", "--store", str(tmp_path), "--bogus"]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["ui", "--help"]])
def test_help_lists_the_plugin_commands(argv, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert "ui" in capsys.readouterr().out
