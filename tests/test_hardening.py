"""Security headers and cookies on every route (URL arguments filled with real demo objects),
on error and POST responses; `next` stays on this site; no debug in production; no secret in
the repository."""

import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import InternalServerError

from app import create_app
from app.config import REPO_ROOT
from app.extensions import db
from app.security import HEADERS
from consultations.demo import OPEN_SLUG
from consultations.models import Consultation, Idea
from tests.test_workspace_access import make_team_world
from tests.workspace_factory import act_as, make_user, make_world

REDIRECTS = (301, 302, 303, 307, 308)


def demo_values(app) -> dict:
    """A real object behind every URL argument: the demo, plus a small world for the workspace
    (theme, job) and the participant's own idea for "my contributions"."""
    with app.app_context():
        app.extensions["parlons_ia.load_demo"]()
        values, users = make_team_world()
        demo = db.session.execute(db.select(Consultation).filter_by(slug=OPEN_SLUG)).scalar_one()
        idea = db.session.execute(db.select(Idea).where(
            Idea.phase_id == demo.phase("imagine").id, Idea.moderation == "visible")).scalars()
        from chatbot.web.bots import get_chatbot
        values.update({
            "slug": OPEN_SLUG, "idea_id": next(idea).id,
            "scenario_id": demo.phase("prototype").scenarios[0].id,
            "doc_id": get_chatbot().documents[0].id, "code": "en", "mode": "simple",
            "filename": "css/site.css",
            "name": "0" * 64,  # a spoken screen nobody asked for: 404, with the headers
        })
        admin = users["admin"]
    return values, admin


def url_for_rule(rule, values: dict) -> str:
    filled = dict(values)
    if rule.rule.startswith("/mes-contributions/"):
        filled.update(kind="idee", contribution_id=values["own_idea"])
    if "finding_id" in rule.arguments and rule.rule.startswith("/consultations/"):
        filled["finding_id"] = values["demo_finding"]
    return rule.build({name: filled[name] for name in rule.arguments}, append_unknown=False)[1]


def check_headers(response, where: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (where, response.status_code, name)
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, (where, cookie)
        assert "Secure" in cookie, (where, cookie)


@pytest.fixture
def full_app(app):
    app.config["SESSION_COOKIE_SECURE"] = True

    @app.get("/_boom")
    def boom():
        raise InternalServerError()

    return app


def test_headers_and_cookies_on_every_route_with_real_arguments(full_app):
    app = full_app
    values, admin = demo_values(app)
    visitor = app.test_client()
    made = visitor.post(f"/consultations/{OPEN_SLUG}/imaginer", data={
        "text": "Mon idée à moi", "consent": "yes"})
    assert made.status_code == 303
    values["own_idea"] = int(re.search(r"/idees/(\d+)", made.headers["Location"]).group(1))
    with app.app_context():
        demo = db.session.execute(db.select(Consultation).filter_by(slug=OPEN_SLUG)).scalar_one()
        values["demo_finding"] = (demo.phase("results").findings or [None])[0]
        values["demo_finding"] = values["demo_finding"].id if values["demo_finding"] else 1
    facilitator = app.test_client()
    act_as(facilitator, admin)
    covered = set()
    for rule in app.url_map.iter_rules():
        path = url_for_rule(rule, values)
        if "GET" in rule.methods:
            for who, client in (("visitor", visitor), ("admin", facilitator)):
                response = client.get(path)
                response.get_data()
                response.close()  # a streamed export keeps its context until closed
                check_headers(response, f"GET {path} as {who}")
                if rule.endpoint != "boom":
                    assert response.status_code < 500, (path, who)
        if rule.methods & {"POST"}:
            # Anonymous, empty POSTs: validation pages, refusals, redirects to the login page;
            # nothing destructive runs as the administrator.
            response = visitor.post(path, data={})
            check_headers(response, f"POST {path}")
            assert response.status_code < 500, path
        covered.add((rule.rule, rule.endpoint))
    assert len(covered) == len(list(app.url_map.iter_rules()))
    for path, method in (("/introuvable", "GET"), ("/chat", "GET"), ("/_boom", "GET")):
        check_headers(visitor.open(path, method=method), path)
    check_headers(visitor.put("/chat"), "405")
    check_headers(visitor.post("/chat", data={"question": "x" * 300_000}), "413")


def test_headers_on_csrf_refusals(csrf_app):
    response = csrf_app.test_client().post("/chat", data={"question": "IA ?"})
    assert response.status_code == 400
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value


OUTSIDE = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
           "http:/evil.example", "javascript:alert(1)", " //evil.example", "/%2F/evil.example",
           "\t//evil.example", "/\r\nLocation: https://evil.example"]


def is_local(location: str) -> bool:
    """Where a browser would go, resolved against this site, is this site."""
    parts = urlsplit(urljoin("http://localhost/here", location))
    return parts.scheme in ("", "http") and parts.netloc in ("", "localhost") and \
        not location.lstrip().startswith("//") and "\\" not in location


@pytest.mark.parametrize("target", OUTSIDE)
def test_every_next_parameter_stays_on_this_site(app, client, target):
    with app.app_context():
        values = make_world()
        make_user("admin", "a@example.org")
    from tests.workspace_factory import PASSWORD
    responses = [
        client.get("/langue/en", query_string={"next": target}),
        client.get("/affichage/simple", query_string={"next": target}),
        client.post(f"/signaler/idea/{values['contribution_id']}",
                    data={"next": target, "reason": "x"}),
        client.post("/animation/connexion", query_string={"next": target},
                    data={"email": "a@example.org", "password": PASSWORD}),
        client.post("/animation/connexion",
                    data={"email": "a@example.org", "password": PASSWORD, "next": target}),
    ]
    for response in responses:
        assert response.status_code in REDIRECTS
        assert is_local(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("env", [{"FLASK_DEBUG": "1"}, {"FLASK_DEBUG": "true"}])
def test_debug_is_refused_in_production(tmp_path, monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ALLOW_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="Debug mode is refused"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_debug_config_is_refused_and_only_allowed_explicitly(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("ALLOW_DEBUG", raising=False)
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError):
        create_app({**settings, "DEBUG": True})
    assert create_app(settings).debug is False
    monkeypatch.setenv("ALLOW_DEBUG", "1")
    assert create_app({**settings, "DEBUG": True}).debug is True


def test_make_run_does_not_allow_debug():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "ALLOW_DEBUG" not in makefile and "--debug" not in makefile
    assert "FLASK_DEBUG" not in makefile


SECRET_LITERAL = re.compile(
    r"""(SECRET_KEY|PASSWORD|API_KEY|TOKEN|PRIVATE_KEY)\s*[:=]\s*["'][^"'\s]{8,}["']"""
    r"""|postgres(?:ql)?://[^:\s/]+:[^@\s]+@(?!127\.0\.0\.1|localhost)"""
    r"""|-----BEGIN [A-Z ]*PRIVATE KEY-----""", re.IGNORECASE)


# Throwaway keys of local test instances, on purpose.
ALLOWED = {'tools/load_check.py: SECRET_KEY="load-check"',
           # the name of the session key that holds the workspace token, not a secret
           'consultations/workspace/auth.py: TOKEN = "workspace_session"'}


def test_no_secret_literal_in_the_repository_configuration():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    checked = [name for name in tracked if not name.startswith(("tests/", "corpus/", "bench/"))
               and Path(name).suffix in {".py", ".toml", ".cfg", ".ini", ".env", ".yml",
                                          ".yaml", ".json", ""}]
    assert "app/config.py" in checked
    found = []
    for name in checked:
        path = REPO_ROOT / name
        if path.is_file() and path.stat().st_size < 2_000_000:
            text = path.read_text(errors="ignore")
            found += [f"{name}: {match.group(0)[:40]}" for match in SECRET_LITERAL.finditer(text)]
    assert not set(found) - ALLOWED
    assert not any(name.startswith("instance/") for name in tracked)
    assert not any(Path(name).name in {"secret_key", ".env"} for name in tracked)
