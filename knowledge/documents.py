"""Workspace pages for documents: list, upload, preview the passages, publish, unpublish,
replace with a new version, history; and the index job's progress page."""

from __future__ import annotations

import hashlib
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.tasks import Job, task_name
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from knowledge import bp, preview
from knowledge.extract import KINDS, SUFFIXES, Unreadable, extract
from knowledge.index import changed, latest_rebuild, rebuild_index
from knowledge.models import KnowledgeCard, KnowledgeDocument, KnowledgeVersion

UNREADABLE = {
    "empty": _l("Ce fichier est vide (0 octet). Choisissez le bon fichier."),
    "too_large": _l("Ce fichier est trop lourd : %(limit)s Mo au plus. Enregistrez-le en plus "
                    "petit ou coupez-le en plusieurs documents."),
    "unknown_type": _l("Ce type de fichier n’est pas pris en charge. Envoyez un PDF, un DOCX, "
                       "une page HTML, du Markdown ou du texte."),
    "encrypted": _l("Ce PDF est protégé par un mot de passe. Enregistrez-le sans protection, "
                    "puis envoyez-le de nouveau."),
    "no_text": _l("Aucun texte n’a été trouvé dans ce fichier. Si c’est un document numérisé "
                  "(une image), il faut d’abord le passer dans un logiciel de reconnaissance "
                  "de caractères (OCR)."),
    "damaged": _l("Ce fichier est abîmé ou n’est pas ce que son nom dit. Ouvrez-le sur votre "
                  "ordinateur, enregistrez-le de nouveau, puis réessayez."),
    "not_docx": _l("Ce fichier n’est pas un vrai document Word (DOCX), même si son nom finit "
                   "par .docx. Ouvrez-le dans Word ou LibreOffice et enregistrez-le en DOCX."),
    "not_text": _l("Ce fichier ne contient pas du texte lisible. Envoyez un fichier texte "
                   "enregistré en UTF-8."),
}
LANGUAGES = (("fr", _l("Français")), ("en", _l("Anglais")))
DOCUMENT_STATES = {"draft": _l("Brouillon"), "published": _l("Publié"),
                   "unpublished": _l("Retiré")}
ACCEPT = ",".join(SUFFIXES)
FIELDS = ("title", "publisher", "date", "language", "source_url")


def upload_limit_mb() -> int:
    from flask import current_app
    return current_app.config["KB_MAX_UPLOAD_BYTES"] // (1024 * 1024)


def unreadable_message(reason: str) -> str:
    return str(UNREADABLE[reason]) % {"limit": upload_limit_mb()}


@bp.url_value_preprocessor
def _allow_large_uploads(endpoint, values):
    """Uploads may exceed the site's small MAX_CONTENT_LENGTH: this runs before the CSRF check
    reads the form. Beyond KB_MAX_UPLOAD_BYTES, the 413 handler below answers."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        from flask import current_app
        # A little room for the other fields, so a file of exactly the limit gets through.
        request.max_content_length = current_app.config["KB_MAX_UPLOAD_BYTES"] + 64 * 1024


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    if request.endpoint not in UPLOAD_ENDPOINTS:
        return error
    document = None
    if request.view_args and "document_id" in request.view_args:
        document = db.session.get(KnowledgeDocument, request.view_args["document_id"])
    return upload_page(document, {}, {"file": unreadable_message("too_large")}, 413)


# -- list -------------------------------------------------------------------------------------
@bp.get("/")
@require_role(*MANAGERS)
def index():
    documents = db.session.execute(db.select(KnowledgeDocument)
                                   .order_by(KnowledgeDocument.title)).scalars().all()
    cards = db.session.execute(db.select(KnowledgeCard)
                               .order_by(KnowledgeCard.needs_review.desc(),
                                         KnowledgeCard.slug)).scalars().all()
    return render_template("knowledge/index.html", documents=documents, cards=cards,
                           job=latest_rebuild(), states=DOCUMENT_STATES)


# -- upload -----------------------------------------------------------------------------------
def slugify(text: str) -> str:
    from chatbot.text import fold
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-")
    return slug or "document"


def unique_slug(base: str) -> str:
    slug, n = base, 2
    while db.session.execute(db.select(KnowledgeDocument.id).filter_by(slug=slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


def upload_page(document, values, errors, status=200):
    return render_template("knowledge/upload.html", document=document, values=values,
                           errors=errors, languages=LANGUAGES, accept=ACCEPT,
                           limit=upload_limit_mb(), kinds=KINDS), status


def read_upload(errors: dict):
    """(extracted, data, filename) from the form's file, or None with errors["file"] set."""
    from flask import current_app
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors["file"] = _("Choisissez un fichier.")
        return None
    data = upload.read()
    try:
        found = extract(data, upload.filename, current_app.config["KB_MAX_UPLOAD_BYTES"])
    except Unreadable as exc:
        errors["file"] = unreadable_message(exc.reason)
        return None
    return found, data, upload.filename[:255]


def add_version(document: KnowledgeDocument, found, data: bytes, filename: str):
    number = (document.latest.number + 1) if document.latest else 1
    version = KnowledgeVersion(number=number, filename=filename, kind=found.kind,
                               pages=found.pages, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest(), body=found.text)
    document.versions.append(version)
    return version


@bp.route("/documents/nouveau", methods=["GET", "POST"])
@require_role(*MANAGERS)
def upload():
    if request.method == "GET":
        return upload_page(None, {"language": "fr"}, {})
    values = {name: (request.form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    read = read_upload(errors)
    if read and not values["title"]:
        values["title"] = read[0].title.strip()[:300]
    if not values["title"]:
        errors["title"] = _("Donnez un titre au document.")
    if values["language"] not in dict(LANGUAGES):
        values["language"] = "fr"
    if errors:
        return upload_page(None, values, errors, 422)
    found, data, filename = read
    document = KnowledgeDocument(slug=unique_slug(slugify(values["title"])),
                                 title=values["title"][:300],
                                 publisher=values["publisher"][:200], date=values["date"][:40],
                                 language=values["language"],
                                 source_url=values["source_url"][:500] or None)
    add_version(document, found, data, filename)
    db.session.add(document)
    record(current_facilitator(), "kb_document_upload", document.slug)
    db.session.commit()
    return redirect(url_for("knowledge.review", document_id=document.id), code=303)


@bp.route("/documents/<int:document_id>/nouvelle-version", methods=["GET", "POST"])
@require_role(*MANAGERS)
def replace(document_id: int):
    document = document_or_404(document_id)
    if request.method == "GET":
        return upload_page(document, {}, {})
    errors: dict[str, str] = {}
    read = read_upload(errors)
    if errors:
        return upload_page(document, {}, errors, 422)
    add_version(document, *read)
    record(current_facilitator(), "kb_document_version", document.slug)
    db.session.commit()
    return redirect(url_for("knowledge.review", document_id=document.id), code=303)


UPLOAD_ENDPOINTS = {"knowledge.upload", "knowledge.replace"}


def document_or_404(document_id: int) -> KnowledgeDocument:
    document = db.session.get(KnowledgeDocument, document_id)
    if document is None:
        abort(404)
    return document


# -- preview and publish ----------------------------------------------------------------------
def review_page(document, version, text, keep, errors=None, status=200):
    cleaned, removed = preview.remove_personal(text, keep)
    return render_template(
        "knowledge/review.html", document=document, version=version, text=text,
        findings=preview.find_personal(text), keep=keep, removed=removed,
        passages=preview.passages(document.slug, cleaned), marker=preview.REMOVED,
        states=DOCUMENT_STATES, errors=errors or {}), status


@bp.get("/documents/<int:document_id>")
@require_role(*MANAGERS)
def review(document_id: int):
    document = document_or_404(document_id)
    version = document.latest
    return review_page(document, version, version.body, set())


@bp.post("/documents/<int:document_id>")
@require_role(*MANAGERS)
def save(document_id: int):
    """Preview again with the edits, or save them (personal data removed) and publish."""
    document = document_or_404(document_id)
    version = document.latest
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    keep = set(request.form.getlist("keep"))
    action = request.form.get("action")
    if not text.strip():
        return review_page(document, version, version.body, keep,
                           {"text": _("Le texte ne peut pas être vide.")}, 422)
    if action == "preview":
        return review_page(document, version, text, keep)
    cleaned, removed = preview.remove_personal(text, keep)
    version.body, version.removed = cleaned, version.removed + removed
    if action == "publish":
        publish_version(document, version)
        record(current_facilitator(), "kb_document_publish", document.slug)
        job = changed()
        flash(_("Document publié. L’assistant s’en servira dès que l’index sera prêt."),
              "success")
        return redirect(url_for("knowledge.index_job", build_id=job.id), code=303)
    record(current_facilitator(), "kb_document_save", document.slug)
    db.session.commit()
    flash(_("Brouillon enregistré."), "success")
    return redirect(url_for("knowledge.review", document_id=document.id), code=303)


def publish_version(document: KnowledgeDocument, version: KnowledgeVersion) -> None:
    """Publish `version`; cards quoting an earlier version of this document need a review."""
    earlier = document.published_number
    document.status, document.published_number = "published", version.number
    if earlier is not None and earlier != version.number:
        for card in db.session.execute(db.select(KnowledgeCard)).scalars():
            if any(s.get("doc") == document.slug for s in card.sources or []):
                card.needs_review = True


@bp.post("/documents/<int:document_id>/retirer")
@require_role(*MANAGERS)
def unpublish(document_id: int):
    document = document_or_404(document_id)
    if document.status != "published":
        abort(400)
    document.status = "unpublished"
    record(current_facilitator(), "kb_document_unpublish", document.slug)
    job = changed()
    flash(_("Document retiré : l’assistant ne s’en servira plus dès que l’index sera prêt."),
          "success")
    return redirect(url_for("knowledge.index_job", build_id=job.id), code=303)


@bp.post("/documents/<int:document_id>/version/<int:number>/publier")
@require_role(*MANAGERS)
def publish_earlier(document_id: int, number: int):
    """Publish again a version from the history (to undo a replacement)."""
    document = document_or_404(document_id)
    version = next((v for v in document.versions if v.number == number), None)
    if version is None:
        abort(404)
    publish_version(document, version)
    record(current_facilitator(), "kb_document_publish", f"{document.slug} v{number}")
    job = changed()
    return redirect(url_for("knowledge.index_job", build_id=job.id), code=303)


# -- the index job ----------------------------------------------------------------------------
@bp.get("/index/<int:build_id>")
@require_role(*MANAGERS)
def index_job(build_id: int):
    job = db.session.get(Job, build_id)
    if job is None or job.name != task_name(rebuild_index):
        abort(404)
    return render_template("knowledge/index_job.html", job=job)
