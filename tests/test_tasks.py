"""Background jobs on the task queue: a real `flask tasks worker` process on a SQLite queue,
killed mid-rebuild; a new worker picks the job up again, keeps what was encoded, and finishes."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.tasks import Job, reclaim_stale_jobs, utcnow
from knowledge.index import schedule_rebuild
from knowledge.models import KnowledgeState

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus"


def test_a_stale_running_job_is_queued_again(app):
    """A running job whose heartbeat stopped is queued again (here Huey's immediate mode runs
    it at once), and given up after MAX_ATTEMPTS."""
    from knowledge.cli import import_corpus
    from tests.test_knowledge import small_corpus

    with app.app_context():
        import_corpus(small_corpus(Path(app.instance_path) / "seed"))
        job = Job(name="knowledge.index.rebuild_index", subject="knowledge-base", args=[],
                  status="running", attempts=1, heartbeat_at=utcnow() - timedelta(minutes=5))
        fresh = Job(name="knowledge.index.rebuild_index", subject="x", args=[],
                    status="running", attempts=1, heartbeat_at=utcnow())
        tired = Job(name="knowledge.index.rebuild_index", subject="y", args=[],
                    status="running", attempts=3, heartbeat_at=utcnow() - timedelta(minutes=5))
        db.session.add_all([job, fresh, tired])
        db.session.commit()
        assert reclaim_stale_jobs(60) == [job.id]
        db.session.expire_all()
        assert (job.status, job.attempts) == ("done", 2)
        assert fresh.status == "running"
        assert (tired.status, tired.message) == ("failed", "worker_lost")
        assert db.session.get(KnowledgeState, 1).index_key


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "tasks", "worker"], cwd=ROOT,
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait(predicate, seconds: float, what: str, every: float = 0.3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


def test_a_job_killed_with_its_worker_is_finished_by_a_new_worker(tmp_path):
    from knowledge.cli import import_corpus

    instance, cache = tmp_path / "instance", tmp_path / "cache"
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
                "INSTANCE_PATH": str(instance), "CHATBOT_CACHE_DIR": str(cache),
                "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
                "SECRET_KEY": "test", "TASK_STALE_SECONDS": 4}
    app = create_app(settings)
    seed = tmp_path / "seed"  # one long seed document: ~1,600 texts to encode, > SHARD_ROWS
    (seed / "documents").mkdir(parents=True)
    (seed / "documents" / "obvia.md").write_text(
        (SEED / "documents" / "obvia-colloque-2025.md").read_text(encoding="utf-8"))
    with app.app_context():
        db.create_all()
        import_corpus(seed)
        job_id = schedule_rebuild().id
    env = {**os.environ, "FLASK_APP": "app:create_app", "INSTANCE_PATH": str(instance),
           "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"], "CHATBOT_CACHE_DIR": str(cache),
           "TASK_QUEUE_URL": settings["TASK_QUEUE_URL"], "SECRET_KEY": "test",
           "TASK_STALE_SECONDS": "4"}
    log = tmp_path / "worker.log"
    shards = cache / "kb" / "vectors"

    def job():
        with app.app_context():
            found = db.session.get(Job, job_id)
            db.session.remove()
            return found

    first = _worker(env, log)
    try:
        # Mid-rebuild: running, with some vectors already saved, far from done. The files
        # are looked at first and often: on a busy machine a slower look saw the job at 90 %.
        _wait(lambda: any(not p.name.startswith(".") for p in shards.rglob("*.npz"))
              and job().status == "running", 240, "the first worker to save some vectors",
              every=0.05)
        assert job().progress < 90
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert job().status == "running"  # nobody told the database: the worker just vanished

    second = _worker(env, log)
    try:
        done = _wait(lambda: (found := job()).status in ("done", "failed") and found, 240,
                     "the second worker to finish the job")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    assert done.status == "done", log.read_text()[-2000:]
    assert done.attempts == 2
    reused = int(done.message.split("reused=")[1])
    assert reused > 0  # the vectors the first worker saved were not encoded again
    with app.app_context():
        key = db.session.get(KnowledgeState, 1).index_key
        assert key and (cache / "kb" / key / "corpus.json").is_file()
        db.engine.dispose()
