"""`Registry`: the collected packagers, the type index and the default packager, and the one
place that answers "who packs this, as what" (packing, `explain` and the conformance kit all
read that answer) and "who may unpack this artifact for this hint".
"""

from __future__ import annotations

import builtins
import itertools
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from satchel.discovery.loading import resolve_dotted
from satchel.errors import PackagerCollectionError, PackingError, SatchelError, UnpackingError
from satchel.packaging.artifact import PICKLE_ARTIFACT_TYPE, Artifact
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.explanation import Explanation
from satchel.packaging.records import PackagerRecord
from satchel.packaging.tracing import CHOOSING, tracing_enabled
from satchel.packaging.type_hints import hint_origin, object_type_name
from satchel.packaging.type_index import TypeIndex
from satchel.packaging.validation import check_class, new_plugin_manager, register

DEFAULT_PRIORITY = 10

# What a packager says about one subject (an object, or a type given to `explain`):
PACKS = "packs"  # it packs this object as the artifact type
MAY_PACK = "may pack"  # given a type: it supports the artifact type, its is_packable decides per object
UNSUPPORTED = "unsupported"  # it does not support the artifact type
DECLINED = "declined"  # its is_packable said no for this object
RAISED = "raised"  # its is_packable raised
_TAKES = frozenset({PACKS, MAY_PACK})


@dataclass(frozen=True)
class Verdict:
    """One candidate's answer for one subject and artifact type."""

    record: PackagerRecord
    artifact_type: str
    outcome: str
    error: BaseException | None = None

    @property
    def takes(self) -> bool:
        """Whether this candidate is chosen when no earlier one takes the subject."""
        return self.outcome in _TAKES

    def text(self) -> str:
        """The verdict in words, for `explain`."""
        wanted = self.artifact_type
        if self.outcome == PACKS:
            return f"packs it as {wanted!r}"
        if self.outcome == MAY_PACK:
            return f"supports {wanted!r}; is_packable decides for a given object"
        if self.outcome == UNSUPPORTED:
            return f"declines: supports {', '.join(self.record.artifact_types)}, not {wanted!r}"
        if self.outcome == DECLINED:
            return f"is_packable declined {wanted!r}"
        return f"is_packable raised {type(self.error).__name__}: {self.error}"


class Registry:
    """Every packager a manager collected, indexed by declared type, and the default packager.

    `trace` (None: read `SATCHEL_TRACE_PLUGINS`, once, here) makes every hook call print a line
    to stderr; only then are the records' bound hooks and `choose` wrapped (see `tracing`).
    """

    def __init__(self, trace: bool | None = None) -> None:
        self.tracing = tracing_enabled() if trace is None else trace
        self._records: dict[str, PackagerRecord] = {}
        self._index = TypeIndex()
        self._order = itertools.count()
        self._pluggy = new_plugin_manager()  # validates each packager's hooks against the specs
        priority, spec = check_class(DefaultPackager, DEFAULT_PRIORITY)
        self.default = PackagerRecord(DefaultPackager, DefaultPackager(), priority, spec)
        self._default_only = (self.default,)
        register(self._pluggy, self.default.instance, self.default.name)
        if self.tracing:
            self.default.trace()
            self.choose = self._traced_choose  # type: ignore[method-assign]

    # -- contents ----------------------------------------------------------------------------

    def add(self, records: list[PackagerRecord]) -> None:
        """Add one plugin's packagers (or those of several plugins from the declarations cache),
        all or none; each replaces a collected one of its class.

        Raises `LoadProblem` when pluggy refuses a hook (nothing is added then).
        """
        added: list[PackagerRecord] = []
        try:
            for record in records:
                record.order = next(self._order)
                if record.loaded:  # one from the declarations cache was checked when cached
                    register(self._pluggy, record.instance, f"{record.name}#{record.order}")
                    added.append(record)
        except Exception:
            for record in added:
                self._pluggy.unregister(record.instance)
            raise
        for record in records:
            if self.tracing:
                record.trace()
            previous = self._records.get(record.name)
            if previous is not None and previous.loaded and self._pluggy.is_registered(previous.instance):
                self._pluggy.unregister(previous.instance)
            self._records[record.name] = record
        self._index.add_all(records)

    def extended(self) -> Registry:
        """A new registry holding the same packagers, to which more can be added (a run's custom
        packagers) without changing this one; it traces hook calls when this one does."""
        other = Registry(trace=self.tracing)
        other._order = itertools.count(next(self._order))
        records = sorted(self._records.values(), key=lambda r: r.order)
        for record in records:
            other._records[record.name] = record
        other._index.add_all(records)
        return other

    def get(self, name: str) -> PackagerRecord | None:
        """The collected packager (or the default one) whose class is called `name`, imported
        (None when its plugin failed)."""
        if name == self.default.name:
            return self.default
        record = self._records.get(name)
        if record is None or record.loaded:
            return record
        return record if record.load() else None

    @property
    def packagers(self) -> list[PackagerRecord]:
        """The collected packagers, most important first; the default packager last.

        Packagers collected from the declarations cache are listed whether their plugin was
        imported yet or not (`load_all` imports them all); those whose plugin failed are not.
        """
        records = [record for record in self._records.values() if not record.failed]
        records.sort(key=lambda r: (r.priority, -r.order))
        return [*records, self.default]

    def load_all(self) -> None:
        """Import every plugin not imported yet (for `satchel plugins`: a broken one shows as
        failed). A mandatory one that fails raises `PackagerCollectionError`."""
        error: PackagerCollectionError | None = None
        for record in list(self._records.values()):
            try:
                if not record.loaded and not record.load():
                    record.failed = True
            except PackagerCollectionError as raised:  # the others are still imported
                error = error or raised
        if error is not None:
            raise error

    @property
    def pending(self) -> list[PackagerRecord]:
        """Packagers whose declared type's module is not imported yet."""
        return self._index.pending

    @property
    def index(self) -> TypeIndex:
        """The index of collected packagers by declared type."""
        return self._index

    # -- who packs this, as what -------------------------------------------------------------

    def judge(
        self,
        record: PackagerRecord,
        subject: Any,
        artifact_type: str | None,
        configurations: Mapping[str, Any],
        is_type: bool = False,
    ) -> Verdict:
        """What `record` says about packing `subject` (an object, or a type) as `artifact_type`.

        Given a type, a packager that keeps the `is_packable` of satchel's bases packs it (that
        only checks the artifact type); one with its own `is_packable` may pack it (it decides
        for each object).
        """
        chosen = artifact_type or record.default_artifact_type
        if is_type:
            if chosen not in record.artifact_types:
                return Verdict(record, chosen, UNSUPPORTED)
            return Verdict(record, chosen, MAY_PACK if record.decides_per_object(chosen) else PACKS)
        return Verdict(record, chosen, *_outcome(record, subject, chosen, configurations))

    def verdicts(
        self,
        subject: Any,
        artifact_type: str | None = None,
        configurations: Mapping[str, Any] | None = None,
        is_type: bool = False,
    ) -> Iterator[Verdict]:
        """Every candidate's verdict, in the order they are tried (the default packager last)."""
        cls = subject if is_type else type(subject)
        for record in (*self._index.candidates(cls), self.default):
            yield self.judge(record, subject, artifact_type, configurations or {}, is_type)

    def choose(
        self, obj: Any, artifact_type: str | None, configurations: Mapping[str, Any], key: str
    ) -> tuple[PackagerRecord, str]:
        """`(packager, artifact type)` that packs `obj`: the first candidate that takes it.

        The same decision as `verdicts` (through `_outcome`), without building a verdict per
        candidate: this is on the path of every small result. A candidate whose `is_packable`
        raises is a `PackingError`, not a silent fall-through.
        """
        for record in self._index.candidates(type(obj)) + self._default_only:
            chosen = artifact_type or record.default_artifact_type
            outcome, error = _outcome(record, obj, chosen, configurations)
            if outcome is PACKS:
                return record, chosen
            if outcome is RAISED:
                raise PackingError(
                    f"{record.name}.is_packable failed for {key!r} "
                    f"({type(obj).__qualname__}): {type(error).__name__}: {error}"
                ) from error
        chosen = artifact_type or self.default.cls.DEFAULT_PACKING_ARTIFACT_TYPE
        raise PackingError(
            f"no packager can pack {key!r} ({type(obj).__qualname__}) as {chosen!r}.\n"
            + str(self._explanation(obj, artifact_type))
        )

    def _traced_choose(
        self, obj: Any, artifact_type: str | None, configurations: Mapping[str, Any], key: str
    ) -> tuple[PackagerRecord, str]:
        """`choose`, naming `key` in the trace lines of the `is_packable` calls it makes."""
        token = CHOOSING.set(key)
        try:
            return Registry.choose(self, obj, artifact_type, configurations, key)
        finally:
            CHOOSING.reset(token)

    @property
    def artifact_types(self) -> list[str]:
        """Every artifact type a collected packager (or the default one) supports, sorted."""
        usable = [record for record in self._records.values() if not record.failed]
        found = {kind for record in usable for kind in record.artifact_types}
        return sorted(found.union(self.default.artifact_types))

    def explain(self, subject: Any, artifact_type: str | None = None) -> Explanation:
        """Every candidate for an object (or a type), in order, which one packs it and why.

        Raises `SatchelError` for an artifact type that no collected packager supports.
        """
        if artifact_type is not None and artifact_type not in self.artifact_types:
            raise SatchelError(
                f"unknown artifact type {artifact_type!r}: no collected packager supports it; "
                f"known: {', '.join(self.artifact_types)}"
            )
        return self._explanation(subject, artifact_type)

    def _explanation(self, subject: Any, artifact_type: str | None) -> Explanation:
        is_type = isinstance(subject, type)
        cls = subject if is_type else type(subject)
        explanation = Explanation(object_type=object_type_name(cls), artifact_type=artifact_type)
        verdicts = list(self.verdicts(subject, artifact_type, is_type=is_type))
        for verdict in verdicts:
            record = verdict.record
            explanation.add(record.name, record.priority, record.source, verdict.text(), verdict.outcome)
        takers = [position for position, verdict in enumerate(verdicts) if verdict.takes]
        if takers:
            first = verdicts[takers[0]]
            explanation.chosen = first.record.name
            if first.outcome is MAY_PACK and len(takers) > 1:  # its is_packable may decline one
                explanation.otherwise = verdicts[takers[1]].record.name
        explanation.conflicts = _conflicts(verdicts)
        pending = self._index.pending
        explanation.pending = [f"{r.name} ({r.spec})" for r in pending]
        explanation.pending_modules = sorted({m for r in pending for m in r.spec.modules()})
        explanation.pending_candidates = [
            f"{r.name} ({r.spec})" for r in pending if _may_become_candidate(r, cls)
        ]
        return explanation

    # -- who may unpack this -----------------------------------------------------------------

    def packed_by(self, item: Artifact) -> PackagerRecord:
        """The packager that packed `item`: collected here, or loaded for it when trusted."""
        name = item.packager or ""
        record = self.get(name)
        if record is not None:
            return record
        if not item.trusted:
            raise UnpackingError(
                f"artifact {item.key!r} was packed by {name}, which is not collected here, and "
                f"it is not trusted, so its packager is not imported: {install_advice(item)}"
            )
        try:
            cls = resolve_dotted(name, import_modules=True)
            priority, spec = check_class(cls, DEFAULT_PRIORITY)
            loaded = PackagerRecord(cls, cls(), priority, spec)
        except Exception as error:
            raise UnpackingError(
                f"artifact {item.key!r} needs packager {name}, which cannot be loaded here: "
                f"{error}; {install_advice(item)}"
            ) from error
        if self.tracing:
            loaded.trace()
        return loaded

    def unpack_candidates(
        self,
        stored: PackagerRecord | None,
        item: Artifact,
        members: list[Any],
        refused: list[str] | None = None,
    ) -> Iterator[tuple[PackagerRecord, Any, str, dict[str, Any]]]:
        """`(packager, hint member, artifact type, instructions)` to try, in order, for `item`.

        For each hint member: the packager that packed `item` when it fits, then the packagers of
        that type (exact shape first), then the default packager. A packager reads `item` as its
        recorded artifact type when it supports it, else as its `DEFAULT_UNPACKING_ARTIFACT_TYPE`,
        but never as `object` (a pickle) unless `item` was recorded as `object`: a plain file, or
        a payload recorded as another type, is never unpickled, whichever packager would read it.
        Each packager left out for that reason is described once in `refused`.
        """
        seen: set[tuple[str, str, int]] = set()
        for position, member in enumerate(members):
            records = [*self._index.for_hint(member), self.default]
            if stored is not None and _fits(stored, item, member):
                records.insert(0, stored)
            for record in records:
                if record is stored:
                    artifact_type, instructions = item.kind, item.instructions
                else:
                    artifact_type = _reading_type(record, item)
                    if artifact_type is None:
                        marker = (record.name, PICKLE_ARTIFACT_TYPE, -1)
                        if refused is not None and marker not in seen:
                            refused.append(_refusal(record, item))
                        seen.add(marker)
                        continue
                    instructions = item.instructions if _shares_format(record, item, artifact_type) else {}
                marker = (record.name, artifact_type or "", position)
                if marker in seen or artifact_type is None:
                    continue
                seen.add(marker)
                yield record, member, artifact_type, instructions

    def plain_file_readers(self) -> list[str]:
        """The declared types of the packagers that read a plain file (not as a pickle)."""
        readers = [r for r in self.packagers if r.default_unpacking_type != PICKLE_ARTIFACT_TYPE]
        readers.sort(key=lambda record: bool(record.spec.args))  # plain types first, stable
        return list(dict.fromkeys(str(record.spec) for record in readers))


def install_advice(item: Artifact) -> str:
    """What to install to unpack `item`: its packager's distribution, from the versions it
    recorded (the one named like the packager's top module, else the one not of the object)."""
    top = (item.packager or "").partition(".")[0]
    recorded = {name: version for name, version in item.versions.items() if name != "python"}
    normal = {name: name.lower().replace("-", "_").replace(".", "_") for name in recorded}
    named = [name for name in recorded if normal[name] == top.lower()]
    if not named:
        objects = (item.object_type or "").partition(".")[0].lower()
        named = [name for name in recorded if normal[name] != objects]
    if len(named) != 1:
        return "install the plugin that provides it"
    distribution = named[0]
    return (
        f"install the distribution that provides it: pip install {distribution} "
        f"(it was packed with {distribution} {recorded[distribution]})"
    )


def _reading_type(record: PackagerRecord, item: Artifact) -> str | None:
    """The artifact type `record` reads `item` as, when it did not pack it; None: it must not.

    The recorded type when `record` supports it, else its default unpacking type, unless that is
    `object`: only a payload recorded as `object` is ever read as a pickle.
    """
    if item.kind in record.artifact_types:
        return item.kind
    fallback = record.default_unpacking_type
    if fallback == PICKLE_ARTIFACT_TYPE and item.kind != PICKLE_ARTIFACT_TYPE:
        return None
    return fallback


def _refusal(record: PackagerRecord, item: Artifact) -> str:
    """Why `record` is not tried on `item`: it would read it as a pickle, which it never was."""
    what = "a plain file" if item.kind is None else f"a payload recorded as {item.kind!r}"
    return (
        f"{record.name}: not tried: it would read it as {PICKLE_ARTIFACT_TYPE!r} (a pickle), "
        f"and {what} is never unpickled"
    )


def _outcome(
    record: PackagerRecord, obj: Any, artifact_type: str, configurations: Mapping[str, Any]
) -> tuple[str, BaseException | None]:
    """What `record` says about packing the object `obj` as `artifact_type`: the one decision."""
    if artifact_type not in record.artifact_types:
        return UNSUPPORTED, None
    try:
        packable = record.is_packable(obj, artifact_type, configurations)
    except Exception as error:
        return RAISED, error
    return (PACKS if packable else DECLINED), None


def _conflicts(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """Candidates of different distributions at one priority (both supporting the artifact
    type): the one listed first, the most recently collected, wins over each of the others."""
    conflicts: list[dict[str, Any]] = []
    competing = [v.record for v in verdicts if v.outcome is not UNSUPPORTED and v.record.distribution]
    for priority, group in itertools.groupby(competing, key=lambda record: record.priority):
        winner, *others = group
        for loser in others:
            if loser.distribution != winner.distribution:
                conflicts.append(
                    {
                        "priority": priority,
                        "winner": winner.name,
                        "winner_distribution": winner.distribution,
                        "loser": loser.name,
                        "loser_distribution": loser.distribution,
                    }
                )
    return conflicts


def _may_become_candidate(record: PackagerRecord, cls: type) -> bool:
    """Whether a pending packager may be a candidate for `cls` once its modules are imported.

    Only when its declared origin is a class already (`list` in `list[numpy.ndarray]`) that
    `cls` is (or, with `PACK_SUBCLASSES`, derives from): a class of a module not imported yet
    cannot be among the bases of a class that exists. Nothing is imported to find out.
    """
    origin = record.spec.origin
    if isinstance(origin, str):
        origin = _imported(origin)
    if not isinstance(origin, type):
        return False
    return cls is origin or (record.pack_subclasses and issubclass(cls, origin))


def _imported(name: str) -> Any:
    """The object a dotted name (or a builtin's name) names, from imported modules only; or None."""
    if "." not in name:
        return getattr(builtins, name, None)
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        target = sys.modules.get(".".join(parts[:split]))
        if target is None:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute, None)
        return target
    return None


def _fits(record: PackagerRecord, item: Artifact, member: Any) -> bool:
    """Whether the packager that packed `item` can serve hint `member`."""
    origin = hint_origin(member)
    if origin is None:
        return False
    stored_type = None
    if item.object_type:
        try:
            stored_type = resolve_dotted(item.object_type)
        except LookupError:
            stored_type = None
    if isinstance(stored_type, type):
        fits = issubclass(stored_type, origin)
    else:
        fits = item.object_type == object_type_name(origin)
    spec = record.resolved
    if fits and spec is not None and spec.args:
        return spec.matches(member) or not getattr(member, "__args__", None)
    return fits


#: Artifact types whose payload and instructions core defines, whichever packager wrote them.
_CORE_FORMATS = frozenset({PICKLE_ARTIFACT_TYPE, "path"})


def _shares_format(record: PackagerRecord, item: Artifact, artifact_type: str) -> bool:
    """Whether `item`'s instructions mean the same to `record` as to the packager that packed it.

    True for the formats core defines (`object` pickles, `path` payloads) and for sibling
    packagers of one module (a list read under a `tuple` hint), when the artifact type is the same.
    """
    if artifact_type != item.kind:
        return False
    if artifact_type in _CORE_FORMATS:
        return True
    return (item.packager or "").rpartition(".")[0] == record.module
