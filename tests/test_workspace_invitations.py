"""Accounts managed in the workspace: invitation and reset links, roles, disable, remove, and
e-mail through a real SMTP server."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.mail import send_email
from consultations.workspace.models import AccountLink, AuditEntry, Facilitator
from tests.smtp_server import smtp_server
from tests.workspace_factory import PASSWORD, act_as, make_user

NEW_PASSWORD = "une phrase de passe neuve"
LINK = re.compile(r"https?://[^\s\"<]+/animation/lien/[A-Za-z0-9_-]+")
# A CSRF token carries the second it was signed, so two pages a second apart differ there only.
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]+')


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)
                                  ).scalars().all()


def invite(client, email="nouvelle@example.org", role="facilitator") -> str:
    response = client.post("/animation/comptes", data={"email": email, "role": role})
    assert response.status_code == 200
    return LINK.search(response.get_data(as_text=True)).group(0)


def choose_password(client, link: str, password: str = NEW_PASSWORD):
    return client.post(link, data={"new": password, "confirm": password})


def login(client, email, password):
    return client.post("/animation/connexion", data={"email": email, "password": password})


def test_invite_then_choose_a_password_once(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    link = invite(client)
    newcomer = app.test_client()
    assert login(newcomer, "nouvelle@example.org", "").status_code == 401  # no password yet
    assert newcomer.get(link).status_code == 200
    assert choose_password(newcomer, link, "court").status_code == 422
    response = choose_password(newcomer, link)
    assert response.status_code == 303
    assert newcomer.get("/animation/").status_code == 200  # logged in by the link
    assert newcomer.get(link).status_code == 404  # one time only
    assert login(app.test_client(), "nouvelle@example.org", NEW_PASSWORD).status_code == 303
    assert {"invite", "accept_invite"} <= set(actions(app))


def test_an_expired_link_does_not_work(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    link = invite(client)
    with app.app_context():
        record = db.session.execute(db.select(AccountLink)).scalar_one()
        assert timedelta(hours=71) < record.expires_at - record.created_at <= timedelta(hours=72)
        record.expires_at = record.created_at - timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(link).status_code == 404


def test_roles_disable_enable_remove(app, client):
    with app.app_context():
        admin = make_user("admin")
        other = make_user("facilitator")
        other_id, admin_id = other.id, admin.id
    act_as(client, admin)
    elsewhere = app.test_client()
    login(elsewhere, "facilitator@example.org", PASSWORD)
    assert elsewhere.get("/animation/").status_code == 200
    page = f"/animation/comptes/{other_id}"
    assert client.post(page, data={"action": "role", "role": "moderator"}).status_code == 303
    assert client.post(page, data={"action": "disable"}).status_code == 303
    assert elsewhere.get("/animation/").status_code == 302  # its session ended
    assert login(app.test_client(), "facilitator@example.org", PASSWORD).status_code == 401
    assert client.post(page, data={"action": "enable"}).status_code == 303
    assert login(elsewhere, "facilitator@example.org", PASSWORD).status_code == 303
    assert client.post(page, data={"action": "remove"}).status_code == 303
    assert elsewhere.get("/animation/").status_code == 302
    # An admin cannot remove or disable themselves (nor the last admin).
    assert client.post(f"/animation/comptes/{admin_id}", data={"action": "remove"}
                       ).status_code == 303
    with app.app_context():
        assert db.session.get(Facilitator, other_id) is None
        assert db.session.get(Facilitator, admin_id) is not None
    changes = [a for a in actions(app) if a.endswith("_account") or a == "change_role"]
    assert changes == ["change_role", "disable_account", "enable_account", "remove_account"]


def test_an_admin_gives_a_reset_link(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
        person_id = make_user("moderator").id
    response = client.post(f"/animation/comptes/{person_id}", data={"action": "link"})
    link = LINK.search(response.get_data(as_text=True)).group(0)
    assert choose_password(app.test_client(), link).status_code == 303
    assert login(app.test_client(), "moderator@example.org", NEW_PASSWORD).status_code == 303
    assert login(app.test_client(), "moderator@example.org", PASSWORD).status_code == 401


def test_forgot_password_by_email_without_enumeration(app):
    with app.app_context():
        make_user("facilitator")
    with smtp_server() as (settings, inbox):
        app.config.update(settings)
        client = app.test_client()
        answers = []
        for email in ("facilitator@example.org", "personne@example.org"):
            response = client.post("/animation/mot-de-passe-oublie", data={"email": email},
                                   follow_redirects=True)
            page = CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))
            answers.append((response.status_code, page))
        assert answers[0] == answers[1]
        assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "facilitator@example.org"
    assert message["From"] == "parlons-ia@example.org"
    link = LINK.search(message.get_content()).group(0)
    assert choose_password(app.test_client(), link).status_code == 303
    assert login(app.test_client(), "facilitator@example.org", NEW_PASSWORD).status_code == 303


def test_the_invitation_is_sent_by_email_when_smtp_is_configured(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    with smtp_server(user="relais", password="secret-smtp") as (settings, inbox):
        app.config.update(settings)
        link = invite(client, "equipe@example.org")
    assert len(inbox.messages) == 1
    assert link in inbox.messages[0].get_content()
    assert "72" in inbox.messages[0].get_content()


def test_send_email_logs_in_and_reports_refusal(app):
    with app.app_context(), smtp_server(user="relais", password="secret-smtp") as (settings,
                                                                                    inbox):
        assert send_email("a@example.org", "Sujet é", "Corps ç", settings) is True
        assert inbox.messages[0]["Subject"] == "Sujet é"
        from app.mail import MailError
        with pytest.raises(MailError):
            send_email("a@example.org", "x", "y", {**settings, "SMTP_PASSWORD": "faux"})
        assert send_email("a@example.org", "x", "y", {**settings, "SMTP_HOST": ""}) is False


def test_a_queued_invitation_keeps_no_link_in_clear_and_leaves_with_the_worker(tmp_path):
    """The e-mail goes through the task queue (a SQLite queue nobody runs yet): the job stored
    in the database holds the message sealed, the queue holds only the job's id; the worker
    then sends it and the job keeps nothing of it."""
    from app import create_app
    from app.mail import latest_email

    app = create_app({"TESTING": True, "SECRET_KEY": "une clé de test", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
                      "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"})
    client = app.test_client()
    with app.app_context():
        db.create_all()
        act_as(client, make_user("admin"))
    with smtp_server() as (settings, inbox):
        app.config.update(settings)
        page = client.post("/animation/comptes", data={"email": "equipe@example.org",
                                                       "role": "moderator"})
        text = page.get_data(as_text=True)
        link = LINK.search(text).group(0)
        token = link.rsplit("/", 1)[1]
        assert "dans un instant" in text and inbox.messages == []
        with app.app_context():
            account_id = db.session.execute(db.select(Facilitator.id).filter_by(
                email="equipe@example.org")).scalar_one()
            job = latest_email(f"account:{account_id}")
            assert job.status == "queued"
            stored = str(job.args)
            db.engine.dispose()
        assert token not in stored and "equipe@example.org" not in stored
        for store in ("site.sqlite3", "queue.sqlite3"):
            assert token.encode() not in (tmp_path / store).read_bytes(), store
        assert "en attente d’envoi" in client.get("/animation/comptes").get_data(as_text=True)

        huey = app.extensions["huey"].huey  # what `flask tasks worker` does with the next task
        huey.execute(huey.dequeue())
        assert len(inbox.messages) == 1
        assert inbox.messages[0]["To"] == "equipe@example.org"
        assert link in inbox.messages[0].get_content()
    with app.app_context():
        job = latest_email(f"account:{account_id}")
        assert (job.status, job.message, job.args) == ("done", "sent", [])
    assert "Courriel d’invitation : parti" in client.get("/animation/comptes").get_data(
        as_text=True)
    assert choose_password(app.test_client(), link).status_code == 303


def test_a_refused_email_is_shown_as_not_sent_and_forgotten(app, client):
    with app.app_context():
        act_as(client, make_user("admin"))
    with smtp_server(user="relais", password="secret-smtp") as (settings, inbox):
        app.config.update({**settings, "SMTP_PASSWORD": "pas le bon"})
        page = client.post("/animation/comptes", data={
            "email": "refus@example.org", "role": "facilitator"}).get_data(as_text=True)
    assert inbox.messages == []
    assert "n’a pas pu partir" in page and LINK.search(page)
    with app.app_context():
        from app.mail import latest_email
        account_id = db.session.execute(db.select(Facilitator.id).filter_by(
            email="refus@example.org")).scalar_one()
        job = latest_email(f"account:{account_id}")
        assert job.status == "failed" and job.args == []
        assert job.message.startswith("refused: SMTP")
    assert "pas parti" in client.get("/animation/comptes").get_data(as_text=True)
