"""One defence for every JSON body (app/json_body.py): what an attacker sends gets a 400 or
413 with a plain message, never a 500 (issue 16, finding 6)."""

import json

import pytest

from app.extensions import db
from chatbot.web.question_log import ChatQuestion


@pytest.mark.parametrize("body, status, words", [
    ("[" * 100_000, 400, "imbriqué"),  # was a 500: RecursionError
    ("{\"a\":" * 20_000 + "1" + "}" * 20_000, 400, "imbriqué"),
    ("[" * 40 + "]" * 40, 400, "imbriqué"),  # parses, but deeper than allowed
    ('{"question":"\\ud800"}', 400, "surrogate"),  # was a 500: UnicodeEncodeError on storing
    ('{"question":"ok \\udfff"}', 400, "surrogate"),
    ('{"question":"IA ?", "\\ud83d": 1}', 400, "surrogate"),
    ('{"question": "IA ?", "lang": ' + "9" * 5000 + "}", 400, "nombre"),
    ('{"question": "IA ?", "simple": 1e400}', 400, "nombre"),
    ('{"question": "IA ?", "simple": NaN}', 400, "JSON"),
    ('{"question": "a", "question": "b"}', 400, "deux fois"),
    ('{"question": 5}', 400, "texte"),
    ('{"question": "IA ?", "simple": "yes"}', 400, "vrai ou faux"),
    ('{"lang": "fr"}', 400, "manque"),
    ('["question"]', 400, "objet"),
    ('{"question": "IA', 400, "valide"),
    (b'{"question": "\xff"}', 400, "UTF-8"),
    (json.dumps({"question": "x" * 300_000}), 413, "trop long"),  # MAX_CONTENT_LENGTH
])
def test_hostile_json_bodies_get_a_clear_4xx(app, client, body, status, words):
    response = client.post("/api/chat", data=body, content_type="application/json")
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    payload = response.get_json()
    assert payload["error"] and words in payload["message"], payload
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ChatQuestion.id))).scalar() == 0


def test_a_body_that_is_not_json_is_refused_plainly(client):
    response = client.post("/api/chat", data="question=IA", content_type="text/plain")
    assert response.status_code == 400
    assert "application/json" in response.get_json()["message"]


def test_a_valid_question_still_gets_its_answer(client):
    response = client.post("/api/chat", json={"question": "Qui décide ?", "lang": "fr",
                                              "simple": False})
    assert response.status_code == 200
    assert isinstance(response.get_json()["text"], str)


@pytest.mark.parametrize("field", ["question", "consultation", "lang"])
def test_a_nul_character_in_a_json_text_is_dropped_not_a_500(client, field):
    # PostgreSQL refuses NUL even in a lookup: a consultation "a\x00b" was a DataError (500),
    # found by the API contract test's generated bodies.
    body = {"question": "Qu'est-ce que l'IA ?", "consultation": "essai", field: "a\x00b"}
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200
    assert "\\u0000" not in response.get_data(as_text=True)


def test_request_get_json_is_defended_wherever_it_is_called(app):
    with app.test_request_context("/x", method="POST", data="[" * 100_000,
                                  content_type="application/json"):
        from flask import request
        assert request.get_json(silent=True) is None  # a BadJSON, silenced: not a crash


def test_parse_json_for_uploaded_files():
    from app.json_body import BadJSON, parse_json
    assert parse_json(b'{"a": [1, 2.5, "\\u00e9"]}') == {"a": [1, 2.5, "é"]}
    with pytest.raises(BadJSON) as problem:
        parse_json(b"[" * 100_000, max_bytes=1_000_000)
    assert problem.value.status == 400
    with pytest.raises(BadJSON) as problem:
        parse_json(b"[1]" + b" " * 100, max_bytes=100)
    assert problem.value.status == 413
