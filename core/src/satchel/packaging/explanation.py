"""`Explanation`: what `satchel.explain` returns, readable as text and as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Lines of `str(explanation)` are kept to this width where they can be (a candidate's verdict
#: goes on a line of its own rather than past it).
WIDTH = 110


@dataclass
class Explanation:
    """The candidates for one type, in the order they are tried, and the one that packs.

    - `candidates`: one dict per candidate (`packager`, `priority`, `source` (its distribution,
      `custom` or `default`), `verdict` (in words) and `outcome` (`packs`, `may pack`,
      `unsupported`, `declined` or `raised`));
    - `chosen`: the first candidate that takes it; given a type, when that one's `is_packable`
      decides for each object, `otherwise` is the next one that would take what it declines;
    - `conflicts`: candidates of different distributions at one priority (`priority`, `winner`,
      `winner_distribution`, `loser`, `loser_distribution`): the most recently collected wins;
    - `pending`: every packager whose declared type's module is not imported yet (`name (type)`),
      `pending_modules` the modules they wait for, and `pending_candidates` those of them that
      could be candidates for this type once their modules are imported.
    """

    object_type: str
    artifact_type: str | None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    chosen: str | None = None
    pending: list[str] = field(default_factory=list)
    otherwise: str | None = None
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    pending_modules: list[str] = field(default_factory=list)
    pending_candidates: list[str] = field(default_factory=list)

    def add(
        self, packager: str, priority: int, source: str, verdict: str, outcome: str | None = None
    ) -> None:
        """Append one candidate and what it said."""
        self.candidates.append(
            {
                "packager": packager,
                "priority": priority,
                "source": source,
                "verdict": verdict,
                "outcome": outcome,
            }
        )

    def __str__(self) -> str:
        wanted = f" as {self.artifact_type!r}" if self.artifact_type else ""
        lines = [f"packagers for {self.object_type}{wanted}, in the order they are tried:"]
        for number, candidate in enumerate(self.candidates, 1):
            mark = "->" if candidate["packager"] == self.chosen else "  "
            head = (
                f" {mark} {number}. {candidate['packager']} (priority {candidate['priority']}, "
                f"{candidate['source']}):"
            )
            verdict = candidate["verdict"]
            if len(head) + 1 + len(verdict) <= WIDTH:
                lines.append(f"{head} {verdict}")
            else:
                lines.extend([head, f"{' ' * 7}{verdict}"])
        lines.append(f"chosen: {self.chosen or 'none'}")
        if self.otherwise:
            lines.append(f"    when its is_packable accepts the object; otherwise {self.otherwise}")
        for conflict in self.conflicts:
            lines.append(
                f"conflict: {conflict['winner_distribution']} and {conflict['loser_distribution']} "
                f"both have priority {conflict['priority']} for {self.object_type}:"
            )
            lines.append(f"    {conflict['winner']} wins over {conflict['loser']} (collected last)")
        if self.pending_candidates:
            lines.append("may be candidates once their modules are imported:")
            lines.extend(f"    {pending}" for pending in self.pending_candidates)
        others = len(self.pending) - len(self.pending_candidates)
        if others:
            who = "packager waits" if others == 1 else "packagers wait"
            more = " more" if self.pending_candidates else ""
            lines.append(
                f"{others}{more} {who} for modules not imported yet: {', '.join(self.pending_modules)} "
                "(satchel plugins lists them)"
            )
        return "\n".join(lines)
