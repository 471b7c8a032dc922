"""An example job: a function's outputs packed into artifacts by log hints, then unpacked by type hints.

Run it with `python3 dev.py example`. Until runs and the embedded store land, the job uses a
`PackagersManager` directly, which keeps payloads in a temporary folder removed at the end.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import satchel


def prepare(workdir: Path) -> tuple[dict[str, float], list[int], tuple[str, ...], Path]:
    """A stand-in for a data-preparation step: metrics, a sample, labels and a report folder."""
    report = workdir / "report"
    (report / "figures").mkdir(parents=True)
    (report / "summary.md").write_text("# Summary\nall good\n")
    (report / "figures" / "loss.csv").write_text("step,loss\n1,0.9\n2,0.4\n")
    metrics = {"accuracy": 0.93, "loss": 0.21}
    sample = [3, 1, 4, 1, 5, 9, 2, 6]
    labels = ("cat", "dog", "bird")
    return metrics, sample, labels, report


def main() -> None:
    """Pack the outputs the way a run will, show what was recorded, and load them back."""
    with tempfile.TemporaryDirectory() as tmp, satchel.PackagersManager() as manager:
        print("packagers, in the order they are tried:")
        for record in manager.packagers:
            print(f"  {record.priority:>2}  {record.name}  ({', '.join(record.artifact_types)})")
        returned = prepare(Path(tmp))
        labels_hint = {"key": "labels", "artifact_type": "file", "file_format": "yaml"}
        hints = ["**metric_", "sample:file", labels_hint, "report"]
        outputs = manager.pack(returned, hints)
        print("\noutputs:")
        for output in outputs:
            if isinstance(output, satchel.Artifact):
                print(f"  artifact {output.key:<10} {output.kind:<6} {output.object_type:<22} "
                      f"{output.size:>6} bytes  {output.hash[:20]}...  by {output.packager}")
            else:
                print(f"  result   {output}")
        artifacts = {o.key: o for o in outputs if isinstance(o, satchel.Artifact)}
        sample = manager.unpack(artifacts["sample"], list[int])
        labels = manager.unpack(artifacts["labels"], tuple[str, ...])
        report = manager.unpack(artifacts["report"], Path)
        assert sample == returned[1] and labels == returned[2]
        print("\nunpacked:")
        print(f"  sample = {sample!r}")
        print(f"  labels = {labels!r}")
        print(f"  report = {sorted(p.relative_to(report).as_posix() for p in report.rglob('*'))}")


if __name__ == "__main__":
    main()
