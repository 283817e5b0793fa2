"""Each contribution keeps the language it was written in: marked in HTML (`lang`), with
"(en français)" / "(in English)" when it differs from the page, and correctable by the team."""

from consultations_factory import ids, make_consultation

from app.extensions import db
from consultations.models import Idea
from tests.workspace_factory import act_as, make_user

IMAGINE = "/consultations/essai/imaginer"


def post_idea(client, text, lang):
    client.set_cookie("lang", lang)
    return client.post(IMAGINE, data={"text": text, "consent": "yes"})


def test_an_idea_keeps_the_language_of_its_page_and_says_so_elsewhere(app, client):
    with app.app_context():
        make_consultation()
    response = post_idea(client, "a letter I can understand", "en")
    idea_url = response.headers["Location"]
    with app.app_context():
        assert db.session.execute(db.select(Idea).filter_by(
            text="a letter I can understand")).scalar_one().language == "en"
    english = client.get(idea_url).get_data(as_text=True)
    assert '<div lang="en">' in english and "(in English)" not in english
    client.set_cookie("lang", "fr")
    french = client.get(idea_url).get_data(as_text=True)
    assert '<div lang="en">' in french and '<span class="lang-hint" lang="en">(in English)' \
        in french
    listing = client.get(IMAGINE + "?tri=recentes").get_data(as_text=True)
    assert '<span lang="en">a letter I can understand</span> <span class="lang-hint"' in listing


def test_the_team_corrects_the_language(app, client):
    with app.app_context():
        consultation = make_consultation()
        known = ids(consultation)
        idea = db.session.get(Idea, known["idea"])
        assert idea.language is None  # written outside a page: unknown, no mark
        act_as(client, make_user("moderator", team=consultation))
    queue = client.get("/animation/moderation").get_data(as_text=True)
    assert f'/animation/moderation/idea/{known["idea"]}/langue' in queue
    response = client.post(f"/animation/moderation/idea/{known['idea']}/langue",
                           data={"language": "fr"})
    assert response.status_code == 303
    assert client.post(f"/animation/moderation/idea/{known['idea']}/langue",
                       data={"language": "xx"}).status_code == 400
    with app.app_context():
        assert db.session.get(Idea, known["idea"]).language == "fr"
    client.set_cookie("lang", "en")
    page = client.get(f"/consultations/essai/idees/{known['idea']}").get_data(as_text=True)
    assert '<div lang="fr">' in page and '(en français)' in page


def test_the_demo_is_written_in_french_and_marked_on_english_pages(app, client):
    with app.app_context():
        app.extensions["parlons_ia.load_demo"]()
    client.set_cookie("lang", "en")
    page = client.get("/consultations/ia-services-publics/imaginer").get_data(as_text=True)
    assert page.count('<span class="lang-hint" lang="fr">(en français)</span>') >= 3
