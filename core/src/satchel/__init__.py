"""satchel: pack what functions return into tracked artifacts; unpack them from type hints.

The public names are these (the tracking ones, `run`, `handler`, `Run`, `load`, `get_run`,
`list_runs`, `get_or_create_project`, `workflow`, `Workflow`, `get_workflow`, `list_workflows`,
`rerun`, `Rerun`, `submit`, `StepFuture`, `export` and `import_bundle`, are imported on first
use), plus the modules `satchel.hookspecs` (the hooks), `satchel.errors`, `satchel.payloads`
(the payload toolkit for plugin authors) and `satchel.testing` (the conformance kit). Everything else
(`satchel.packaging`, `satchel.tracking`, `satchel.discovery`, `satchel.cli`) is internal and may
change in any release.
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


#: The tracking API, imported on first use: `import satchel` stays as cheap as the packaging core.
_TRACKING = {
    "Run": "satchel.tracking.runs",
    "get_run": "satchel.tracking.runs",
    "list_runs": "satchel.tracking.runs",
    "load": "satchel.tracking.runs",
    "handler": "satchel.tracking.handler",
    "run": "satchel.tracking.running",
    "get_or_create_project": "satchel.tracking.projects",
    "Workflow": "satchel.tracking.workflows",
    "workflow": "satchel.tracking.workflows",
    "get_workflow": "satchel.tracking.workflows",
    "list_workflows": "satchel.tracking.workflows",
    "rerun": "satchel.tracking.rerunning",
    "Rerun": "satchel.tracking.rerunning",
    "submit": "satchel.tracking.submitting",
    "StepFuture": "satchel.tracking.submitting",
    "export": "satchel.tracking.transfer",
    "import_bundle": "satchel.tracking.transfer",
}


def __getattr__(name: str) -> object:
    module = _TRACKING.get(name)
    if module is None:
        raise AttributeError(f"module 'satchel' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
    "Rerun",
    "Run",
    "SatchelError",
    "SatchelPluginWarning",
    "SatchelWarning",
    "StepFuture",
    "UnpackingError",
    "Workflow",
    "__version__",
    "explain",
    "export",
    "get_or_create_project",
    "get_run",
    "get_workflow",
    "handler",
    "import_bundle",
    "list_runs",
    "list_workflows",
    "load",
    "rerun",
    "run",
    "submit",
    "workflow",
]
