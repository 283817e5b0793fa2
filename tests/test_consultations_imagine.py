"""Imagine: ideas, trust conditions, "me too" support and comments, with every edge case."""

import pytest
from consultations_factory import count, ids, make_consultation

from consultations.models import Comment, Idea, Support

URL = "/consultations/essai/imaginer"
TOKEN = "0f8d6b52-3c5e-4b8e-9d55-1e2f3a4b5c6d"


@pytest.fixture
def known(app):
    with app.app_context():
        return ids(make_consultation())


def test_an_idea_with_conditions_is_published_and_shown(app, client, known):
    response = client.post(URL, data={"text": "  les lettres soient claires  ", "consent": "yes",
                                      "conditions": ["know_when", "can_contest", "invented"],
                                      "other_condition": "Une personne me rappelle",
                                      "pseudonym": "Zoé", "form_token": TOKEN})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "les lettres soient claires" in page
    assert "Je peux contester" in page and "Une personne me rappelle" in page
    assert "Zoé" in page and "Votre idée est publiée" in page
    with app.app_context():
        idea = Idea.query.filter_by(form_token=TOKEN).one()
        assert idea.conditions == ["know_when", "can_contest"]
        assert idea.channel == "online" and idea.moderation == "visible"
        assert idea.participant.consented_at is not None


def test_consent_is_asked_before_the_first_contribution_and_the_text_is_kept(app, client, known):
    response = client.post(URL, data={"text": "mon idée gardée"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cochez la case" in html and "mon idée gardée" in html
    assert 'href="#f-consent"' in html
    with app.app_context():
        assert count(Idea) == 1


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_or_whitespace_text_is_refused_plainly(app, client, known, text):
    response = client.post(URL, data={"text": text, "consent": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Écrivez quelques mots" in html
    assert 'aria-invalid="true"' in html and 'href="#f-text"' in html
    with app.app_context():
        assert count(Idea) == 1


def test_text_over_the_limit_is_refused_and_kept(app, client, known):
    long_text = "a" * 2001
    response = client.post(URL, data={"text": long_text, "consent": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2001 caractères" in html and "2000" in html
    assert long_text in html
    with app.app_context():
        assert count(Idea) == 1


def test_the_same_form_sent_twice_is_stored_once(app, client, known):
    data = {"text": "envoyée deux fois", "consent": "yes", "form_token": TOKEN}
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert count(Idea) == 2


def test_idea_submission_answers_htmx_with_the_form_fragment(app, client, known):
    response = client.post(URL, data={"text": "par htmx", "consent": "yes"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="proposer-idee"' in html and "Votre idée est publiée" in html
    assert "par htmx" not in html.split("Voir votre idée")[1]  # a fresh, empty form follows
    error = client.post(URL, data={"text": " "}, headers={"HX-Request": "true"})
    assert error.status_code == 200 and "Écrivez quelques mots" in error.get_data(as_text=True)


@pytest.mark.parametrize("text,kind", [
    ("écrivez-moi à lea@example.org", "une adresse courriel"),
    ("appelez le 514-555-0199", "un numéro de téléphone"),
    ("j'habite au 12 rue des Lilas", "une adresse postale"),
])
def test_personal_data_is_flagged_before_publishing(app, client, known, text, kind):
    data = {"text": text, "consent": "yes", "form_token": TOKEN}
    warned = client.post(URL, data=data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422 and kind in html and text.split()[-1] in html
    with app.app_context():
        assert count(Idea) == 1
    confirmed = client.post(URL, data={**data, "confirm_personal": "yes"})
    assert confirmed.status_code == 303
    with app.app_context():
        assert count(Idea) == 2


def test_editing_personal_data_out_publishes_without_confirmation(app, client, known):
    client.post(URL, data={"text": "mon courriel est a@b.org", "consent": "yes"})
    response = client.post(URL, data={"text": "sans courriel cette fois", "consent": "yes"})
    assert response.status_code == 303


def test_supporting_twice_counts_once(app, client, known):
    url = f"/consultations/essai/idees/{known['idea']}/soutenir"
    assert client.post(url, data={"consent": "yes"}).status_code == 303
    assert client.post(url, data={}).status_code == 303
    with app.app_context():
        assert count(Support) == 1
    page = client.get(f"/consultations/essai/idees/{known['idea']}").get_data(as_text=True)
    assert "Vous soutenez cette idée" in page and "1 personne soutient" in page


def test_support_answers_htmx_with_the_counter_fragment(app, client, known):
    url = f"/consultations/essai/idees/{known['idea']}/soutenir"
    response = client.post(url, data={"consent": "yes"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert f'id="soutien-{known["idea"]}"' in html and "<html" not in html
    assert "Vous soutenez cette idée" in html


def test_support_asks_consent_first(app, client, known):
    url = f"/consultations/essai/idees/{known['idea']}/soutenir"
    assert client.post(url, data={}).status_code == 422
    with app.app_context():
        assert count(Support) == 0


def test_comments_are_published_once_and_validated(app, client, known):
    url = f"/consultations/essai/idees/{known['idea']}/commentaires"
    assert client.post(url, data={"text": "  ", "consent": "yes"}).status_code == 422
    data = {"text": "Bonne idée", "consent": "yes", "form_token": TOKEN}
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303
    with app.app_context():
        assert count(Comment) == 1
    assert "Bonne idée" in client.get(f"/consultations/essai/idees/{known['idea']}").get_data(
        as_text=True)


def test_unknown_idea_or_consultation_is_a_404_page(client, known):
    assert client.get("/consultations/essai/idees/999999").status_code == 404
    assert client.post("/consultations/essai/idees/999999/soutenir").status_code == 404
    response = client.get("/consultations/inconnue/imaginer")
    assert response.status_code == 404 and "Page introuvable" in response.get_data(as_text=True)


def test_ideas_are_paginated_and_sorted(app, client, known):
    for number in range(12):
        client.post(URL, data={"text": f"idée numéro {number}", "consent": "yes"})
    newest = client.get(f"{URL}?tri=recentes").get_data(as_text=True)
    assert newest.index("idée numéro 11") < newest.index("idée numéro 10")
    assert "Page 1 sur 2" in newest and "Page suivante" in newest
    client.post(f"/consultations/essai/idees/{known['idea']}/soutenir", data={})
    by_support = client.get(f"{URL}?tri=soutiens").get_data(as_text=True)
    assert by_support.index("une idée existante") < by_support.index("idée numéro 11")
    assert "idée numéro 0" in client.get(f"{URL}?tri=recentes&page=2").get_data(as_text=True)


def test_hidden_comments_are_not_counted_on_the_idea_list(app, client, known):
    from app.extensions import db
    response = client.post(URL, data={"text": "les lettres soient claires", "consent": "yes",
                                      "form_token": TOKEN})
    idea_url = response.headers["Location"]
    for n in range(2):
        client.post(idea_url + "/commentaires", data={
            "text": f"Commentaire {n}", "form_token": f"{TOKEN[:-1]}{n}"})
    with app.app_context():
        assert count(Comment) == 2
        comment = db.session.scalars(db.select(Comment)).first()
        comment.moderation = "hidden"
        db.session.commit()
    listing = client.get(URL).get_data(as_text=True)
    assert "1 commentaire" in listing and "2 commentaires" not in listing
