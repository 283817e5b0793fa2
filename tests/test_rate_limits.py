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
