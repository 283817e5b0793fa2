"""The facilitator workspace's own tables: accounts, audit log, reports, entry sessions, themes."""

import sqlalchemy as sa

from app.extensions import db
from consultations.models import CHANNELS, UTCDateTime, _choice, utcnow

ROLES = ("admin", "facilitator", "moderator")
THEME_STATUSES = ("suggested", "accepted", "rejected")
JOB_STATUSES = ("queued", "running", "done", "failed")


class Facilitator(db.Model):
    """A person who runs consultations. Participants never have an account."""

    __tablename__ = "workspace_facilitator"
    __table_args__ = (_choice("role", ROLES),)

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(254), unique=True, nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(12), nullable=False, default="facilitator")
    # Raised on every password change: sessions carrying an older number end.
    session_version = sa.Column(sa.Integer, nullable=False, default=1)
    failed_logins = sa.Column(sa.Integer, nullable=False, default=0)
    locked_until = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class AuditEntry(db.Model):
    """Who did what, when, in the workspace."""

    __tablename__ = "workspace_audit"

    id = sa.Column(sa.Integer, primary_key=True)
    facilitator_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="SET NULL"))
    actor = sa.Column(sa.String(254), nullable=False)  # the email at the time
    action = sa.Column(sa.String(60), nullable=False)
    target = sa.Column(sa.String(200), nullable=False, default="")
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class ContributionReport(db.Model):
    """A participant flagged a contribution for the moderators."""

    __tablename__ = "workspace_report"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(12), nullable=False)
    contribution_id = sa.Column(sa.Integer, nullable=False)
    reason = sa.Column(sa.String(300))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    handled_at = sa.Column(UTCDateTime)

    __table_args__ = (sa.Index("ix_workspace_report_target", "kind", "contribution_id"),)


class ModerationReview(db.Model):
    """A moderator looked at a contribution: it leaves the queue of new ones."""

    __tablename__ = "workspace_review"
    __table_args__ = (sa.UniqueConstraint("kind", "contribution_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(12), nullable=False)
    contribution_id = sa.Column(sa.Integer, nullable=False)
    reviewed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class EntrySession(db.Model):
    """Where a contribution entered by a facilitator came from (workshop, phone, paper)."""

    __tablename__ = "workspace_entry_session"
    __table_args__ = (_choice("channel", CHANNELS),)

    participant_id = sa.Column(sa.ForeignKey("participant.id", ondelete="CASCADE"),
                               primary_key=True)
    channel = sa.Column(sa.String(10), nullable=False)
    session_name = sa.Column(sa.String(120), nullable=False, default="")
    session_date = sa.Column(sa.Date)
    entered_by_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="SET NULL"))
    entered_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class Theme(db.Model):
    __tablename__ = "workspace_theme"
    __table_args__ = (_choice("status", THEME_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    label = sa.Column(sa.String(120), nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default="suggested")
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    members = db.relationship("ThemeMember", back_populates="theme", cascade="all, delete-orphan",
                              order_by="ThemeMember.score.desc()")


class ThemeMember(db.Model):
    """One contribution in a theme; the highest scores are its representative quotes."""

    __tablename__ = "workspace_theme_member"
    __table_args__ = (sa.UniqueConstraint("theme_id", "kind", "contribution_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    theme_id = sa.Column(sa.ForeignKey("workspace_theme.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    kind = sa.Column(sa.String(12), nullable=False)
    contribution_id = sa.Column(sa.Integer, nullable=False)
    score = sa.Column(sa.Float, nullable=False, default=0.0)
    text = sa.Column(sa.Text, nullable=False, default="")  # a copy, for quotes

    theme = db.relationship("Theme", back_populates="members")


class ThemeJob(db.Model):
    __tablename__ = "workspace_theme_job"
    __table_args__ = (_choice("status", JOB_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    status = sa.Column(sa.String(10), nullable=False, default="queued")
    progress = sa.Column(sa.Integer, nullable=False, default=0)  # percent
    total = sa.Column(sa.Integer, nullable=False, default=0)
    message = sa.Column(sa.String(300))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(UTCDateTime)
