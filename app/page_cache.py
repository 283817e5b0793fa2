"""Public pages kept per worker process, so that a page many people read is not rendered again
for each of them.

A view marked `@kept` has its HTML kept under everything that can change it: the address, the
language, the htmx header, the visitor's session and cookies, what `vary_on` functions return
(the participant's row, so a person's own ideas and supports are theirs alone), a time window
of PAGE_CACHE_SECONDS (phases that open or close by the clock) and the **generation**: one row
in the database that every commit writing to a table pages may show adds one to. Every worker
reads it before answering, so a new idea or a moderation decision is seen at once by all
workers, and on every page.

What a page sets in the session while rendering (the CSRF token, the participant key) is not
part of the key: a kept page replays it for the visitor with `set_while_rendering`. Values that
must differ for each visitor (the CSRF token, a form's one-time token) are marked with
`fresh_per_visitor`, and a kept page is given new ones each time it is served.

A page is not kept when the request wrote to the database, showed a message (flash), set a
cookie, changed the session in any other way, or answered anything but 200.
"""

import time
from collections.abc import Callable

from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from sqlalchemy import DDL, Column, Integer, Table, event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.recent import RecentlyUsed

MAX_PAGES = 512
KEPT_VIEWS: set = set()  # the view functions marked @kept
_VARY_ON: list[Callable] = []
_SET_WHILE_RENDERING: dict[str, Callable] = {"csrf_token": generate_csrf}
# Tables no page shows: writing to them does not make a new generation.
_UNSEEN = {"page_generation"}

generation = Table("page_generation", db.metadata,
                   Column("id", Integer, primary_key=True, autoincrement=False),
                   Column("value", Integer, nullable=False))
# A database made with create_all (tests, `flask db` is not run) has its row too.
event.listen(generation, "after_create",
             DDL("INSERT INTO page_generation (id, value) VALUES (1, 0)"))


def kept(view):
    """Mark a public GET view whose HTML may be kept (see the module's docstring)."""
    KEPT_VIEWS.add(view)
    return view


def vary_on(function: Callable) -> None:
    """One more thing, read per request, that a kept page depends on."""
    if function not in _VARY_ON:
        _VARY_ON.append(function)


def set_while_rendering(name: str, replay: Callable) -> None:
    """A session value pages set while rendering, and how a kept page sets it again."""
    _SET_WHILE_RENDERING[name] = replay


def fresh_per_visitor(value: str, make: Callable[[], str]) -> str:
    """A value this page shows that each visitor must get anew (made by `make`) when it is
    served kept. Returns the value."""
    if has_app_context():
        g.setdefault("fresh_values", []).append((value, make))
    return value


def _mark(index: int) -> bytes:
    return f"\x00{index}\x00".encode()


def unseen(*tables: str) -> None:
    """Tables no page shows (a question log, the job queue): their writes keep every page."""
    _UNSEEN.update(tables)


def init_app(app: Flask) -> None:
    pages = app.extensions["parlons_ia.kept_pages"] = RecentlyUsed(MAX_PAGES)

    @app.before_request
    def _serve_kept_page():
        g.page_key = None
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        view = current_app.view_functions.get(request.endpoint)
        if (seconds <= 0 or request.method != "GET" or _unwrapped(view) not in KEPT_VIEWS
                or "_flashes" in session):
            return None
        db.session.info.pop("wrote", None)  # a session may outlive one request (tests)
        g.page_session = _session_items()
        g.page_key = _key(seconds, g.page_session)
        page = pages.get(g.page_key)
        if page is None:
            return None
        g.page_key = None  # served, not stored again
        for replay in _SET_WHILE_RENDERING.values():
            replay()
        body, mimetype, makers = page
        for index, make in enumerate(makers):
            body = body.replace(_mark(index), make().encode())
        return current_app.response_class(body, mimetype=mimetype)

    @app.after_request
    def _keep_page(response):
        key = g.get("page_key")
        if (key is not None and response.status_code == 200 and not response.direct_passthrough
                and "Set-Cookie" not in response.headers and not db.session.info.get("wrote")
                and _session_items() == g.page_session):
            body, makers = response.get_data(), []
            if g.get("csrf_token"):
                fresh_per_visitor(g.csrf_token, generate_csrf)
            for value, make in g.get("fresh_values", ()):
                if value.encode() in body:
                    body = body.replace(value.encode(), _mark(len(makers)))
                    makers.append(make)
            pages.keep(key, (body, response.mimetype, makers))
        return response


def _unwrapped(view):
    """The view under the wrappers the factory adds (see retry_lost_races)."""
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _session_items() -> tuple:
    return tuple(sorted((name, repr(value)) for name, value in session.items()
                        if name not in _SET_WHILE_RENDERING))


def _key(seconds: int, session_items: tuple) -> tuple:
    cookie = current_app.config["SESSION_COOKIE_NAME"]
    return (request.url, str(get_locale()), request.headers.get("HX-Request"), session_items,
            tuple(sorted((k, v) for k, v in request.cookies.items() if k != cookie)),
            tuple(function() for function in _VARY_ON),
            db.session.execute(_READ_GENERATION).scalar_one(),
            int(time.time() // seconds))


_READ_GENERATION = select(generation.c.value).where(generation.c.id == 1)
_NEXT_GENERATION = (update(generation).where(generation.c.id == 1)
                    .values(value=generation.c.value + 1))


def _seen(table_name: str | None) -> bool:
    return table_name is not None and table_name not in _UNSEEN


def _table_of(thing) -> str | None:
    table = getattr(thing, "__table__", None)
    return getattr(table, "name", None)


def _note_write(session: Session) -> None:
    session.info["changed"] = session.info["wrote"] = True


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    rows = (*session.new, *session.dirty, *session.deleted)
    if any(_seen(_table_of(row)) for row in rows):
        _note_write(session)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state):
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if _seen(getattr(table, "name", None)):
            _note_write(state.session)


@event.listens_for(Session, "before_commit")
def _next_generation(session):
    session.flush()  # what is still pending counts too
    if session.info.pop("changed", None):
        session.execute(_NEXT_GENERATION)


@event.listens_for(Session, "after_transaction_end")
def _nothing_changed(session, transaction):
    if transaction.parent is None:  # a whole transaction rolled back (a savepoint is not)
        session.info.pop("changed", None)

