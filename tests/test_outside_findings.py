"""Smaller findings of the outside test (issue 16): each pinned by the test that would have
caught it."""

import pytest

from app.extensions import db
from consultations.models import Consultation, Idea
from tests.consultations_factory import ids, make_consultation
from tests.workspace_factory import act_as, make_user, make_world


def test_strict_transport_security_is_sent_when_served_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain HTTP: not sent
    app.config["SESSION_COOKIE_SECURE"] = True
    for path in ("/", "/page-qui-n-existe-pas", "/api/openapi.json"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


def test_contributions_of_an_unpublished_consultation_cannot_be_reported(app, client):
    with app.app_context():
        found = ids(make_consultation(status="draft"))
    response = client.post(f"/signaler/idea/{found['idea']}", data={"reason": "spam"})
    assert response.status_code == 404  # was a 303: the form told which ids exist
    assert client.post("/signaler/idea/999999", data={}).status_code == 404
    with app.app_context():
        db.session.execute(db.update(Consultation).values(status="published"))
        db.session.commit()
    assert client.post(f"/signaler/idea/{found['idea']}", data={}).status_code == 303


@pytest.mark.parametrize("path", ["export.csv", "rapport.md"])
def test_exports_name_their_charset_once(app, client, path):
    with app.app_context():
        values = make_world()
        act_as(client, make_user("admin"))
    response = client.get(f"/animation/consultations/{values['consultation_id']}/{path}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1, response.headers


def test_bidi_and_zero_width_controls_are_not_stored_nor_shown(app, client):
    with app.app_context():
        found = ids(make_consultation())
        # Stored before the normaliser (or by an import): still not shown raw.
        old = db.session.get(Idea, found["idea"])
        old.text = "ancienne \u202eidée\u202c avec\u200b contrôle"
        db.session.commit()
    client.post("/consultations/essai/imaginer", data={
        "text": "nouvelle \u2067idée\u2069 \u200fici\ufeff", "consent": "yes"})
    with app.app_context():
        texts = db.session.execute(db.select(Idea.text)).scalars().all()
    assert "nouvelle idée ici" in texts
    page = client.get("/consultations/essai/imaginer").get_data(as_text=True)
    assert "nouvelle idée ici" in page and "ancienne idée avec contrôle" in page
    for control in "\u202e\u202c\u2067\u2069\u200f\u200b\ufeff":
        assert control not in page


@pytest.mark.parametrize("members", ["²", "9" * 5000, "٣"])
def test_splitting_a_theme_with_impossible_ids_is_a_clear_400(app, client, members):
    with app.app_context():
        values = make_world()
        act_as(client, make_user("admin"))
    response = client.post(f"/animation/themes/{values['theme_id']}/separer",
                           data={"members": members, "label": "x"})
    assert response.status_code == 400  # was a 500 (int("²"), int() of 5,000 digits)
    assert "ne sont pas reconnues" in response.get_data(as_text=True)


def new_ids(app) -> set:
    with app.app_context():
        from consultations.contributions import KINDS
        from consultations.workspace.moderation import in_state
        kind = KINDS["idea"]
        return set(db.session.execute(db.select(kind.model.id).where(in_state(kind, "new")))
                   .scalars())


def test_an_edit_after_review_returns_the_contribution_to_the_queue(app, client):
    with app.app_context():
        moderator = make_user("moderator", team=make_consultation())
    client.post("/consultations/essai/imaginer", data={"text": "Première version",
                                                       "consent": "yes"})
    with app.app_context():
        idea_id = db.session.execute(db.select(Idea.id).filter_by(text="Première version")
                                     ).scalar_one()
    staff = app.test_client()
    act_as(staff, moderator)
    assert idea_id in new_ids(app)
    assert staff.post(f"/animation/moderation/idea/{idea_id}",
                      data={"decision": "keep"}).status_code == 303
    assert idea_id not in new_ids(app)
    response = client.post(f"/mes-contributions/idee/{idea_id}/modifier",
                           data={"text": "Version changée après la revue"})
    assert response.status_code == 303
    assert idea_id in new_ids(app)  # was: live without a second look
    assert "Version changée après la revue" in staff.get("/animation/moderation").get_data(
        as_text=True)


def test_the_markdown_report_carries_no_raw_html(app, client):
    with app.app_context():
        values = make_world()
        from consultations.workspace.models import Theme
        theme = db.session.get(Theme, values["theme_id"])
        theme.label, theme.status = "<img src=x onerror=alert(1)>", "accepted"
        idea = db.session.get(Idea, values["contribution_id"])
        idea.text = "<script>alert('x')</script> [clic](javascript:alert(1)) **gras**"
        theme.members[0].text = idea.text
        db.session.commit()
        act_as(client, make_user("admin"))
    report = client.get(f"/animation/consultations/{values['consultation_id']}/rapport.md"
                        ).get_data(as_text=True)
    assert "<script" not in report and "<img" not in report
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in report
    assert "\\[clic\\](javascript:alert(1))" in report and "\\*\\*gras\\*\\*" in report
    assert "### &lt;img src=x onerror=alert(1)&gt; (1 contribution)" in report
