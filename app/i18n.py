"""Language and reading-mode choice: explicit choice (cookie) > Accept-Language > French."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request
from flask_babel import get_locale, get_translations

bp = Blueprint("preferences", __name__)

LANG_COOKIE = "lang"
MODE_COOKIE = "mode"
ONE_YEAR = 365 * 24 * 3600
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# Beside a text written in another language than the page's, in that text's own language.
LANGUAGE_HINTS = {"fr": "(en français)", "en": "(in English)"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def install_template_gettext(app) -> None:
    """Templates translate through the catalogue of the request's locale, found once per
    locale. Flask-Babel's own callables look it up again for every string (nine context-local
    lookups each: a tenth of a participant page's time). Its catalogues are loaded once per
    process and never change, so keeping them by locale is what Flask-Babel does too; the
    locale is still asked each time, so force_locale() and the language cookie apply."""
    catalogues = {}

    def catalogue():
        locale = get_locale()
        found = catalogues.get(locale)
        if found is None:
            found = catalogues[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True)


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
