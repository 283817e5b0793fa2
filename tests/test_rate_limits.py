"""Floods get a plain 429 (page or JSON); limits can live in Redis so app servers share them."""

import os
import uuid

import pytest

from app import create_app
from app.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL")
REQUIRE_REDIS = os.environ.get("REQUIRE_REDIS") == "1"


def limited_app(tmp_path, chatbot_cache_dir, **extra):
    application = create_app({
        "TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rl.sqlite3'}",
        "RATELIMIT_ENABLED": True, "CHATBOT_CACHE_DIR": chatbot_cache_dir, **extra,
    })
    with application.app_context():
        db.create_all()
    return application


def flood(client, times: int):
    return [client.post("/api/chat", json={"question": "IA ?", "lang": "fr"}).status_code
            for _ in range(times)]


def test_chat_flood_gets_json_429(tmp_path, chatbot_cache_dir):
    client = limited_app(tmp_path, chatbot_cache_dir).test_client()
    codes = flood(client, 22)
    assert codes[:20] == [200] * 20
    assert codes[-1] == 429
    response = client.post("/api/chat", json={"question": "IA ?"})
    assert response.get_json()["status"] == 429


def test_chat_page_flood_gets_plain_429_page(tmp_path, chatbot_cache_dir):
    client = limited_app(tmp_path, chatbot_cache_dir).test_client()
    for _ in range(20):
        client.post("/chat", data={"question": "Qu'est-ce que l'IA ?"})
    response = client.post("/chat", data={"question": "Qu'est-ce que l'IA ?"})
    assert response.status_code == 429
    assert "Trop de demandes" in response.get_data(as_text=True)


def test_limits_are_shared_through_redis(tmp_path, chatbot_cache_dir):
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail("TEST_REDIS_URL is required in this run")
        pytest.skip("set TEST_REDIS_URL=redis://127.0.0.1:6379/0 to test shared rate limits")
    prefix = f"test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    first = limited_app(tmp_path / "a", chatbot_cache_dir, **settings).test_client()
    second = limited_app(tmp_path / "b", chatbot_cache_dir, **settings).test_client()
    assert set(flood(first, 10)) == {200}
    assert set(flood(second, 10)) == {200}
    assert flood(second, 1) == [429], "the second server saw the first server's requests"


def test_participant_forms_are_rate_limited(tmp_path, chatbot_cache_dir):
    client = limited_app(tmp_path, chatbot_cache_dir).test_client()
    codes = [client.post("/consultations/inconnue/imaginer", data={"text": "x"}).status_code
             for _ in range(61)]
    assert 429 not in codes[:60]
    assert codes[-1] == 429


QUESTION = "Qui décide quand l'IA est utilisée ?"
TIGHT = {"CHATBOT_RATE_LIMIT": "2/minute", "CHATBOT_WORKSHOP_RATE_LIMIT": "5/minute"}


def ask(client, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/chat", data={"question": QUESTION}, headers=headers)


def test_chat_page_over_the_limit_keeps_the_question_and_says_why(tmp_path, chatbot_cache_dir):
    """Issue 12, item 8: without JavaScript, the chat page itself, not a bare error page."""
    client = limited_app(tmp_path, chatbot_cache_dir, **TIGHT).test_client()
    assert [ask(client).status_code for _ in range(2)] == [303, 303]
    response = ask(client)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Trop de demandes" in page and "Attendez une minute" in page
    assert f"{QUESTION.replace(chr(39), '&#39;')}</textarea>" in page
    assert "/chat/atelier" in page  # how a workshop gets more questions


def test_htmx_over_the_limit_gets_the_same_message_for_the_form(tmp_path, chatbot_cache_dir):
    """Issue 12, item 8: with JavaScript the question stayed in the box and nothing was said."""
    client = limited_app(tmp_path, chatbot_cache_dir, **TIGHT).test_client()
    assert [ask(client, htmx=True).status_code for _ in range(2)] == [200, 200]
    response = ask(client, htmx=True)
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#erreur-chat"
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert 'role="alert"' in fragment
    assert "Trop de demandes" in fragment and "Attendez une minute" in fragment


def workshop_code(client_app, day: str | None = None) -> str:
    from tests.workspace_factory import act_as, make_user
    with client_app.app_context():
        admin = make_user("admin")
    facilitator = client_app.test_client()
    act_as(facilitator, admin)
    page = facilitator.get("/animation/code-atelier",
                           query_string={"jour": day} if day else {}).get_data(as_text=True)
    import re
    return re.search(r"<strong>([A-Z2-7]{4}-[A-Z2-7]{4})</strong>", page).group(1)


def test_a_workshop_code_raises_the_limit_for_that_browser_only(tmp_path, chatbot_cache_dir):
    """A room on one Wi-Fi address: browsers with the facilitator's code share a higher limit;
    the others keep the ordinary one."""
    application = limited_app(tmp_path, chatbot_cache_dir, **TIGHT)
    code = workshop_code(application)
    in_the_room = application.test_client()
    assert "ABCD-EFGH" in in_the_room.get("/chat/atelier").get_data(as_text=True)
    shared_link = in_the_room.get("/chat/atelier", query_string={"code": code})
    assert f'value="{code}"' in shared_link.get_data(as_text=True)  # the link fills the code
    typed = code.lower().replace("-", " ")  # typed by hand
    response = in_the_room.post("/chat/atelier", data={"code": typed})
    assert response.status_code == 303
    assert "actif dans ce navigateur" in in_the_room.get("/chat/atelier").get_data(as_text=True)
    assert [ask(in_the_room).status_code for _ in range(6)] == [303] * 5 + [429]
    passer_by = application.test_client()
    assert [ask(passer_by).status_code for _ in range(3)] == [303, 303, 429]


def test_a_wrong_or_outdated_workshop_code_changes_nothing(tmp_path, chatbot_cache_dir):
    from datetime import timedelta

    from chatbot.web.workshop import SESSION_KEY, today
    application = limited_app(tmp_path, chatbot_cache_dir, **TIGHT)
    next_week = workshop_code(application, (today() + timedelta(days=7)).isoformat())
    client = application.test_client()
    for code in ("ABCD-EFGH", next_week, "ÉTÉ²-ÀBCD"):  # letters outside ASCII were a 500
        response = client.post("/chat/atelier", data={"code": code})
        assert response.status_code == 422
        assert "n’est pas valide aujourd’hui" in response.get_data(as_text=True)
    with client.session_transaction() as session:  # joined a workshop that is over
        session[SESSION_KEY] = (today() - timedelta(days=2)).isoformat()
    assert [ask(client).status_code for _ in range(3)] == [303, 303, 429]


def test_workshop_codes_cannot_be_guessed_quickly(tmp_path, chatbot_cache_dir):
    client = limited_app(tmp_path, chatbot_cache_dir).test_client()
    codes = [client.post("/chat/atelier", data={"code": f"AAAA-AA{n:02d}"}).status_code
             for n in range(11)]
    assert codes == [422] * 10 + [429]


def test_a_burst_at_a_window_s_end_and_the_next_start_is_still_limited(tmp_path,
                                                                       chatbot_cache_dir):
    """A fixed window starts at its first request and forgets everything 60 s later: requests
    at 59 s and at 61 s fell in two windows, so a flood got twice the limit through in two
    seconds. The site's strategy counts the last minute at every request."""
    import time as clock

    from limits import parse
    from limits.storage import MemoryStorage
    from limits.strategies import STRATEGIES

    application = limited_app(tmp_path, chatbot_cache_dir)
    strategy = STRATEGIES[application.config["RATELIMIT_STRATEGY"]](MemoryStorage())
    limit, now, real = parse("2/minute"), [1000.0], clock.time
    clock.time = lambda: now[0]
    try:
        passed = []
        for at in (0, 59, 61, 61):
            now[0] = 1000.0 + at
            passed.append(strategy.hit(limit, "visitor"))
    finally:
        clock.time = real
    assert passed == [True, True, True, False]
