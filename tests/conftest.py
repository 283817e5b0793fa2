"""Shared fixtures: a fresh app and database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL is set; REQUIRE_POSTGRES=1 (set by .ci/run) turns a
missing server into a failure instead of a skip.
"""

import os

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


def _skip_or_fail(reason: str, required: bool):
    if required:
        pytest.fail(f"{reason} (required in this run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chatbot_cache_dir(request):
    """One chatbot index shared by the tests: building it is the slow part. The cache is keyed
    by corpus content and encoder, so a changed corpus is rebuilt, never served stale."""
    return str(request.config.cache.mkdir("chatbot-index"))


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
