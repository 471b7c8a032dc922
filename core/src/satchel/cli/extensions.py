"""Commands added by other distributions: entry points of the group `satchel.commands`.

Each entry point is named after the command it adds and names a callable
`add_commands(commands, common)`, called like the core's own command modules. A command plugin
that fails to import or to register is isolated: every other command still works, and its own
command (when its name is known) says what failed. A command satchel knows of but whose
distribution is missing (`ui`) says which distribution to install.
"""

from __future__ import annotations

import argparse
from typing import Any

from satchel.errors import SatchelError

GROUP = "satchel.commands"

#: Commands that other satchel distributions add: name -> (distribution, what it does).
KNOWN = {"ui": ("satchel-ui", "a local web page of runs, workflows and artifacts")}


class CommandPluginError(SatchelError):
    """A command's distribution is missing, or its plugin failed to load."""


def add_plugin_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register every installed command plugin, and a stub for each known command not installed."""
    from satchel.discovery.entry_points import find_entry_points
    from satchel.discovery.loading import describe, load_objects

    added: set[str] = set(commands.choices)
    for entry in find_entry_points(GROUP):
        if entry.name in added:  # a built-in command, or one an earlier plugin added, stays
            continue
        before = set(commands.choices)
        try:
            (register,) = load_objects(entry.value, callable, "command registration").objects
            register(commands, common)
        except Exception as problem:  # a broken plugin must not break the other commands
            for name in set(commands.choices) - before:  # what it half-registered goes
                _forget(commands, name)
            reason = describe(problem) if not isinstance(problem, SatchelError) else str(problem)
            _stub(
                commands,
                common,
                entry.name,
                f"the command {entry.name!r} of {entry.distribution} {entry.version} failed to load: "
                f"{reason}",
            )
        added |= set(commands.choices)
    for name, (distribution, what) in KNOWN.items():
        if name not in added:
            _stub(
                commands,
                common,
                name,
                f"'satchel {name}' ({what}) is in the distribution {distribution}: "
                f'pip install {distribution} (or "satchel[all]")',
            )


def _stub(commands: Any, common: argparse.ArgumentParser, name: str, message: str) -> None:
    """A command that takes any arguments and fails with `message`."""
    parser = commands.add_parser(name, parents=[common], help=f"(unavailable) {message}")
    parser.set_defaults(handler=_fail(message), accepts_anything=True)


def _fail(message: str) -> Any:
    def handler(_args: argparse.Namespace) -> int:
        raise CommandPluginError(message)

    return handler


def _forget(commands: Any, name: str) -> None:
    """Remove a subcommand a failed plugin registered (argparse has no public way)."""
    commands.choices.pop(name, None)
    commands._choices_actions[:] = [a for a in commands._choices_actions if a.dest != name]
