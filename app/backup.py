"""`flask backup [--output FILE]` and `flask restore FILE`: a whole instance in one .tar.gz.

SQLite: a consistent copy of the database made with SQLite's online backup API (safe while
the site is running), the secret key (it signs participant cookies and keys the export
pseudonyms) and a manifest with the row count of every table.

PostgreSQL: the JSON document of every consultation (consultations/workspace/document.py,
with profiles) plus the secret key and the manifest. That is not the whole database
(facilitator accounts, audit log and chatbot log are left out): use `pg_dump` for a full
copy; this archive is the portable, application-level one.

`flask restore FILE` only writes into an empty instance (no row in any table).
"""

import io
import json
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, inspect, select

from app.extensions import db

FORMAT = "parlons-ia/backup"
VERSION = 1
DATABASE_MEMBER = "database.sqlite3"
SECRET_MEMBER = "secret_key"
MANIFEST_MEMBER = "manifest.json"
CONSULTATIONS_DIR = "consultations/"
PG_DUMP_NOTE = ("PostgreSQL: this archive holds every consultation as JSON, not facilitator "
                "accounts, audit log or chatbot log. For a complete copy use "
                "`pg_dump --format=custom \"$DATABASE_URL\" > parlons-ia.dump`.")


def row_counts() -> dict[str, int]:
    """Rows in every table the application knows."""
    counts = {}
    for table in db.metadata.sorted_tables:
        if inspect(db.engine).has_table(table.name):
            counts[table.name] = db.session.execute(
                select(func.count()).select_from(table)).scalar_one()
    return counts


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _sqlite_copy(target: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while workers are writing."""
    source = sqlite3.connect(db.engine.url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _consultation_documents() -> dict[str, dict]:
    from consultations.models import Consultation
    from consultations.workspace.document import build_document
    consultations = db.session.execute(db.select(Consultation).order_by(Consultation.id)).scalars()
    return {item.slug: build_document(item, include_profile=True) for item in consultations}


def write_backup(output: Path) -> dict:
    """Write the archive; returns its manifest."""
    dialect = db.engine.dialect.name
    manifest = {"format": FORMAT, "version": VERSION, "database": dialect,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "tables": row_counts()}
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, tarfile.open(output, "w:gz") as archive:
        if dialect == "sqlite":
            copy = Path(work) / DATABASE_MEMBER
            _sqlite_copy(copy)
            archive.add(copy, DATABASE_MEMBER)
        else:
            manifest["note"] = PG_DUMP_NOTE
            documents = _consultation_documents()
            manifest["consultations"] = sorted(documents)
            for slug, document in documents.items():
                _add_bytes(archive, f"{CONSULTATIONS_DIR}{slug}.json",
                           json.dumps(document, ensure_ascii=False).encode())
        _add_bytes(archive, SECRET_MEMBER, current_app.config["SECRET_KEY"].encode())
        _add_bytes(archive, MANIFEST_MEMBER, json.dumps(manifest, indent=1).encode())
    output.chmod(0o600)  # the archive holds the secret key and every contribution
    return manifest


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    if member is None:
        raise click.ClickException(f"{name} missing from the archive")
    return member.read()


def _sqlite_restore(archive: tarfile.TarFile) -> None:
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / DATABASE_MEMBER
        copy.write_bytes(_read(archive, DATABASE_MEMBER))
        db.session.remove()
        db.engine.dispose()
        source = sqlite3.connect(copy)
        target = sqlite3.connect(db.engine.url.database)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()


def _documents_restore(archive: tarfile.TarFile, slugs: list[str]) -> None:
    from consultations.workspace.transfer import import_document
    db.create_all()
    for slug in slugs:
        import_document(json.loads(_read(archive, f"{CONSULTATIONS_DIR}{slug}.json")))
    db.session.commit()


def _restore_secret(secret: str) -> None:
    key_file = Path(current_app.instance_path) / "secret_key"
    key_file.write_text(secret)
    key_file.chmod(0o600)
    current_app.config["SECRET_KEY"] = secret


def restore_backup(path: Path) -> dict:
    """Restore into this (empty) instance; returns the archive's manifest."""
    if any(row_counts().values()):
        raise click.ClickException("this instance already holds data: restore only into an "
                                   "empty instance (a new INSTANCE_PATH or an empty database)")
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.loads(_read(archive, MANIFEST_MEMBER))
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise click.ClickException("not a Parlons IA backup (or a newer version)")
        dialect = db.engine.dialect.name
        if manifest["database"] == "sqlite":
            if dialect != "sqlite":
                raise click.ClickException("a SQLite backup restores into a SQLite instance")
            _sqlite_restore(archive)
        else:
            _documents_restore(archive, manifest.get("consultations", []))
        _restore_secret(_read(archive, SECRET_MEMBER).decode())
    return manifest


def register_backup_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="Archive to write (default: instance/backups/parlons-ia-<UTC time>.tar.gz).")
    def backup_command(output: Path | None):
        """Write a consistent copy of the whole instance (database, secret key, manifest)."""
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            output = Path(app.instance_path) / "backups" / f"parlons-ia-{stamp}.tar.gz"
        manifest = write_backup(output)
        click.echo(f"Backup written to {output} ({sum(manifest['tables'].values())} rows).")
        if manifest.get("note"):
            click.echo(manifest["note"])

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(file: Path):
        """Restore a `flask backup` archive into an empty instance."""
        manifest = restore_backup(file)
        click.echo(f"Restored the backup of {manifest['created_at']}.")
        if manifest["database"] == "sqlite":
            click.echo("Run `flask db upgrade` if this version of the site is newer.")
