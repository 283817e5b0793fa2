"""Database engine tuning that SQLAlchemy does not do by itself."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

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
        cursor.close()


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in URLs: an id the database can hold (32-bit), else a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(values, name: str, default=None):
    """An integer query or form value the database can compare with, else `default`."""
    number = values.get(name, type=int)
    return number if number is not None and -MAX_ID <= number <= MAX_ID else default
