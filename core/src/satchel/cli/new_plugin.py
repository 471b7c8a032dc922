"""`satchel new-plugin NAME`: a plugin distribution ready to publish, from the template files."""

from __future__ import annotations

import argparse
import re
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from satchel._version import __version__
from satchel.cli.output import echo
from satchel.errors import SatchelError

#: A distribution name as the packaging specifications allow it (PEP 508), case-insensitive.
_DISTRIBUTION = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
#: The template folder (package data) and where each of its files goes; `{module}` is replaced.
#: No template file is named `test_*`: satchel's wheel ships no tests.
TEMPLATE = "plugin_template"
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "src/{module}/__init__.py",
    "packagers.py.tmpl": "src/{module}/packagers.py",
    "conformance_test.py.tmpl": "tests/test_conformance.py",
}


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `new-plugin`."""
    new = commands.add_parser(
        "new-plugin", parents=[common], help="write a new packager plugin distribution into ./NAME"
    )
    new.add_argument("name", metavar="NAME", help="the distribution's name (e.g. satchel-points)")
    new.set_defaults(handler=lambda args: _new_plugin(args.name))


def names(distribution: str) -> dict[str, str]:
    """What the template files are filled with, derived from the distribution's name.

    Raises `SatchelError` when `distribution` is not a valid distribution name, or gives no
    valid module name.
    """
    if not _DISTRIBUTION.match(distribution):
        raise SatchelError(
            f"{distribution!r} is not a valid distribution name: use letters, digits, '-', '_' and "
            "'.', starting and ending with a letter or digit"
        )
    module = re.sub(r"[-_.]+", "_", distribution).lower()
    if not module.isidentifier() or module[0].isdigit():
        raise SatchelError(
            f"{distribution!r} gives the module name {module!r}, which is not a Python identifier; "
            "start the name with a letter"
        )
    if module == "satchel":
        raise SatchelError(f"{distribution!r} would shadow satchel itself; choose another name")
    return {
        "distribution": distribution,
        "module": module,
        "entry_point": module.removeprefix("satchel_") or module,
        "satchel_requirement": satchel_requirement(__version__),
    }


def satchel_requirement(version: str) -> str:
    """The satchel versions a plugin made now works with: this release's series.

    On 0.x every minor release may break plugins (`>=0.1.0,<0.2`); from 1.0, every major one.
    """
    parts = [int(part) for part in re.findall(r"\d+", version)[:3]]
    major, minor = [*parts, 0, 0][:2]
    release = ".".join(map(str, parts))
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"satchel>={release},<{upper}"


def render(distribution: str) -> dict[str, str]:
    """`{relative path: text}` of every file of the new plugin `distribution`."""
    values = names(distribution)
    folder = resources.files("satchel.cli").joinpath(TEMPLATE)
    return {
        target.format(module=values["module"]): Template(
            folder.joinpath(source).read_text(encoding="utf-8")
        ).substitute(values)
        for source, target in FILES.items()
    }


def write(distribution: str, parent: Path) -> Path:
    """Write the plugin into `parent/distribution`, which must not exist yet; the folder."""
    files = render(distribution)
    root = parent / distribution
    if root.exists() or root.is_symlink():
        raise SatchelError(f"{root} already exists; choose another name or remove it first")
    root.mkdir()
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _new_plugin(distribution: str) -> int:
    root = write(distribution, Path.cwd())
    module = names(distribution)["module"]
    echo(f"wrote {root}")
    echo(f"  edit {distribution}/src/{module}/packagers.py (the packager), then:")
    echo(f"  pip install -e './{distribution}[test]' && pytest {distribution}/tests")
    return 0
