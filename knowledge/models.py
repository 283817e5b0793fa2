"""The knowledge base in the database: documents (with every version kept), answer cards,
and which built index the site serves."""

import sqlalchemy as sa

from app.extensions import db
from consultations.models import UTCDateTime, _choice, utcnow

DOCUMENT_STATUSES = ("draft", "published", "unpublished")
CARD_STATUSES = ("draft", "published")
ANSWER_FIELDS = ("fr", "en", "fr_simple", "en_simple")
QUESTION_LANGS = ("fr", "en")


class KnowledgeDocument(db.Model):
    """A public document the chatbot answers from; `slug` is its id in the corpus."""

    __tablename__ = "kb_document"
    __table_args__ = (_choice("status", DOCUMENT_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(80), nullable=False, unique=True)
    title = sa.Column(sa.String(300), nullable=False)
    # how answers name it ("Selon <short title> : « … »"): {"fr": ..., "en": ...}, may be empty
    short_title = sa.Column(sa.JSON, nullable=False, default=dict)
    publisher = sa.Column(sa.String(200), nullable=False, default="")
    date = sa.Column(sa.String(40), nullable=False, default="")  # as printed: "2024-05-01"
    language = sa.Column(sa.String(2), nullable=False, default="fr")
    source_url = sa.Column(sa.String(500))
    status = sa.Column(sa.String(12), nullable=False, default="draft")
    published_number = sa.Column(sa.Integer)  # the version the chatbot uses
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow,
                           onupdate=utcnow)

    versions = db.relationship("KnowledgeVersion", back_populates="document",
                               order_by="KnowledgeVersion.number",
                               cascade="all, delete-orphan")

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    @property
    def published_version(self):
        return next((v for v in self.versions if v.number == self.published_number), None)


class KnowledgeVersion(db.Model):
    """One uploaded version of a document: the text extracted, then as the facilitator fixed it
    (personal data removed, headings marked). Versions are never deleted: the history."""

    __tablename__ = "kb_document_version"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id = sa.Column(sa.Integer, primary_key=True)
    document_id = sa.Column(sa.ForeignKey("kb_document.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    number = sa.Column(sa.Integer, nullable=False)
    filename = sa.Column(sa.String(255), nullable=False, default="")
    kind = sa.Column(sa.String(5), nullable=False)  # a key of knowledge.extract.KINDS
    pages = sa.Column(sa.Integer, nullable=False, default=1)
    size = sa.Column(sa.Integer, nullable=False, default=0)
    sha256 = sa.Column(sa.String(64), nullable=False, default="")
    body = sa.Column(sa.Text, nullable=False)  # Markdown-like text the passages come from
    removed = sa.Column(sa.Integer, nullable=False, default=0)  # personal data taken out
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    document = db.relationship("KnowledgeDocument", back_populates="versions")


class KnowledgeCard(db.Model):
    """A plain-language answer card: question variants and four answers, with sources that
    quote a document exactly."""

    __tablename__ = "kb_card"
    __table_args__ = (_choice("status", CARD_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(120), nullable=False, unique=True)
    status = sa.Column(sa.String(12), nullable=False, default="draft")
    questions = sa.Column(sa.JSON, nullable=False, default=dict)  # {"fr": [...], "en": [...]}
    answer = sa.Column(sa.JSON, nullable=False, default=dict)  # ANSWER_FIELDS → text
    # [{"doc": slug, "quote": "...", "version": n}]: the version the quote was checked against
    sources = sa.Column(sa.JSON, nullable=False, default=list)
    review_date = sa.Column(sa.Date)
    needs_review = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow,
                           onupdate=utcnow)


class KnowledgeState(db.Model):
    """One row: the knowledge base's revision and the index built for it. Every worker of every
    server reads `index_key` and swaps to that index once it differs from the one it serves."""

    __tablename__ = "kb_state"

    id = sa.Column(sa.Integer, primary_key=True)
    revision = sa.Column(sa.Integer, nullable=False, default=0)  # bumped on every change
    index_key = sa.Column(sa.String(40))
    index_revision = sa.Column(sa.Integer, nullable=False, default=0)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow,
                           onupdate=utcnow)


# What a consultation's chatbot answers from first: documents and cards its team attached.
consultation_documents = sa.Table(
    "kb_consultation_document", db.metadata,
    sa.Column("consultation_id", sa.ForeignKey("consultation.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("document_id", sa.ForeignKey("kb_document.id", ondelete="CASCADE"),
              primary_key=True))
consultation_cards = sa.Table(
    "kb_consultation_card", db.metadata,
    sa.Column("consultation_id", sa.ForeignKey("consultation.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("card_id", sa.ForeignKey("kb_card.id", ondelete="CASCADE"), primary_key=True))
