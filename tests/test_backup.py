"""`flask backup` then `flask restore` into a fresh instance: the same rows, the same key."""

import json
import tarfile

import sqlalchemy as sa

from app import create_app
from app.backup import row_counts
from app.extensions import db
from tests.conftest import POSTGRES_URL  # noqa: F401  (documents where PostgreSQL comes from)
from tests.consultations_factory import make_consultation


def snapshot() -> dict:
    return {table.name: sorted(tuple(str(value) for value in row)
                               for row in db.session.execute(sa.select(table)))
            for table in db.metadata.sorted_tables}


def fresh_instance(tmp_path, name: str, cache_dir: str):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / name),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite3",
                       "CHATBOT_CACHE_DIR": cache_dir})


def test_backup_then_restore_gives_the_same_rows(tmp_path, chatbot_cache_dir, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    source = fresh_instance(tmp_path, "source", chatbot_cache_dir)
    with source.app_context():
        db.create_all()
        source.extensions["parlons_ia.load_demo"]()
        make_consultation()
        before = snapshot()
        assert sum(row_counts().values()) > 50
    archive = tmp_path / "backup.tar.gz"
    result = source.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"database.sqlite3", "secret_key", "manifest.json"} <= names
    assert manifest["tables"]["consultation"] == 4  # the three of the demo and one made here
    assert archive.stat().st_mode & 0o077 == 0

    target = fresh_instance(tmp_path, "target", chatbot_cache_dir)
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert snapshot() == before
    assert (tmp_path / "target" / "secret_key").read_text() == source.config["SECRET_KEY"]
    # A restore never writes over data.
    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "empty instance" in again.output


def test_postgresql_backup_holds_every_consultation_as_json(app, tmp_path):
    with app.app_context():
        make_consultation()
        archive = tmp_path / "pg.tar.gz"
        from app.backup import write_backup
        manifest = write_backup(archive)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    if manifest["database"] == "sqlite":
        assert "database.sqlite3" in names
    else:
        assert "consultations/essai.json" in names and "pg_dump" in manifest["note"]
