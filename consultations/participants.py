"""Participants without accounts: a random key in Flask's signed session cookie.

A tampered or missing cookie simply fails the signature check: the person is then a fresh,
anonymous participant, with no error.

The key is put in the cookie when a page with a participant form is shown, before anything is
stored, and the participant's row is made from it on the first contribution. So two first
contributions sent at once from one browser carry the same key and make one participant.
"""

import uuid

from flask import g, session
from sqlalchemy import inspect

from app.database import insert_unless_present
from app.extensions import db
from consultations.models import Participant, utcnow

SESSION_KEY = "participant"
CONSENT_KEY = "consent"  # consent given on an easy-read start screen, before a contribution
CONSENT_VERSION = "2025-1"
AGE_BANDS = ("under_18", "18_34", "35_54", "55_74", "75_plus")
ONLINE_USE = ("often", "sometimes", "never")
LANGUAGES = ("fr", "en", "other")


def _valid(key) -> bool:
    try:
        return isinstance(key, str) and str(uuid.UUID(key)) == key
    except ValueError:
        return False


def participant_key() -> str:
    """This browser's participant key, given on its first page with a participant form."""
    key = session.get(SESSION_KEY)
    if not _valid(key):
        key = session[SESSION_KEY] = str(uuid.uuid4())
    return key


_ID_OF_KEY = db.select(Participant.id).where(Participant.key == db.bindparam("key"))


def _participant(key: str, fresh: bool = False) -> Participant | None:
    """The participant with this key, read once per request: again when `fresh`, and after a
    commit or a rollback (its row may be gone with the rolled-back transaction)."""
    found = None if fresh else _remembered(key)
    if found is None:
        found = g.setdefault("participants", {})[key] = db.session.execute(
            db.select(Participant).filter_by(key=key)).scalar_one_or_none()
    return found


def _remembered(key: str) -> Participant | None:
    """The participant this request already read, while its row is still loaded."""
    found = g.get("participants", {}).get(key)
    return found if found is not None and not inspect(found).expired else None


def current_participant() -> Participant | None:
    key = session.get(SESSION_KEY)
    return _participant(key) if _valid(key) else None


def current_participant_id() -> int | None:
    """The current participant's row id, without loading the row: what kept pages vary on."""
    key = session.get(SESSION_KEY)
    if not _valid(key):
        return None
    if (known := _remembered(key)) is not None:
        return known.id
    return db.session.execute(_ID_OF_KEY, {"key": key}).scalar_one_or_none()


def has_consented(participant: Participant | None) -> bool:
    if participant and participant.consent_version == CONSENT_VERSION:
        return True
    return session.get(CONSENT_KEY) == CONSENT_VERSION


def remember_consent() -> None:
    """Consent read and given on its own screen: recorded with the first contribution."""
    session[CONSENT_KEY] = CONSENT_VERSION


def participant_for_contribution(consent_given: bool, pseudonym: str = "") -> Participant:
    """The current participant, created (with consent recorded) on their first contribution.

    The caller has already checked that consent was given when it was needed.
    """
    key = participant_key()
    participant = _participant(key)
    if participant is None:
        # Another request from this browser may be making the same row right now: the
        # database keeps one, and both requests then use it.
        insert_unless_present(Participant, {"key": key}, unique=("key",))
        participant = _participant(key, fresh=True)
    consent_given = consent_given or session.pop(CONSENT_KEY, None) == CONSENT_VERSION
    if consent_given and participant.consent_version != CONSENT_VERSION:
        participant.consent_version = CONSENT_VERSION
        participant.consented_at = utcnow()
    if pseudonym and not participant.pseudonym:
        participant.pseudonym = pseudonym[:60]
    db.session.flush()
    session.permanent = True
    return participant


def forget_participant(participant: Participant) -> None:
    """Delete the participant, their profile and every contribution (cascades), and what the
    workspace copied from those contributions (theme quotes, reports, reviews)."""
    from consultations.workspace.forget import forget_participant_traces
    forget_participant_traces(participant.id)
    db.session.delete(participant)
    g.pop("participants", None)
    session.pop(SESSION_KEY, None)
    session.pop(CONSENT_KEY, None)
