"""String hints resolve as Python's own evaluation of the same annotation does (generated cases).

Annotation texts are built from blocks (builtins, `typing` generics, `Optional`, `Union`,
`Annotated`, `X | Y`, `tuple[T, ...]`, `tuple[()]`), nested up to depth 3. Each is compared
with `typing.get_type_hints` of a function annotated with that text under
`from __future__ import annotations`: with the function's globals as the namespace, and with
no namespace at all (builtins, `typing.` dotted names and `typing`'s bare names all resolve
without one). Where Python refuses a text (`None | None`), `resolve_hint` must refuse it too.
"""

from __future__ import annotations

import itertools
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satchel.packaging.type_hints import resolve_hint

LEAVES = ["int", "str", "float", "bytes", "None", "list", "dict", "tuple", "set", "frozenset"]
EMPTY_TUPLES = ["tuple[()]", "typing.Tuple[()]", "Tuple[()]"]

# One argument (`{0}`), or two or three (`{1}`, `{2}`) drawn independently.
FORMS = [
    "list[{0}]",
    "set[{0}]",
    "frozenset[{0}]",
    "dict[str, {0}]",
    "dict[{0}, {1}]",
    "tuple[{0}]",
    "tuple[{0}, ...]",
    "tuple[{0}, {1}]",
    "tuple[{0}, {1}, {2}]",
    "typing.List[{0}]",
    "List[{0}]",
    "typing.Dict[str, {0}]",
    "Dict[str, {0}]",
    "typing.Tuple[{0}, ...]",
    "Tuple[{0}, {1}]",
    "Optional[{0}]",
    "typing.Optional[{0}]",
    "Union[{0}, {1}]",
    "typing.Union[{0}, {1}, {2}]",
    "{0} | {1}",
    "{0} | None",
    "Annotated[{0}, 'meta']",
    "typing.Annotated[{0}, 'meta', 1]",
]

# The namespace of the module that holds the annotated function.
NAMESPACE = {
    "typing": typing,
    **{name: getattr(typing, name) for name in ("Annotated", "Dict", "List", "Optional", "Tuple", "Union")},
}


def _arity(form: str) -> int:
    return 1 + max(int(index) for index in "012" if "{" + index + "}" in form)


def python_evaluates(text):
    """What Python gives for `def f(x: <text>)` under `from __future__ import annotations`.

    Returns (hint, None), or (None, the exception) when Python refuses the annotation.
    """
    namespace = dict(NAMESPACE)
    exec(f"from __future__ import annotations\ndef f(x: {text}): pass", namespace)
    function = namespace["f"]
    try:
        return typing.get_type_hints(function, include_extras=True)["x"], None
    except Exception as error:
        return None, error


def check(text):
    expected, refused = python_evaluates(text)
    for namespace in (NAMESPACE, None):
        if refused is not None:
            with pytest.raises(ValueError, match="cannot resolve type hint"):
                resolve_hint(text, namespace)
            continue
        hint = resolve_hint(text, namespace)
        assert hint == expected, f"{text!r} (namespace {namespace is not None}): {hint!r} != {expected!r}"
        # == of unions ignores order; the repr keeps it (and tells typing.Union from `X | Y`)
        assert repr(hint) == repr(expected), f"{text!r}: {hint!r} != {expected!r}"
    return refused is None


def every_block():
    """Every leaf alone and in every form, and every form inside every form (depth 2)."""
    simple = LEAVES + EMPTY_TUPLES
    few = ["int", "None", "list", "tuple[()]"]  # for forms of three arguments
    texts = list(simple)
    for form in FORMS:
        arity = _arity(form)
        blocks = simple if arity < 3 else few
        texts += [form.format(*args) for args in itertools.product(blocks, repeat=arity)]
    inner = [form.format("int", "str", "None") for form in FORMS]
    texts += [outer.format(one, "bytes", "None") for outer in FORMS for one in inner]
    return list(dict.fromkeys(texts))


BLOCKS = every_block()


def test_every_block_resolves_as_python_evaluates_it():
    resolved = [text for text in BLOCKS if check(text)]
    assert len(resolved) > 0.95 * len(BLOCKS)  # only a few refusals, such as `None | None`


def annotations(depth):
    """Annotation texts nested up to `depth` forms deep."""
    leaf = st.sampled_from(LEAVES + EMPTY_TUPLES)
    if depth == 0:
        return leaf
    inner = annotations(depth - 1)
    nested = st.sampled_from(FORMS).flatmap(
        lambda form: st.lists(inner, min_size=3, max_size=3).map(lambda args: form.format(*args))
    )
    return st.one_of(leaf, nested)


@settings(max_examples=200, deadline=None)
@given(annotations(3))
def test_generated_annotations_resolve_as_python_evaluates_them(text):
    check(text)


def test_the_stored_annotation_text_resolves_in_the_function_globals():
    """What `from __future__ import annotations` stores (unparsed text), with `f.__globals__`."""
    for text in BLOCKS[:: max(1, len(BLOCKS) // 200)]:
        namespace = dict(NAMESPACE)
        exec(f"from __future__ import annotations\ndef f(x: {text}): pass", namespace)
        function = namespace["f"]
        expected, refused = python_evaluates(text)
        if refused is None:
            stored = function.__annotations__["x"]
            assert repr(resolve_hint(stored, function.__globals__)) == repr(expected)
