"""The bundle file of `satchel export` / `satchel import`: one reproducible tar, checked whole.

A bundle is an uncompressed tar (written by `satchel.payloads.archives.write_archive`: members
sorted, times and owners fixed) holding

- `manifest.json`: the format and its version, where the bundle came from, the runs (and
  workflow) it carries, and `payloads`: for each content hash, its member, size and whether it
  is a folder;
- `manifest.blake3`: the BLAKE3 digest of `manifest.json`, so a damaged manifest is detected;
- `payloads/<hex>`: each file payload once, byte for byte; `payloads/<hex>.tar`: each folder
  payload as a nested reproducible tar.

The digests detect damage, not forgery: whoever can rewrite a bundle can rewrite its digests, so
what is imported is untrusted (never unpickled) until trusted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from satchel.errors import SatchelError, UnpackingError
from satchel.payloads.archives import extract_archive, write_archive
from satchel.payloads.hashing import hash_path, remove_payload

FORMAT = "satchel-bundle"
VERSION = 1
MANIFEST = "manifest.json"
DIGEST = "manifest.blake3"
PAYLOADS = "payloads"


def write_bundle(manifest: dict[str, Any], payloads: dict[str, Path], file: Path, staging: Path) -> int:
    """Write `manifest` and the `payloads` (digest -> stored file or folder) into the bundle `file`.

    The members are gathered in `staging` (hard links to stored files, no copy where possible)
    and the tar is written beside `file` and renamed into place: a failed export leaves no
    partial file. Each payload is re-hashed on the way, so a damaged one is never exported.
    Returns the bundle's size in bytes.
    """
    folder = staging / "bundle"
    (folder / PAYLOADS).mkdir(parents=True)
    entries: dict[str, dict[str, Any]] = {}
    for digest, source in sorted(payloads.items()):
        hexdigest = digest.partition(":")[2]
        if source.is_dir():
            member = f"{PAYLOADS}/{hexdigest}.tar"
            write_archive(source, folder / member, "tar")
        else:
            member = f"{PAYLOADS}/{hexdigest}"
            _link_or_copy(source, folder / member)
        actual, size = hash_path(source if source.is_dir() else folder / member)
        if actual != digest:
            raise SatchelError(
                f"the stored payload {digest} does not match its hash (now {actual}); nothing was "
                "exported: see satchel verify"
            )
        entries[digest] = {"member": member, "size": size, "folder": source.is_dir()}
    text = json.dumps({**manifest, "payloads": entries}, indent=1, sort_keys=True, ensure_ascii=False)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    (folder / DIGEST).write_text(hash_path(folder / MANIFEST)[0] + "\n", encoding="ascii")
    partial = file.with_name(f".{file.name}.{os.getpid()}.partial")
    try:
        write_archive(folder, partial, "tar")
        _place(partial, file)
    finally:
        remove_payload(partial)
    return file.stat().st_size


def read_bundle(file: Path, scratch: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Extract the bundle `file` into `scratch` and check all of it: `(manifest, digest -> path)`.

    Every member is checked before anything is extracted (no absolute names, no `..`, no links
    out); then the manifest against its digest, its format version, and every payload against
    its hash and size. Anything wrong is a `SatchelError` naming it; nothing is stored here.
    """
    name = file.name
    if not file.is_file():
        raise SatchelError(f"no bundle file {os.fspath(file)}")
    folder = scratch / "bundle"
    try:
        extract_archive(file, folder, "tar")
    except UnpackingError as error:
        raise SatchelError(f"bundle {name} is damaged or not a bundle: {error}") from None
    unexpected = sorted({p.name for p in folder.iterdir()} - {MANIFEST, DIGEST, PAYLOADS})
    if unexpected:
        raise SatchelError(f"bundle {name} holds unexpected members: {', '.join(unexpected)}")
    if not (folder / MANIFEST).is_file() or not (folder / DIGEST).is_file():
        raise SatchelError(f"bundle {name} has no {MANIFEST} or {DIGEST}: it is truncated or not a bundle")
    recorded = (folder / DIGEST).read_text(encoding="ascii", errors="replace").strip()
    actual = hash_path(folder / MANIFEST)[0]
    if actual != recorded:
        raise SatchelError(
            f"bundle {name}: {MANIFEST} does not match its digest ({actual} != {recorded}): it was "
            "damaged or changed after export"
        )
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SatchelError(f"bundle {name}: {MANIFEST} is not JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SatchelError(f"{name} is not a satchel bundle (its manifest names no format {FORMAT!r})")
    if manifest.get("version") != VERSION:
        raise SatchelError(
            f"bundle {name} is of format version {manifest.get('version')!r}, and this satchel reads "
            f"version {VERSION}: import it with the satchel that exported it, or a newer one"
        )
    return manifest, _checked_payloads(name, manifest.get("payloads"), folder, scratch)


def _checked_payloads(name: str, entries: Any, folder: Path, scratch: Path) -> dict[str, Path]:
    """Every payload the manifest lists, found and matching its hash and size; nothing else."""
    if not isinstance(entries, dict):
        raise SatchelError(f"bundle {name}: its manifest lists no payloads")
    found: dict[str, Path] = {}
    for digest, entry in sorted(entries.items()):
        hexdigest = digest.partition(":")[2]
        folder_payload = isinstance(entry, dict) and entry.get("folder") is True
        member = f"{PAYLOADS}/{hexdigest}" + (".tar" if folder_payload else "")
        if not isinstance(entry, dict) or entry.get("member") != member or not digest.startswith("blake3:"):
            raise SatchelError(f"bundle {name}: its manifest's entry for payload {digest!r} is malformed")
        path = folder / member
        if not path.is_file():
            raise SatchelError(f"bundle {name}: payload {member} is missing: the bundle is truncated")
        if folder_payload:
            tree = scratch / "folders" / hexdigest
            try:
                extract_archive(path, tree, "tar")
            except UnpackingError as error:
                raise SatchelError(f"bundle {name}: folder payload {member}: {error}") from None
            path = tree
        actual, size = hash_path(path)
        if actual != digest or size != entry.get("size"):
            raise SatchelError(
                f"bundle {name}: payload {member} does not match its hash or size ({actual}, {size} "
                f"bytes; the manifest says {digest}, {entry.get('size')} bytes): it was damaged or "
                "changed after export"
            )
        found[digest] = path
    listed = {Path(entry["member"]).name for entry in entries.values()}
    present = {p.name for p in (folder / PAYLOADS).iterdir()} if (folder / PAYLOADS).is_dir() else set()
    extra = sorted(present - listed)
    if extra:
        raise SatchelError(f"bundle {name} holds payloads its manifest does not list: {', '.join(extra)}")
    return found


def _place(partial: Path, file: Path) -> None:
    """Move the written bundle into place, never over an existing file (a link fails if it exists)."""
    try:
        os.link(partial, file)
        return
    except FileExistsError:
        pass
    except OSError:  # a filesystem without hard links
        if not file.exists():
            os.replace(partial, file)
            return
    raise SatchelError(exists_message(file))


def exists_message(file: Path) -> str:
    """Why a bundle is not written over an existing file, and what to do."""
    return f"{os.fspath(file)} exists: remove it first, or export to another file"


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` as the same file as `source`: a hard link (no copy) where possible."""
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)
