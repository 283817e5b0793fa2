"""Reports from participants, the moderation queue, hiding with a reason, the audit log."""

from app.extensions import db
from consultations.models import Idea
from consultations.workspace.models import AuditEntry, ContributionReport
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user


def test_report_hide_restore_and_audit(app, client):
    with app.app_context():
        make_consultation()
        idea_id = db.session.execute(db.select(Idea.id)).scalar()
        moderator, admin = make_user("moderator"), make_user("admin")
    response = client.post(f"/signaler/idea/{idea_id}",
                           data={"reason": "Propos blessants", "next": "//evil.example"})
    assert response.status_code == 303 and response.headers["Location"] == "/consultations/"
    act_as(client, moderator)
    queue = client.get("/animation/moderation").get_data(as_text=True)
    assert "Propos blessants" in queue and "une idée existante" in queue

    response = client.post(f"/animation/moderation/idea/{idea_id}", data={"decision": "hide"})
    with app.app_context():
        assert db.session.get(Idea, idea_id).moderation == "visible"  # a reason is required
    client.post(f"/animation/moderation/idea/{idea_id}",
                data={"decision": "hide", "reason": "Hors sujet"})
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        assert (idea.moderation, idea.hidden_reason) == ("hidden", "Hors sujet")
        report = db.session.execute(db.select(ContributionReport)).scalar_one()
        assert report.handled_at is not None
    assert client.get(f"/consultations/essai/idees/{idea_id}").status_code == 404
    client.post(f"/animation/moderation/idea/{idea_id}", data={"decision": "restore"})
    assert client.get(f"/consultations/essai/idees/{idea_id}").status_code == 200

    assert client.get("/animation/journal").status_code == 403
    act_as(client, admin)
    log = client.get("/animation/journal").get_data(as_text=True)
    assert "moderation_hide" in log and "moderation_restore" in log
    assert "moderator@example.org" in log
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(AuditEntry)
                                  ).scalar() == 2


def test_report_form_is_csrf_protected(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        make_consultation()
        idea_id = db.session.execute(db.select(Idea.id)).scalar()
    assert client.post(f"/signaler/idea/{idea_id}").status_code == 400
