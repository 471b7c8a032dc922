"""Where submitted steps execute: `Executor`, the in-process one, and the installed ones.

`satchel.workflow(..., executor=...)` takes `"local"` (the default: each step runs in this
process when it is submitted), an `Executor`, or anything an installed executor accepts (a
`dask.distributed.Client`, a `tcp://` scheduler address, with `satchel-dask`), found through the
`satchel.executors` entry points. An executor moves only small records: a step's specification
in, the step's outcome (its run id, status and artifact URIs) out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from satchel.discovery.entry_points import find_entry_points
from satchel.discovery.loading import LoadProblem, load_objects
from satchel.errors import SatchelError

GROUP = "satchel.executors"
#: A step as executors run it: `step(spec, upstream)` -> outcome, all three JSON-able dicts.
Step = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


class Executor(ABC):
    """Runs steps somewhere; an installed executor is a subclass with `accepts`."""

    @classmethod
    def accepts(cls, spec: object) -> bool:
        """Whether `executor=spec` names this kind of executor (a client object, an address)."""
        return False

    @abstractmethod
    def submit(self, step: Step, spec: dict[str, Any], upstream: Mapping[str, Any]) -> Any:
        """Start `step(spec, results)`; `upstream` maps names to handles of steps submitted
        before, whose outcomes `step` gets as `results` once they have finished (a failed one
        fails this step too, without running it). Returns this step's handle."""

    @abstractmethod
    def result(self, handle: Any, timeout: float | None = None) -> dict[str, Any]:
        """Wait for a step: its outcome, or the exception that stopped it, raised."""

    @abstractmethod
    def done(self, handle: Any) -> bool:
        """Whether the step has finished (either way)."""


class LocalExecutor(Executor):
    """Each step runs in this process, when it is submitted."""

    @classmethod
    def accepts(cls, spec: object) -> bool:
        """`"local"` (or None)."""
        return spec is None or spec == "local"

    def submit(self, step: Step, spec: dict[str, Any], upstream: Mapping[str, Any]) -> Any:
        """Run it now; the handle holds its outcome or its exception."""
        try:
            results = {name: self.result(handle) for name, handle in upstream.items()}
            return _Done(step(spec, results), None)
        except Exception as error:  # kept for result(), like a future holds its exception
            return _Done(None, error)

    def result(self, handle: Any, timeout: float | None = None) -> dict[str, Any]:
        """The outcome, or the exception raised."""
        if handle.error is not None:
            raise handle.error
        return handle.outcome

    def done(self, handle: Any) -> bool:
        """Always: it ran when it was submitted."""
        return True


class _Done:
    __slots__ = ("error", "outcome")

    def __init__(self, outcome: dict[str, Any] | None, error: BaseException | None) -> None:
        self.outcome, self.error = outcome, error


def executor_for(spec: object) -> Executor:
    """The executor `spec` names: an `Executor`, `"local"`, or one an installed executor accepts."""
    if isinstance(spec, Executor):
        return spec
    if LocalExecutor.accepts(spec):
        return LocalExecutor()
    failures = []
    for entry in find_entry_points(GROUP):
        try:
            (kind,) = load_objects(entry.value, _is_executor_class, "executor").objects
            if not _is_executor_class(kind):
                raise LoadProblem(f"{entry.value} is not an Executor subclass")
            taken = kind.accepts(spec)
        except Exception as problem:  # a broken executor plugin must not hide the others
            failures.append(f"{entry.distribution} ({entry.name}): {problem}")
            continue
        if taken:
            return kind(spec)
    broken = f"; these failed to load: {'; '.join(failures)}" if failures else ""
    raise SatchelError(
        f"no installed executor takes executor={spec!r} (a {type(spec).__qualname__}): use 'local', "
        f"or install one, such as satchel-dask for a dask.distributed Client or a tcp:// address{broken}"
    )


def _is_executor_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, Executor)
