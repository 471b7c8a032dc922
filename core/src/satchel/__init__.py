"""satchel: pack what functions return into tracked artifacts; unpack them from type hints.

The public names are these, plus the modules `satchel.hookspecs` (the hooks), `satchel.errors`,
`satchel.payloads` (the payload toolkit for plugin authors) and `satchel.testing` (the
conformance kit). Everything else (`satchel.packaging`, `satchel.discovery`, `satchel.cli`) is
internal and may change in any release.
"""

from satchel._version import __version__
from satchel.errors import (
    ClearingError,
    LogHintError,
    PackagerCollectionError,
    PackingError,
    SatchelError,
    SatchelPluginWarning,
    SatchelWarning,
    UnpackingError,
)
from satchel.packaging.artifact import Artifact
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.explanation import Explanation
from satchel.packaging.manager import PackagersManager
from satchel.packaging.packager import Packager

# Public classes carry their public name, so what is recorded with an artifact (the packager's
# dotted path, `satchel.DefaultPackager`) and what reprs show do not move with internal modules.
for _public in (Artifact, DefaultPackager, Explanation, PackagersManager, Packager):
    _public.__module__ = __name__
del _public


def explain(obj_or_type: object, artifact_type: str | None = None) -> Explanation:
    """Which packagers would take an object (or type), in order, the choice and why others declined."""
    return PackagersManager().explain(obj_or_type, artifact_type)


__all__ = [
    "Artifact",
    "ClearingError",
    "DefaultPackager",
    "Explanation",
    "LogHintError",
    "Packager",
    "PackagerCollectionError",
    "PackagersManager",
    "PackingError",
    "SatchelError",
    "SatchelPluginWarning",
    "SatchelWarning",
    "UnpackingError",
    "__version__",
    "explain",
]
