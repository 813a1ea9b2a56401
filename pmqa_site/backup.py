"""Backup and restore of a whole installation: the PostgreSQL database and every stored file
(evidence, profile pictures, report books) of the default storage, local or S3.

A backup is one tar file: `database.dump` (pg_dump's custom format), `files/<name>` for every
stored object, and `manifest.json` naming each with its size and SHA-256. It is consistent
because the product never deletes or overwrites a stored file (generated names, nothing
deleted): the database is dumped first, in one snapshot, and every file a row of that
snapshot names was written before the row was committed, so it is in the copy that follows.

A restore goes into an empty installation only (a database without a table of ours and an
empty store), checks every checksum of the archive before it writes anything, and checks
every file again once written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def _sha256(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def stored_names(storage=default_storage, folder: str = "") -> list[str]:
    """Every file in the storage, walking its folders (works for a filesystem and for S3)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{f}" if folder else f for f in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore work on PostgreSQL (the production database)")
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


@dataclass
class Summary:
    path: Path
    files: int
    bytes: int


def backup_create(*, out: Path) -> Summary:
    args, env = _pg_env()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database.dump"
        subprocess.run(
            ["pg_dump", *args, "-Fc", "--no-owner", "-f", str(dump), settings.DATABASES["default"]["NAME"]],
            env=env,
            check=True,
        )
        with dump.open("rb") as handle:
            dump_sha, dump_size = _sha256(handle)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "database": {"name": "database.dump", "sha256": dump_sha, "size": dump_size},
            "files": [],
        }
        partial = out.with_suffix(out.suffix + ".partial")
        total = dump_size
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname="database.dump")
            for name in stored_names():
                with default_storage.open(name, "rb") as source, tempfile.TemporaryFile() as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
                    copy.seek(0)
                    sha, size = _sha256(copy)
                    copy.seek(0)
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = size
                    tar.addfile(info, copy)
                manifest["files"].append({"name": name, "sha256": sha, "size": size})
                total += size
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.rename(out)  # a backup interrupted half-way never looks like a whole one
    return Summary(path=out, files=len(manifest["files"]), bytes=total)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        return json.load(tar.extractfile("manifest.json"))
    except KeyError as exc:
        raise BackupError("not a backup of this product: manifest.json is missing") from exc


def backup_verify(*, archive: Path) -> dict:
    """Every checksum of the archive, checked before anything is restored."""
    with tarfile.open(archive, "r") as tar:
        manifest = _read_manifest(tar)
        entries = [manifest["database"], *({**f, "name": f"files/{f['name']}"} for f in manifest["files"])]
        for entry in entries:
            member = tar.extractfile(entry["name"])
            if member is None:
                raise BackupError(f"{entry['name']} is missing from the archive")
            if _sha256(member) != (entry["sha256"], entry["size"]):
                raise BackupError(f"{entry['name']} does not match its checksum")
    return manifest


def _database_is_empty() -> bool:
    return not any(
        t.startswith(("assessments_", "orgprofile_", "evidence_")) for t in connection.introspection.table_names()
    )


def backup_restore(*, archive: Path) -> Summary:
    manifest = backup_verify(archive=archive)
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore goes into a new, empty installation")
    if stored_names():
        raise BackupError("the file store is not empty: restore goes into a new, empty installation")
    args, env = _pg_env()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r") as tar:
        tar.extract("database.dump", tmp, filter="data")
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--exit-on-error",
                "-d",
                settings.DATABASES["default"]["NAME"],
                str(Path(tmp) / "database.dump"),
            ],
            env=env,
            check=True,
        )
        total = manifest["database"]["size"]
        for entry in manifest["files"]:
            member = tar.extractfile(f"files/{entry['name']}")
            saved = default_storage.save(entry["name"], File(member))
            if saved != entry["name"]:
                raise BackupError(f"{entry['name']} was stored as {saved}")
            with default_storage.open(saved, "rb") as check:
                if _sha256(check) != (entry["sha256"], entry["size"]):
                    raise BackupError(f"{entry['name']} does not read back as it was saved")
            total += entry["size"]
    return Summary(path=archive, files=len(manifest["files"]), bytes=total)
