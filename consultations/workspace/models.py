"""The facilitator workspace's own tables: accounts, audit log, reports, entry sessions, themes."""

import sqlalchemy as sa

from app.extensions import db
from consultations.models import CHANNELS, UTCDateTime, _choice, utcnow

ROLES = ("admin", "facilitator", "moderator")
TEAM_ROLES = ("facilitator", "moderator")
LINK_PURPOSES = ("invite", "reset")
THEME_STATUSES = ("suggested", "accepted", "rejected")


class Facilitator(db.Model):
    """A person who runs consultations. Participants never have an account."""

    __tablename__ = "workspace_facilitator"
    __table_args__ = (_choice("role", ROLES),)

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(254), unique=True, nullable=False)
    password_hash = sa.Column(sa.String(255))  # None until an invited person chooses one
    role = sa.Column(sa.String(12), nullable=False, default="facilitator")
    disabled_at = sa.Column(UTCDateTime)  # a disabled account cannot log in
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    @property
    def state(self) -> str:
        if self.disabled_at is not None:
            return "disabled"
        return "active" if self.password_hash else "invited"


class WorkspaceSession(db.Model):
    """One logged-in browser. The cookie carries a random token; only its hash is kept here,
    so logout, a password change or a disabled account ends the session on the server."""

    __tablename__ = "workspace_session"

    token_hash = sa.Column(sa.String(64), primary_key=True)
    facilitator_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class AccountLink(db.Model):
    """A one-time link to choose a password: an invitation or a reset. Only the hash is kept."""

    __tablename__ = "workspace_account_link"
    __table_args__ = (_choice("purpose", LINK_PURPOSES),)

    token_hash = sa.Column(sa.String(64), primary_key=True)
    facilitator_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    purpose = sa.Column(sa.String(10), nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False)
    used_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    facilitator = db.relationship("Facilitator")


class TeamMember(db.Model):
    """A person on a consultation's team: only the team (and admins) see and act on it."""

    __tablename__ = "workspace_team_member"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "facilitator_id"),
                      _choice("role", TEAM_ROLES))

    id = sa.Column(sa.Integer, primary_key=True)
    consultation_id = sa.Column(sa.ForeignKey("consultation.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    facilitator_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    role = sa.Column(sa.String(12), nullable=False)
    added_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    facilitator = db.relationship("Facilitator")


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


class PendingImport(db.Model):
    """An uploaded file waiting for the facilitator to confirm its preview; deleted on confirm
    or cancel, and after a day (it may hold what people answered on paper)."""

    __tablename__ = "workspace_pending_import"

    id = sa.Column(sa.Integer, primary_key=True)
    token = sa.Column(sa.String(64), unique=True, nullable=False)
    facilitator_id = sa.Column(sa.ForeignKey("workspace_facilitator.id", ondelete="CASCADE"),
                               nullable=False)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"))
    filename = sa.Column(sa.String(200), nullable=False, default="")
    content = sa.Column(sa.LargeBinary, nullable=False)
    content_hash = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class ImportedRow(db.Model):
    """The content hash of one imported spreadsheet row, to catch the same row imported twice.
    It goes with the participant the row created."""

    __tablename__ = "workspace_imported_row"
    __table_args__ = (sa.Index("ix_workspace_imported_row_hash", "phase_id", "content_hash"),)

    id = sa.Column(sa.Integer, primary_key=True)
    phase_id = sa.Column(sa.ForeignKey("consultation_phase.id", ondelete="CASCADE"),
                         nullable=False)
    participant_id = sa.Column(sa.ForeignKey("participant.id", ondelete="CASCADE"),
                               nullable=False, index=True)
    content_hash = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
