"""Facilitator accounts: login, lockout, safe next, password change ends other sessions, CLI."""

from app.extensions import db
from consultations.workspace.models import AuditEntry, Facilitator
from tests.workspace_factory import PASSWORD, make_user


def login(client, email, password, next_url=None):
    data = {"email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/animation/connexion", data=data)


def test_login_then_back_where_asked(app, client):
    with app.app_context():
        make_user("facilitator")
    response = client.get("/animation/moderation")
    assert response.status_code == 302
    assert "/animation/connexion?next=/animation/moderation" in response.headers["Location"]
    response = login(client, "facilitator@example.org", PASSWORD, "/animation/moderation")
    assert response.status_code == 303
    assert response.headers["Location"] == "/animation/moderation"
    assert client.get("/animation/moderation").status_code == 200


def test_next_cannot_leave_the_site(app, client):
    with app.app_context():
        make_user("facilitator")
    response = login(client, "facilitator@example.org", PASSWORD, "//evil.example/")
    assert response.headers["Location"] == "/animation/"


def test_wrong_password_is_refused_and_locks_after_five(app, client):
    with app.app_context():
        make_user("admin")
    for _attempt in range(5):
        response = login(client, "admin@example.org", "mauvais mot de passe")
        assert response.status_code == 401
        assert "Courriel ou mot de passe incorrect" in response.get_data(as_text=True)
    response = login(client, "admin@example.org", PASSWORD)
    assert response.status_code == 401
    assert "Trop d’essais" in response.get_data(as_text=True)


def test_unknown_email_gets_the_same_message(app, client):
    response = login(client, "personne@example.org", PASSWORD)
    assert response.status_code == 401
    assert "Courriel ou mot de passe incorrect" in response.get_data(as_text=True)


def test_password_change_ends_the_other_sessions(app):
    with app.app_context():
        make_user("facilitator")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert login(client, "facilitator@example.org", PASSWORD).status_code == 303
    response = laptop.post("/animation/mot-de-passe", data={
        "current": PASSWORD, "new": "une toute nouvelle phrase", "confirm":
        "une toute nouvelle phrase"})
    assert response.status_code == 303
    assert laptop.get("/animation/").status_code == 200  # the session that changed it stays
    assert phone.get("/animation/").status_code == 302  # the other one is over
    assert login(phone, "facilitator@example.org", "une toute nouvelle phrase").status_code == 303


def test_password_change_checks_the_current_one(app, client):
    with app.app_context():
        make_user("moderator")
    login(client, "moderator@example.org", PASSWORD)
    response = client.post("/animation/mot-de-passe", data={
        "current": "faux", "new": "une toute nouvelle phrase",
        "confirm": "une toute nouvelle phrase"})
    assert response.status_code == 422


def test_wrong_role_gets_403(app, client):
    with app.app_context():
        make_user("moderator")
    login(client, "moderator@example.org", PASSWORD)
    assert client.get("/animation/consultations/nouvelle").status_code == 403
    assert client.get("/animation/journal").status_code == 403


def test_create_facilitator_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-facilitator", "Chef@Example.org", "--role", "admin",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(db.select(Facilitator)).scalar_one()
        assert (user.email, user.role) == ("chef@example.org", "admin")
        assert user.password_hash.startswith("scrypt:")
        assert db.session.execute(db.select(AuditEntry.action)).scalars().all() == [
            "create_facilitator"]
    result = runner.invoke(args=["create-facilitator", "x@example.org", "--password-stdin"],
                           input="court\n")
    assert result.exit_code != 0
