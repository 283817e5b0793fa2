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


def test_lockout_holds_one_client_and_account_not_the_account(app):
    """Issue 16, item 12: five wrong passwords from an attacker no longer lock the real person
    out from elsewhere, and an unknown email gets the same "too many attempts" answer."""
    with app.app_context():
        make_user("admin")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    person = app.test_client()
    for email in ("admin@example.org", "personne@example.org"):
        for _attempt in range(5):
            assert login(attacker, email, "mauvais mot de passe").status_code == 401
        response = login(attacker, email, PASSWORD)
        assert "Trop d’essais" in response.get_data(as_text=True), email
    assert login(person, "admin@example.org", PASSWORD).status_code == 303


def test_unknown_email_gets_the_same_message(app, client):
    response = login(client, "personne@example.org", PASSWORD)
    assert response.status_code == 401
    assert "Courriel ou mot de passe incorrect" in response.get_data(as_text=True)


def copied_cookie(client) -> str:
    return client.get_cookie("session").value


def with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_logout_ends_the_session_on_the_server(app, client):
    """Issue 16, item 3: a cookie copied before logout no longer opens the workspace."""
    with app.app_context():
        make_user("admin")
    assert login(client, "admin@example.org", PASSWORD).status_code == 303
    stolen = copied_cookie(client)
    assert with_cookie(app, stolen).get("/animation/").status_code == 200
    assert client.post("/animation/deconnexion").status_code == 303
    response = with_cookie(app, stolen).get("/animation/")
    assert response.status_code == 302 and "/animation/connexion" in response.headers["Location"]


def test_session_ends_after_inactivity(app, client):
    from datetime import timedelta

    from consultations.workspace.models import WorkspaceSession
    with app.app_context():
        make_user("admin")
    login(client, "admin@example.org", PASSWORD)
    assert client.get("/animation/").status_code == 200
    with app.app_context():
        record = db.session.execute(db.select(WorkspaceSession)).scalar_one()
        idle = app.config["WORKSPACE_SESSION_IDLE_MINUTES"]
        record.last_seen_at = record.last_seen_at - timedelta(minutes=idle + 1)
        db.session.commit()
    assert client.get("/animation/").status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(WorkspaceSession)).first() is None


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
    stolen = copied_cookie(phone)
    assert laptop.get("/animation/").status_code == 200  # the session that changed it stays
    assert phone.get("/animation/").status_code == 302  # the other one is over
    assert with_cookie(app, stolen).get("/animation/").status_code == 302
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
