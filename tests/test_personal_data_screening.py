"""Every free-text field a participant fills is screened for personal data, after Unicode
normalisation, and so are chat questions (issue 16, finding 5)."""

import pytest

from app.extensions import db
from chatbot.web.question_log import ChatQuestion
from consultations.models import Answer, Comment, Feedback, Idea, Participant, Reaction
from tests.consultations_factory import count, ids, make_consultation

# The bypasses the outside test found, each in a different disguise.
DISGUISED = [
    "écrivez à jean.tremblay＠gmail.com",  # full-width at sign
    "mon numéro 514\u200b555\u200b1234",  # zero-width spaces
    "appelez le 06 12 34 56 78",  # French mobile
    "ou le +33 6 12 34 56 78",
    "mon NIR : 1 85 05 78 006 084 91",  # French social-security number
    "IBAN BE71 0961 2345 6769",
    "514\u202e555\u202c1234",  # a bidirectional override
]


@pytest.fixture
def found(app):
    with app.app_context():
        return ids(make_consultation())


def free_text_forms(found) -> dict:
    """Every participant form with free text: its URL, the valid rest, its text fields."""
    slug = "essai"
    return {
        "idea": (f"/consultations/{slug}/imaginer", {"consent": "yes"},
                 ("text", "other_condition"), Idea),
        "comment": (f"/consultations/{slug}/idees/{found['idea']}/commentaires",
                    {"consent": "yes"}, ("text",), Comment),
        "interview": (f"/consultations/{slug}/entrevue", {"consent": "yes"},
                      (f"answer-{found['prompts'][0]}",), Answer),
        "reaction": (f"/consultations/{slug}/scenarios/{found['scenario']}",
                     {"consent": "yes", "acceptability": "3", "usefulness": "3"},
                     ("accept_if", "concerns", "benefits"), Reaction),
        "feedback": (f"/consultations/{slug}/resultats/{found['finding']}",
                     {"consent": "yes", "reflects": "yes"}, ("comment",), Feedback),
    }


@pytest.mark.parametrize("form", ["idea", "comment", "interview", "reaction", "feedback"])
def test_every_free_text_field_is_screened(app, client, found, form):
    path, rest, fields, model = free_text_forms(found)[form]
    for name in fields:
        for text in DISGUISED:
            data = {**rest, "text": "Une idée sans rien de personnel.", name: text}
            response = client.post(path, data=data)
            assert response.status_code == 422, (name, text)
            assert "semble contenir" in response.get_data(as_text=True), (name, text)
    with app.app_context():
        stored = count(model)
    assert stored == (1 if model is Idea else 0)  # only the factory's idea


def test_confirming_publishes_the_text_as_typed_but_normalised(app, client, found):
    response = client.post("/consultations/essai/imaginer", data={
        "text": "Écrivez-moi : jean＠exemple.org\u200b", "consent": "yes",
        "confirm_personal": "yes"})
    assert response.status_code == 303
    with app.app_context():
        texts = db.session.execute(db.select(Idea.text)).scalars().all()
    assert "Écrivez-moi : jean@exemple.org" in texts


@pytest.mark.parametrize("pseudonym", [
    "Proposée par jean.tremblay@gmail.com 514-555-1234", "jean＠gmail.com", "06 12 34 56 78"])
def test_a_pseudonym_with_personal_data_is_refused(app, client, found, pseudonym):
    data = {"text": "Une idée.", "consent": "yes", "pseudonym": pseudonym,
            "confirm_personal": "yes"}  # confirming does not publish a pseudonym like this
    response = client.post("/consultations/essai/imaginer", data=data)
    assert response.status_code == 422
    assert "Ce champ ne peut pas contenir" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Participant.pseudonym)).scalars().all() == ["Autre"]
    response = client.post("/mes-contributions/profil", data={
        "pseudonym": pseudonym, "consent": "yes"})
    assert response.status_code == 422
    response = client.post("/mes-contributions/profil", data={
        "region": "12 rue Principale, H2X 1Y4", "consent": "yes"})
    assert response.status_code == 422


def test_an_edited_text_is_screened_too(app, client, found):
    client.post("/consultations/essai/imaginer", data={"text": "Une idée.", "consent": "yes"})
    with app.app_context():
        idea_id = db.session.execute(db.select(Idea.id).where(Idea.text == "Une idée.")).scalar()
    response = client.post(f"/mes-contributions/idee/{idea_id}/modifier",
                           data={"text": "appelez le 06 12 34 56 78"})
    assert response.status_code == 422


@pytest.mark.parametrize("question", DISGUISED)
def test_chat_questions_with_disguised_personal_data_are_refused_and_not_kept(app, client,
                                                                             question):
    response = client.post("/api/chat", json={"question": question})
    assert response.status_code == 400
    assert response.get_json()["error"] == "personal_data"
    assert client.post("/chat", data={"question": question}).status_code == 422
    with app.app_context():
        kept = db.session.execute(db.select(ChatQuestion.text)).scalars().all()
    assert kept == [None, None]


def test_chat_questions_are_kept_normalised(app, client):
    client.post("/api/chat", json={"question": "Qui\u202e décide\u200b de l’IA ?"})
    with app.app_context():
        kept = db.session.execute(db.select(ChatQuestion.text)).scalars().all()
    assert kept == ["Qui décide de l’IA ?"]
