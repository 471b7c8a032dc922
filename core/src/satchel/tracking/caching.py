"""Step caching: reuse an earlier completed run instead of calling the function again.

A run's cache key is built from content hashes, never from pickles: the function's import path
and source hash, the parameters, the content hash of every input (plain files included) and the
log hints. A run with the same key is reused when the versions of the packagers (and libraries)
that packed its outputs are still the installed ones and its payloads are all still stored. A
miss records which of those parts differed from the nearest earlier run of the same function.
"""

from __future__ import annotations

import json
from typing import Any

from satchel.packaging.versions import installed_version
from satchel.tracking.store.opening import Store
from satchel.tracking.store.records import COMPLETED, RunQuery, RunRecord

#: Recorded versions that are not of a distribution, or that packing does not depend on.
_NOT_DISTRIBUTIONS = frozenset({"python"})


def cache_key(record: RunRecord) -> str:
    """The BLAKE3 of what must match for a run to be reused (the versions are checked apart)."""
    from blake3 import blake3

    inputs = {key: item.get("hash") for key, item in record.inputs.items()}
    text = json.dumps(
        [record.function, record.source_hash, record.params, inputs, record.returns],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "blake3:" + blake3(text.encode("utf-8")).hexdigest()


def decide(store: Store, record: RunRecord) -> tuple[RunRecord | None, dict[str, Any]]:
    """`(run to reuse, decision)`: the decision is `{"hit": run_id}` or `{"miss": [...], "nearest": id}`."""
    query = RunQuery(project=record.project, status=COMPLETED, cache_key=record.cache_key)
    candidate = store.records.latest_run(query)
    if candidate is not None:
        problems = _stale_versions(candidate) + _missing_payloads(store, candidate)
        if not problems:
            return candidate, {"hit": candidate.cached_from or candidate.id}
        return None, {"miss": problems, "nearest": candidate.id}
    nearest = store.records.latest_run(
        RunQuery(project=record.project, status=COMPLETED, function=record.function)
    )
    if nearest is None:
        detail = f"no earlier completed run of {record.function} in project {record.project}"
        return None, {"miss": [{"part": "function", "detail": detail}], "nearest": None}
    return None, {"miss": differences(record, nearest), "nearest": nearest.id}


def differences(record: RunRecord, earlier: RunRecord) -> list[dict[str, str]]:
    """Which parts of the cache key differ between a run and an earlier one, each in a line."""
    found = []
    if record.function != earlier.function:
        found.append(_part("function", f"{earlier.function} -> {record.function}"))
    if record.source_hash != earlier.source_hash:
        found.append(_part("source", f"the source of {record.function} changed"))
    changed = _changed(earlier.params, record.params)
    if changed:
        found.append(_part("params", "; ".join(changed)))
    was = {key: item.get("hash") for key, item in earlier.inputs.items()}
    now = {key: item.get("hash") for key, item in record.inputs.items()}
    changed_inputs = [
        f"{key}: {_short(was.get(key))} -> {_short(now.get(key))}"
        for key in sorted(set(was) | set(now))
        if was.get(key) != now.get(key)
    ]
    if changed_inputs:
        found.append(_part("inputs", "; ".join(changed_inputs)))
    if record.returns != earlier.returns:
        found.append(_part("log hints", f"{earlier.returns!r} -> {record.returns!r}"))
    found.extend(_stale_versions(earlier))
    return found


def hit_record(record: RunRecord, source: RunRecord) -> RunRecord:
    """The record of a cache hit: the new run, with the reused run's results and artifacts."""
    from dataclasses import replace

    from satchel.tracking.uris import ArtifactURI

    record.cached_from = source.cached_from or source.id
    record.results = dict(source.results)
    record.versions = dict(source.versions)
    record.artifacts = {
        key: replace(artifact, uri=str(ArtifactURI(record.project, key, record.id)))
        for key, artifact in source.artifacts.items()
    }
    return record


def _stale_versions(run: RunRecord) -> list[dict[str, str]]:
    changed = []
    for name, recorded in sorted(run.versions.items()):
        if name in _NOT_DISTRIBUTIONS:
            continue
        installed = installed_version(name)
        if installed != recorded:
            changed.append(f"{name} {recorded} -> {installed or 'not installed'}")
    return [_part("versions", "; ".join(changed))] if changed else []


def _missing_payloads(store: Store, run: RunRecord) -> list[dict[str, str]]:
    stored = store.payloads.exists
    missing = [key for key, a in sorted(run.artifacts.items()) if not (a.hash and stored(a.hash))]
    if not missing:
        return []
    return [_part("payloads", f"the payloads of {', '.join(missing)} are no longer stored")]


def _changed(was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    return [
        f"{key}: {_value(was, key)} -> {_value(now, key)}"
        for key in sorted(set(was) | set(now))
        if key not in was or key not in now or json.dumps(was[key]) != json.dumps(now[key])
    ]


def _value(values: dict[str, Any], key: str) -> str:
    if key not in values:
        return "(not given)"
    text = json.dumps(values[key], ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _short(digest: str | None) -> str:
    if digest is None:
        return "(not given)"
    return digest.removeprefix("blake3:")[:12]


def _part(part: str, detail: str) -> dict[str, str]:
    return {"part": part, "detail": detail}
