"""`Explanation`: what `satchel.explain` returns, readable as text and as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Explanation:
    """The candidates for one type, in the order they are tried, and the one that packs."""

    object_type: str
    artifact_type: str | None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    chosen: str | None = None
    pending: list[str] = field(default_factory=list)

    def add(self, packager: str, priority: int, source: str, verdict: str) -> None:
        """Append one candidate and what it said."""
        self.candidates.append(
            {"packager": packager, "priority": priority, "source": source, "verdict": verdict}
        )

    def __str__(self) -> str:
        wanted = f" as {self.artifact_type!r}" if self.artifact_type else ""
        lines = [f"packagers for {self.object_type}{wanted}, in the order they are tried:"]
        for number, candidate in enumerate(self.candidates, 1):
            mark = "->" if candidate["packager"] == self.chosen else "  "
            lines.append(
                f" {mark} {number}. {candidate['packager']} (priority {candidate['priority']}, "
                f"{candidate['source']}): {candidate['verdict']}"
            )
        lines.append(f"chosen: {self.chosen or 'none'}")
        if self.pending:
            lines.append("not resolvable yet (module not imported): " + ", ".join(self.pending))
        return "\n".join(lines)
