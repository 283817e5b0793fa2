"""Participants without accounts: the signed cookie, my contributions, withdraw, delete all."""

import pytest
from consultations_factory import count, ids, make_consultation

from app.extensions import db
from consultations.models import Answer, Comment, Idea, Participant, Support, utcnow

IDEA_URL = "/consultations/essai/imaginer"


@pytest.fixture
def known(app):
    with app.app_context():
        return ids(make_consultation())


def _contribute_everywhere(client, known):
    client.post(IDEA_URL, data={"text": "mon idée à moi", "consent": "yes"})
    client.post(f"/consultations/essai/idees/{known['idea']}/soutenir")
    client.post(f"/consultations/essai/idees/{known['idea']}/commentaires",
                data={"text": "mon commentaire"})
    client.post("/consultations/essai/entrevue", data={f"answer-{known['prompts'][0]}": "réponse"})
    client.post(f"/consultations/essai/scenarios/{known['scenario']}",
                data={"acceptability": "3", "usefulness": "3"})
    client.post(f"/consultations/essai/resultats/{known['finding']}", data={"reflects": "yes"})


def test_my_contributions_lists_everything_i_gave(client, known):
    _contribute_everywhere(client, known)
    html = client.get("/mes-contributions").get_data(as_text=True)
    for text in ("mon idée à moi", "une idée existante", "mon commentaire", "réponse",
                 "Et si… ?", "Entendu", "Acceptable : 3 sur 5"):
        assert text in html, text
    assert html.count('name="csrf_token"') >= 6  # one "Retirer" form per contribution


def test_a_tampered_or_missing_cookie_gives_a_fresh_participant(app, client, known):
    client.post(IDEA_URL, data={"text": "avant", "consent": "yes"})
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-3] + "xyz")
    html = client.get("/mes-contributions").get_data(as_text=True)
    assert "Vous n’avez rien donné" in html
    response = client.post(IDEA_URL, data={"text": "après", "consent": "yes"})
    assert response.status_code == 303
    client.delete_cookie("session")
    assert client.get(IDEA_URL).status_code == 200
    with app.app_context():
        assert count(Participant) == 3  # the factory's, then two anonymous people


def test_i_can_edit_my_idea_while_the_phase_is_open(app, client, known):
    client.post(IDEA_URL, data={"text": "première version", "consent": "yes"})
    with app.app_context():
        idea_id = db.session.execute(db.select(Idea.id).filter_by(text="première version")
                                     ).scalar_one()
    url = f"/mes-contributions/idee/{idea_id}/modifier"
    assert "première version" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"text": " "}).status_code == 422
    assert client.post(url, data={"text": "deuxième version"}).status_code == 303
    with app.app_context():
        assert db.session.get(Idea, idea_id).text == "deuxième version"


def test_editing_is_refused_once_the_phase_is_closed(app, client, known):
    client.post(IDEA_URL, data={"text": "figée", "consent": "yes"})
    with app.app_context():
        idea = db.session.execute(db.select(Idea).filter_by(text="figée")).scalar_one()
        idea.phase.closed_early_at = utcnow()
        db.session.commit()
        idea_id = idea.id
    response = client.post(f"/mes-contributions/idee/{idea_id}/modifier",
                           data={"text": "changée"}, follow_redirects=True)
    assert "terminée" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Idea, idea_id).text == "figée"


def test_someone_else_cannot_edit_or_withdraw_my_contribution(app, client, known):
    assert client.post(f"/mes-contributions/idee/{known['idea']}/retirer").status_code == 404
    assert client.get(f"/mes-contributions/idee/{known['idea']}/modifier").status_code == 404
    assert client.post("/mes-contributions/inconnu/1/retirer").status_code == 404


def test_i_can_withdraw_one_contribution(app, client, known):
    client.post(f"/consultations/essai/idees/{known['idea']}/commentaires",
                data={"text": "à retirer", "consent": "yes"})
    with app.app_context():
        comment_id = db.session.execute(db.select(Comment.id)).scalar_one()
    response = client.post(f"/mes-contributions/commentaire/{comment_id}/retirer")
    assert response.status_code == 303
    with app.app_context():
        assert count(Comment) == 0


def test_delete_everything_asks_first_and_lists_what_will_go(app, client, known):
    _contribute_everywhere(client, known)
    mine = client.get("/mes-contributions").get_data(as_text=True)
    assert 'href="/mes-contributions/tout-effacer"' in mine, "a link to a confirmation screen"
    assert 'action="/mes-contributions/tout-effacer"' not in mine, "no form that deletes at once"
    confirm = client.get("/mes-contributions/tout-effacer").get_data(as_text=True)
    for text in ("Nous allons effacer ces 6 contributions", "mon idée à moi", "mon commentaire",
                 "Et si… ?", "Entendu", "Cela ne peut pas être annulé",
                 'action="/mes-contributions/tout-effacer"'):
        assert text in confirm, text
    with app.app_context():
        assert count(Answer) == 1, "nothing deleted by looking"


def test_delete_everything_removes_all_i_gave_and_my_profile(app, client, known):
    _contribute_everywhere(client, known)
    client.post("/mes-contributions/profil", data={"age_band": "35_54", "region": "Estrie"})
    response = client.post("/mes-contributions/tout-effacer")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tout ce que vous avez donné est effacé" in html
    with app.app_context():
        assert count(Participant) == 1  # only the factory's author remains
        assert count(Answer) == 0 and count(Support) == 0
        assert count(Idea) == 1 and count(Comment) == 0


def test_the_profile_is_optional_and_validated(app, client, known):
    page = client.get("/mes-contributions/profil").get_data(as_text=True)
    assert "Passer" in page and "Souvent" in page
    bad = client.post("/mes-contributions/profil", data={"age_band": "200", "consent": "yes"})
    assert bad.status_code == 422
    good = client.post("/mes-contributions/profil", data={
        "pseudonym": "Robin", "age_band": "18_34", "online_services_use": "never",
        "preferred_language": "fr", "consent": "yes"})
    assert good.status_code == 303
    with app.app_context():
        person = db.session.execute(db.select(Participant).filter_by(pseudonym="Robin")
                                    ).scalar_one()
        assert (person.age_band, person.online_services_use, person.region) == (
            "18_34", "never", None)


def test_forms_carry_a_csrf_token_and_refuse_posts_without_it(csrf_app, known):
    client = csrf_app.test_client()
    html = client.get(IDEA_URL).get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert client.post(IDEA_URL, data={"text": "x", "consent": "yes"}).status_code == 400
