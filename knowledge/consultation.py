"""A consultation's own documents and cards: its team attaches them from the knowledge base,
and the chatbot reached from the consultation answers from them first (then from the whole
base, and says which)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.demo import DEMO_DOCUMENTS
from consultations.models import Consultation
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.models import AuditEntry
from consultations.workspace.team import authorized
from knowledge import bp
from knowledge.models import (
    KnowledgeCard,
    KnowledgeDocument,
    consultation_cards,
    consultation_documents,
)


@dataclass(frozen=True)
class Within:
    """What the chat answers from first for one consultation (corpus ids: slugs)."""

    slug: str
    title: dict
    documents: frozenset[str]
    cards: frozenset[str]


def attached(consultation_id: int) -> tuple[set[int], set[int]]:
    """The ids of the documents and cards attached to the consultation."""
    docs = db.session.execute(db.select(consultation_documents.c.document_id).where(
        consultation_documents.c.consultation_id == consultation_id)).scalars()
    cards = db.session.execute(db.select(consultation_cards.c.card_id).where(
        consultation_cards.c.consultation_id == consultation_id)).scalars()
    return set(docs), set(cards)


def within_of(slug: str) -> Within | None:
    """The published documents and cards of a public consultation; None when it has none
    (or is not public)."""
    consultation = db.session.execute(db.select(Consultation).filter_by(slug=slug)).scalar()
    if consultation is None or consultation.status == "draft":
        return None
    docs = db.session.execute(
        db.select(KnowledgeDocument.slug).join(
            consultation_documents,
            consultation_documents.c.document_id == KnowledgeDocument.id).where(
            consultation_documents.c.consultation_id == consultation.id,
            KnowledgeDocument.status == "published")).scalars()
    cards = db.session.execute(
        db.select(KnowledgeCard.slug).join(
            consultation_cards, consultation_cards.c.card_id == KnowledgeCard.id).where(
            consultation_cards.c.consultation_id == consultation.id,
            KnowledgeCard.status == "published")).scalars()
    found = Within(consultation.slug, dict(consultation.title), frozenset(docs),
                   frozenset(cards))
    return found if found.documents or found.cards else None


def _attach(table, column: str, consultation_id: int, listed: set[int], chosen: set[int],
            current: set[int]) -> None:
    """Make the `listed` ids attached exactly when `chosen`; links to what the page did not
    list (an unpublished document) are kept for when it is published again."""
    key = getattr(table.c, column)
    removed = (current & listed) - chosen
    if removed:
        db.session.execute(table.delete().where(table.c.consultation_id == consultation_id,
                                                key.in_(removed)))
    added = (chosen & listed) - current
    if added:
        db.session.execute(table.insert(), [{"consultation_id": consultation_id, column: i}
                                            for i in sorted(added)])


def attach_demo_documents() -> list[str]:
    """Attach the seed documents named in DEMO_DOCUMENTS to their demo consultations, once:
    a consultation whose documents were ever saved (by its team or by this) is left as it is.
    Returns the slugs attached now."""
    done = []
    for slug, doc_slugs in DEMO_DOCUMENTS.items():
        consultation = db.session.execute(db.select(Consultation).filter_by(
            slug=slug, is_demo=True)).scalar()
        if consultation is None or db.session.execute(db.select(AuditEntry.id).where(
                AuditEntry.action == "kb_consultation",
                AuditEntry.target.startswith(f"{slug}:"))).first():
            continue
        ids = set(db.session.execute(db.select(KnowledgeDocument.id).where(
            KnowledgeDocument.slug.in_(doc_slugs))).scalars())
        if not ids:
            continue  # the knowledge base is not imported yet
        _attach(consultation_documents, "document_id", consultation.id, ids, ids,
                attached(consultation.id)[0])
        record(None, "kb_consultation", f"{slug}: {len(ids)} documents, 0 cards (demo)",
               actor="cli")
        done.append(slug)
    db.session.commit()
    return done


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@require_role(*MANAGERS)
def consultation_documents_page(consultation_id: int):
    """Attach published documents and cards to a consultation (its team, or an admin)."""
    consultation = authorized(Consultation, consultation_id)
    documents = db.session.execute(db.select(KnowledgeDocument).filter_by(
        status="published").order_by(KnowledgeDocument.title)).scalars().all()
    cards = db.session.execute(db.select(KnowledgeCard).filter_by(
        status="published").order_by(KnowledgeCard.slug)).scalars().all()
    if request.method == "POST":
        listed_docs, listed_cards = {d.id for d in documents}, {c.id for c in cards}
        chosen_docs = {int(x) for x in request.form.getlist("document") if x.isdigit()}
        chosen_cards = {int(x) for x in request.form.getlist("card") if x.isdigit()}
        current_docs, current_cards = attached(consultation.id)
        _attach(consultation_documents, "document_id", consultation.id, listed_docs,
                chosen_docs, current_docs)
        _attach(consultation_cards, "card_id", consultation.id, listed_cards, chosen_cards,
                current_cards)
        record(current_facilitator(), "kb_consultation",
               f"{consultation.slug}: {len(chosen_docs & listed_docs)} documents, "
               f"{len(chosen_cards & listed_cards)} cards")
        db.session.commit()
        flash(_("Enregistré. L’assistant répond d’abord à partir de ces documents quand on "
                "l’ouvre depuis cette consultation."), "success")
        return redirect(url_for("knowledge.consultation_documents_page",
                                consultation_id=consultation.id), code=303)
    docs, card_ids = attached(consultation.id)
    return render_template("knowledge/consultation.html", consultation=consultation,
                           documents=documents, cards=cards, chosen_docs=docs,
                           chosen_cards=card_ids)
