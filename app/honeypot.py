"""A honeypot field on the public forms: people never see it, form-filling robots do.

Every public form includes `honeypot.html` (the `honeypot()` macro); one `before_request`
hook answers any POST whose honeypot is filled as if it had worked, and stores nothing.
"""

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request
from flask_babel import gettext as _

from app.i18n import safe_next

FIELD = "website"


def honeypot_filled() -> bool:
    """True when a POST carries text in the honeypot field (JSON bodies have no form)."""
    if request.method != "POST" or request.mimetype not in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    return bool((request.form.get(FIELD) or "").strip())


def _back_here() -> str:
    """The page the form was on, when it is a page of this site; else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return "/"
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path)


def answer_like_success():
    flash(_("Merci ! C’est envoyé."), "success")
    return redirect(_back_here(), code=303)


def init_app(app: Flask) -> None:
    @app.before_request
    def _honeypot():
        if honeypot_filled():
            return answer_like_success()
        return None
