"""Run the benchmarks: every case of every `bench/cases_*.py`, or those named on the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bench.harness import (
    DEFAULT_MEMORY_REPEAT,
    DEFAULT_REPEAT,
    QUICK_REPEAT,
    discover,
    environment,
    render,
    run_case,
    select,
)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the selected cases, print the table (and JSON if asked)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="groups (core, numpy, pandas) or case names / parts of them")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPEAT} repetitions, one memory run")
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"timed repetitions for every case (default: {DEFAULT_REPEAT}, or the case's own)",
    )
    parser.add_argument("--memory-repeat", type=int, help="fresh processes per memory measurement (0: skip)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON ('-' for stdout)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress")
    args = parser.parse_args(argv)

    errors: list[str] = []
    cases = select(discover(errors), args.names)
    for error in errors:
        print(f"warning: {error}", file=sys.stderr)
    if args.list:
        for case in cases:
            print(f"{case.full_name}: {' | '.join(v.name for v in case.variants)}")
        return 0
    if not cases:
        print(f"no case matches {' '.join(args.names)!r}; try --list", file=sys.stderr)
        return 2
    repeat = args.repeat or (QUICK_REPEAT if args.quick else None)  # None: each case's own
    memory_repeat = (
        args.memory_repeat if args.memory_repeat is not None else (1 if args.quick else DEFAULT_MEMORY_REPEAT)
    )
    to_stdout = args.json == "-"
    log = (lambda text: print(text, file=sys.stderr, flush=True)) if args.verbose else (lambda text: None)

    load_before = _load()
    results = []
    for case in cases:
        print(f"running {case.full_name} ...", file=sys.stderr, flush=True)
        results.append(run_case(case, repeat, memory_repeat, log))
    load_after = _load()
    table = render(results)
    table += (
        f"\nload average (1 min) before/after: {load_before} / {load_after} on {os.cpu_count()} CPUs"
        " (under load, trust ratios and min more than absolute medians)"
    )
    print(table, file=sys.stderr if to_stdout else sys.stdout)
    if args.json:
        document = {
            "environment": {**environment(), "load_before": load_before, "load_after": load_after},
            "repeat": repeat,  # null: each case its own (DEFAULT_REPEAT unless it sets one)
            "memory_repeat": memory_repeat,
            "discovery_errors": errors,
            "cases": [result.to_json() for result in results],
        }
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if to_stdout:
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    missed = any(check.passed is False for result in results for check in result.targets)
    failed = any(result.failed for result in results) or bool(errors)
    return 1 if failed or (args.strict and missed) else 0


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
