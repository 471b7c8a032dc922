"""Core benchmarks: start-up, the cost per small result, pickling and hashing overheads.

Every satchel number is put next to bare Python or the raw library call, measured in the same run.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Command, Comparison, Target, Variant
from bench.steps import clear_manager, file_setup, pack_setup, remove_file, satchel_pack, scratch_manager

DUMMY_COUNT = 100
STARTUP_REPEAT = 15
PER_CALL = 20_000
KEY = "x"
MLRUN_NOTES = (
    "MLRun 1.12, measured earlier on this machine, not in this run: `import mlrun.package` 1.77 s and 210 MB",
)
MLRUN_PER_RESULT = "MLRun 1.12, measured earlier on this machine, not in this run: 28-33 µs per small result"


# -- 100 dummy plugins -------------------------------------------------------------------------


_DUMMY_MODULE = '''"""Dummy satchel plugin {index} for the benchmarks: one packager for a class of its own."""

from satchel import DefaultPackager


class Thing{index}:
    """A type nobody else packs."""


class Thing{index}Packager(DefaultPackager):
    """Packs Thing{index} as a result."""

    PACKABLE_OBJECT_TYPE = {declared}
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {index}
'''


def dummy_plugins_dir() -> Path:
    """The cached folder holding 100 fake installed distributions (built on first use)."""
    source = _DUMMY_MODULE + str(DUMMY_COUNT)
    tag = hashlib.sha256(source.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"satchel-bench-dummy-plugins-{tag}"


def build_dummy_plugins() -> Path:
    """Create (once) 100 `*.dist-info` with a `satchel.packagers` entry point and their modules.

    Even-numbered packagers declare their class directly; odd-numbered ones declare it as a
    dotted string in a module that is never imported (like a numpy plugin in a process that
    never imports numpy), so they stay pending: both kinds are what real installs hold.
    """
    folder = dummy_plugins_dir()
    if (folder / "complete").exists():
        return folder
    building = Path(tempfile.mkdtemp(prefix=folder.name + "-", dir=folder.parent))
    for index in range(DUMMY_COUNT):
        name = f"satchel_bench_dummy_{index:03d}"
        declared = f"Thing{index}" if index % 2 == 0 else f'"satchel_bench_absent_{index:03d}.Thing"'
        (building / f"{name}.py").write_text(_DUMMY_MODULE.format(index=index, declared=declared))
        info = building / f"{name}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[satchel.packagers]\ndummy{index:03d} = {name}\n")
        (info / "RECORD").write_text("")
    (building / "complete").write_text("")
    try:
        building.rename(folder)
    except OSError:  # built meanwhile by another process
        pass
    return folder


def check_dummy_plugins() -> None:
    """Fail the case unless a fresh process really collects the 100 dummy packagers."""
    folder = build_dummy_plugins()
    code = (
        "import satchel; print(sum(r.name.startswith('satchel_bench_dummy_') "
        "for r in satchel.PackagersManager().packagers))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **WARM_CACHE, "PYTHONPATH": _pythonpath(folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0 or int(out.stdout.strip() or 0) != DUMMY_COUNT:
        raise RuntimeError(f"the dummy plugins were not collected: {out.stdout}{out.stderr}")


def _pythonpath(folder: Path) -> str:
    return os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))


def manager_with_dummies() -> Any:
    """A PackagersManager that also collected the 100 dummy plugins through their entry points."""
    import satchel

    folder = build_dummy_plugins()
    sys.path.insert(0, str(folder))
    try:
        manager = satchel.PackagersManager()
    finally:
        sys.path.remove(str(folder))
    collected = sum(record.name.startswith("satchel_bench_dummy_") for record in manager.packagers)
    assert collected == DUMMY_COUNT, f"{collected} of the {DUMMY_COUNT} dummy plugins were collected"
    return manager


# -- 1. start-up ---------------------------------------------------------------------------------


# Bytecode caches in a folder of their own (none written into the checkout), as a pip install has.
WITH_BYTECODE = {
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "satchel-bench-pycache"),
}
# What a development environment with PYTHONDONTWRITEBYTECODE=1 sees for editable installs.
WITHOUT_BYTECODE = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": ""}
# The declarations cache of the start-up cases: a folder of the bench's own (warmed by `prepare`
# and the warm-up round), and one that cannot be created, for the first start after an install.
WARM_CACHE = {"SATCHEL_CACHE_DIR": str(Path(tempfile.gettempdir()) / "satchel-bench-declarations")}
NO_CACHE = {"SATCHEL_CACHE_DIR": os.path.join(os.devnull, "satchel-bench-never")}


def startup_case() -> Comparison:
    """A fresh interpreter importing satchel and collecting every installed packager."""
    cwd = tempfile.gettempdir()  # not the repo root: nothing of the checkout on sys.path

    def command(name: str, code: str, env: dict[str, str] | None = None) -> Command:
        return Command.python(name, code, env={**WITH_BYTECODE, **WARM_CACHE, **(env or {})}, cwd=cwd)

    collect = "import satchel; satchel.PackagersManager()"
    return Comparison(
        name="startup",
        description="fresh python: import satchel + collect installed packagers",
        variants=[
            command("python -c pass", "pass"),
            command("import pluggy", "import pluggy"),
            command("import importlib.metadata", "import importlib.metadata"),
            command("import satchel", "import satchel"),
            command("satchel + collect", collect),
            command(
                f"satchel + collect +{DUMMY_COUNT} dummy plugins",
                collect,
                env={"PYTHONPATH": _pythonpath(dummy_plugins_dir())},
            ),
            command(
                f"satchel + collect +{DUMMY_COUNT} dummy plugins, no cache",
                collect,
                env={"PYTHONPATH": _pythonpath(dummy_plugins_dir()), **NO_CACHE},
            ),
            command("satchel + collect, no .pyc", collect, env=WITHOUT_BYTECODE),
        ],
        repeat=STARTUP_REPEAT,
        prepare=check_dummy_plugins,
        targets=[
            Target("time_over", 0.050, variant="satchel + collect"),
            Target("memory_over", 25e6, variant="satchel + collect"),
            Target("time_over", 0.050, variant=f"satchel + collect +{DUMMY_COUNT} dummy plugins"),
            Target("memory_over", 25e6, variant=f"satchel + collect +{DUMMY_COUNT} dummy plugins"),
        ],
        notes=[
            "peak+ of a command is its own peak RSS; x min / x med are ratios to bare python",
            "all with bytecode caches (.pyc) as a pip install has, except the 'no .pyc' line: it "
            "recompiles editable sources at every start, as PYTHONDONTWRITEBYTECODE=1 does",
            "all with a warm declarations cache (plugins imported when first needed), except the "
            "'no cache' line: every plugin imported and checked, as the first start after an install",
            *MLRUN_NOTES,
        ],
    )


# -- 2. small results ----------------------------------------------------------------------------


def bare_result(value: Any, key: str = KEY) -> dict[str, Any]:
    """The least any logging of a result can do: a function call returning `{key: value}`."""
    return {key: value}


def _call(function: Any) -> Any:
    return function()


def _builtins_status() -> tuple[bool, str]:
    """Whether satchel_builtins is installed (found through its entry point)."""
    if importlib.util.find_spec("satchel_builtins") is None:
        return False, (
            "satchel_builtins is NOT installed: small values are packed with the core's default "
            "packager as 'x:result' (without it 'x' would pickle them to files)"
        )
    return True, "satchel_builtins installed: packed as mgr.pack(value, 'x')"


def small_result_cases() -> list[Comparison]:
    """`mgr.pack(value, "x")` for small values vs a bare call and json.dumps."""
    installed, status = _builtins_status()
    hint = KEY if installed else f"{KEY}:result"

    def packer(dummies: bool) -> Any:
        def setup(value: Any, _scratch: Path) -> Any:
            import satchel

            manager = manager_with_dummies() if dummies else satchel.PackagersManager()
            result = manager.pack(value, hint)
            if result != {KEY: value}:
                raise AssertionError(f"mgr.pack({value!r}, {hint!r}) gave {result!r}, not a result")
            return functools.partial(manager.pack, value, hint)

        return setup

    cases = []
    for label, value in (("int", 3), ("float", 0.5), ("str", "s"), ("dict", {"a": 1})):
        cases.append(
            Comparison(
                name=f"small-result-{label}",
                description=f"mgr.pack({value!r}, {hint!r}), per call",
                make_input=functools.partial(_value, value),
                variants=[
                    Variant("bare {key: value} call", _call, setup=_partial(bare_result), number=PER_CALL),
                    Variant("json.dumps(value)", _call, setup=_partial(json.dumps), number=PER_CALL),
                    Variant("satchel", _call, setup=packer(False), number=PER_CALL),
                    Variant(
                        f"satchel +{DUMMY_COUNT} dummy plugins", _call, setup=packer(True), number=PER_CALL
                    ),
                ],
                memory=False,
                prepare=build_dummy_plugins,
                targets=[Target("time", 5e-6, variant="satchel"), Target("time", 5e-6)],
                notes=[status, MLRUN_PER_RESULT] if label == "int" else [status],
            )
        )
    return cases


def explain_cases() -> list[Comparison]:
    """`mgr.explain(value)` (every candidate's verdict) beside `mgr.pack(value)` (the first)."""

    def manager_call(method: str, as_text: bool = False) -> Any:
        def setup(value: Any, _scratch: Path) -> Any:
            import satchel

            manager = satchel.PackagersManager()
            call = functools.partial(getattr(manager, method), value, *(("x",) if method == "pack" else ()))
            return (lambda: str(call())) if as_text else call

        return setup

    cases = []
    for label, value in (("int", 3), ("list", [1, 2, 3])):
        cases.append(
            Comparison(
                name=f"explain-{label}",
                description=f"mgr.explain({value!r}) vs mgr.pack({value!r}, 'x'), per call",
                make_input=functools.partial(_value, value),
                variants=[
                    Variant("mgr.pack", _call, setup=manager_call("pack"), number=PER_CALL),
                    Variant("mgr.explain", _call, setup=manager_call("explain"), number=PER_CALL),
                    Variant("str(mgr.explain)", _call, setup=manager_call("explain", True), number=PER_CALL),
                ],
                memory=False,
            )
        )
    return cases


def _value(value: Any) -> Any:
    return value


def _partial(function: Any) -> Any:
    def setup(value: Any, _scratch: Path) -> Any:
        return functools.partial(function, value)

    return setup


# -- 3. pickling and hashing ---------------------------------------------------------------------


def medium_object() -> dict[str, Any]:
    """A medium, pickle-only object (~10 MB pickled): records, floats, nested containers."""
    rows = [
        {"id": i, "name": f"row-{i}", "score": i * 0.5, "tags": ("a", "b", i % 7)} for i in range(100_000)
    ]
    return {"rows": rows, "index": {f"row-{i}": i for i in range(100_000)}, "blob": bytes(2_000_000)}


DUMP_FILE = file_setup("obj.pkl")


def raw_cloudpickle_dump(state: tuple[Any, Path]) -> None:
    """cloudpickle.dump to a file, as the default packager does it (protocol 5)."""
    import cloudpickle

    obj, path = state
    with open(path, "wb") as handle:
        cloudpickle.dump(obj, handle, protocol=5)


def raw_cloudpickle_dump_blake3(state: tuple[Any, Path]) -> None:
    """cloudpickle.dump to a file, then its BLAKE3 hash: the least a hashed pickle costs."""
    raw_cloudpickle_dump(state)
    raw_blake3_file(state[1])


def _raw_load_setup(obj: Any, scratch: Path) -> Path:
    path = scratch / "obj.pkl"
    raw_cloudpickle_dump((obj, path))
    return path


def raw_cloudpickle_load(path: Path) -> Any:
    """cloudpickle.load from a file."""
    import cloudpickle

    with open(path, "rb") as handle:
        return cloudpickle.load(handle)


def raw_cloudpickle_load_blake3(path: Path) -> Any:
    """Hash check then cloudpickle.load: what a safe unpickle costs at least."""
    raw_blake3_file(path)
    return raw_cloudpickle_load(path)


def _unpack_setup(obj: Any, scratch: Path) -> tuple[Any, Any]:
    manager = scratch_manager(scratch)
    return manager, manager.pack(obj, "obj:object")


def satchel_unpack(state: tuple[Any, Any]) -> Any:
    """mgr.unpack(artifact): size check, full hash check (a pickle), then cloudpickle.load."""
    manager, artifact = state
    return manager.unpack(artifact)


def pickle_cases() -> list[Comparison]:
    """The default packager against raw cloudpickle, for a medium object."""
    size = functools.partial(_pickled_size, medium_object)
    return [
        Comparison(
            name="pickle-pack",
            description="medium object (~8 MB pickled: 100k records) through the default packager",
            make_input=medium_object,
            variants=[
                Variant("cloudpickle.dump", raw_cloudpickle_dump, setup=DUMP_FILE, reset=remove_file),
                Variant(
                    "cloudpickle.dump + blake3",
                    raw_cloudpickle_dump_blake3,
                    setup=DUMP_FILE,
                    reset=remove_file,
                ),
                Variant(
                    "satchel pack :object", satchel_pack, setup=pack_setup("obj:object"), reset=clear_manager
                ),
            ],
            payload_bytes=size,
            targets=[Target("time_ratio", 1.5), Target("memory_over_fraction", 0.2)],
        ),
        Comparison(
            name="pickle-unpack",
            description="the same object back (a pickle: its hash is checked first)",
            make_input=medium_object,
            variants=[
                Variant("cloudpickle.load", raw_cloudpickle_load, setup=_raw_load_setup),
                Variant("blake3 + cloudpickle.load", raw_cloudpickle_load_blake3, setup=_raw_load_setup),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup),
            ],
            payload_bytes=size,
            targets=[
                Target("time_ratio", 1.1, against="blake3 + cloudpickle.load"),
                Target("memory_over_fraction", 0.2),
            ],
        ),
    ]


def _pickled_size(make: Any) -> int:
    return len(pickle.dumps(make(), protocol=5))


BIG = 100_000_000


def big_bytes() -> bytes:
    """100 MB of non-constant bytes."""
    return os.urandom(1 << 20) * (BIG >> 20) + os.urandom(BIG - ((BIG >> 20) << 20))


def _file_setup(data: bytes, scratch: Path) -> Path:
    path = scratch / "payload.bin"
    path.write_bytes(data)
    return path


def raw_blake3_file(path: Path) -> str:
    """blake3 of a file through mmap with threads: the fastest way the library offers."""
    from blake3 import blake3

    return blake3(max_threads=blake3.AUTO).update_mmap(path).hexdigest()


def raw_blake3_memory(data: bytes) -> str:
    """blake3 of bytes already in memory, with threads."""
    from blake3 import blake3

    return blake3(data, max_threads=blake3.AUTO).hexdigest()


def satchel_hash_path(path: Path) -> tuple[str, int]:
    """satchel's payload hash (what every pack and every verify does)."""
    from satchel.payloads import hash_path

    return hash_path(path)


def raw_sha256_file(path: Path) -> str:
    """SHA-256 of the file, for context (what MLRun-like tools use)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def hashing_cases() -> list[Comparison]:
    """Hashing and packing a 100 MB bytes payload against raw blake3 and cloudpickle."""
    return [
        Comparison(
            name="hash-100MB",
            description="BLAKE3 of a 100 MB file (page cache)",
            make_input=big_bytes,
            variants=[
                Variant("blake3 mmap+threads", raw_blake3_file, setup=_file_setup),
                Variant("blake3 in-memory+threads", raw_blake3_memory),
                Variant("sha256 (context)", raw_sha256_file, setup=_file_setup),
                Variant("satchel hash_path", satchel_hash_path, setup=_file_setup),
            ],
            payload_bytes=BIG,
            targets=[Target("time_ratio", 1.1), Target("memory_over_fraction", 0.2)],
            notes=["peak+ counts file pages mapped by mmap (page cache); anon+ is real copies only"],
        ),
        Comparison(
            name="bytes-100MB-pack",
            description="mgr.pack(100 MB bytes, 'x:object') vs a raw dump + hash",
            make_input=big_bytes,
            variants=[
                Variant("cloudpickle.dump", raw_cloudpickle_dump, setup=DUMP_FILE, reset=remove_file),
                Variant(
                    "cloudpickle.dump + blake3",
                    raw_cloudpickle_dump_blake3,
                    setup=DUMP_FILE,
                    reset=remove_file,
                ),
                Variant(
                    "satchel pack :object", satchel_pack, setup=pack_setup("x:object"), reset=clear_manager
                ),
            ],
            payload_bytes=BIG,
            targets=[
                Target("time_ratio", 1.5),
                Target("time_ratio", 1.1, against="cloudpickle.dump + blake3"),
                Target("memory_over_fraction", 0.2),
            ],
        ),
    ]


def cases() -> list[Comparison]:
    """Every core case, in the order they are reported."""
    return [startup_case(), *small_result_cases(), *explain_cases(), *pickle_cases(), *hashing_cases()]
