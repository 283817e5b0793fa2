"""The honeypot: on every public form, invisible to people; filled, nothing is stored but the
answer looks like success."""

import re

import pytest

from chatbot.web.question_log import ChatQuestion
from consultations.models import Answer, Comment, Feedback, Idea, Reaction
from consultations.workspace.models import ContributionReport
from tests.consultations_factory import count, ids, make_consultation

HONEYPOT = re.compile(r'<div class="hp-field" aria-hidden="true">\s*<label for="([^"]+)">'
                      r'[^<]+</label>\s*<input type="text" id="\1" name="website" value="" '
                      r'tabindex="-1" autocomplete="off">')


def forms(found: dict) -> list[tuple[str, str, dict, type]]:
    """(page showing the form, where it posts, a valid answer, what it would store)."""
    slug = "essai"
    idea_page = f"/consultations/{slug}/idees/{found['idea']}"
    return [
        (f"/consultations/{slug}/imaginer", f"/consultations/{slug}/imaginer",
         {"text": "Une idée", "consent": "yes"}, Idea),
        (idea_page, f"{idea_page}/commentaires", {"text": "Un commentaire", "consent": "yes"},
         Comment),
        (f"/consultations/{slug}/entrevue", f"/consultations/{slug}/entrevue",
         {f"answer-{found['prompts'][0]}": "Une réponse", "consent": "yes"}, Answer),
        (f"/consultations/{slug}/scenarios/{found['scenario']}",
         f"/consultations/{slug}/scenarios/{found['scenario']}",
         {"acceptability": "3", "usefulness": "3", "consent": "yes"}, Reaction),
        (f"/consultations/{slug}/resultats", f"/consultations/{slug}/resultats/{found['finding']}",
         {"reflects": "yes", "consent": "yes"}, Feedback),
        ("/chat", "/chat", {"question": "Qui décide quand l'IA est utilisée ?"}, ChatQuestion),
        (idea_page, f"/signaler/idea/{found['idea']}", {"reason": "hors sujet"},
         ContributionReport),
    ]


@pytest.fixture
def found(app):
    with app.app_context():
        return ids(make_consultation())


def test_every_public_form_has_the_hidden_honeypot(client, found):
    for page, action, _data, _model in forms(found):
        html = client.get(page).get_data(as_text=True)
        form = html[html.index(f'action="{action}"'):]
        form = form[:form.index("</form>")]
        assert HONEYPOT.search(form), (page, action)
        assert "Ne pas remplir" in form


def test_filled_honeypot_stores_nothing_but_looks_like_success(app, client, found):
    for page, action, data, model in forms(found):
        with app.app_context():
            before = count(model)
        response = client.post(action, data={**data, "website": "http://spam.example"},
                               headers={"Referer": f"http://localhost{page}"})
        assert response.status_code == 303, action
        assert response.headers["Location"].endswith(page)
        with app.app_context():
            assert count(model) == before, action
        if page != "/chat":  # the chat page shows answers, not messages
            assert "Merci" in client.get(page).get_data(as_text=True)


def test_empty_honeypot_is_ignored(app, client, found):
    for _page, action, data, model in forms(found):
        with app.app_context():
            before = count(model)
        response = client.post(action, data={**data, "website": ""})
        assert response.status_code in (303, 200), action
        with app.app_context():
            assert count(model) == before + 1, action


def test_honeypot_label_is_translated(client):
    html = client.get("/chat", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Leave empty" in html
