"""Prototype reactions and results feedback: once per person, editable while open."""

import pytest
from consultations_factory import count, ids, make_consultation

from app.extensions import db
from consultations.models import Feedback, Reaction


@pytest.fixture
def known(app):
    with app.app_context():
        return ids(make_consultation())


def test_scenario_page_shows_the_case_and_the_ideas_behind_it(client, known):
    html = client.get(f"/consultations/essai/scenarios/{known['scenario']}").get_data(as_text=True)
    assert "Un cas concret." in html and "une idée existante" in html
    assert "Et si… ?" in client.get("/consultations/essai/prototyper").get_data(as_text=True)


def test_a_reaction_is_stored_once_and_can_be_edited(app, client, known):
    url = f"/consultations/essai/scenarios/{known['scenario']}"
    data = {"acceptability": "2", "usefulness": "4", "accept_if": "si une personne vérifie",
            "concerns": "", "benefits": "du temps gagné", "consent": "yes"}
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data={**data, "acceptability": "5"}).status_code == 303
    with app.app_context():
        reactions = db.session.execute(db.select(Reaction)).scalars().all()
        assert len(reactions) == 1
        assert reactions[0].acceptability == 5 and reactions[0].concerns is None
    html = client.get(url).get_data(as_text=True)
    assert "Vous avez déjà réagi" in html and "si une personne vérifie" in html


def test_a_reaction_needs_both_scales(app, client, known):
    url = f"/consultations/essai/scenarios/{known['scenario']}"
    response = client.post(url, data={"acceptability": "7", "consent": "yes"})
    assert response.status_code == 422
    assert "choisissez un chiffre de 1 à 5" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Reaction) == 0


def test_unknown_scenario_is_a_404(client, known):
    assert client.get("/consultations/essai/scenarios/99999").status_code == 404


def test_results_show_findings_with_status_and_sources(client, known):
    html = client.get("/consultations/essai/resultats").get_data(as_text=True)
    assert "Entendu" in html and "Prévu" in html
    assert "une idée existante" in html and "Et si… ?" in html


def test_feedback_on_a_finding_is_stored_once(app, client, known):
    url = f"/consultations/essai/resultats/{known['finding']}"
    assert client.post(url, data={"reflects": "partly", "comment": "presque",
                                  "consent": "yes"}).status_code == 303
    assert client.post(url, data={"reflects": "no"}).status_code == 303
    with app.app_context():
        feedback = db.session.execute(db.select(Feedback)).scalars().all()
        assert [(f.reflects, f.comment) for f in feedback] == [("no", None)]


def test_feedback_needs_an_answer(app, client, known):
    url = f"/consultations/essai/resultats/{known['finding']}"
    response = client.post(url, data={"comment": "sans choix", "consent": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choisissez oui, en partie ou non" in html
    assert "sans choix" in html


def test_the_error_summary_names_each_missing_score(client, known):
    response = client.post(f"/consultations/essai/scenarios/{known['scenario']}",
                           data={"consent": "yes"})
    summary = response.get_data(as_text=True).split('class="error-summary"')[1].split("</ul>")[0]
    assert summary.count("<li>") == 2
    assert "semble acceptable" in summary and "semble utile" in summary
