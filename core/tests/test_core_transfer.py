"""`satchel.export` and `satchel.import_bundle` from Python: the bundle format, its checks, and
what is recorded (the cross-store, cross-process tests are in tests/test_transfer.py)."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest

import satchel
from satchel.errors import SatchelError, UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.timestamps import now
from satchel.payloads.hashing import hash_path
from satchel.tracking.store.opening import open_store
from satchel.tracking.store.records import COMPLETED, RunRecord


@satchel.handler(returns=["metrics", "numbers:file", "blob:object"])
def prepare(n: int = 3):
    return {"n": n}, list(range(n)), {"any": "object"}


@pytest.fixture
def bundle(store: Path, tmp_path: Path) -> tuple[satchel.Run, Path]:
    run = satchel.run(prepare, params={"n": 4}, project="demo")
    return run, tmp_path / "run.satchel"


def test_export_and_import_from_python(bundle, tmp_path):
    run, file = bundle
    exported = satchel.export(run.id, file)
    assert exported.file == file and exported.size == file.stat().st_size and exported.runs == [run.id]
    assert sorted(exported.uris) == sorted(a.uri for a in run.artifacts.values())
    other = tmp_path / "other"
    added = satchel.import_bundle(file, project="copy", store=other)
    (new,) = added.runs
    assert new.project == "copy" and new.params == {"n": 4} and new.results == run.results
    assert new.function == run.function and new.source_hash == run.source_hash
    assert new.origin["run"] == run.id and new.origin["exported_by"] == f"satchel {satchel.__version__}"
    assert added.uris == {a.uri: run.artifacts[k].uri for k, a in new.artifacts.items()}
    assert added.untrusted_pickles == [new.artifacts["blob"].uri]
    assert satchel.load(new.artifacts["numbers"].uri, store=other) == [0, 1, 2, 3]
    with pytest.raises(UnpackingError, match=f"satchel trust {new.artifacts['blob'].uri}"):
        satchel.load(new.artifacts["blob"].uri, store=other)
    record = open_store(other).records.get_run(new.id)
    assert record.cache_key is None and record.host is None  # never a cache hit; ran nowhere here


def test_the_bundle_is_a_tar_of_a_manifest_its_digest_and_the_payloads_by_hash(bundle):
    run, file = bundle
    satchel.export(run.id, file)
    with tarfile.open(file) as archive:
        names = archive.getnames()
        assert {m.mtime for m in archive.getmembers()} == {0}
        manifest_bytes = archive.extractfile("manifest.json").read()
        digest = archive.extractfile("manifest.blake3").read().decode().strip()
    hashes = sorted(a.hash.partition(":")[2] for a in run.artifacts.values())
    assert names == ["manifest.blake3", "manifest.json", "payloads", *(f"payloads/{h}" for h in hashes)]
    manifest = json.loads(manifest_bytes)
    assert (manifest["format"], manifest["version"]) == ("satchel-bundle", 1)
    (document,) = manifest["runs"]
    assert document["id"] == run.id and "cache" not in document and "host" not in document
    assert "trusted" not in document["artifacts"]["numbers"]
    import blake3

    assert digest == "blake3:" + blake3.blake3(manifest_bytes).hexdigest()


def _rewrite(source: Path, target: Path, manifest_change=None, extra: tuple[str, bytes] | None = None):
    """A bundle changed on purpose: its manifest changed and its digest made to match again."""
    with tarfile.open(source) as old:
        members = {m.name: (m, old.extractfile(m).read() if m.isfile() else None) for m in old.getmembers()}
    if manifest_change is not None:
        manifest = json.loads(members["manifest.json"][1])
        manifest_change(manifest)
        text = json.dumps(manifest).encode()
        import blake3

        members["manifest.json"] = (members["manifest.json"][0], text)
        digest = f"blake3:{blake3.blake3(text).hexdigest()}\n".encode()
        members["manifest.blake3"] = (members["manifest.blake3"][0], digest)
    if extra is not None:
        members[extra[0]] = (tarfile.TarInfo(extra[0]), extra[1])
    with tarfile.open(target, "w") as new:
        for name, (member, data) in members.items():
            member.name = name
            if data is not None:
                member.size = len(data)
            new.addfile(member, None if data is None else io.BytesIO(data))


def _nothing_added(store: Path) -> None:
    opened = open_store(store)
    assert opened.records.projects() == [] and opened.records.list_artifacts() == []
    payloads = store / "payloads"
    assert not payloads.exists() or not any(p.is_file() for p in payloads.rglob("*"))


def test_a_bundle_of_another_format_version_is_refused(bundle, tmp_path):
    run, file = bundle
    satchel.export(run.id, file)
    newer = tmp_path / "newer.satchel"
    _rewrite(file, newer, lambda manifest: manifest.update(version=2))
    with pytest.raises(SatchelError, match="format version 2, and this satchel reads version 1"):
        satchel.import_bundle(newer, store=tmp_path / "other")
    _nothing_added(tmp_path / "other")


def test_a_member_that_would_land_outside_is_refused_before_anything_is_written(bundle, tmp_path):
    run, file = bundle
    satchel.export(run.id, file)
    evil = tmp_path / "evil.satchel"
    _rewrite(file, evil, extra=("../escaped.txt", b"gotcha"))
    with pytest.raises(SatchelError, match=r"climbs out with '\.\.'"):
        satchel.import_bundle(evil, store=tmp_path / "deep" / "other")
    assert not (tmp_path / "deep" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()
    _nothing_added(tmp_path / "deep" / "other")


def test_a_payload_the_manifest_does_not_list_is_refused(bundle, tmp_path):
    run, file = bundle
    satchel.export(run.id, file)
    extra = tmp_path / "extra.satchel"
    _rewrite(file, extra, extra=("payloads/" + "0" * 64, b"smuggled"))
    with pytest.raises(SatchelError, match="payloads its manifest does not list"):
        satchel.import_bundle(extra, store=tmp_path / "other")
    _nothing_added(tmp_path / "other")


def test_a_manifest_whose_artifacts_name_no_payload_is_refused(bundle, tmp_path):
    run, file = bundle
    satchel.export(run.id, file)
    bad = tmp_path / "bad.satchel"

    def unlist(manifest):
        manifest["runs"][0]["artifacts"]["numbers"]["hash"] = "blake3:" + "1" * 64

    _rewrite(file, bad, unlist)
    with pytest.raises(SatchelError, match="artifact 'numbers' names no payload of the bundle"):
        satchel.import_bundle(bad, store=tmp_path / "other")
    _nothing_added(tmp_path / "other")


def test_a_damaged_stored_payload_is_never_exported_and_no_file_is_left(bundle):
    run, file = bundle
    stored = Path(run.artifacts["numbers"].local_path())
    stored.chmod(0o644)
    stored.write_text("[9, 9]")
    with pytest.raises(SatchelError, match="does not match its hash"):
        satchel.export(run.id, file)
    assert list(file.parent.glob(f"*{file.name}*")) == []  # neither the bundle nor a partial one


def test_what_export_takes_and_refuses(store, tmp_path):
    with pytest.raises(SatchelError, match="nothing to export called 'nosuch'"):
        satchel.export("nosuch", tmp_path / "x.satchel")
    with pytest.raises(UnpackingError, match="there is no project 'demo'"):
        satchel.export("store://demo/numbers", tmp_path / "x.satchel")
    opened = open_store()
    record = _record("demo", [])
    record.status = "running"
    opened.records.start_run(record)
    with pytest.raises(SatchelError, match="is still running"):
        satchel.export(record.id, tmp_path / "x.satchel")
    assert not (tmp_path / "x.satchel").exists()


def _record(project: str, artifacts: list[Artifact]) -> RunRecord:
    return RunRecord(
        id=uuid.uuid4().hex, project=project, name="made", function=None, source_hash=None, params={},
        inputs={}, returns=None, status=COMPLETED, started=now(), ended=now(), versions={},
        artifacts={a.key: a for a in artifacts},
    )  # fmt: skip


def test_a_folder_payload_travels_as_a_nested_archive(store, tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.txt").write_text("a")
    (tree / "empty").mkdir()
    (tree / "link").symlink_to("sub/a.txt")
    digest, size = hash_path(tree)
    opened = open_store()
    staged = opened.payloads.staging_root() / "tree"
    import shutil

    shutil.copytree(tree, staged, symlinks=True)
    opened.payloads.put(staged, digest)
    artifact = Artifact(
        key="tree", kind="path", packager="some.Packager", hash=digest, size=size, created=now(),
        trusted=True,
    )
    record = _record("demo", [artifact])
    opened.records.import_runs([record])
    file = tmp_path / "tree.satchel"
    satchel.export(record.id, file)
    with tarfile.open(file) as archive:
        assert f"payloads/{digest.partition(':')[2]}.tar" in archive.getnames()
    other = open_store(tmp_path / "other")
    (new,) = satchel.import_bundle(file, store=tmp_path / "other").runs
    assert other.payloads.verify(digest) == digest and new.artifacts["tree"].size == size
    assert (other.payloads.local_path(digest) / "link").is_symlink()


def test_a_packager_that_is_not_installed_names_the_distribution_to_install(store, tmp_path):
    opened = open_store()
    path = opened.payloads.staging_root() / "payload"
    path.write_text("x")
    digest, size = hash_path(path)
    opened.payloads.put(path, digest)
    artifact = Artifact(
        key="thing", kind="file", packager="satchel_nowhere.packagers.ThingPackager",
        object_type="nowhere.Thing",
        hash=digest, size=size, versions={"python": "3.12.0", "satchel-nowhere": "1.2.3", "nowhere": "4.0"},
        created=now(),
    )  # fmt: skip
    record = _record("demo", [artifact])
    opened.records.import_runs([record])
    advice = r"pip install satchel-nowhere \(it was packed with satchel-nowhere 1\.2\.3\)"
    for trusted in (False, True):  # untrusted: its packager is never imported; trusted: it cannot be
        opened.records.set_trusted("demo", "thing", record.id, trusted)
        with pytest.raises(UnpackingError, match=advice):
            satchel.load("store://demo/thing")


def test_an_existing_file_is_never_overwritten(bundle):
    run, file = bundle
    file.write_text("keep me")
    with pytest.raises(SatchelError, match="exists: remove it first, or export to another file"):
        satchel.export(run.id, file)
    assert file.read_text() == "keep me"


def test_the_runs_of_an_import_are_recorded_in_one_transaction(store):
    opened = open_store()
    first, second = _record("demo", []), _record("demo", [])
    second.id = first.id  # the second insert fails: the first must not stay
    with pytest.raises(Exception, match="UNIQUE"):
        opened.records.import_runs([first, second])
    assert opened.records.projects() == [] and opened.records.get_run(first.id) is None


def test_the_commands_print_what_was_written_and_added(bundle, tmp_path, capsys):
    from satchel.cli.main import main

    run, file = bundle
    assert main(["export", run.id, "-o", str(file), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["runs"] == [run.id] and written["size"] == file.stat().st_size
    assert main(["--store", str(tmp_path / "other"), "import", str(file), "--project", "copy"]) == 0
    out = capsys.readouterr().out
    (new,) = satchel.list_runs(store=tmp_path / "other")
    assert f"imported 1 run into project copy from {file}, untrusted" in out
    assert f"  satchel trust {new.artifacts['blob'].uri}" in out
    assert f"satchel show {new.id}" in out
    assert main(["--store", str(tmp_path / "other"), "import", str(tmp_path / "nosuch.satchel")]) == 1
    assert "no bundle file" in capsys.readouterr().err
