"""Past one machine: app servers that share nothing but the database and the chatbot index.

Two create_app instances stand for two servers behind a proxy: same database, same SECRET_KEY,
separate instance folders. A participant may land on either; the chatbot index built once is
read by every server without encoding the corpus again.
"""

from pathlib import Path

import pytest
from consultations_factory import make_consultation

import chatbot.web.bots
from app import create_app
from app.extensions import db
from chatbot.index import Index

SHARED = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RATELIMIT_ENABLED",
          "WTF_CSRF_ENABLED", "CHATBOT_CACHE_DIR")


@pytest.fixture
def make_server(app, tmp_path):
    """Another app server on the same database (and the same key unless told otherwise)."""
    made = []

    def make(name: str, **overrides):
        config = {key: app.config[key] for key in SHARED}
        config.update(INSTANCE_PATH=str(tmp_path / name), **overrides)
        server = create_app(config)
        made.append(server)
        return server

    yield make
    for server in made:
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_participant_cookie_from_server_a_works_on_server_b(app, client, make_server):
    with app.app_context():
        make_consultation()
    response = client.post("/consultations/essai/imaginer",
                           data={"text": "le guichet garde une vraie personne", "consent": "yes"})
    assert response.status_code == 303
    cookie = client.get_cookie("session")
    assert cookie is not None

    server_b = make_server("server-b")
    assert Path(server_b.instance_path) != Path(app.instance_path)
    on_b = server_b.test_client()
    on_b.set_cookie("session", cookie.value)
    page = on_b.get("/mes-contributions").get_data(as_text=True)
    assert "le guichet garde une vraie personne" in page

    stranger = server_b.test_client().get("/mes-contributions").get_data(as_text=True)
    assert "le guichet garde une vraie personne" not in stranger

    # The key is what makes the cookie portable: a server with another key sees a stranger.
    other_key = make_server("server-c", SECRET_KEY="another-key").test_client()
    other_key.set_cookie("session", cookie.value)
    page = other_key.get("/mes-contributions").get_data(as_text=True)
    assert "le guichet garde une vraie personne" not in page


def _files(folder: Path) -> dict:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_the_chatbot_index_built_by_a_is_loaded_by_b_without_encoding(app, make_server,
                                                                      monkeypatch):
    cache = Path(app.config["CHATBOT_CACHE_DIR"])
    monkeypatch.setattr(chatbot.web.bots, "_bots", {})  # server A: a process of its own
    with app.app_context():
        chatbot.web.bots.get_chatbot()  # builds the shared index if this is the first use
    before = _files(cache)
    assert before

    def no_build(*args, **kwargs):
        raise AssertionError("server B encoded the corpus again")

    monkeypatch.setattr(Index, "build", classmethod(no_build))
    monkeypatch.setattr(chatbot.web.bots, "_bots", {})  # server B: another process
    server_b = make_server("server-b", CHATBOT_PRELOAD=True)  # loads at start-up
    assert len(chatbot.web.bots._bots) == 1
    response = server_b.test_client().post(
        "/api/chat", json={"question": "Qu'est-ce que l'intelligence artificielle ?"})
    assert response.status_code == 200
    assert _files(cache) == before  # nothing written: read-only use of the shared index


def test_behind_the_proxy_each_participant_keeps_their_own_rate_limit(make_server):
    """nginx passes the visitor's address in X-Forwarded-For; with TRUSTED_PROXIES=1 the limits
    count per visitor, not once for everyone behind the proxy's 127.0.0.1."""
    server = make_server("behind-proxy", RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    with server.app_context():
        db.create_all()
    client = server.test_client()

    def login_from(address: str) -> int:
        return client.post("/animation/connexion", data={"email": "x@example.org",
                                                         "password": "wrong"},
                           headers={"X-Forwarded-For": address}).status_code

    statuses = [login_from("203.0.113.7") for _ in range(6)]
    assert statuses[-1] == 429 and 429 not in statuses[:5]
    assert login_from("198.51.100.2") != 429
