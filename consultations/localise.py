"""Pick the text to show from a localised field {"fr", "en", "fr_simple", "en_simple"}."""

from flask import has_request_context
from flask_babel import get_locale

from app.i18n import is_simple_mode


def current_language() -> str:
    return str(get_locale() or "fr") if has_request_context() else "fr"


def localise(texts: dict | None, language: str | None = None, simple: bool | None = None) -> str:
    """Locale (simplified first in simple mode), then the standard text, then French."""
    if not texts:
        return ""
    language = language or current_language()
    if simple is None:
        simple = is_simple_mode() if has_request_context() else False
    keys = ([f"{language}_simple"] if simple else []) + [language, "fr"]
    return next((texts[key] for key in keys if texts.get(key)), "")


def texts(fr: str, en: str, fr_simple: str = "", en_simple: str = "") -> dict:
    """A localised field, as stored."""
    value = {"fr": fr, "en": en}
    if fr_simple:
        value["fr_simple"] = fr_simple
    if en_simple:
        value["en_simple"] = en_simple
    return value
