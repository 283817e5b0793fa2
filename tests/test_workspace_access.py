"""Who may open what: every workspace route × anonymous, participant, moderator, facilitator,
admin. A new route fails here until it is given its expected roles."""

import pytest

from app.extensions import db
from tests.workspace_factory import act_as, make_user, make_world

PUBLIC = {"workspace.login", "workspace.logout", "workspace.report_contribution"}
EVERY_ROLE = {"workspace.index", "workspace.change_password", "workspace.moderation_queue",
              "workspace.moderate"}
ADMIN_ONLY = {"workspace.audit_log", "workspace.import_json"}
# Every other workspace route is for facilitators and admins.
ROLES = ("admin", "facilitator", "moderator")


def allowed_roles(endpoint: str) -> set[str]:
    if endpoint in PUBLIC:
        return {"anonymous", "participant", *ROLES}
    if endpoint in EVERY_ROLE:
        return set(ROLES)
    if endpoint in ADMIN_ONLY:
        return {"admin"}
    return {"admin", "facilitator"}


def workspace_requests(app, values: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every workspace rule, arguments filled with real objects."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("workspace."):
            continue
        args = {name: values[name] for name in rule.arguments
                if name not in (rule.defaults or {})}
        url = rule.build(args, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def participant_client(app, values):
    client = app.test_client()
    response = client.post(f"/consultations/essai/idees/{values['contribution_id']}/commentaires",
                           data={"text": "Je participe", "consent": "yes"})
    assert response.status_code == 303
    return client


def check(response, endpoint, method, who):
    code = response.status_code
    location = response.headers.get("Location", "")
    if who not in allowed_roles(endpoint):
        if who in ("anonymous", "participant"):
            assert code == 302 and "/animation/connexion" in location, (endpoint, method, who)
        else:
            assert code == 403, (endpoint, method, who, code)
        return
    assert code < 500 and code != 403, (endpoint, method, who, code)
    assert "/animation/connexion?next" not in location, (endpoint, method, who)
    if method == "GET" and endpoint not in PUBLIC:
        assert code == 200, (endpoint, method, who, code)


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("workspace.")}
    assert len(endpoints) >= 30
    assert endpoints >= PUBLIC | EVERY_ROLE | ADMIN_ONLY


@pytest.mark.parametrize("who", ["anonymous", "participant", "moderator", "facilitator",
                                 "admin"])
def test_authorization_matrix(app, who):
    with app.app_context():
        values = make_world()
        user = make_user(who) if who in ROLES else None
        requests = workspace_requests(app, values)
        client = participant_client(app, values) if who == "participant" else app.test_client()
        for endpoint, method, url in requests:
            if endpoint == "workspace.logout":
                continue  # checked last: it ends the session
            if user is not None:
                act_as(client, user)
            response = client.open(url, method=method, data={})
            check(response, endpoint, method, who)
            db.session.rollback()
        response = client.post("/animation/deconnexion")
        assert response.status_code == 303
