"""Workspace pages for answer cards: question variants and the four answers side by side,
sources quoted exactly from a published document (checked on save), review date, and the
readability measures of the easy-read answers, shown as advice."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from chatbot.readability import measure, too_hard
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from knowledge import bp
from knowledge.documents import slugify
from knowledge.index import changed, corpus_from_snapshot, document_meta
from knowledge.models import ANSWER_FIELDS, QUESTION_LANGS, KnowledgeCard, KnowledgeDocument

SOURCE_ROWS = 3
MAX_QUESTIONS = 20


def published_documents() -> list[KnowledgeDocument]:
    return db.session.execute(db.select(KnowledgeDocument).filter_by(status="published")
                              .order_by(KnowledgeDocument.title)).scalars().all()


def quote_found(document: KnowledgeDocument, quote: str) -> bool:
    """The quote is in the document's published passages (the chatbot library's own check)."""
    version = document.published_version
    if version is None:
        return False
    corpus = corpus_from_snapshot({"documents": [{"meta": document_meta(document, version),
                                                  "body": version.body}], "cards": []})
    return bool(corpus.units_for_quote(document.slug, quote))


def form_values(card: KnowledgeCard | None, question: str = "") -> dict:
    if card is None:
        return {"questions-fr": question, "questions-en": "", "answer": {},
                "sources": [{}] * SOURCE_ROWS, "review_date": ""}
    sources = list(card.sources or [])
    return {**{f"questions-{lang}": "\n".join((card.questions or {}).get(lang, []))
               for lang in QUESTION_LANGS},
            "answer": dict(card.answer or {}),
            "sources": sources + [{}] * max(0, SOURCE_ROWS - len(sources)),
            "review_date": card.review_date.isoformat() if card.review_date else ""}


def read_form() -> tuple[dict, dict, dict]:
    """(values as typed, the card's data, errors) from the posted form."""
    form = request.form
    values = {f"questions-{lang}": form.get(f"questions-{lang}", "") for lang in QUESTION_LANGS}
    values["answer"] = {key: form.get(f"answer-{key}", "").strip() for key in ANSWER_FIELDS}
    values["sources"] = [{"doc": form.get(f"source-{i}-doc", ""),
                          "quote": " ".join(form.get(f"source-{i}-quote", "").split())}
                         for i in range(SOURCE_ROWS)]
    values["review_date"] = form.get("review_date", "").strip()
    errors: dict[str, str] = {}
    questions = {lang: [q.strip()[:300] for q in values[f"questions-{lang}"].splitlines()
                        if q.strip()][:MAX_QUESTIONS] for lang in QUESTION_LANGS}
    if not questions["fr"] and not questions["en"]:
        errors["questions-fr"] = _("Écrivez au moins une question.")
    if not values["answer"]["fr"]:
        errors["answer-fr"] = _("Écrivez la réponse en français.")
    sources = []
    documents = {d.slug: d for d in published_documents()}
    for i, source in enumerate(values["sources"]):
        if not source["doc"] and not source["quote"]:
            continue
        document = documents.get(source["doc"])
        if document is None:
            errors[f"source-{i}-doc"] = _("Choisissez un document publié.")
        elif not source["quote"]:
            errors[f"source-{i}-quote"] = _("Copiez la phrase exacte du document.")
        elif not quote_found(document, source["quote"]):
            errors[f"source-{i}-quote"] = _(
                "Cette citation n’est pas dans « %(title)s ». Copiez-la telle quelle depuis "
                "un passage du document.", title=document.title)
        else:
            sources.append({**source, "version": document.published_number})
    review = None
    if values["review_date"]:
        try:
            review = date.fromisoformat(values["review_date"])
        except ValueError:
            errors["review_date"] = _("Écrivez la date comme 2026-12-31.")
    data = {"questions": questions, "answer": {k: v for k, v in values["answer"].items() if v},
            "sources": sources, "review_date": review}
    return values, data, errors


def advice(answer: dict) -> list[dict]:
    """Readability of each easy-read answer: the checks the tests run on the seed cards."""
    found = []
    for key, lang in (("fr_simple", "fr"), ("en_simple", "en")):
        text = (answer or {}).get(key)
        if text:
            measures = measure(text, lang)
            found.append({"field": key, "words": round(measures["words_per_sentence"], 1),
                          "score": round(measures["score"]), "hard": too_hard(measures)})
    return found


def card_page(card, values, errors, status=200, checks=None):
    return render_template("knowledge/card.html", card=card, values=values, errors=errors,
                           documents=published_documents(), answer_fields=ANSWER_FIELDS,
                           advice=checks, source_rows=range(SOURCE_ROWS)), status


def unique_card_slug(text: str) -> str:
    base = slugify(text)[:50] or "fiche"
    slug, n = base, 2
    while db.session.execute(db.select(KnowledgeCard.id).filter_by(slug=slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_card(card: KnowledgeCard | None):
    values, data, errors = read_form()
    if errors:
        return card_page(card, values, errors, 422, advice(values["answer"]))
    if card is None:
        first = (data["questions"]["fr"] or data["questions"]["en"])[0]
        card = KnowledgeCard(slug=unique_card_slug(first))
        db.session.add(card)
    was_published = card.status == "published"
    card.questions, card.answer = data["questions"], data["answer"]
    card.sources, card.review_date = data["sources"], data["review_date"]
    card.needs_review = False
    card.status = "published" if request.form.get("action") == "publish" else "draft"
    record(current_facilitator(), "kb_card_save", card.slug)
    checks = advice(data["answer"])
    hard = [c["field"] for c in checks if c["hard"]]
    if hard:
        flash(_("Fiche enregistrée. Conseil : la version simplifiée est encore difficile à "
                "lire (phrases plus courtes, mots plus simples)."), "warning")
    else:
        flash(_("Fiche enregistrée."), "success")
    if card.status == "published" or was_published:
        job = changed()
        return redirect(url_for("knowledge.index_job", build_id=job.id), code=303)
    db.session.commit()
    return redirect(url_for("knowledge.card_edit", card_id=card.id), code=303)


@bp.route("/fiches/nouvelle", methods=["GET", "POST"])
@require_role(*MANAGERS)
def card_new():
    if request.method == "POST":
        return save_card(None)
    question = (request.args.get("question") or "").strip()[:300]
    return card_page(None, form_values(None, question), {})


@bp.route("/fiches/<int:card_id>", methods=["GET", "POST"])
@require_role(*MANAGERS)
def card_edit(card_id: int):
    card = db.session.get(KnowledgeCard, card_id)
    if card is None:
        abort(404)
    if request.method == "POST":
        return save_card(card)
    return card_page(card, form_values(card), {}, checks=advice(card.answer))
