"""Interview: all questions on one page, or one per screen in simplified mode."""

import pytest
from consultations_factory import count, ids, make_consultation

from app.extensions import db
from consultations.models import Answer, Participant

URL = "/consultations/essai/entrevue"


@pytest.fixture
def prompts(app):
    with app.app_context():
        return ids(make_consultation())["prompts"]


def test_standard_mode_shows_every_question_on_one_page(client, prompts):
    html = client.get(URL).get_data(as_text=True)
    for prompt_id in prompts:
        assert f'name="answer-{prompt_id}"' in html
    assert "sur 3." in html and "répondu à 0 " in html
    assert "Information interview" in html and "/chat?q=" in html


def test_answers_are_saved_and_shown_again_for_editing(app, client, prompts):
    free, choice, scale = prompts
    response = client.post(URL, data={f"answer-{free}": "Un outil", f"answer-{choice}": "1",
                                      f"answer-{scale}": "", "consent": "yes"})
    assert response.status_code == 303
    html = client.get(URL).get_data(as_text=True)
    assert "Un outil" in html and "Vous avez répondu à 2 questions sur 3" in html
    client.post(URL, data={f"answer-{free}": "Un outil utile", f"answer-{scale}": "4"})
    with app.app_context():
        answers = {a.prompt_id: a.value for a in db.session.execute(db.select(Answer)).scalars()}
    assert answers == {free: "Un outil utile", choice: "1", scale: "4"}


def test_an_empty_interview_is_not_saved(app, client, prompts):
    response = client.post(URL, data={f"answer-{prompts[0]}": "   ", "consent": "yes"})
    assert response.status_code == 422
    assert "Répondez à au moins une question" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Answer) == 0


def test_invalid_choice_and_long_text_are_explained(app, client, prompts):
    free, choice, scale = prompts
    response = client.post(URL, data={f"answer-{free}": "x" * 2001, f"answer-{scale}": "9",
                                      "consent": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La limite est de 2000" in html and "Choisissez une réponse" in html
    assert "x" * 2001 in html
    with app.app_context():
        assert count(Answer) == 0


def test_easy_read_starts_asks_one_question_per_screen_and_ends(app, client, prompts):
    client.set_cookie("mode", "simple")
    start = client.get(URL).get_data(as_text=True)
    assert "Information interview" in start and "Il y a 3 questions" in start
    assert f'name="answer-{prompts[0]}"' not in start, "the context first, once"
    refused = client.post(URL + "/commencer", data={})
    assert refused.status_code == 422
    assert "cochez la case « J’ai compris »" in refused.get_data(as_text=True)
    response = client.post(URL + "/commencer", data={"consent": "yes"})
    assert response.headers["Location"].endswith("question=1")
    first = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 1 sur 3" in first and "Information interview" not in first
    assert f'name="answer-{prompts[1]}"' not in first
    response = client.post(URL, data={f"answer-{prompts[0]}": "Une machine", "question": "1",
                                      "aller": "continuer"})
    assert response.status_code == 303 and response.headers["Location"].endswith("question=2")
    second = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 2 sur 3" in second and "Retour" in second and "Continuer" in second
    skipped = client.post(URL, data={"question": "2", "aller": "continuer"})  # no answer: skip
    assert skipped.headers["Location"].endswith("question=3")
    back = client.post(URL, data={"question": "3", "aller": "retour"})
    assert back.headers["Location"].endswith("question=2")
    last = client.post(URL, data={f"answer-{prompts[2]}": "4", "question": "3",
                                  "aller": "continuer"})
    assert last.headers["Location"].endswith("/entrevue/fin"), "an end, not question 1 again"
    end = client.get(last.headers["Location"]).get_data(as_text=True)
    assert "Vous avez répondu à 2 questions sur 3" in end
    assert "/mes-contributions" in end and "/chat" in end and "/imaginer" in end
    with app.app_context():
        assert count(Answer) == 2
        assert db.session.execute(db.select(Participant)).scalars().all()[-1].consent_version


def test_personal_data_in_an_answer_is_flagged(app, client, prompts):
    response = client.post(URL, data={f"answer-{prompts[0]}": "joignez-moi au 418 555 0134",
                                      "consent": "yes"})
    assert response.status_code == 422
    assert "un numéro de téléphone" in response.get_data(as_text=True)


def test_with_htmx_answers_are_saved_as_you_go(app, client, prompts):
    free, choice, scale = prompts
    html = client.get(URL).get_data(as_text=True)
    assert 'hx-trigger="change delay:700ms"' in html and 'id="enregistrement-auto"' in html
    autosave = URL + "?enregistrement=auto"
    response = client.post(autosave, data={f"answer-{free}": "Un outil"},
                           headers={"HX-Request": "true"})
    assert "Pas encore enregistré" in response.get_data(as_text=True), "consent comes first"
    with app.app_context():
        assert count(Answer) == 0
    response = client.post(autosave, data={f"answer-{free}": "Un outil", "consent": "yes"},
                           headers={"HX-Request": "true"})
    status = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enregistré automatiquement" in status
    assert "<html" not in status
    client.post(autosave, data={f"answer-{free}": "Un outil", f"answer-{scale}": "5"},
                headers={"HX-Request": "true"})
    with app.app_context():
        assert {a.prompt_id: a.value for a in db.session.execute(db.select(Answer)).scalars()} \
            == {free: "Un outil", scale: "5"}
