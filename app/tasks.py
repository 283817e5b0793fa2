"""Background work on one task queue (Huey): index rebuilds, theme suggestions, e-mail, audio.

A feature writes a plain function and registers it with `@background`; `enqueue(fn, *args)`
records a `Job` row (status, progress, heartbeat: the progress lives with the job) and puts the
job's id on the queue. `flask tasks worker` runs the jobs (`make run` starts one next to the site).

Storage comes from TASK_QUEUE_URL: a SQLite file in the instance folder by default (one server),
`redis://…` or `postgresql://…` for several servers, `immediate` to run each job as it is
queued (Huey's own immediate mode, which the tests use). Huey removes a job from its queue when
a worker takes it, so a worker killed mid-job would lose it: a running job beats (heartbeat_at)
and every worker queues again the jobs whose beat stopped for TASK_STALE_SECONDS, at most
MAX_ATTEMPTS times in all.

E-mail, easy-read audio or any other slow work: write the plain function `f(job, *args)`, mark
it `@background`, call `enqueue(f, *args)`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from app import page_cache
from app.errors import where_it_failed
from app.extensions import db

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "done", "failed")
MAX_ATTEMPTS = 3
_FUNCTIONS: dict[str, Callable] = {}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Job(db.Model):
    """One piece of background work and how far it got."""

    __tablename__ = "background_job"
    __table_args__ = (sa.CheckConstraint(f"status IN {STATUSES}", name="status_allowed"),)

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(80), nullable=False)  # the registered function
    # What the job is about, for pages that show "the latest job for X" ("phase:12").
    subject = sa.Column(sa.String(80), nullable=False, default="", index=True)
    args = sa.Column(sa.JSON, nullable=False, default=list)
    status = sa.Column(sa.String(10), nullable=False, default="queued")
    progress = sa.Column(sa.Integer, nullable=False, default=0)  # percent
    total = sa.Column(sa.Integer, nullable=False, default=0)  # items to process, when known
    message = sa.Column(sa.String(300))  # a reason code for the page, never personal data
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=utcnow)
    heartbeat_at = sa.Column(sa.DateTime(timezone=True))
    finished_at = sa.Column(sa.DateTime(timezone=True))

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def report(self, progress: int | None = None, total: int | None = None,
               message: str | None = None) -> None:
        """Save progress (and so the heartbeat); a task calls it as it goes."""
        if progress is not None:
            self.progress = max(0, min(100, int(progress)))
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message[:300]
        self.heartbeat_at = utcnow()
        db.session.commit()


def background(fn: Callable) -> Callable:
    """Register `fn(job, *args)` as a background task; it stays a plain function."""
    _FUNCTIONS[task_name(fn)] = fn
    return fn


def task_name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def enqueue(fn: Callable, *args, subject: str = "") -> Job:
    """Record a job for `fn(job, *args)` (JSON-serialisable args) and queue it."""
    name = task_name(fn)
    if name not in _FUNCTIONS:
        raise LookupError(f"{name} is not registered with @background")
    job = Job(name=name, subject=subject, args=list(args))
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    current_app.extensions["huey"].send(job_id)
    db.session.expire(job)  # in immediate mode the job ran already, in its own session
    return db.session.get(Job, job_id)


def latest_job(fn: Callable, subject: str) -> Job | None:
    return db.session.execute(
        sa.select(Job).filter_by(name=task_name(fn), subject=subject)
        .order_by(Job.id.desc()).limit(1)).scalar_one_or_none()


def run_job(job_id: int) -> None:
    """Run one job inside the current app context; record success or failure."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in ("done", "failed"):
        return  # a reclaimed job finished by its first worker after all
    if job.status == "running" and not is_stale(job, current_app.config["TASK_STALE_SECONDS"]):
        return  # delivered twice while its worker is alive and beating
    fn = _FUNCTIONS.get(job.name)
    job.status, job.attempts = "running", job.attempts + 1
    job.report()
    stop = _heartbeat(job_id)
    try:
        if fn is None:
            raise LookupError(job.name)
        fn(job, *job.args)
        job.status, job.progress = "done", 100
    except Exception as error:  # the page must say it failed rather than spin forever
        db.session.rollback()
        # the traceback without messages: they can quote what participants typed
        log.error("background job %s (%s) failed\n%s", job_id, job.name, where_it_failed(error))
        job = db.session.get(Job, job_id)
        job.status = "failed"
        job.message = job.message or "error"
    finally:
        stop.set()
    job.finished_at = utcnow()
    db.session.commit()


def _heartbeat(job_id: int) -> threading.Event:
    """Beat for the job while this worker lives, however long a step takes; a worker that dies
    stops beating, and reclaim_stale_jobs notices."""
    app = current_app._get_current_object()
    every = max(1, app.config["TASK_STALE_SECONDS"] // 4)
    stop = threading.Event()

    def beat():
        while not stop.wait(every):
            with app.app_context():
                try:
                    db.session.execute(sa.update(Job).where(Job.id == job_id)
                                       .values(heartbeat_at=utcnow()))
                    db.session.commit()
                except Exception:  # a busy database: the next beat will do
                    log.warning("could not record the heartbeat of job %s", job_id)
                finally:
                    db.session.remove()

    threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True).start()
    return stop


def is_stale(job: Job, stale_seconds: int) -> bool:
    beat = job.heartbeat_at or job.created_at
    if beat.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        beat = beat.replace(tzinfo=UTC)
    return beat < utcnow() - timedelta(seconds=stale_seconds)


def reclaim_stale_jobs(stale_seconds: int) -> list[int]:
    """Queue again the running jobs whose heartbeat stopped (their worker died); give up on a
    job after MAX_ATTEMPTS. Returns the ids queued again."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    stale = db.session.execute(sa.select(Job).where(
        Job.status == "running", Job.heartbeat_at < cutoff)).scalars().all()
    again = []
    for job in stale:
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.message, job.finished_at = "failed", "worker_lost", utcnow()
        else:
            job.status, job.heartbeat_at = "queued", utcnow()
            again.append(job.id)
    db.session.commit()
    for job_id in again:
        log.warning("background job %s lost its worker: queued again", job_id)
        current_app.extensions["huey"].send(job_id)
    return again


class Queue:
    """The app's Huey instance and its one task, `run`, which takes a job id."""

    def __init__(self, app: Flask):
        self.huey = make_huey(app.config["TASK_QUEUE_URL"], Path(app.instance_path))

        @self.huey.task(name="parlons_ia.run_job")
        def run(job_id: int) -> None:
            with app.app_context():
                try:
                    run_job(job_id)
                finally:
                    db.session.remove()

        self.run = run

    def send(self, job_id: int) -> None:
        self.run(job_id)


def make_huey(url: str, instance: Path):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if url == "immediate":
        return MemoryHuey("parlons-ia", immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("parlons-ia", url=url)
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        from huey import PostgresHuey
        return PostgresHuey("parlons-ia", dsn="postgresql://" + url.split("://", 1)[1])
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path = path if path.is_absolute() else instance / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("parlons-ia", filename=str(path))
    raise ValueError("TASK_QUEUE_URL must be sqlite:///…, redis://…, postgresql://… or "
                     f"immediate, not {url!r}")


def run_worker(app: Flask, workers: int = 1) -> None:
    """The consumer (blocking): Huey's worker threads plus a thread that reclaims lost jobs."""
    queue = app.extensions["huey"]
    stale = app.config["TASK_STALE_SECONDS"]
    stop = threading.Event()

    def reclaim_loop():
        while not stop.wait(min(30, max(1, stale // 2))):
            with app.app_context():
                try:
                    reclaim_stale_jobs(stale)
                except Exception:  # the database may be restarting: try again next round
                    log.exception("could not reclaim stale jobs")
                finally:
                    db.session.remove()

    with app.app_context():
        reclaim_stale_jobs(stale)
    threading.Thread(target=reclaim_loop, name="reclaim-jobs", daemon=True).start()
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread",
                                          periodic=False)
    try:
        consumer.run()
    finally:
        stop.set()


def init_app(app: Flask) -> None:
    import click

    app.extensions["huey"] = Queue(app)
    page_cache.unseen(Job.__tablename__)  # no page shows the queue

    @app.cli.group("tasks")
    def tasks_group():
        """Background jobs (index rebuilds, theme suggestions, e-mail, audio)."""

    @tasks_group.command("worker")
    @click.option("--workers", default=1, show_default=True, help="Jobs run at the same time.")
    def worker(workers: int):
        """Run queued jobs until stopped (Ctrl-C); `make run` starts one."""
        run_worker(app, workers)
