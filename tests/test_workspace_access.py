"""Who may open what: every workspace route (walked from the url map) × anonymous, participant,
admin, the consultation's team (facilitator, moderator), and a facilitator and a moderator of
another consultation. A new route fails here until it is classified below; a route reaching a
consultation fails if anyone outside its team gets in."""

import pytest
from flask import current_app

from app.extensions import db
from consultations.models import Consultation, Idea, Phase
from consultations.workspace.questionnaire import read_entry, save_entry
from tests.consultations_factory import make_consultation
from tests.workspace_factory import act_as, make_user, make_world

PUBLIC = {"workspace.login", "workspace.logout", "workspace.report_contribution",
          "workspace.account_link", "workspace.forgot_password"}
# Routes that reach no consultation, with the global roles that may open them.
GLOBAL = {
    "workspace.index": {"admin", "facilitator", "moderator"},
    "workspace.change_password": {"admin", "facilitator", "moderator"},
    "workspace.moderation_queue": {"admin", "facilitator", "moderator"},
    "workspace.moderate_many": {"admin", "facilitator", "moderator"},  # checks each item
    "workspace.new_consultation": {"admin", "facilitator"},
    "workspace.workshop_code": {"admin", "facilitator"},  # a code for any room, not per team
    "workspace.accounts": {"admin"},
    "workspace.account_action": {"admin"},
    "workspace.audit_log": {"admin"},
    "workspace.import_json": {"admin"},
    "workspace.import_json_preview": {"admin"},
}
# An import preview is its uploader's alone: for anyone else allowed in, a 404.
UPLOADER_ONLY = {"workspace.import_preview", "workspace.import_json_preview"}
# The knowledge base serves every consultation: its pages are for facilitators and admins.
GLOBAL.update({f"knowledge.{name}": {"admin", "facilitator"} for name in (
    "index", "upload", "replace", "review", "save", "unpublish", "publish_earlier", "card_new",
    "card_edit", "index_job", "questions")})
# Routes on one consultation that its team's moderators may use too (the rest: facilitators).
MODERATE = {"workspace.moderate", "workspace.set_language"}
# Arguments that point into a consultation: a route taking one is about that consultation.
SCOPED_ARGUMENTS = {"consultation_id", "phase_id", "prompt_id", "scenario_id", "finding_id",
                    "theme_id", "job_id", "contribution_id", "member_id", "participant_id",
                    "kind"}
STAFF = ("admin", "facilitator", "moderator", "other_facilitator", "other_moderator")
WHO = ("anonymous", "participant", *STAFF)
GLOBAL_ROLE = {"admin": "admin", "facilitator": "facilitator", "moderator": "moderator",
               "other_facilitator": "facilitator", "other_moderator": "moderator"}


def is_scoped(rule) -> bool:
    return bool(set(rule.arguments) & SCOPED_ARGUMENTS) and rule.endpoint not in PUBLIC


def allowed(rule, who: str) -> bool:
    endpoint = rule.endpoint
    if endpoint in PUBLIC:
        return True
    if who in ("anonymous", "participant"):
        return False
    if endpoint in GLOBAL:
        return GLOBAL_ROLE[who] in GLOBAL[endpoint]
    if who.startswith("other_"):
        return False  # the facilitator (or moderator) of another consultation: never
    return who == "admin" or who == "facilitator" or (who == "moderator"
                                                      and endpoint in MODERATE)


def workspace_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("workspace.")
            or rule.rule.startswith("/animation")]


def workspace_requests(app, values: dict) -> list[tuple]:
    """(rule, method, url) for every workspace rule, arguments filled with real objects."""
    found = []
    for rule in workspace_rules(app):
        args = {name: values[name] for name in rule.arguments
                if name not in (rule.defaults or {})}
        url = rule.build(args, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method, url))
    return found


def participant_client(app, values):
    client = app.test_client()
    response = client.post(f"/consultations/essai/idees/{values['contribution_id']}/commentaires",
                           data={"text": "Je participe", "consent": "yes"})
    assert response.status_code == 303
    return client


def check(response, rule, method, who):
    code = response.status_code
    location = response.headers.get("Location", "")
    where = (rule.endpoint, method, who, code)
    if not allowed(rule, who):
        if who in ("anonymous", "participant"):
            assert code == 302 and "/animation/connexion" in location, where
        else:
            assert code == 403, where
        return
    assert code < 500 and code != 403, where
    assert "/animation/connexion?next" not in location, where
    if rule.endpoint in UPLOADER_ONLY:
        assert code == 404, where
    elif method == "GET" and rule.endpoint not in PUBLIC:
        assert code == 200, where


def test_every_route_is_classified(app):
    """A new workspace route must reach a consultation (and so be checked for its team) or be
    listed as public or global with its roles."""
    rules = workspace_rules(app)
    assert len({rule.endpoint for rule in rules}) >= 35
    unclassified = [rule.rule for rule in rules
                    if rule.endpoint not in PUBLIC and rule.endpoint not in GLOBAL
                    and not is_scoped(rule)]
    assert unclassified == [], "classify these routes in tests/test_workspace_access.py"
    known = {rule.endpoint for rule in rules}
    assert known >= PUBLIC | set(GLOBAL) | MODERATE


def make_team_world() -> tuple[dict, dict]:
    """The world of make_world, its team, an outside consultation with its own team."""
    values = make_world()
    consultation = db.session.get(Consultation, values["consultation_id"])
    db.session.get(Idea, values["contribution_id"]).text = "Une idée de l’essai seulement"
    other = make_consultation(slug="ailleurs")
    users = {
        "admin": make_user("admin"),
        "facilitator": make_user("facilitator", team=consultation),
        "moderator": make_user("moderator", team=consultation),
        "other_facilitator": make_user("facilitator", "autre@example.org", team=other),
        "other_moderator": make_user("moderator", "autre-mod@example.org", team=other),
    }
    extra = make_user("moderator", "equipe@example.org", team=consultation)
    from consultations.workspace.models import TeamMember
    values["member_id"] = db.session.execute(db.select(TeamMember.id).filter_by(
        facilitator_id=extra.id)).scalar_one()
    values["account_id"] = extra.id
    values["token"] = "lien-inconnu"
    # A sheet typed from paper in the phase (its edit and delete routes take the person's id).
    phase = db.session.get(Phase, values["phase_id"])
    with current_app.test_request_context():  # the questions are read in the asked language
        entered, errors = read_entry(phase, {"channel": "paper", "idea": "Une fiche sur papier"})
        assert errors == {}
        values["participant_id"] = save_entry(phase, entered, users["facilitator"]).id
    db.session.commit()
    return values, users


@pytest.mark.parametrize("who", WHO)
def test_authorization_matrix(app, who):
    with app.app_context():
        values, users = make_team_world()
        user = users.get(who)
        requests = workspace_requests(app, values)
        client = participant_client(app, values) if who == "participant" else app.test_client()
        if user is not None:
            act_as(client, user)
        for rule, method, url in requests:
            if rule.endpoint == "workspace.logout":
                continue  # checked last: it ends the session
            response = client.open(url, method=method, data={})
            check(response, rule, method, who)
            db.session.rollback()
        response = client.post("/animation/deconnexion")
        assert response.status_code == 303


def test_bulk_moderation_refuses_items_of_another_consultation(app, client):
    with app.app_context():
        values, users = make_team_world()
        act_as(client, users["other_moderator"])
    response = client.post("/animation/moderation/lot", data={
        "decision": "keep", "items": [f"idea-{values['contribution_id']}"]})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["other_facilitator", "other_moderator"])
def test_lists_show_nothing_of_another_consultation(app, client, who):
    with app.app_context():
        values, users = make_team_world()
        idea_text = db.session.get(Idea, values["contribution_id"]).text
        act_as(client, users[who])
    pages = ["/animation/"] + [f"/animation/moderation?state={state}"
                               for state in ("new", "reported", "hidden", "kept")]
    for page in pages:
        text = client.get(page).get_data(as_text=True)
        assert "/essai" not in text and idea_text not in text, page
