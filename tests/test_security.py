"""Security baseline: headers everywhere, CSRF on forms, a plain page for oversize requests."""

import pytest

from app.security import HEADERS


def get_paths(app):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            paths.append(rule.rule)
    return sorted(paths)


# JSON API routes take no cookie-authenticated action, so they need no CSRF token. Any other
# exemption must be added here on purpose.
CSRF_EXEMPT = {"/api/chat"}


def post_paths(app):
    """Every state-changing route, its URL arguments filled with placeholders: the CSRF check
    runs before the view, so the objects need not exist."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if not rule.methods & {"POST", "PUT", "PATCH", "DELETE"} or rule.rule in CSRF_EXEMPT:
            continue
        values = {name: 1 if "int" in str(rule._converters.get(name, "")).lower() else "x"
                  for name in rule.arguments}
        paths.add(rule.build(values, append_unknown=False)[1])
    return sorted(paths)


def test_security_headers_on_every_page(app, client):
    for path in get_paths(app) + ["/introuvable"]:
        response = client.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_preference_cookies_are_httponly_and_samesite(client):
    response = client.get("/langue/en")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_secure_when_configured(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_forged_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    paths = post_paths(csrf_app)
    assert paths, "the site has forms"
    for path in paths:
        response = client.post(path, data={"anything": "x"})
        assert response.status_code == 400, path
        body = response.get_data(as_text=True)
        assert "Le formulaire a expiré ou ne vient pas de ce site" in body, path


def test_oversize_request_gets_the_413_page(app, client):
    response = client.post("/chat", data={"text": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413
    assert "Envoi trop gros" in response.get_data(as_text=True)


@pytest.mark.parametrize("key", ["SECRET_KEY"])
def test_secret_key_is_generated_into_instance_when_absent(tmp_path, monkeypatch, key):
    from app.config import load_or_create_secret_key
    monkeypatch.delenv(key, raising=False)
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 64
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_debug_is_off_by_default(app):
    assert app.debug is False


def test_a_given_secret_key_and_instance_leave_no_key_file(tmp_path, monkeypatch):
    """The tests' own key and folder: nothing is written into the environment's instance."""
    from app.config import build_config
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "from-env"))
    config = build_config({"SECRET_KEY": "given", "INSTANCE_PATH": str(tmp_path / "given")})
    assert (config["SECRET_KEY"], config["INSTANCE_PATH"]) == ("given", str(tmp_path / "given"))
    assert not (tmp_path / "from-env").exists()
    assert not (tmp_path / "given" / "secret_key").exists()
