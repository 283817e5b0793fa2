"""The audit log: every facilitator action, who, what, when."""

from app.extensions import db
from consultations.workspace.models import AuditEntry


def record(facilitator, action: str, target: str = "", actor: str | None = None) -> None:
    """Add an entry to the current transaction; the caller commits. `actor` names who acted
    when nobody is logged in ("cli", "anonymous")."""
    db.session.add(AuditEntry(
        facilitator_id=facilitator.id if facilitator else None,
        actor=actor or (facilitator.email if facilitator else "cli"), action=action,
        target=target[:200]))
