"""The benchmark harness: interleaved timings, peak memory in fresh processes, targets, reports.

Writing cases (a module `bench/cases_<group>.py` is discovered and run as group `<group>`)::

    from bench.harness import Command, Comparison, Target, Variant

    def cases() -> list[Comparison]:        # cheap and deterministic: memory children call it too
        return [
            Comparison(
                name="npy-800MB-pack",
                make_input=make_array,       # () -> input; built once per process, before the baseline
                variants=[
                    Variant("raw", raw_save, setup=scratch_file),     # the first variant is the baseline
                    Variant("satchel", satchel_pack, setup=new_manager, reset=clear_manager),
                ],
                payload_bytes=800_000_000,   # memory is also shown as a fraction of this
                targets=[
                    Target("time_ratio", 1.5),            # median(satchel) <= 1.5 x median(raw)
                    Target("memory_over_fraction", 0.2),  # extra peak beyond raw's <= 0.2 x payload
                ],
            ),
        ]

A `Variant` is `run(state)`, timed; `state = setup(input, scratch_dir)` is made once per process,
untimed (default: the input itself); `reset(state)` runs untimed after every repetition (clear a
manager, delete a file). `number` calls of `run` make one repetition (use it for microsecond
calls; times are reported per call). A `Command` variant runs a fresh process instead: its wall
time is timed and its peak RSS is its memory.

How it measures:
- Time: after one untimed warm-up round, `repeat` rounds (9 by default, 3 with `--quick`); each
  round calls every variant once, round-robin, in an order rotated each round, so slow phases of
  the machine (page cache, memory the VM hands back) hit all variants alike. gc is collected
  before and disabled during each timed repetition (as `timeit` does). Reported: min and median
  per call, and each variant's ratio to the baseline (the first variant) for both.
- Memory (in-process variants): a fresh `python` per variant and measurement (3, or 1 with
  `--quick`, median taken): it imports the case module, builds the input and the variant's state,
  runs the variant once untimed (lazy imports and first-call caches are not what is measured;
  `memory_warmup=False` keeps them), then takes its baseline, resets the kernel's peak-RSS mark
  (/proc/self/clear_refs) and runs the variant once more. `peak+` is VmHWM minus the baseline
  RSS: exact, but file pages mapped in count (a hash through mmap shows the whole file). `anon+`
  is the extra peak of anonymous memory only, i.e. real copies, sampled every ~0.5 ms by the
  parent from /proc/PID/statm. Without clear_refs, ru_maxrss growth is used (shown with `~`).
- Memory (`Command` variants): the process's own peak RSS, median over repetitions.
- Memory targets and `xP` (memory / payload_bytes) use `anon+` where it was sampled, else `peak+`.

Targets, checked against medians (the default `variant` is the last one, `against` the first):
- `time_ratio`: median(variant) / median(against) <= limit
- `time_over`: median(variant) - median(against) <= limit seconds
- `time`: median(variant) <= limit seconds (per call)
- `memory_over`: mem(variant) - mem(against) <= limit bytes
- `memory_fraction`: mem(variant) / payload_bytes <= limit
- `memory_over_fraction`: (mem(variant) - mem(against)) / payload_bytes <= limit
where mem is `anon+` if sampled, else `peak+` (see above). A variant may carry several targets.
`payload_bytes` may be a zero-argument callable (resolved when the case runs, not at discovery).

`Comparison.notes` are printed under the case (context such as numbers measured elsewhere, which
must say so). `Comparison.prepare()` runs once in the parent before anything is measured.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPEAT = 9
QUICK_REPEAT = 3
DEFAULT_MEMORY_REPEAT = 3
METRICS = ("time_ratio", "time_over", "time", "memory_over", "memory_fraction", "memory_over_fraction")


# -- what case modules declare -----------------------------------------------------------------


@dataclass
class Variant:
    """One way of doing the thing compared: `run(state)` is timed, `number` times per repetition."""

    name: str
    run: Callable[[Any], Any]
    setup: Callable[[Any, Path], Any] | None = None
    reset: Callable[[Any], None] | None = None
    number: int = 1
    memory: bool = True


@dataclass
class Command:
    """A variant that runs a fresh process: `argv` (with `env` added), timed by wall clock.

    Its memory is its own peak RSS. Use `Command.python(name, code)` for `python -c code`: it
    reports the kernel's exact high-water mark of the new process. For other commands ru_maxrss
    is used, which on Linux is at least the harness's own RSS at spawn time (marked `~`).
    """

    name: str
    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    number: int = 1
    memory: bool = True

    @classmethod
    def python(
        cls, name: str, code: str, *, env: dict[str, str] | None = None, cwd: str | None = None
    ) -> Command:
        """`python -c code` (this interpreter), which prints its own peak RSS as it ends."""
        return cls(name, [sys.executable, "-c", code + _PEAK_PROBE], env=env or {}, cwd=cwd)


# Appended to `python -c` code: the process's own VmHWM, on stderr (no import: sys is loaded).
_PEAK_MARK = "SATCHEL_BENCH_VMHWM"
_PEAK_PROBE = f"""
try:
    __import__("sys").stderr.write(
        "\\n{_PEAK_MARK} " + [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    )
except (OSError, IndexError):
    pass
"""


@dataclass
class Target:
    """A limit on one metric of `variant` (default: the last), compared with `against` (the first)."""

    metric: str
    limit: float
    variant: str | None = None
    against: str | None = None

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(f"unknown target metric {self.metric!r}; use one of {', '.join(METRICS)}")


@dataclass
class Comparison:
    """A benchmark case: variants measured side by side; the first variant is the baseline."""

    name: str
    variants: Sequence[Variant | Command]
    make_input: Callable[[], Any] | None = None
    targets: Sequence[Target] = ()
    payload_bytes: int | Callable[[], int] | None = None
    repeat: int | None = None
    memory: bool = True
    memory_warmup: bool = True
    notes: Sequence[str] = ()
    description: str = ""
    prepare: Callable[[], None] | None = None
    group: str = ""

    @property
    def full_name(self) -> str:
        """`group.name`, what the command line selects and the report shows."""
        return f"{self.group}.{self.name}" if self.group else self.name

    @property
    def payload(self) -> int | None:
        """`payload_bytes` once known (a callable is resolved when the case runs)."""
        return self.payload_bytes if isinstance(self.payload_bytes, int) else None

    def variant(self, name: str) -> Variant | Command:
        """The variant called `name`."""
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(f"case {self.full_name!r} has no variant {name!r}")


# -- results -------------------------------------------------------------------------------------


@dataclass
class VariantResult:
    """What was measured for one variant: seconds per call, and memory in bytes."""

    name: str
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    anons: list[int] = field(default_factory=list)
    memory_exact: bool = True
    error: str | None = None

    @property
    def min(self) -> float | None:
        """Fastest repetition, seconds per call."""
        return min(self.times) if self.times else None

    @property
    def median(self) -> float | None:
        """Median repetition, seconds per call."""
        return statistics.median(self.times) if self.times else None

    @property
    def peak(self) -> int | None:
        """Median extra peak RSS (bytes): over the baseline, or a command's own peak."""
        return int(statistics.median(self.peaks)) if self.peaks else None

    @property
    def anon(self) -> int | None:
        """Median extra peak of anonymous memory (bytes), sampled; None if not measured."""
        return int(statistics.median(self.anons)) if self.anons else None

    @property
    def memory(self) -> int | None:
        """What memory targets check: `anon` (real copies) where sampled, else `peak`."""
        return self.anon if self.anons else self.peak


@dataclass
class TargetResult:
    """One target with the value measured and whether it was met (None: not measurable)."""

    target: Target
    variant: str
    against: str
    value: float | None
    passed: bool | None

    def describe(self) -> str:
        """`<= 1.5x raw`, `<= +50 ms vs bare`... as printed in the table."""
        metric, limit, against = self.target.metric, self.target.limit, self.against
        return {
            "time_ratio": f"t<={limit:g}x {against}",
            "time_over": f"t<=+{format_time(limit)} vs {against}",
            "time": f"t<={format_time(limit)}",
            "memory_over": f"mem<=+{format_bytes(limit)} vs {against}",
            "memory_fraction": f"mem<={limit:g}xP",
            "memory_over_fraction": f"mem<=+{limit:g}xP vs {against}",
        }[metric]

    def measured(self) -> str:
        """The measured value in the target's unit."""
        if self.value is None:
            return "n/a"
        metric = self.target.metric
        if metric == "time_ratio":
            return f"{self.value:.2f}x"
        if metric in ("time_over", "time"):
            return ("+" if metric == "time_over" else "") + format_time(self.value)
        if metric == "memory_over":
            return f"{'+' if self.value >= 0 else ''}{format_bytes(self.value)}"
        return f"{self.value:.3f}xP"


@dataclass
class CaseResult:
    """A case's variants and target checks, or the error that stopped it."""

    case: Comparison
    variants: dict[str, VariantResult]
    targets: list[TargetResult] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        """Whether the case or one of its variants crashed (not: missed a target)."""
        return self.error is not None or any(v.error for v in self.variants.values())

    def to_json(self) -> dict[str, Any]:
        """The machine-readable record of this case (times in seconds per call, memory in bytes)."""
        case = self.case
        baseline = case.variants[0].name if case.variants else None
        base = self.variants.get(baseline) if baseline else None
        variants = []
        for result in self.variants.values():
            entry: dict[str, Any] = {
                "name": result.name,
                "number": case.variant(result.name).number,
                "times": result.times,
                "min": result.min,
                "median": result.median,
                "ratio_min": _ratio(result.min, base.min if base else None),
                "ratio_median": _ratio(result.median, base.median if base else None),
                "peak_bytes": result.peak,
                "peak_samples": result.peaks,
                "anon_bytes": result.anon,
                "memory_exact": result.memory_exact,
                "memory_fraction_of_payload": _ratio(result.memory, case.payload),
                "error": result.error,
            }
            variants.append(entry)
        return {
            "name": case.full_name,
            "group": case.group,
            "description": case.description,
            "baseline": baseline,
            "payload_bytes": case.payload,
            "notes": list(case.notes),
            "error": self.error,
            "variants": variants,
            "targets": [
                {
                    "metric": t.target.metric,
                    "limit": t.target.limit,
                    "variant": t.variant,
                    "against": t.against,
                    "value": t.value,
                    "passed": t.passed,
                }
                for t in self.targets
            ],
        }


# -- discovery -----------------------------------------------------------------------------------


def discover(errors: list[str] | None = None) -> list[Comparison]:
    """Every case of every `bench/cases_*.py` module, group set from the module name.

    A module that fails to import or to build its cases is reported in `errors` and skipped.
    """
    package = Path(__file__).resolve().parent
    found: list[Comparison] = []
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: (m.name != "cases_core", m.name)):
        if not info.name.startswith("cases_"):
            continue
        try:
            found.extend(load_group(info.name[len("cases_") :]))
        except Exception:  # one broken module must not stop the others
            message = f"bench/{info.name}.py failed: {traceback.format_exc(limit=3)}"
            if errors is None:
                raise
            errors.append(message)
    return found


def load_group(group: str) -> list[Comparison]:
    """The cases of `bench/cases_<group>.py`."""
    module = importlib.import_module(f"bench.cases_{group}")
    builder = getattr(module, "cases", None)
    cases = list(builder() if callable(builder) else getattr(module, "CASES", []))
    for case in cases:
        case.group = group
        names = [variant.name for variant in case.variants]
        if len(set(names)) != len(names):
            raise ValueError(f"case {case.full_name!r} has duplicate variant names: {names}")
    return cases


def select(cases: list[Comparison], patterns: Sequence[str]) -> list[Comparison]:
    """Cases whose group is a pattern, or whose full name starts with or contains one."""
    if not patterns:
        return cases
    return [
        case
        for case in cases
        if any(p == case.group or case.full_name.startswith(p) or p in case.full_name for p in patterns)
    ]


# -- measuring -----------------------------------------------------------------------------------


def run_case(
    case: Comparison,
    repeat: int | None = None,
    memory_repeat: int = DEFAULT_MEMORY_REPEAT,
    log: Callable[[str], None] = lambda text: None,
) -> CaseResult:
    """Measure one case: interleaved timings, then memory, then the targets.

    `repeat` (e.g. from `--quick` or `--repeat`) overrides the case's own; None keeps it.
    """
    results = {variant.name: VariantResult(variant.name) for variant in case.variants}
    result = CaseResult(case, results)
    scratch = Path(tempfile.mkdtemp(prefix=f"satchel-bench-{case.name}-"))
    try:
        if case.prepare is not None:
            case.prepare()
        if callable(case.payload_bytes):
            case.payload_bytes = int(case.payload_bytes())
        _time_case(case, results, repeat or case.repeat or DEFAULT_REPEAT, scratch, log)
        if case.memory and memory_repeat > 0:
            for variant in case.variants:
                if isinstance(variant, Variant) and variant.memory and results[variant.name].error is None:
                    log(f"  memory: {variant.name}")
                    _measure_memory(case, variant, results[variant.name], memory_repeat)
    except Exception:
        result.error = traceback.format_exc(limit=4)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.targets = [check_target(case, target, results) for target in case.targets]
    return result


def _time_case(
    case: Comparison,
    results: dict[str, VariantResult],
    repeat: int,
    scratch: Path,
    log: Callable[[str], None],
) -> None:
    data = case.make_input() if case.make_input is not None else None
    states: dict[str, Any] = {}
    for variant in case.variants:
        if isinstance(variant, Variant):
            folder = scratch / variant.name.replace("/", "_")
            folder.mkdir(parents=True, exist_ok=True)
            try:
                states[variant.name] = variant.setup(data, folder) if variant.setup else data
            except Exception:
                results[variant.name].error = traceback.format_exc(limit=4)
    live = [variant for variant in case.variants if results[variant.name].error is None]
    for round_number in range(repeat + 1):  # round 0 is the warm-up, not recorded
        log(f"  round {round_number}/{repeat}")
        shift = round_number % len(live) if live else 0
        for variant in live[shift:] + live[:shift]:
            record = results[variant.name]
            if record.error is not None:
                continue
            try:
                if isinstance(variant, Command):
                    seconds, peak, exact = _time_command(variant)
                    if round_number:
                        record.peaks.append(peak)
                        record.memory_exact = record.memory_exact and exact
                else:
                    seconds = _time_call(variant, states[variant.name])
            except Exception:
                record.error = traceback.format_exc(limit=4)
                continue
            if round_number:
                record.times.append(seconds / variant.number)


def _time_call(variant: Variant, state: Any) -> float:
    run, number = variant.run, variant.number
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            run(state)
        seconds = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    if variant.reset is not None:
        variant.reset(state)
    return seconds


def _time_command(command: Command) -> tuple[float, int, bool]:
    """Wall time of `number` runs, the peak RSS (bytes) of the last one, and whether it is exact."""
    env = {**os.environ, **command.env}
    seconds, peak, exact = 0.0, 0, False
    for _ in range(command.number):
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            process = subprocess.Popen(
                list(command.argv), env=env, cwd=command.cwd, stdout=subprocess.DEVNULL, stderr=errors
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds += time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            errors.seek(0)
            stderr = errors.read().decode(errors="replace")
        if process.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command.argv)} exited {process.returncode}: {stderr.strip()[-2000:]}"
            )
        peak, exact = usage.ru_maxrss * 1024, False  # kilobytes on Linux
        for line in stderr.splitlines():
            if line.startswith(_PEAK_MARK + " "):
                peak, exact = int(line.split()[1]) * 1024, True
    return seconds, peak, exact


def _measure_memory(case: Comparison, variant: Variant, record: VariantResult, repeat: int) -> None:
    for _ in range(repeat):
        try:
            peak, anon, exact = _memory_child(case, variant.name)
        except Exception as error:
            record.error = f"memory measurement failed: {error}"
            return
        record.peaks.append(peak)
        if anon is not None:
            record.anons.append(anon)
        record.memory_exact = record.memory_exact and exact


def _memory_child(case: Comparison, variant: str) -> tuple[int, int | None, bool]:
    """Run one variant once in a fresh interpreter; return (extra peak, extra anon peak, exact)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    code = "import sys, bench.harness as h; h.memory_child(sys.argv[1], sys.argv[2], sys.argv[3])"
    process = subprocess.Popen(
        [sys.executable, "-c", code, case.group, case.name, variant],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = _AnonSampler(process.pid)
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith("BASELINE"):
            sampler.start(int(line.split()[1]))
    stderr = process.stderr.read() if process.stderr else ""
    process.wait()
    sampler.stop()
    if process.returncode != 0:
        raise RuntimeError(f"exit {process.returncode}: {stderr.strip()[-2000:]}")
    report = json.loads(lines[-1])
    anon = sampler.extra()
    return report["peak"], anon, report["exact"]


class _AnonSampler:
    """Polls a child's anonymous RSS (statm: resident - shared) to find its peak after a baseline."""

    def __init__(self, pid: int) -> None:
        self._path = f"/proc/{pid}/statm"
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._baseline: int | None = None
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self, baseline: int) -> None:
        self._baseline = baseline
        self._peak = baseline
        if os.path.exists(self._path):
            self._thread.start()

    def _loop(self) -> None:
        try:
            with open(self._path) as handle:
                while not self._stop.is_set():
                    handle.seek(0)
                    fields = handle.read().split()
                    self._peak = max(self._peak, (int(fields[1]) - int(fields[2])) * self._page)
                    time.sleep(0.0005)
        except (OSError, IndexError, ValueError):  # the child ended
            return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def extra(self) -> int | None:
        if self._baseline is None or not self._thread.ident:
            return None
        return max(0, self._peak - self._baseline)


def _status(field_name: str) -> int | None:
    """A `/proc/self/status` field in bytes (VmRSS, VmHWM, RssAnon...), None if unavailable."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _anon_now() -> int:
    """Anonymous RSS as the parent's sampler computes it (statm resident - shared)."""
    try:
        with open("/proc/self/statm") as handle:
            fields = handle.read().split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def memory_child(group: str, case_name: str, variant_name: str) -> None:
    """Entry point of the fresh interpreter measuring one variant's extra peak memory."""
    case = next(c for c in load_group(group) if c.name == case_name)
    variant = case.variant(variant_name)
    assert isinstance(variant, Variant)
    scratch = Path(tempfile.mkdtemp(prefix="satchel-bench-mem-"))
    try:
        if case.prepare is not None:
            case.prepare()
        data = case.make_input() if case.make_input is not None else None
        state = variant.setup(data, scratch) if variant.setup else data
        if case.memory_warmup:  # lazy imports and first-call caches are not what is measured
            variant.run(state)
            if variant.reset is not None:
                variant.reset(state)
        gc.collect()
        baseline = _status("VmRSS")
        exact = False
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")  # reset VmHWM to the current RSS
            exact = baseline is not None
        except OSError:
            pass
        before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("BASELINE", _anon_now(), flush=True)
        variant.run(state)
        if exact:
            peak = (_status("VmHWM") or 0) - (baseline or 0)
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before_max
        print(json.dumps({"peak": max(0, peak), "exact": exact}), flush=True)
        if variant.reset is not None:
            variant.reset(state)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- targets -------------------------------------------------------------------------------------


def check_target(case: Comparison, target: Target, results: dict[str, VariantResult]) -> TargetResult:
    """Evaluate one target on the measured medians."""
    variant = target.variant or case.variants[-1].name
    against = target.against or case.variants[0].name
    mine, theirs = results.get(variant), results.get(against)
    value: float | None = None
    metric = target.metric
    if mine is not None and theirs is not None:
        if metric == "time_ratio":
            value = _ratio(mine.median, theirs.median)
        elif metric == "time_over" and mine.median is not None and theirs.median is not None:
            value = mine.median - theirs.median
        elif metric == "time":
            value = mine.median
        elif metric == "memory_over" and mine.memory is not None and theirs.memory is not None:
            value = mine.memory - theirs.memory
        elif metric == "memory_fraction":
            value = _ratio(mine.memory, case.payload)
        elif metric == "memory_over_fraction" and mine.memory is not None and theirs.memory is not None:
            value = _ratio(mine.memory - theirs.memory, case.payload)
    passed = None if value is None else value <= target.limit
    return TargetResult(target, variant, against, value, passed)


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return a / b


# -- reporting -----------------------------------------------------------------------------------


def format_time(seconds: float | None) -> str:
    """Seconds in the unit that keeps 3 significant digits (ns, µs, ms, s)."""
    if seconds is None:
        return "-"
    magnitude = abs(seconds)
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if magnitude >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(count: float | None) -> str:
    """Bytes as MB (10^6) or kB, signed only when negative."""
    if count is None:
        return "-"
    if abs(count) >= 1e6:
        return f"{count / 1e6:.1f} MB"
    return f"{count / 1e3:.0f} kB"


def render(results: Sequence[CaseResult]) -> str:
    """The compact table: per variant min, median, ratios to the baseline, memory, targets."""
    header = ("case / variant", "min", "median", "x min", "x med", "peak+", "anon+", "xP", "target", "result")
    rows: list[tuple[str, ...]] = []
    for result in results:
        case = result.case
        rows.append((f"{case.full_name}" + (f"  ({case.description})" if case.description else ""),))
        if result.error:
            rows.append(("  ERROR " + result.error.strip().splitlines()[-1],))
        base = result.variants.get(case.variants[0].name)
        by_variant: dict[str, list[TargetResult]] = {}
        for check in result.targets:
            by_variant.setdefault(check.variant, []).append(check)
        for variant in case.variants:
            measured = result.variants[variant.name]
            if measured.error:
                rows.append((f"  {variant.name}  ERROR: " + measured.error.strip().splitlines()[-1],))
                for check in by_variant.get(variant.name, []):
                    rows.append((f"    {check.describe()}: not measured",))
                continue
            peak = measured.peak
            label = f"  {variant.name}" + (" (base)" if variant is case.variants[0] else "")
            cells = [
                label,
                format_time(measured.min),
                format_time(measured.median),
                _fmt_ratio(_ratio(measured.min, base.min if base else None)),
                _fmt_ratio(_ratio(measured.median, base.median if base else None)),
                format_bytes(peak) + ("" if measured.memory_exact else "~"),
                format_bytes(measured.anon),
                _fmt_ratio(_ratio(measured.memory, case.payload), 3),
            ]
            checks = by_variant.get(variant.name, [])
            if not checks:
                rows.append((*cells, "", ""))
            for index, check in enumerate(checks):
                verdict = {True: "PASS", False: "MISS", None: "n/a"}[check.passed]
                lead = cells if index == 0 else [""] * len(cells)
                rows.append((*lead, f"{check.describe()} = {check.measured()}", verdict))
        for note in case.notes:
            rows.append((f"  note: {note}",))
    widths = [
        max(len(row[i]) for row in [header, *rows] if len(row) > i and len(row) > 1)
        for i in range(len(header))
    ]
    lines = [_line(header, widths), _line(tuple("-" * w for w in widths), widths)]
    for row in rows:
        lines.append(row[0] if len(row) == 1 else _line(row, widths))
    passed = sum(1 for r in results for t in r.targets if t.passed)
    missed = sum(1 for r in results for t in r.targets if t.passed is False)
    unmeasured = sum(1 for r in results for t in r.targets if t.passed is None)
    lines.append(
        f"targets: {passed} PASS, {missed} MISS" + (f", {unmeasured} not measured" if unmeasured else "")
    )
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    out = []
    for index, cell in enumerate(cells):
        out.append(
            cell.ljust(widths[index])
            if index in (0, len(widths) - 2, len(widths) - 1)
            else cell.rjust(widths[index])
        )
    return "  ".join(out).rstrip()


def _fmt_ratio(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def environment() -> dict[str, Any]:
    """Where the numbers come from, recorded in the JSON output."""
    import platform

    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
