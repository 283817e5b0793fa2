"""Consultation list and home, languages and reading modes, the demo data."""

from pathlib import Path

import pytest
from consultations_factory import make_consultation

from app.extensions import db
from consultations.demo import CLOSED_SLUG, OPEN_SLUG
from consultations.models import Consultation, Idea


def test_list_and_home_show_published_consultations_only(app, client):
    with app.app_context():
        make_consultation()
        make_consultation("brouillon", status="draft")
    listing = client.get("/consultations/").get_data(as_text=True)
    assert "Titre FR" in listing and "/consultations/brouillon" not in listing
    assert client.get("/consultations/brouillon").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert "/consultations/essai" in home and "Étape ouverte" in home
    assert 'href="/consultations/"' in home  # the menu entry


def test_consultation_home_has_timeline_time_outcome_and_privacy(app, client):
    with app.app_context():
        make_consultation(interview="closed", prototype="upcoming", results="upcoming")
    html = client.get("/consultations/essai").get_data(as_text=True)
    assert html.count('class="timeline-step') == 4
    assert "Ouverte" in html and "Terminée" in html and "À venir" in html
    assert "15 minutes" in html and "Suite FR" in html and "/confidentialite" in html


def test_english_and_simplified_texts_are_picked_with_fallbacks(app, client):
    with app.app_context():
        make_consultation()
    client.set_cookie("lang", "en")
    html = client.get("/consultations/essai").get_data(as_text=True)
    assert "Title EN" in html and "Summary EN" in html
    client.set_cookie("mode", "simple")
    html = client.get("/consultations/essai").get_data(as_text=True)
    assert "Title EN" in html  # no simplified English title: the standard one
    client.set_cookie("lang", "fr")
    assert "Titre simple" in client.get("/consultations/essai").get_data(as_text=True)


def test_unknown_consultation_is_a_404_page(client):
    response = client.get("/consultations/nulle-part")
    assert response.status_code == 404 and "Page introuvable" in response.get_data(as_text=True)


@pytest.fixture
def demo(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "loaded" in first.output
    return runner


def test_demo_load_is_idempotent(app, demo):
    with app.app_context():
        ideas = db.session.execute(db.select(db.func.count(Idea.id))).scalar_one()
    second = demo.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already present" in second.output
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Idea.id))).scalar_one() == ideas
        assert db.session.execute(db.select(db.func.count(Consultation.id))).scalar_one() == 3


@pytest.mark.parametrize("language,words", [
    ("fr", ["L'IA dans les services publics : parlons-en", "Données de démonstration"]),
    ("en", ["AI in public services: let&#39;s talk", "Demonstration data"]),
])
def test_every_demo_page_works_in_both_languages_and_stays_light(app, client, demo,
                                                                 language, words):
    client.set_cookie("lang", language)
    with app.app_context():
        scenario_id = db.session.execute(
            db.select(Consultation).filter_by(slug=CLOSED_SLUG)).scalar_one(
        ).phase("prototype").scenarios[0].id
    pages = ["/consultations/", f"/consultations/{OPEN_SLUG}"]
    for slug in (OPEN_SLUG, CLOSED_SLUG):
        pages += [f"/consultations/{slug}/{part}"
                  for part in ("entrevue", "imaginer", "prototyper", "resultats")]
    pages += [f"/consultations/{CLOSED_SLUG}/scenarios/{scenario_id}",
              f"/consultations/{OPEN_SLUG}/idees/1", "/mes-contributions"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) < 30_000, url
        assert "<script>" not in response.get_data(as_text=True) and " style=" not in \
            response.get_data(as_text=True)
    home = client.get(f"/consultations/{OPEN_SLUG}").get_data(as_text=True)
    if language == "fr":
        assert words[0].replace("'", "&#39;") in home
    else:
        assert words[0] in home
    assert words[1] in home


def test_demo_has_the_process_prompts_and_a_closed_cycle_with_results(app, client, demo):
    interview = client.get(f"/consultations/{OPEN_SLUG}/entrevue").get_data(as_text=True)
    assert "Qu&#39;est-ce que l&#39;IA pour vous ?" in interview
    assert "Comment l&#39;utilisez-vous ou la percevez-vous ?" in interview
    results = client.get(f"/consultations/{CLOSED_SLUG}/resultats").get_data(as_text=True)
    assert results.count('class="card finding"') == 4 and "Non retenu" in results
    assert "Cette consultation est terminée" in results
    imagine = client.get(f"/consultations/{OPEN_SLUG}/imaginer").get_data(as_text=True)
    assert "Publier mon idée" in imagine  # imagine is open on the day the demo is loaded


def test_a_person_can_take_part_in_the_demo_then_delete_everything(app, client, demo):
    response = client.post(f"/consultations/{OPEN_SLUG}/imaginer",
                           data={"text": "un essai de bout en bout", "consent": "yes"})
    assert response.status_code == 303
    assert client.post(f"/consultations/{OPEN_SLUG}/idees/1/soutenir").status_code == 303
    assert "un essai de bout en bout" in client.get("/mes-contributions").get_data(as_text=True)
    client.post("/mes-contributions/tout-effacer")
    assert "un essai de bout en bout" not in client.get(
        f"/consultations/{OPEN_SLUG}/imaginer?tri=recentes").get_data(as_text=True)


def test_phase_pages_link_to_the_chatbot_with_a_prefilled_question(app, client):
    with app.app_context():
        make_consultation()
    html = client.get("/consultations/essai/imaginer").get_data(as_text=True)
    assert 'href="/chat?q=' in html
    # and to the chat opened from this consultation, for a question of one's own
    assert 'href="/chat?consultation=essai#question"' in html


def test_the_practice_consultation_lets_a_newcomer_try_every_step(app, client, demo):
    from consultations.demo import PRACTICE_SLUG
    base = f"/consultations/{PRACTICE_SLUG}"
    home = client.get(base).get_data(as_text=True)
    assert home.count("Participer à cette étape") == 4 and "Données de démonstration" in home
    assert "Enregistrer mes réponses" in client.get(f"{base}/entrevue").get_data(as_text=True)
    assert "Publier mon idée" in client.get(f"{base}/imaginer").get_data(as_text=True)
    with app.app_context():
        practice = db.session.execute(
            db.select(Consultation).filter_by(slug=PRACTICE_SLUG)).scalar_one()
        scenario = practice.phase("prototype").scenarios[0].id
    assert "Enregistrer ma réaction" in client.get(
        f"{base}/scenarios/{scenario}").get_data(as_text=True)
    assert "Envoyer mon avis" in client.get(f"{base}/resultats").get_data(as_text=True)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert readme.count(f"/consultations/{PRACTICE_SLUG}") >= 2, "the README says where to go"
