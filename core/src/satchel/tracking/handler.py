"""`satchel.handler`: declares how a function's outputs are logged and its inputs parsed, without
changing the function: called directly, it is the plain function."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from satchel.packaging.log_hints import parse_log_hints

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "__satchel_handler__"


@dataclass(frozen=True)
class HandlerSpec:
    """What `@satchel.handler(...)` declared: log hints, and input hints (False: no parsing)."""

    returns: tuple[Any, ...] | None = None
    inputs: Mapping[str, Any] | bool | None = None


def as_hint_list(returns: Any) -> tuple[Any, ...] | None:
    """Log hints as a tuple: one hint (a string or a dict) is a tuple of one."""
    if returns is None:
        return None
    if isinstance(returns, (str, Mapping)):
        return (returns,)
    if isinstance(returns, Sequence):
        return tuple(returns)
    return (returns,)  # parse_log_hints says what is wrong with it


def handler(returns: Any = None, inputs: Mapping[str, Any] | bool | None = None) -> Callable[[F], F]:
    """Declare log hints (`returns`) and input type hints (`inputs`, overriding annotations;
    `inputs=False`: inputs are passed as given) for `satchel.run`. A malformed hint is a
    `LogHintError` here, before anything runs."""
    hints = as_hint_list(returns)
    if hints is not None:
        parse_log_hints(list(hints))
    spec = HandlerSpec(hints, inputs)

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

        setattr(wrapper, ATTRIBUTE, spec)
        return wrapper  # type: ignore[return-value]

    return decorate


def spec_of(function: Callable[..., Any]) -> HandlerSpec:
    """What the function's `@satchel.handler` declared (nothing, for a plain function)."""
    return getattr(function, ATTRIBUTE, None) or HandlerSpec()
