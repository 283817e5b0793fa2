"""Language and reading-mode choice: explicit choice (cookie) > Accept-Language > French."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request

bp = Blueprint("preferences", __name__)

LANG_COOKIE = "lang"
MODE_COOKIE = "mode"
ONE_YEAR = 365 * 24 * 3600
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def is_simple_mode() -> bool:
    return request.cookies.get(MODE_COOKIE) == "simple"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash trick."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(ch in target for ch in "\r\n\\"):
        return fallback
    return target


def _remember(response, name: str, value: str):
    response.set_cookie(
        name, value, max_age=ONE_YEAR, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/langue/<code>")
def choose_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next(request.args.get("next")), code=303)
    return _remember(response, LANG_COOKIE, code)


@bp.get("/affichage/<mode>")
def choose_mode(mode: str):
    mode = "simple" if mode == "simple" else "standard"
    response = redirect(safe_next(request.args.get("next")), code=303)
    return _remember(response, MODE_COOKIE, mode)
