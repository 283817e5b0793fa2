"""The chat page, its htmx fragment and its JSON API, from a citizen's point of view."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from chatbot.web import ChatQuestion, purge_old_questions

IN_SCOPE_FR = "Quels sont les trois projets pilotes d'IA au gouvernement du Québec ?"
OUT_OF_SCOPE_FR = "Quelle météo fera-t-il à Québec demain ?"


def logged(app):
    with app.app_context():
        return db.session.scalars(db.select(ChatQuestion).order_by(ChatQuestion.id)).all()


def test_chat_page_works_without_javascript(client):
    page = client.get("/chat").get_data(as_text=True)
    assert 'role="log"' in page
    assert 'method="post" action="/chat"' in page
    response = client.post("/chat", data={"question": IN_SCOPE_FR})
    assert response.status_code == 303
    assert re.match(r"/chat#reponse-\d+$", response.headers["Location"])
    page = client.get("/chat").get_data(as_text=True)
    assert IN_SCOPE_FR.replace("'", "&#39;") in page
    assert "Réponse automatique — vérifiez la source" in page
    assert 'href="/chat/sources/' in page


def test_htmx_request_gets_only_the_new_exchange(client):
    response = client.post("/chat", data={"question": IN_SCOPE_FR}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<li class="exchange"')
    assert "<html" not in fragment
    assert "data-focus-on-arrival" in fragment


def test_english_page_answers_in_english(client):
    client.get("/langue/en")
    client.post("/chat", data={"question": "What are the Belgian initiatives on AI in government?"})
    page = client.get("/chat").get_data(as_text=True)
    assert "Automatic answer — check the source" in page


def test_out_of_scope_question_is_declined_kindly_with_suggestions(client):
    response = client.post("/api/chat", json={"question": OUT_OF_SCOPE_FR, "lang": "fr"})
    data = response.get_json()
    assert response.status_code == 200
    assert data["answered"] is False
    assert data["sources"] == []
    assert len(data["suggestions"]) >= 1
    assert "animent la consultation" in data["text"]


def test_json_api_shape(client):
    response = client.post("/api/chat", json={"question": IN_SCOPE_FR, "lang": "fr"})
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"answered", "text", "sources", "card_id", "suggestions"}
    assert data["answered"] is True
    assert data["sources"]
    assert set(data["sources"][0]) == {"doc_id", "title", "excerpt", "url"}


@pytest.mark.parametrize("payload", [None, [], {"question": 3}, {"lang": "fr"}, "text"])
def test_json_api_rejects_bad_payloads_with_400(client, payload):
    response = client.post("/api/chat", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_json_api_refuses_long_questions_with_413(client):
    response = client.post("/api/chat", json={"question": "IA " * 120, "lang": "fr"})
    assert response.status_code == 413
    assert response.get_json()["answered"] is False


def test_personal_data_question_is_refused_and_never_stored(app, client):
    question = "Mon courriel est marie.tremblay@exemple.ca, l'IA lit-elle mes dossiers ?"
    response = client.post("/chat", data={"question": question})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "renseignements personnels" in body
    assert "marie.tremblay" not in body, "the form is not refilled with the personal data"
    assert all(entry.text is None for entry in logged(app))
    assert "marie.tremblay" not in str([vars(e) for e in logged(app)])


def test_too_long_question_keeps_the_text_and_explains(client):
    question = "a" * 301
    response = client.post("/chat", data={"question": question})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "300 caractères" in body
    assert question in body
    assert 'aria-invalid="true"' in body


def test_feedback_is_recorded_without_javascript(app, client):
    client.post("/chat", data={"question": IN_SCOPE_FR})
    entry = logged(app)[-1]
    response = client.post("/chat/avis", data={"log_id": entry.id, "useful": "no",
                                               "reason": ["wrong", "not-a-reason"]})
    assert response.status_code == 303
    entry = logged(app)[-1]
    assert entry.useful is False
    assert entry.feedback_reasons == "wrong"
    assert "Merci pour votre avis" in client.get("/chat").get_data(as_text=True)


def test_feedback_on_someone_elses_question_is_refused(app, client):
    client.post("/chat", data={"question": IN_SCOPE_FR})
    other = app.test_client()
    response = other.post("/chat/avis", data={"log_id": logged(app)[-1].id, "useful": "yes"})
    assert response.status_code == 400
    assert logged(app)[-1].useful is None


def test_log_keeps_no_participant_or_network_data(app, client):
    client.post("/chat", data={"question": IN_SCOPE_FR},
                environ_base={"REMOTE_ADDR": "203.0.113.7"})
    columns = set(ChatQuestion.__table__.columns.keys())
    assert columns.isdisjoint({"ip", "ip_address", "participant_id", "user_agent"})
    assert "203.0.113.7" not in str([vars(e) for e in logged(app)])


def test_question_prefilled_from_link(client):
    page = client.get("/chat?q=Qu%27est-ce+que+l%27IA+%3F").get_data(as_text=True)
    assert "Qu&#39;est-ce que l&#39;IA ?</textarea>" in page


def test_every_corpus_document_has_a_readable_page(client):
    listing = client.get("/chat/sources").get_data(as_text=True)
    links = re.findall(r'href="(/chat/sources/[^"#]+)"', listing)
    assert len(links) >= 5
    for link in links:
        page = client.get(link)
        assert page.status_code == 200
        assert "cité tel quel" in page.get_data(as_text=True)
    assert client.get("/chat/sources/inconnu").status_code == 404


def test_source_links_point_to_a_passage_on_the_document_page(client):
    data = client.post("/api/chat", json={"question": IN_SCOPE_FR, "lang": "fr"}).get_json()
    path, anchor = data["sources"][0]["url"].split("#")
    assert f'id="{anchor}"' in client.get(path).get_data(as_text=True)


def test_long_documents_are_split_into_parts_that_hold_every_passage(client):
    from chatbot.web import get_chatbot
    with client.application.app_context():
        bot = get_chatbot()
    long_docs = [doc for doc in bot.documents if doc.page_count > 1]
    assert long_docs, "the colloquium synthesis is long enough to be split"
    for doc in long_docs:
        first = client.get(f"/chat/sources/{doc.id}").get_data(as_text=True)
        assert "Parties du document" in first
        for passage in doc.passages:
            path, anchor = passage.url.split("#")
            assert f'id="{anchor}"' in client.get(path).get_data(as_text=True), passage.url
        assert client.get(f"/chat/sources/{doc.id}?partie={doc.page_count + 1}").status_code \
            == 404


def test_purge_removes_only_questions_past_retention(app):
    with app.app_context():
        db.session.add_all([
            ChatQuestion(lang="fr", text="vieille", answered=True,
                         asked_at=datetime.now(UTC) - timedelta(days=100)),
            ChatQuestion(lang="fr", text="récente", answered=True),
        ])
        db.session.commit()
        assert purge_old_questions(90) == 1
        assert [q.text for q in db.session.scalars(db.select(ChatQuestion))] == ["récente"]


def test_ai_page_shows_the_model_card(client):
    page = client.get("/ia-sur-ce-site").get_data(as_text=True)
    assert "Fiche du modèle" in page
    assert "Universal Sentence Encoder" in page
