"""Kept public pages (app/page_cache.py): served again without rendering, never stale, never
one visitor's page shown to another."""

import re

import pytest
from consultations_factory import make_consultation, statements
from sqlalchemy import update

from app import page_cache
from app.extensions import db
from consultations.models import Idea, Participant, Phase

URL = "/consultations/essai/imaginer"


@pytest.fixture
def kept_app(app):
    # A long window: the test must not cross its end between two requests.
    app.config["PAGE_CACHE_SECONDS"] = 3600
    with app.app_context():
        make_consultation()
    return app


def generation(app) -> int:
    with app.app_context():
        return db.session.execute(page_cache._READ_GENERATION).scalar_one()


def token_of(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def without_tokens(html: str) -> str:
    return re.sub(r'name="(form_token|csrf_token)" value="[^"]+"', "", html)


def test_a_kept_page_is_served_with_only_the_reads_of_its_key(kept_app):
    client = kept_app.test_client()
    first = client.get(URL).get_data(as_text=True)
    with statements(kept_app) as again:
        second = client.get(URL).get_data(as_text=True)
    # the same page, with a new one-time form token
    assert token_of(second, "form_token") != token_of(first, "form_token")
    assert without_tokens(second) == without_tokens(first)
    assert "une idée existante" in second
    # what the key reads: the participant's row id (none yet), the pages' generation
    assert len(again) == 2
    assert "FROM participant" in again[0] and "FROM page_generation" in again[1]


def test_a_new_idea_is_on_the_kept_list_at_once(kept_app):
    reader, writer = kept_app.test_client(), kept_app.test_client()
    assert "les délais soient annoncés" not in reader.get(URL).get_data(as_text=True)
    before = generation(kept_app)
    writer.post(URL, data={"text": "les délais soient annoncés", "consent": "yes"})
    assert generation(kept_app) == before + 1
    assert "les délais soient annoncés" in reader.get(URL).get_data(as_text=True)


def test_a_change_made_by_a_statement_is_seen_too(kept_app):
    client = kept_app.test_client()
    assert "une idée existante" in client.get(URL).get_data(as_text=True)
    with kept_app.app_context():
        db.session.execute(update(Idea).values(moderation="hidden"))
        db.session.commit()
    assert "une idée existante" not in client.get(URL).get_data(as_text=True)


def test_a_rolled_back_change_makes_no_new_generation(kept_app):
    before = generation(kept_app)
    with kept_app.app_context():
        db.session.execute(update(Idea).values(text="jamais gardé"))
        db.session.rollback()
        db.session.commit()
    assert generation(kept_app) == before


def test_the_chat_log_keeps_every_page(kept_app):
    client = kept_app.test_client()
    client.get(URL)
    before = generation(kept_app)
    assert client.post("/api/chat", json={"question": "Qu'est-ce que l'IA ?"}).status_code == 200
    assert generation(kept_app) == before


def test_each_visitor_gets_their_own_tokens_and_participant_key(kept_app):
    kept_app.config["WTF_CSRF_ENABLED"] = True
    first, second = kept_app.test_client(), kept_app.test_client()
    one = first.get(URL).get_data(as_text=True)
    with statements(kept_app) as served:
        two = second.get(URL).get_data(as_text=True)
    assert len(served) == 1  # served kept: only the generation is read (no participant key yet)
    for name in ("csrf_token", "form_token"):
        assert token_of(one, name) != token_of(two, name)
    with first.session_transaction() as one_session, \
            second.session_transaction() as two_session:
        assert one_session["participant"] != two_session["participant"]
    response = second.post(URL, data={"text": "une idée du second", "consent": "yes",
                                      "csrf_token": token_of(two, "csrf_token"),
                                      "form_token": token_of(two, "form_token")})
    assert response.status_code == 303
    response = first.post(URL, data={"text": "une idée du premier", "consent": "yes",
                                     "csrf_token": token_of(one, "csrf_token"),
                                     "form_token": token_of(one, "form_token")})
    assert response.status_code == 303
    with kept_app.app_context():
        texts = set(db.session.execute(db.select(Idea.text)).scalars())
        assert {"une idée du second", "une idée du premier"} <= texts
        assert db.session.execute(db.select(db.func.count(Participant.id))).scalar_one() == 3


def test_a_contributor_and_a_reader_do_not_share_a_page(kept_app):
    author, reader = kept_app.test_client(), kept_app.test_client()
    author.get(URL)
    location = author.post(URL, data={"text": "mon idée à moi", "consent": "yes"}
                           ).headers["Location"]
    author.get(location)  # the page with the "published" message, never kept
    for _ in range(2):  # rendered, then kept
        own = author.get(location).get_data(as_text=True)
        seen = reader.get(location).get_data(as_text=True)
        assert "C’est votre idée." in own
        assert "C’est votre idée." not in seen and "Moi aussi" in seen


def test_each_language_has_its_own_page(kept_app):
    client = kept_app.test_client()
    french = client.get(URL).get_data(as_text=True)
    english = client.get(URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fr"' in french and 'lang="en"' in english


def test_a_page_showing_a_message_is_not_kept(kept_app):
    client = kept_app.test_client()
    client.get(URL)
    response = client.post(URL, data={"text": "une idée de plus", "consent": "yes"})
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Votre idée est publiée" in shown
    assert "Votre idée est publiée" not in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_a_phase_closed_by_a_facilitator_is_seen_at_once(kept_app):
    client = kept_app.test_client()
    assert 'name="text"' in client.get(URL).get_data(as_text=True)
    with kept_app.app_context():
        phase = db.session.execute(db.select(Phase).filter_by(kind="imagine")).scalar_one()
        phase.ends_at = phase.starts_at
        db.session.commit()
    assert 'name="text"' not in client.get(URL).get_data(as_text=True)


def test_nothing_is_kept_when_the_setting_is_0(kept_app):
    kept_app.config["PAGE_CACHE_SECONDS"] = 0
    client = kept_app.test_client()
    client.get(URL)
    with statements(kept_app) as again:
        client.get(URL)
    assert len(again) > 1 and not [s for s in again if "page_generation" in s]


def test_only_public_pages_that_say_so_are_kept(kept_app):
    kept = {view.__name__ for view in page_cache.KEPT_VIEWS}
    assert {"imagine", "idea", "home", "results"} <= kept
    assert not kept & {"mine", "chat", "ai_on_this_site", "health", "dashboard"}
