"""Friendly error pages (HTML) and plain JSON errors for the API, in the person's language;
unexpected errors logged with where they happened, never with what was sent."""

import traceback

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import StatementError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.json_body import BadJSON
from app.uploads import too_large_message

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
    if error.response is not None:  # its route made the page (the chat over its rate limit)
        return error.response
    code = error.code or 500
    if code == 413:  # an import page names its own limit
        return render_error(413, too_large_message(request.endpoint))
    return render_error(code if code in MESSAGES else 400 if code < 500 else 500)


def handle_csrf_error(_error: CSRFError):
    return render_error(400, CSRF_MESSAGE)


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    # Only the route and the stack: query strings, bodies and exception messages may hold
    # what a person typed.
    current_app.logger.error("Unexpected error on %s %s\n%s", request.method, request.url_rule,
                             where_it_failed(error))
    return render_error(500)


def where_it_failed(error: BaseException) -> str:
    """The traceback of `error` and of its causes without their messages: exception types,
    files, lines, code, and the SQL of a failed statement (its parameters are not in it).
    Messages are left out because they quote values: int("…") does, and so do the database's
    own messages ("Key (…)=(…) already exists", "Failing row contains (…)")."""
    lines, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        kind = type(error)
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
        if isinstance(error, StatementError) and error.statement:
            lines.append(f"  SQL: {' '.join(error.statement.split())[:500]}")
        lines += traceback.format_list(traceback.extract_tb(error.__traceback__))
        error = error.__cause__ or error.__context__
    return "\n".join(line.rstrip("\n") for line in lines)


def handle_bad_json(error: BadJSON):
    """A refused JSON body (app/json_body.py): its own message, in the API's error shape."""
    if not wants_json():
        return render_error(error.status, error.message)
    title, _message = MESSAGES[error.status]
    return jsonify(error="bad_request" if error.status == 400 else str(title),
                   message=str(error.message), status=error.status), error.status


def register_error_handlers(app):
    app.register_error_handler(BadJSON, handle_bad_json)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
