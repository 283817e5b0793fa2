"""The admin import of a whole consultation (JSON document): upload → preview → confirm.

The whole document is checked against its schema (schema.py) at upload and again on
confirm; it is written in one transaction or not at all.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.uploads import size_in_words, upload_limit
from consultations.contributions import KINDS
from consultations.localise import localise
from consultations.models import Consultation
from consultations.workspace import bp, pending
from consultations.workspace.audit import record
from consultations.workspace.auth import ADMINS, current_facilitator, require_role
from consultations.workspace.document import DocumentError
from consultations.workspace.schema import Problem, Unreadable, problems_of, read_document
from consultations.workspace.transfer import free_slug, import_document

UPLOAD_LIMIT = 50 * 1024 * 1024


def _page(problems=(), status=200):
    return render_template("workspace/import_json.html", problems=list(problems),
                           limit=size_in_words(UPLOAD_LIMIT)), status


def checked(content: bytes) -> tuple[object, list[Problem]]:
    """(the parsed and cleaned document, its problems): what the preview and import read,
    never the raw bytes (a NUL in the slug is cleaned out before any query uses it)."""
    try:
        return problems_of(read_document(content))
    except Unreadable as error:
        return None, [Problem("", str(error))]


def summary(document: dict) -> dict:
    """What the preview shows: the consultation, and how much it holds."""
    data = document["consultation"]
    existing = db.session.execute(db.select(Consultation).filter_by(slug=data["slug"])) \
        .scalar_one_or_none()
    return {
        "title": localise(data["title"]), "slug": data["slug"], "status": data["status"],
        "phases": [localise(phase["title"]) for phase in document["phases"]],
        "participants": len(document["participants"]),
        "contributions": [(kind.label, len(document["contributions"].get(kind.plural, [])))
                          for kind in KINDS.values()],
        "existing": existing, "copy_slug": free_slug(data["slug"]) if existing else "",
    }


@bp.route("/animation/import", methods=["GET", "POST"])
@require_role(*ADMINS)
@upload_limit(UPLOAD_LIMIT)
def import_json():
    if request.method == "GET":
        return _page()
    try:
        upload = pending.read_upload(UPLOAD_LIMIT)
    except pending.TooLarge:
        return _page([Problem("", _("Ce fichier est trop gros : la limite est de %(size)s.",
                                    size=size_in_words(UPLOAD_LIMIT)))], 413)
    if upload is None:
        return _page([Problem("", _("Choisissez un fichier JSON exporté depuis Parlons IA."))],
                     422)
    content, filename = upload
    _document, problems = checked(content)
    if problems:
        return _page(problems, 422)
    token = pending.keep(content, filename, current_facilitator())
    return redirect(url_for("workspace.import_json_preview", token=token), code=303)


@bp.route("/animation/import/<token>", methods=["GET", "POST"])
@require_role(*ADMINS)
def import_json_preview(token: str):
    upload = pending.find(token, current_facilitator())
    if request.method == "POST" and request.form.get("action") == "cancel":
        pending.discard(upload)
        flash(_("Import annulé : rien n’a été enregistré."), "success")
        return redirect(url_for("workspace.import_json"), code=303)
    # Our copy, checked again: the preview and the copy's address read the cleaned document.
    document, problems = checked(upload.content)
    if problems:  # it passed at upload; the app may have been upgraded since
        pending.discard(upload)
        return _page(problems, 422)
    if request.method == "POST":
        return _confirm(upload, document, request.form.get("copy") == "1")
    return render_template("workspace/import_json_preview.html", upload=upload,
                           about=summary(document))


def _confirm(upload, document, as_copy: bool):
    copy_slug = free_slug(document["consultation"]["slug"]) if as_copy else None
    if not pending.claim(upload):  # a second click: the first one imported it
        db.session.rollback()
        return redirect(url_for("workspace.import_json"), code=303)
    try:
        consultation = import_document(document, slug=copy_slug)
    except DocumentError as error:
        db.session.rollback()
        return _page(error.problems, 422)
    record(current_facilitator(), "import_json", consultation.slug)
    db.session.commit()
    flash(_("Consultation importée (en brouillon si elle l’était)."), "success")
    return redirect(url_for("workspace.consultation", consultation_id=consultation.id),
                    code=303)
