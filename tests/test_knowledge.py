"""The knowledge base in the workspace: upload real files, preview the passages with personal
data removed, publish, and the chatbot answers from them; answer cards with checked quotes;
the loop from unanswered questions; import/export of corpus/; the incremental index."""

import io
from pathlib import Path

import pytest

from app.extensions import db
from app.tasks import Job
from consultations.models import Consultation
from knowledge.extract import Unreadable, extract
from knowledge.models import KnowledgeCard, KnowledgeDocument, KnowledgeState
from tests import knowledge_files as files
from tests.consultations_factory import statements
from tests.workspace_factory import act_as, make_user


@pytest.fixture
def facilitator(app, client):
    with app.app_context():
        act_as(client, make_user("facilitator"))
    return client


def upload(client, data: bytes, filename: str, **fields):
    form = {"title": "", "publisher": "Ville de test", "date": "2026-11-30", "language": "fr",
            "source_url": "", **fields, "file": (io.BytesIO(data), filename)}
    return client.post("/animation/connaissances/documents/nouveau", data=form,
                       content_type="multipart/form-data")


def publish(client, location: str, keep=()):
    page = client.get(location).get_data(as_text=True)
    text = page.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
    import html
    return client.post(location, data={"text": html.unescape(text), "keep": list(keep),
                                       "action": "publish"})


def ask(client, question: str) -> dict:
    return client.post("/api/chat", json={"question": question, "lang": "fr"}).get_json()


@pytest.mark.parametrize(("data", "filename", "reason"), [
    (files.pdf_bytes(password="secret"), "protege.pdf", "encrypted"),
    (b"", "vide.pdf", "empty"),
    (files.zip_named_docx(), "archive.docx", "not_docx"),
    (files.scanned_pdf_bytes(), "scan.pdf", "no_text"),
    (b"\x00\x01binary", "notes.txt", "not_text"),
    (b"abc", "photo.png", "unknown_type"),
])
def test_files_that_cannot_be_read_get_a_reason(data, filename, reason):
    with pytest.raises(Unreadable) as caught:
        extract(data, filename)
    assert caught.value.reason == reason


def test_pdf_and_docx_give_headings_and_text():
    pdf = extract(files.pdf_bytes(pages=2), "registre.pdf")
    assert pdf.kind == "pdf" and pdf.pages == 2
    assert pdf.text.startswith("## Registre des algorithmes\n")
    assert "quarante-deux systèmes" in pdf.text
    docx = extract(files.docx_bytes(), "robots.docx")
    assert "## Prêt de robots conversationnels" in docx.text
    assert "### Nous joindre" in docx.text and docx.title == "Prêt de robots à la bibliothèque"


def test_bad_uploads_get_a_clear_message_not_a_500(app, facilitator):
    app.config["KB_MAX_UPLOAD_BYTES"] = 1024 * 1024
    cases = [(files.pdf_bytes(password="secret"), "protege.pdf", "mot de passe"),
             (b"", "vide.pdf", "vide (0 octet)"),
             (files.zip_named_docx(), "faux.docx", "pas un vrai document Word"),
             (files.large_bytes(2), "lourd.pdf", "trop lourd : 1 Mo au plus")]
    for data, filename, message in cases:
        response = upload(facilitator, data, filename, title="Essai")
        assert response.status_code in (413, 422), filename
        assert message in response.get_data(as_text=True), filename
    with app.app_context():
        assert db.session.execute(db.select(KnowledgeDocument)).first() is None


def test_upload_preview_publish_and_the_chatbot_answers(app, facilitator):
    response = upload(facilitator, files.pdf_bytes(), "registre.pdf")
    assert response.status_code == 303
    review = response.headers["Location"]
    page = facilitator.get(review).get_data(as_text=True)
    assert "Registre des algorithmes" in page  # the title read from the file's heading
    assert f"<mark>{files.EMAIL}</mark>" in page  # found and shown
    passages = page.split('id="passages"')[1].split("</ol>")[0]
    assert files.EMAIL not in passages and "<mark>[…]</mark>" in passages  # removed by default

    response = publish(facilitator, review)
    assert response.status_code == 303 and "/index/" in response.headers["Location"]
    job_page = facilitator.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in job_page
    with app.app_context():
        document = db.session.execute(db.select(KnowledgeDocument)).scalar_one()
        assert document.status == "published" and document.published_number == 1
        assert files.EMAIL not in document.published_version.body
        assert document.published_version.removed == 2
        assert db.session.get(KnowledgeState, 1).index_key

    reply = ask(facilitator, files.QUESTION_FR)
    assert reply["answered"] and "quarante-deux" in reply["text"]
    assert reply["sources"][0]["doc_id"] == "registre-des-algorithmes"
    assert files.EMAIL not in reply["text"]

    # Unpublished: the chatbot no longer answers from it.
    with app.app_context():
        document_id = db.session.execute(db.select(KnowledgeDocument.id)).scalar_one()
    facilitator.post(f"/animation/connaissances/documents/{document_id}/retirer")
    _wait_for_swap(app, facilitator)
    assert not ask(facilitator, files.QUESTION_FR)["answered"]


def _wait_for_swap(app, client, seconds: float = 30):
    import time
    live = app.extensions["knowledge.live"]
    with app.app_context():
        wanted = db.session.get(KnowledgeState, 1).index_key
    deadline = time.monotonic() + seconds
    while live.key != wanted and time.monotonic() < deadline:
        live.checked = 0  # do not wait KB_POLL_SECONDS in a test
        client.get("/chat")
        time.sleep(0.2)
    assert live.key == wanted


def test_keeping_a_finding_and_a_new_version_flags_cards(app, facilitator):
    response = upload(facilitator, files.docx_bytes(), "robots.docx")
    review = response.headers["Location"]
    publish(facilitator, review, keep=["514-555-0199"])
    with app.app_context():
        document = db.session.execute(db.select(KnowledgeDocument)).scalar_one()
        body, document_id, slug = document.published_version.body, document.id, document.slug
    assert "514-555-0199" in body and files.EMAIL not in body

    quote = "Le prêt dure trois semaines"
    card = {"questions-fr": "Combien de temps dure le prêt d'un robot ?", "questions-en": "",
            "answer-fr": "Le prêt dure trois semaines. Il est gratuit.",
            "answer-fr_simple": "Vous gardez le robot trois semaines. C'est gratuit.",
            "source-0-doc": slug, "source-0-quote": "Le prêt dure un an", "action": "publish"}
    response = facilitator.post("/animation/connaissances/fiches/nouvelle", data=card)
    assert response.status_code == 422
    assert "Cette citation n’est pas dans" in response.get_data(as_text=True)
    response = facilitator.post("/animation/connaissances/fiches/nouvelle",
                                data={**card, "source-0-quote": quote})
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.execute(db.select(KnowledgeCard)).scalar_one()
        assert saved.status == "published" and saved.sources[0]["version"] == 1

    new = files.docx_bytes(fact="Le prêt dure deux semaines depuis janvier.")
    response = facilitator.post(
        f"/animation/connaissances/documents/{document_id}/nouvelle-version",
                                data={"file": (io.BytesIO(new), "robots-2026.docx")},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.get(KnowledgeDocument, document_id)
        assert [v.number for v in document.versions] == [1, 2]
        assert document.published_number == 1  # still the old one until published
    publish(facilitator, response.headers["Location"])
    with app.app_context():
        assert db.session.get(KnowledgeDocument, document_id).published_number == 2
        assert db.session.execute(db.select(KnowledgeCard)).scalar_one().needs_review
    assert "À revoir" in facilitator.get("/animation/connaissances/").get_data(as_text=True)


def test_a_card_written_from_an_unanswered_question_answers_it(app, facilitator):
    upload_response = upload(facilitator, files.pdf_bytes(), "registre.pdf")
    publish(facilitator, upload_response.headers["Location"])
    question = "Qui examine les nouveaux systèmes avant leur achat ?"
    first = ask(facilitator, question)
    assert first.get("card_id") is None
    facilitator.post("/chat", data={"question": "Qui examine les systèmes avant achat ?"})
    with app.app_context():
        from chatbot.web.question_log import ChatQuestion
        db.session.add(ChatQuestion(lang="fr", text=question, answered=False))
        db.session.commit()
    listing = facilitator.get("/animation/connaissances/questions").get_data(as_text=True)
    assert question in listing and "Écrire une réponse" in listing

    form = facilitator.get("/animation/connaissances/fiches/nouvelle",
                           query_string={"question": question}).get_data(as_text=True)
    assert question in form
    response = facilitator.post("/animation/connaissances/fiches/nouvelle", data={
        "questions-fr": question, "questions-en": "Who reviews new systems before purchase?",
        "answer-fr": "Le comité d’éthique numérique examine chaque nouveau système avant "
                     "son achat. Il se réunit chaque mois.",
        "answer-en": "The digital ethics committee reviews every new system before purchase.",
        "answer-fr_simple": "Un comité vérifie chaque système avant l'achat.",
        "source-0-doc": "registre-des-algorithmes",
        "source-0-quote": "examiner chaque nouveau système avant son achat",
        "review_date": "2027-06-30", "action": "publish"})
    assert response.status_code == 303
    _wait_for_swap(app, facilitator)
    reply = ask(facilitator, question)
    assert reply["card_id"] == "qui-examine-les-nouveaux-systemes-avant-leur-achat"
    assert reply["text"].startswith("Le comité d’éthique numérique")


def test_readability_advice_on_save(app, facilitator):
    hard = ("L'institutionnalisation des mécanismes de gouvernance algorithmique nécessite une "
            "concertation interministérielle approfondie et pluridisciplinaire.")
    response = facilitator.post("/animation/connaissances/fiches/nouvelle", data={
        "questions-fr": "Une question ?", "answer-fr": "Une réponse.",
        "answer-fr_simple": hard, "action": "draft"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "encore difficile à lire" in page and "encore difficile : visez 15 mots" in page


SEED = Path(__file__).resolve().parents[1] / "corpus"


def small_corpus(folder: Path) -> Path:
    """Two short documents and one card, written as corpus/ files."""
    (folder / "documents").mkdir(parents=True)
    (folder / "cards").mkdir()
    (folder / "documents" / "robots.md").write_text(
        "---\nid: robots\ntitle: Robots en bibliothèque\npublisher: Ville\ndate: 2026-01-02\n"
        "language: fr\nurl: https://example.org/robots\n---\n## Prêt\n\n" + files.DOCX_FACT
        + "\n\n## Règles\n\nLes robots sont nettoyés après chaque prêt.\n", encoding="utf-8")
    (folder / "documents" / "registre.md").write_text(
        "---\nid: registre\ntitle: Registre\nlanguage: fr\n---\n" + files.FACT_FR + "\n",
        encoding="utf-8")
    (folder / "cards" / "pret.toml").write_text(
        'id = "pret"\nreview_date = 2027-01-01\n\n[questions]\nfr = ["Combien dure le prêt ?"]'
        '\n\n[answer]\nfr = "Trois semaines."\nfr_simple = "Trois semaines."\n\n'
        '[[sources]]\ndoc = "robots"\nquote = "Le prêt dure trois semaines"\n',
        encoding="utf-8")
    return folder


def test_import_export_round_trip(app, tmp_path):
    from chatbot.corpus import Corpus
    from knowledge.cli import export_corpus, import_corpus

    source = SEED
    with app.app_context():
        counts = import_corpus(source)
        assert counts["documents"] == len(Corpus.load(SEED).documents) and counts["cards"] > 50
        assert import_corpus(source)["versions"] == 0  # unchanged: no new version
        export_corpus(tmp_path / "out")
    before, after = Corpus.load(source), Corpus.load(tmp_path / "out")
    assert [p.id for p in before.passages] == [p.id for p in after.passages]
    assert [(d.id, d.title, d.publisher, d.date, d.language, d.url) for d in before.documents] \
        == [(d.id, d.title, d.publisher, d.date, d.language, d.url) for d in after.documents]
    assert [(c.id, c.questions, c.answer, [(s.doc, s.quote) for s in c.sources])
            for c in before.cards] == [(c.id, c.questions, c.answer,
                                        [(s.doc, s.quote) for s in c.sources])
                                       for c in after.cards]


def test_a_rebuild_encodes_only_new_texts(app, tmp_path):
    from knowledge.cli import import_corpus
    from knowledge.index import build, encoder, snapshot

    cache = tmp_path / "cache"
    with app.app_context():
        import_corpus(small_corpus(tmp_path / "seed"))
        first_key, first = build(snapshot(), encoder(), cache)
        assert first["encoded"] > 0 and first["reused"] == 0
        document = db.session.execute(db.select(KnowledgeDocument)).scalars().first()
        version = document.published_version
        version.body += "\n\n## Nouveau\n\nUn paragraphe ajouté sur les robots des bibliothèques."
        db.session.commit()
        second_key, second = build(snapshot(), encoder(), cache)
    assert second_key != first_key
    assert 0 < second["encoded"] <= 10 and second["reused"] >= first["encoded"] - 2


def test_themes_and_rebuilds_are_jobs_with_progress(app, facilitator):
    upload_response = upload(facilitator, files.pdf_bytes(), "registre.pdf")
    publish(facilitator, upload_response.headers["Location"])
    with app.app_context():
        job = db.session.execute(db.select(Job)).scalar_one()
        assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
        assert job.name == "knowledge.index.rebuild_index" and job.heartbeat_at is not None


def test_a_consultation_chat_answers_from_its_own_documents_first(app, client):
    """Two towns' algorithm registers answer the same question; the consultation of the one the
    whole base does not pick gets its own town's figure, says so, and the whole base still
    answers what its documents do not cover."""
    from tests.consultations_factory import make_consultation

    with app.app_context():
        consultation = make_consultation(slug="registre-local")
        other = make_consultation(slug="autre")
        ids = consultation.id, other.id
        act_as(client, make_user("facilitator", team=consultation))
    other_fact = ("Le registre des algorithmes de la Ville de Val-des-Sources recense sept "
                  "systèmes. Le comité d’éthique numérique se réunit chaque mois.")
    for data, name in ((files.pdf_bytes(), "registre.pdf"),
                       (files.pdf_bytes(fact=other_fact, heading="Registre de Val-des-Sources"),
                        "val-des-sources.pdf"),
                       (files.docx_bytes(), "robots.docx")):
        publish(client, upload(client, data, name).headers["Location"])
    _wait_for_swap(app, client)
    page = f"/animation/connaissances/consultations/{ids[0]}"
    assert "Registre de Val-des-Sources" in client.get(page).get_data(as_text=True)
    question = "Combien de systèmes recense le registre des algorithmes ?"
    whole = client.post("/api/chat", json={"question": question, "lang": "fr"}).get_json()
    # the whole base answers with one town: the consultation gets the other one's register
    towns = {"sept": ("Registre des algorithmes", "quarante-deux"),
             "quarante-deux": ("Registre de Val-des-Sources", "sept")}
    picked = next(figure for figure in towns if figure in whole["text"])
    title, figure = towns[picked]
    with app.app_context():
        own = db.session.execute(db.select(KnowledgeDocument).filter_by(
            title=title)).scalar_one()
    assert client.post(page, data={"document": [str(own.id)]}).status_code == 303
    # Another consultation's team cannot attach documents to this one.
    assert client.get(f"/animation/connaissances/consultations/{ids[1]}").status_code == 403

    api = {"question": question, "lang": "fr", "consultation": "registre-local"}
    own_answer = client.post("/api/chat", json=api).get_json()
    assert figure in own_answer["text"] and own_answer["within"] == "within"
    general = client.post("/api/chat", json={**api, "question": files.DOCX_QUESTION}).get_json()
    assert "trois semaines" in general["text"] and general["within"] == "general"
    assert client.post("/api/chat", json={**api, "consultation": "autre"}).get_json()[
        "within"] is None  # a consultation with no documents of its own: the whole base

    citizen = app.test_client()
    chat = citizen.get("/chat", query_string={"consultation": "registre-local"})
    assert "L’assistant répond d’abord à partir de ses documents" in chat.get_data(as_text=True)
    citizen.post("/chat", data={"question": question})
    page = citizen.get("/chat").get_data(as_text=True)
    assert figure in page and "Réponse tirée des documents de cette consultation." in page
    citizen.post("/chat", data={"question": files.DOCX_QUESTION})
    page = citizen.get("/chat").get_data(as_text=True)
    assert "trois semaines" in page and "cette réponse vient de l’ensemble des documents" in page
    citizen.post("/chat", data={"question": "Quelle météo fera-t-il demain ?"})
    # Back to the whole base: no label.
    citizen.get("/chat", query_string={"consultation": ""})
    citizen.post("/chat", data={"question": "Quel temps fera-t-il samedi ?"})
    citizen.post("/chat/effacer")
    citizen.post("/chat", data={"question": files.DOCX_QUESTION})
    page = citizen.get("/chat").get_data(as_text=True)
    assert "trois semaines" in page and "documents de cette consultation" not in page
    # The consultation's dashboard counts the questions asked in its chat apart.
    dashboard = client.get(f"/animation/consultations/{ids[0]}/tableau-de-bord")
    text = dashboard.get_data(as_text=True)
    assert "Posées depuis cette consultation : 1 sans réponse" in text
    assert "Sur tout le site : 2 sans réponse" in text
    assert "Quelle météo fera-t-il demain ?" in text and "samedi" not in text
    with app.app_context():
        from consultations.workspace.models import AuditEntry
        assert db.session.execute(db.select(AuditEntry).filter_by(
            action="kb_consultation")).scalar_one()


def test_without_a_knowledge_base_questions_do_not_each_read_its_state(app, client):
    """A site answering from corpus/ files checks for a knowledge base every KB_POLL_SECONDS,
    like a site that has one, not on every question."""
    question = {"question": "Qu'est-ce que l'intelligence artificielle ?", "lang": "fr"}
    with statements(app) as sent:
        for _ in range(3):
            assert client.post("/api/chat", json=question).status_code == 200
    assert len([statement for statement in sent if "kb_state" in statement]) == 1
    app.extensions["knowledge.live"].checked = 0  # the poll is due again
    with statements(app) as sent:
        client.post("/api/chat", json=question)
    assert len([statement for statement in sent if "kb_state" in statement]) == 1


def test_the_demo_consultation_answers_from_its_seed_documents_until_its_team_chooses(
        app, client):
    """`flask chatbot import` (make run) attaches the seed documents the open demo consultation
    names, once: after its team saves its own choice, importing again leaves it alone."""
    from consultations.demo import DEMO_DOCUMENTS, OPEN_SLUG
    from knowledge.consultation import within_of

    runner = app.test_cli_runner()
    with app.app_context():
        app.extensions["parlons_ia.load_demo"]()
    assert "answers from its documents first" in runner.invoke(
        args=["chatbot", "import", "corpus"]).output
    with app.app_context():
        assert within_of(OPEN_SLUG).documents == set(DEMO_DOCUMENTS[OPEN_SLUG])
        consultation_id = db.session.execute(db.select(Consultation.id).filter_by(
            slug=OPEN_SLUG)).scalar_one()
        act_as(client, make_user("admin"))
    page = f"/animation/connaissances/consultations/{consultation_id}"
    assert client.post(page, data={}).status_code == 303  # the team unticks everything
    assert "answers from its documents first" not in runner.invoke(
        args=["chatbot", "import", "corpus", "--if-empty"]).output
    with app.app_context():
        assert within_of(OPEN_SLUG) is None
