"""numpy family cases: big arrays packed and unpacked through satchel against raw numpy calls.

- `npy-800MB-pack` / `npy-800MB-unpack`: one 800 MB float64 array as npy, through
  `PackagersManager.pack` (staging, the write, the BLAKE3 hash, the Artifact) and `.unpack`
  (size check, the read), against `np.save` / `np.load` on a file in the same folder.
- `npz-10x1M-pack` / `npz-10x1M-unpack`: a dict of 10 float64 arrays of 1M values (80 MB) as
  npz, against `np.savez` / `np.load`.

Targets (issue 3): pack <= 1.5x the raw write, unpack <= 1.1x the raw read, extra peak memory
<= 0.2x the payload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.harness import Comparison, Target, Variant
from bench.steps import clear_manager, file_setup, pack_setup, remove_file, satchel_pack, scratch_manager

BIG_VALUES = 100_000_000  # 800 MB of float64
DICT_ARRAYS = 10
DICT_VALUES = 1_000_000


def big_array() -> Any:
    import numpy as np

    return np.random.default_rng(0).random(BIG_VALUES)


def array_dict() -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(1)
    return {f"a{index}": rng.random(DICT_VALUES) for index in range(DICT_ARRAYS)}


# -- raw numpy ------------------------------------------------------------------------------------


def raw_save(state: tuple[Any, Path]) -> None:
    """np.save to a file."""
    import numpy as np

    array, path = state
    np.save(path, array)


def raw_save_blake3(state: tuple[Any, Path]) -> None:
    """np.save, then a BLAKE3 pass over the file: the floor for a hashed write."""
    from satchel.payloads import hash_path

    raw_save(state)
    hash_path(state[1])


def raw_savez(state: tuple[Any, Path]) -> None:
    """np.savez(path, **arrays)."""
    import numpy as np

    arrays, path = state
    np.savez(path, **arrays)


def _saved(writer: Any, name: str) -> Any:
    def setup(data: Any, scratch: Path) -> Path:
        path = scratch / name
        writer((data, path))
        return path

    return setup


def raw_load(path: Path) -> Any:
    """np.load of an npy file."""
    import numpy as np

    return np.load(path)


def raw_load_npz(path: Path) -> dict[str, Any]:
    """np.load of an npz, every array read into a dict."""
    import numpy as np

    with np.load(path) as npz:
        return {name: npz[name] for name in npz.files}


# -- satchel --------------------------------------------------------------------------------------


def _unpack_setup(hint: Any) -> Any:
    def setup(data: Any, scratch: Path) -> tuple[Any, Any, Any]:
        manager = scratch_manager(scratch)
        return manager, manager.pack(data, "x"), hint()

    return setup


def _ndarray() -> Any:
    import numpy as np

    return np.ndarray


def _memmap() -> Any:
    import numpy as np

    return np.memmap


def _array_dict_hint() -> Any:
    import numpy as np

    return dict[str, np.ndarray]


def satchel_unpack(state: tuple[Any, Any, Any]) -> Any:
    """mgr.unpack(artifact, hint): the size check, then the read."""
    manager, artifact, hint = state
    return manager.unpack(artifact, hint)


def cases() -> list[Comparison]:
    """The four numpy cases."""
    big = BIG_VALUES * 8
    small = DICT_ARRAYS * DICT_VALUES * 8
    return [
        Comparison(
            name="npy-800MB-pack",
            description="800 MB float64 ndarray to npy",
            make_input=big_array,
            variants=[
                Variant("np.save", raw_save, setup=file_setup("raw.npy"), reset=remove_file),
                Variant("np.save + blake3", raw_save_blake3, setup=file_setup("raw.npy"), reset=remove_file),
                Variant("satchel pack", satchel_pack, setup=pack_setup("x"), reset=clear_manager),
            ],
            payload_bytes=big,
            targets=[Target("time_ratio", 1.5), Target("memory_over_fraction", 0.2)],
        ),
        Comparison(
            name="npy-800MB-unpack",
            description="800 MB float64 ndarray from npy",
            make_input=big_array,
            variants=[
                Variant("np.load", raw_load, setup=_saved(raw_save, "raw.npy")),
                Variant("satchel unpack (memmap hint)", satchel_unpack, setup=_unpack_setup(_memmap)),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup(_ndarray)),
            ],
            payload_bytes=big,
            targets=[Target("time_ratio", 1.1), Target("memory_over_fraction", 0.2)],
        ),
        Comparison(
            name="npz-10x1M-pack",
            description="dict of 10 x 1M float64 arrays to npz",
            make_input=array_dict,
            variants=[
                Variant("np.savez", raw_savez, setup=file_setup("raw.npz"), reset=remove_file),
                Variant("satchel pack", satchel_pack, setup=pack_setup("x"), reset=clear_manager),
            ],
            payload_bytes=small,
            targets=[Target("time_ratio", 1.5), Target("memory_over_fraction", 0.2)],
        ),
        Comparison(
            name="npz-10x1M-unpack",
            description="dict of 10 x 1M float64 arrays from npz",
            make_input=array_dict,
            variants=[
                Variant("np.load", raw_load_npz, setup=_saved(raw_savez, "raw.npz")),
                Variant("satchel unpack", satchel_unpack, setup=_unpack_setup(_array_dict_hint)),
            ],
            payload_bytes=small,
            targets=[Target("time_ratio", 1.1), Target("memory_over_fraction", 0.2)],
        ),
    ]
