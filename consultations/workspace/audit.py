"""The audit log: every facilitator action, who, what, when."""

from app.extensions import db
from consultations.workspace.models import AuditEntry


def record(facilitator, action: str, target: str = "") -> None:
    """Add an entry to the current transaction; the caller commits."""
    db.session.add(AuditEntry(
        facilitator_id=facilitator.id if facilitator else None,
        actor=facilitator.email if facilitator else "cli", action=action, target=target[:200]))
