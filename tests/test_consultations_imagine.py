"""Imagine: ideas, trust conditions, "me too" support and comments, with every edge case."""

import pytest
from consultations_factory import count, ids, make_consultation, statements

from consultations.models import Comment, Idea, Participant, Phase, Support

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


def test_one_cannot_support_ones_own_idea(app, client, known):
    response = client.post(URL, data={"text": "mon idée", "consent": "yes"})
    idea_url = response.headers["Location"]
    page = client.get(idea_url).get_data(as_text=True)
    assert "C’est votre idée" in page and "Moi aussi" not in page
    refused = client.post(idea_url + "/soutenir", follow_redirects=True)
    assert "vous ne pouvez pas la soutenir" in refused.get_data(as_text=True)
    with app.app_context():
        assert count(Support) == 0


def test_editing_an_idea_can_change_its_conditions_of_trust(app, client, known):
    client.post(URL, data={"text": "mon idée", "consent": "yes", "conditions": ["know_when"]})
    with app.app_context():
        idea_id = Idea.query.filter_by(text="mon idée").one().id
    edit = f"/mes-contributions/idee/{idea_id}/modifier"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="know_when" checked' in form and 'name="other_condition"' in form
    response = client.post(edit, data={"text": "mon idée", "conditions": ["can_contest"],
                                       "other_condition": "Une personne répond"})
    assert response.status_code == 303
    with app.app_context():
        idea = Idea.query.get(idea_id)
        assert idea.conditions == ["can_contest"]
        assert idea.other_condition == "Une personne répond"


def test_the_consent_text_appears_once_on_an_idea_page(client, known):
    page = client.get(f"{URL.rsplit('/', 1)[0]}/idees/{known['idea']}").get_data(as_text=True)
    assert page.count("Avant votre première contribution") == 1
    assert page.count('name="consent"') == 2  # support and comment: one notice for both
    assert page.count('aria-describedby="avis-participation"') == 2


def add_ideas(app, how_many: int) -> None:
    """Ideas from other people, each with a "me too" and a comment."""
    from app.extensions import db
    with app.app_context():
        phase = db.session.execute(db.select(Phase).filter_by(kind="imagine")).scalar_one()
        for number in range(how_many):
            person = Participant()
            idea = Idea(phase=phase, participant=person, text=f"idée ajoutée {number}")
            db.session.add_all([idea, Support(idea=idea, participant=person),
                                Comment(idea=idea, participant=person, text="bien vu")])
        db.session.commit()


def test_the_idea_list_sends_as_many_queries_for_20_ideas_as_for_2(app, client, known):
    app.config["PAGE_CACHE_SECONDS"] = 0  # rendered each time: what is counted is the page's
    client.get(URL)  # the participant key is in the cookie from now on
    add_ideas(app, 1)
    with statements(app) as two:
        assert "1 soutien · 1 commentaire" in client.get(URL).get_data(as_text=True)
    add_ideas(app, 18)
    with statements(app) as twenty:
        assert "Page 1 sur 2" in client.get(URL).get_data(as_text=True)
    # consultation, its phases, participant, the page of ideas, their number, their counts
    assert len(twenty) == len(two) <= 6


def test_a_published_idea_is_redirected_without_building_the_idea_list(app, client, known):
    def publish(text: str, **headers):
        with statements(app) as sent:
            response = client.post(URL, data={"text": text, "consent": "yes"}, headers=headers)
        return response, sent

    publish("ma première idée")  # the participant's row is made with the first one
    _, two = publish("les lettres soient claires")
    add_ideas(app, 20)
    response, twenty = publish("les délais soient annoncés")
    assert response.status_code == 303
    # consultation, its phases, participant, the new idea, the kept pages' generation
    assert len(twenty) == len(two) <= 6
    assert not [statement for statement in twenty if "idea_support" in statement]
    response, _ = publish("une autre", **{"HX-Request": "true"})  # htmx: the form again
    assert "Votre idée est publiée" in response.get_data(as_text=True)
