"""Friendly error pages (HTML) and plain JSON errors for the API, in the person's language."""

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

# fmt: off
MESSAGES = {
    400: (_l("Demande incomplète"), _l(
        "Le formulaire envoyé n'était pas complet ou pas valide. "
        "Revenez en arrière et essayez de nouveau.")),
    403: (_l("Accès refusé"), _l("Vous n'avez pas accès à cette page.")),
    404: (_l("Page introuvable"), _l(
        "Cette page n'existe pas ou n'existe plus. Vérifiez l'adresse ou partez de l'accueil.")),
    405: (_l("Action non permise"), _l("Cette action n'est pas possible à cette adresse.")),
    413: (_l("Envoi trop gros"), _l(
        "Ce que vous avez envoyé est trop long. Raccourcissez votre texte et essayez de nouveau.")),
    429: (_l("Trop de demandes"), _l(
        "Vous avez fait beaucoup de demandes en peu de temps. "
        "Attendez une minute, puis essayez de nouveau.")),
    500: (_l("Erreur de notre côté"), _l(
        "Quelque chose n'a pas marché chez nous. Ce que vous avez déjà envoyé est gardé. "
        "Essayez de nouveau dans un moment.")),
}
# fmt: on
CSRF_MESSAGE = _l(
    "Le formulaire a expiré ou ne vient pas de ce site. "
    "Rechargez la page, puis envoyez-le de nouveau.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    text = str(message or default_message)
    if wants_json():
        return jsonify(error=str(title), message=text, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def handle_http_error(error: HTTPException):
    code = error.code or 500
    return render_error(code if code in MESSAGES else 400 if code < 500 else 500)


def handle_csrf_error(_error: CSRFError):
    return render_error(400, CSRF_MESSAGE)


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    # Only the route is logged: query strings and bodies may hold personal data.
    current_app.logger.error("Unexpected error on %s %s", request.method, request.url_rule,
                             exc_info=error)
    return render_error(500)


def register_error_handlers(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
