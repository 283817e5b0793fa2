"""The citizen dialogue: consultations, their phases, and what participants give.

Localised content is a JSON object {"fr", "en", "fr_simple", "en_simple"}; see localise.py.
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import column_property, declared_attr

from app.extensions import db

CHANNELS = ("online", "in_person", "phone", "paper")
MODERATION_STATES = ("visible", "hidden")
CONSULTATION_STATUSES = ("draft", "published", "closed")
PROMPT_KINDS = ("free_text", "single_choice", "scale")
FINDING_STATUSES = ("planned", "in_progress", "done", "not_retained")
FEEDBACK_CHOICES = ("yes", "partly", "no")

DEFAULT_CONDITIONS = [
    {"key": "know_when", "fr": "Je sais quand l'IA est utilisée", "en": "I know when AI is used"},
    {"key": "human_review", "fr": "Une personne peut revoir la décision",
     "en": "A person can review the decision"},
    {"key": "data_stays", "fr": "Mes données restent ici", "en": "My data stays here"},
    {"key": "can_contest", "fr": "Je peux contester", "en": "I can contest"},
    {"key": "explained_simply", "fr": "C'est expliqué simplement", "en": "It is explained simply"},
    {"key": "environmental_cost", "fr": "Son coût pour l'environnement est connu",
     "en": "Its environmental cost is known"},
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def page_language() -> str | None:
    """The language of the page a contribution is written on; None outside a request."""
    from flask import has_request_context
    from flask_babel import get_locale
    return str(get_locale()) if has_request_context() else None


class UTCDateTime(sa.TypeDecorator):
    """Always timezone-aware UTC, also on SQLite, which forgets the zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


def _choice(name: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{name} IN ({listed})", name=f"{name}_allowed")


class Consultation(db.Model):
    __tablename__ = "consultation"
    __table_args__ = (_choice("status", CONSULTATION_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(80), unique=True, nullable=False)
    title = sa.Column(sa.JSON, nullable=False)
    summary = sa.Column(sa.JSON, nullable=False)
    description = sa.Column(sa.JSON, nullable=False)
    outcome = sa.Column(sa.JSON, nullable=False, default=dict)  # what happens with the answers
    duration_minutes = sa.Column(sa.Integer, nullable=False, default=15)
    conditions = sa.Column(sa.JSON, nullable=False, default=lambda: list(DEFAULT_CONDITIONS))
    status = sa.Column(sa.String(12), nullable=False, default="draft")
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    time_zone = sa.Column(sa.String(64))  # where its days are counted; None: the deployment's
    is_demo = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    phases = db.relationship("Phase", back_populates="consultation", order_by="Phase.order",
                             cascade="all, delete-orphan")

    def phase(self, kind: str):
        return next((phase for phase in self.phases if phase.kind == kind), None)

    def condition_text(self, key: str) -> dict:
        return next((c for c in self.conditions if c["key"] == key), {"fr": key})


class Phase(db.Model):
    __tablename__ = "consultation_phase"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "kind"),)

    id = sa.Column(sa.Integer, primary_key=True)
    consultation_id = sa.Column(sa.ForeignKey("consultation.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    kind = sa.Column(sa.String(20), nullable=False)
    order = sa.Column(sa.Integer, nullable=False, default=0)
    title = sa.Column(sa.JSON, nullable=False)
    information = sa.Column(sa.JSON, nullable=False)  # the information step, shown first
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    closed_early_at = sa.Column(UTCDateTime)  # a facilitator closed it before ends_at

    consultation = db.relationship("Consultation", back_populates="phases")
    prompts = db.relationship("Prompt", back_populates="phase", order_by="Prompt.order",
                              cascade="all, delete-orphan")
    scenarios = db.relationship("Scenario", back_populates="phase", order_by="Scenario.order",
                                cascade="all, delete-orphan")
    findings = db.relationship("Finding", back_populates="phase", order_by="Finding.order",
                               cascade="all, delete-orphan")

    def state(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if now < self.starts_at:
            return "upcoming"
        end = min(self.ends_at, self.closed_early_at or self.ends_at)
        return "closed" if now >= end else "open"

    @property
    def closes_at(self) -> datetime:
        return min(self.ends_at, self.closed_early_at or self.ends_at)


class Participant(db.Model):
    """Someone without an account, known only by a random key kept in their signed cookie."""

    __tablename__ = "participant"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4()))
    pseudonym = sa.Column(sa.String(60))
    consent_version = sa.Column(sa.String(20))
    consented_at = sa.Column(UTCDateTime)
    # Optional profile, only ever reported as totals.
    age_band = sa.Column(sa.String(10))
    region = sa.Column(sa.String(80))
    online_services_use = sa.Column(sa.String(10))
    preferred_language = sa.Column(sa.String(10))
    is_demo = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class Contribution:
    """What every participant contribution records: who, through which channel, moderation."""

    @declared_attr
    def participant_id(cls):
        return sa.Column(sa.ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                         index=True)

    @declared_attr
    def participant(cls):
        return db.relationship("Participant")

    @declared_attr
    def __table_args__(cls):
        return (_choice("channel", CHANNELS), _choice("moderation", MODERATION_STATES),
                *getattr(cls, "__extra_args__", ()))

    channel = sa.Column(sa.String(10), nullable=False, default="online")
    # The language it was written in (from the page; facilitators may correct it).
    language = sa.Column(sa.String(5), default=page_language)
    moderation = sa.Column(sa.String(10), nullable=False, default="visible")
    hidden_reason = sa.Column(sa.String(300))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Prompt(db.Model):
    __tablename__ = "interview_prompt"
    __table_args__ = (_choice("kind", PROMPT_KINDS),)

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    order = sa.Column(sa.Integer, nullable=False, default=0)
    kind = sa.Column(sa.String(15), nullable=False, default="free_text")
    question = sa.Column(sa.JSON, nullable=False)
    help = sa.Column(sa.JSON)
    choices = sa.Column(sa.JSON)  # single choice: a list of localised texts

    phase = db.relationship("Phase", back_populates="prompts")


class Answer(Contribution, db.Model):
    __tablename__ = "interview_answer"
    __extra_args__ = (sa.UniqueConstraint("prompt_id", "participant_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    prompt_id = sa.Column(sa.ForeignKey("interview_prompt.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    value = sa.Column(sa.Text, nullable=False)  # free text, choice index or scale 1-5

    prompt = db.relationship("Prompt")


class Idea(Contribution, db.Model):
    __tablename__ = "idea"

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    text = sa.Column(sa.Text, nullable=False)
    conditions = sa.Column(sa.JSON, nullable=False, default=list)  # keys of consultation.conditions
    other_condition = sa.Column(sa.Text)
    form_token = sa.Column(sa.String(36), unique=True)

    phase = db.relationship("Phase")
    supports = db.relationship("Support", back_populates="idea", cascade="all, delete-orphan",
                               passive_deletes=True)
    comments = db.relationship("Comment", back_populates="idea", order_by="Comment.created_at",
                               cascade="all, delete-orphan", passive_deletes=True)


class Support(Contribution, db.Model):
    """"Me too": once per participant and idea."""

    __tablename__ = "idea_support"
    __extra_args__ = (sa.UniqueConstraint("idea_id", "participant_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    idea_id = sa.Column(sa.ForeignKey("idea.id", ondelete="CASCADE"), nullable=False, index=True)

    idea = db.relationship("Idea", back_populates="supports")


# How many "me too" an idea has, loaded only when asked (the exports' group).
Idea.support_count = column_property(
    sa.select(sa.func.count(Support.id)).where(Support.idea_id == Idea.id)
    .correlate_except(Support).scalar_subquery(), deferred=True, group="export")


class Comment(Contribution, db.Model):
    __tablename__ = "idea_comment"

    id = sa.Column(sa.Integer, primary_key=True)
    idea_id = sa.Column(sa.ForeignKey("idea.id", ondelete="CASCADE"), nullable=False, index=True)
    text = sa.Column(sa.Text, nullable=False)
    form_token = sa.Column(sa.String(36), unique=True)

    idea = db.relationship("Idea", back_populates="comments")


scenario_idea = sa.Table(
    "scenario_idea", db.metadata,
    sa.Column("scenario_id", sa.ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idea_id", sa.ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
)


class Scenario(db.Model):
    __tablename__ = "scenario"

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    order = sa.Column(sa.Integer, nullable=False, default=0)
    title = sa.Column(sa.JSON, nullable=False)  # "What would happen if…?"
    case = sa.Column(sa.JSON, nullable=False)  # the concrete case, told plainly

    phase = db.relationship("Phase", back_populates="scenarios")
    ideas = db.relationship("Idea", secondary=scenario_idea)


class Reaction(Contribution, db.Model):
    __tablename__ = "scenario_reaction"
    __extra_args__ = (sa.UniqueConstraint("scenario_id", "participant_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    scenario_id = sa.Column(sa.ForeignKey("scenario.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    acceptability = sa.Column(sa.Integer, nullable=False)
    usefulness = sa.Column(sa.Integer, nullable=False)
    accept_if = sa.Column(sa.Text)
    concerns = sa.Column(sa.Text)
    benefits = sa.Column(sa.Text)

    scenario = db.relationship("Scenario")


finding_idea = sa.Table(
    "finding_idea", db.metadata,
    sa.Column("finding_id", sa.ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idea_id", sa.ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
)
finding_scenario = sa.Table(
    "finding_scenario", db.metadata,
    sa.Column("finding_id", sa.ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("scenario_id", sa.ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True),
)
finding_answer = sa.Table(
    "finding_answer", db.metadata,
    sa.Column("finding_id", sa.ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("answer_id", sa.ForeignKey("interview_answer.id", ondelete="CASCADE"),
              primary_key=True),
)


class Finding(db.Model):
    __tablename__ = "finding"
    __table_args__ = (_choice("status", FINDING_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    order = sa.Column(sa.Integer, nullable=False, default=0)
    heard = sa.Column(sa.JSON, nullable=False)  # what we heard
    action = sa.Column(sa.JSON, nullable=False)  # what will be done
    status = sa.Column(sa.String(15), nullable=False, default="planned")
    reason = sa.Column(sa.JSON)  # why, when not retained

    phase = db.relationship("Phase", back_populates="findings")
    ideas = db.relationship("Idea", secondary=finding_idea)
    scenarios = db.relationship("Scenario", secondary=finding_scenario)
    answers = db.relationship("Answer", secondary=finding_answer)


class Feedback(Contribution, db.Model):
    """"Does this reflect what you said?" on one finding."""

    __tablename__ = "finding_feedback"
    __extra_args__ = (sa.UniqueConstraint("finding_id", "participant_id"),
                      _choice("reflects", FEEDBACK_CHOICES))

    id = sa.Column(sa.Integer, primary_key=True)
    finding_id = sa.Column(sa.ForeignKey("finding.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    reflects = sa.Column(sa.String(10), nullable=False)
    comment = sa.Column(sa.Text)

    finding = db.relationship("Finding")


class FormDraft(db.Model):
    """What an easy-read form holds between its screens, before it is sent.

    Known only by a random key in the person's session; erased when the form is sent, when
    the person deletes everything, or a day after its last change (DRAFT_LIFETIME).
    """

    __tablename__ = "form_draft"

    key = sa.Column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    form = sa.Column(sa.String(80), nullable=False)  # which form: "idea:<phase id>"
    values = sa.Column(sa.JSON, nullable=False, default=dict)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                           index=True)
