"""What every import shares: the upload read within its route's limit, kept server-side
while the facilitator reads the preview, then confirmed once (or cancelled).

The stored copy is ours, but it is checked again on confirm: the phase's questions or the
consultations here may have changed since the preview.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, request

from app.extensions import db
from consultations.models import utcnow
from consultations.workspace.models import PendingImport
from consultations.workspace.spreadsheet_import import without_controls

KEPT_FOR = timedelta(hours=24)


class TooLarge(ValueError):
    """The file is over its route's limit."""


def read_upload(limit: int) -> tuple[bytes, str] | None:
    """The uploaded file's bytes and name; None without a file. TooLarge past `limit`."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise TooLarge
    # The name is stored and shown on the preview: PostgreSQL refuses a NUL in it.
    return content, without_controls(upload.filename).strip()[:200] or "?"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def keep(content: bytes, filename: str, facilitator, phase_id: int | None = None) -> str:
    """Store the upload for its preview; returns the token naming it. Older ones go."""
    db.session.execute(sa.delete(PendingImport).where(PendingImport.created_at
                                                      < utcnow() - KEPT_FOR))
    token = secrets.token_urlsafe(32)
    db.session.add(PendingImport(token=token, facilitator_id=facilitator.id, phase_id=phase_id,
                                 filename=filename, content=content,
                                 content_hash=digest(content)))
    db.session.commit()
    return token


def find(token: str, facilitator, phase_id: int | None = None) -> PendingImport:
    """Only the person who uploaded it sees it, for the same phase, within the day."""
    pending = db.session.execute(sa.select(PendingImport).filter_by(
        token=token, facilitator_id=facilitator.id, phase_id=phase_id)).scalar_one_or_none()
    if pending is None or pending.created_at < utcnow() - KEPT_FOR:
        abort(404)
    return pending


def claim(pending: PendingImport) -> bool:
    """Remove the upload inside the import's transaction: of two confirmations sent at once,
    only the one that deleted the row goes on (the other waits for it, then finds nothing)."""
    deleted = db.session.execute(sa.delete(PendingImport).where(PendingImport.id == pending.id)
                                 .execution_options(synchronize_session=False))
    return deleted.rowcount == 1


def discard(pending: PendingImport) -> None:
    claim(pending)
    db.session.commit()
