"""The SQL that builds `run_document`s in PostgreSQL, for `list_runs_json` over many runs.

Text values are quoted by `to_json`; the JSON columns are spliced in as stored (they are the
`json.dumps` text of the values), so parsing the result gives exactly the `run_document`s. The
artifacts are aggregated per run once and joined (a subquery per run costs 10,000 index scans).
"""

from __future__ import annotations


def _quoted(sql: str) -> str:
    """SQL of the JSON text of a value (`null` for NULL)."""
    return f"COALESCE(to_json({sql})::text, 'null')"


def _object(*fields: tuple[str, str]) -> str:
    """SQL building a JSON object: each `(name, SQL of its JSON text)`, in order."""
    parts = [f"'\"{name}\":' || {sql}" for name, sql in fields]
    return "('{' || " + " || ',' || ".join(parts) + " || '}')"


#: One artifact of `a` as JSON: the keys of `Artifact.to_dict`, in its order.
ARTIFACT = _object(
    ("key", _quoted("a.key")),
    ("kind", _quoted("a.kind")),
    ("uri", _quoted("'store://' || a.project || '/' || a.key || '@' || a.run_id")),
    ("packager", _quoted("a.packager")),
    ("object_type", _quoted("a.object_type")),
    ("instructions", "a.instructions"),
    ("hash", _quoted("a.hash")),
    ("size", _quoted("a.size")),
    ("versions", "a.versions"),
    ("created", _quoted("a.created")),
    ("trusted", "CASE WHEN a.trusted THEN 'true' ELSE 'false' END"),
    ("preview", "COALESCE(a.preview, 'null')"),
)

#: The artifacts of each run (`run_id`, `artifacts`: a JSON object by key), to join as `x`.
ARTIFACTS_BY_RUN = (
    f"SELECT a.run_id, '{{' || string_agg({_quoted('a.key')} || ':' || {ARTIFACT}, ',' ORDER BY a.key) "
    "|| '}' AS artifacts FROM artifacts a"
)

#: One run of `r` (and its artifacts `x`, from `ARTIFACTS_BY_RUN`) as JSON: the keys of
#: `run_document`, in its order.
RUN = _object(
    ("id", _quoted("r.id")),
    ("project", _quoted("r.project")),
    ("name", _quoted("r.name")),
    ("function", _quoted("r.function")),
    ("source_hash", _quoted("r.source_hash")),
    ("params", "r.params"),
    ("inputs", "r.inputs"),
    ("results", "r.results"),
    ("artifacts", "COALESCE(x.artifacts, '{}')"),
    ("status", _quoted("r.status")),
    ("error", _quoted("r.error")),
    ("started", _quoted("r.started")),
    ("ended", _quoted("r.ended")),
    ("versions", "r.versions"),
    ("workflow", _quoted("r.workflow")),
    ("cached_from", _quoted("r.cached_from")),
    ("cache", "COALESCE(r.cache, 'null')"),
    ("origin", "COALESCE(r.origin, 'null')"),
)
