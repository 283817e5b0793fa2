"""Reports from participants, the moderation queue, hiding with a reason, the audit log."""

from app.extensions import db
from consultations.models import Idea
from consultations.workspace.models import AuditEntry, ContributionReport
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user


def test_report_hide_restore_and_audit(app, client):
    with app.app_context():
        consultation = make_consultation()
        idea_id = db.session.execute(db.select(Idea.id)).scalar()
        moderator, admin = make_user("moderator", team=consultation), make_user("admin")
    response = client.post(f"/signaler/idea/{idea_id}",
                           data={"reason": "Propos blessants", "next": "//evil.example"})
    assert response.status_code == 303 and response.headers["Location"] == "/consultations/"
    act_as(client, moderator)
    queue = client.get("/animation/moderation?state=reported").get_data(as_text=True)
    assert "Propos blessants" in queue and "une idée existante" in queue
    assert "une idée existante" not in client.get("/animation/moderation").get_data(
        as_text=True)  # reported, so not among the new ones

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


def counts(client, query="") -> dict[str, int]:
    import re
    page = client.get("/animation/moderation" + query).get_data(as_text=True)
    return {state: int(n) for state, n in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def test_bulk_decisions_filters_and_counters(app, client):
    from consultations.models import Participant
    with app.app_context():
        consultation = make_consultation()
        phase = consultation.phase("imagine")
        people = [Participant() for _ in range(60)]
        db.session.add_all(Idea(phase=phase, participant=person, text=f"Idée numéro {n}",
                                channel="paper" if n % 2 else "online")
                           for n, person in enumerate(people))
        db.session.commit()
        ids = db.session.execute(db.select(Idea.id).order_by(Idea.id)).scalars().all()
        act_as(client, make_user("moderator", team=consultation))
    assert counts(client)["new"] == 61  # all of them, not the 50 shown
    import re
    shown = re.sub(r"<[^>]+>", " ", client.get("/animation/moderation").get_data(as_text=True))
    assert "Sur papier" in shown and "En ligne" in shown and "Idée n°" in shown
    assert not re.search(r"\b(paper|online|in_person|idea)\b", shown)
    assert counts(client, "?channel=paper")["new"] == 30
    chosen = [f"idea-{i}" for i in ids[:5]]
    response = client.post("/animation/moderation/lot", data={
        "decision": "hide", "items": chosen, "next": "/animation/moderation?channel=paper"})
    assert response.status_code == 303  # no reason: nothing done
    assert counts(client)["new"] == 61
    client.post("/animation/moderation/lot", data={
        "decision": "hide", "reason": "Hors sujet", "items": chosen})
    assert counts(client) == {"new": 56, "reported": 0, "hidden": 5, "kept": 0}
    client.post("/animation/moderation/lot", data={"decision": "keep", "items": [
        f"idea-{i}" for i in ids[5:8]]})
    assert counts(client) == {"new": 53, "reported": 0, "hidden": 5, "kept": 3}
    client.post("/animation/moderation/lot", data={"decision": "restore", "items": chosen[:2]})
    assert counts(client)["hidden"] == 3
    with app.app_context():
        hidden = db.session.execute(db.select(Idea).filter_by(moderation="hidden")).scalars()
        assert {idea.hidden_reason for idea in hidden} == {"Hors sujet"}
        assert db.session.execute(db.select(db.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "moderation_hide")).scalar() == 5
