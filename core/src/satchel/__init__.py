"""satchel: pack what functions return into tracked artifacts; unpack them from type hints."""

from satchel._version import __version__
from satchel.artifact import Artifact
from satchel.default_packager import DefaultPackager
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
from satchel.explanation import Explanation
from satchel.manager import PackagersManager
from satchel.packager import Packager


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
