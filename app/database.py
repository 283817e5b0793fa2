"""Database engine tuning that SQLAlchemy does not do by itself, and the two answers to
concurrent writes: insert-unless-present, and one more run of a write that lost a race."""

from functools import wraps

from flask import request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import IntegerConverter

from app.extensions import db

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite refuses more than 2**63 - 1


def configure_sqlite(engine: Engine) -> None:
    """WAL journal and a busy timeout so concurrent workers wait instead of failing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left readable in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def scrub_deleted() -> None:
    """After deleting what a person gave: on SQLite, copy the write-ahead log into the database
    and empty it (TRUNCATE), so the deleted texts do not stay readable in the -wal file until
    SQLite's next automatic checkpoint. It waits (busy_timeout) for readers still using it.
    PostgreSQL: dead rows are removed by autovacuum (README, Known limits)."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in URLs: an id the database can hold (32-bit), else a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(values, name: str, default=None):
    """An integer query or form value the database can compare with, else `default`."""
    number = values.get(name, type=int)
    return number if number is not None and -MAX_ID <= number <= MAX_ID else default


def insert_unless_present(model, values: dict, unique: tuple[str, ...]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row another transaction is inserting at the same
    moment is waited for, then kept, instead of an IntegrityError."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    db.session.execute(dialect.insert(model).values(**values)
                       .on_conflict_do_nothing(index_elements=list(unique)))


def retry_lost_races(app) -> None:
    """Every write view runs once more when a unique constraint refused its commit: the same
    form sent twice at once (a double click, two tabs). The second run sees the row the other
    request stored and gives the normal answer (an update, "already sent") instead of a 500.
    Call after the blueprints are registered."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _retrying(view)


def _retrying(view):
    @wraps(view)
    def run(*args, **kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return view(*args, **kwargs)
        try:
            return view(*args, **kwargs)
        except IntegrityError:
            db.session.rollback()
            return view(*args, **kwargs)
    return run
