"""Where each page is: URLs of the server, or relative file names of the static site.

The static site is flat (every page in one folder), so its links are the same from every page
and open from `file://`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlencode

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,80}")


def file_id(text: str) -> str:
    """A file-name-safe form of an id (ids of other shapes get a digest)."""
    return text if _SAFE.fullmatch(text) else "x" + hashlib.sha256(text.encode()).hexdigest()[:32]


class ServerLinks:
    """The URLs `satchel ui` serves."""

    static_site = False

    def runs(self, query: Mapping[str, object] | None = None) -> str:
        """The runs table, with filters, sorting and page in the query."""
        clean = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        return "/" + (f"?{urlencode(clean)}" if clean else "")

    def run(self, run_id: str) -> str:
        """One run's page."""
        return f"/runs/{quote(run_id, safe='')}"

    def verify(self, run_id: str) -> str:
        """A run's artifacts re-hashed (computed on request)."""
        return f"/runs/{quote(run_id, safe='')}/verify"

    def workflows(self) -> str:
        """The list of workflows."""
        return "/workflows"

    def workflow(self, workflow_id: str) -> str:
        """One workflow's graph."""
        return f"/workflows/{quote(workflow_id, safe='')}"

    def compare(self, run_ids: Sequence[str]) -> str:
        """Runs side by side."""
        return "/compare?" + urlencode([("run", run_id) for run_id in run_ids])

    def chart(self, key: str, query: Mapping[str, object] | None = None) -> str:
        """A numeric result across the runs a filter matches."""
        clean = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        return "/chart?" + urlencode({"key": key, **clean})

    def static(self, name: str) -> str:
        """A file of the package's static folder."""
        return f"/static/{name}"


class ExportLinks(ServerLinks):
    """The file names of the static site (relative, so that it opens from `file://`)."""

    static_site = True

    def runs(self, query: Mapping[str, object] | None = None) -> str:
        """The runs table (filtering and sorting happen in the page)."""
        return "index.html"

    def run(self, run_id: str) -> str:
        """One run's page."""
        return f"run-{file_id(run_id)}.html"

    def verify(self, run_id: str) -> str:
        """Not on the static site: verifying needs the store."""
        return self.run(run_id)

    def workflows(self) -> str:
        """The list of workflows."""
        return "workflows.html"

    def workflow(self, workflow_id: str) -> str:
        """One workflow's graph."""
        return f"workflow-{file_id(workflow_id)}.html"

    def compare(self, run_ids: Sequence[str]) -> str:
        """Runs side by side: drawn in the page from the embedded runs."""
        return "compare.html?" + urlencode([("run", run_id) for run_id in run_ids])

    def chart(self, key: str, query: Mapping[str, object] | None = None) -> str:
        """A numeric result across every run."""
        return f"chart-{file_id(key)}.html"

    def static(self, name: str) -> str:
        """A file copied beside the pages."""
        return f"static/{name}"
