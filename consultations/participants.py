"""Participants without accounts: a random key in Flask's signed session cookie.

A tampered or missing cookie simply fails the signature check: the person is then a fresh,
anonymous participant, with no error.
"""

from flask import session

from app.extensions import db
from consultations.models import Participant, utcnow

SESSION_KEY = "participant"
CONSENT_VERSION = "2025-1"
AGE_BANDS = ("under_18", "18_34", "35_54", "55_74", "75_plus")
ONLINE_USE = ("often", "sometimes", "never")
LANGUAGES = ("fr", "en", "other")


def current_participant() -> Participant | None:
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    return db.session.execute(db.select(Participant).filter_by(key=key)).scalar_one_or_none()


def has_consented(participant: Participant | None) -> bool:
    return bool(participant and participant.consent_version == CONSENT_VERSION)


def participant_for_contribution(consent_given: bool, pseudonym: str = "") -> Participant:
    """The current participant, created (with consent recorded) on their first contribution.

    The caller has already checked that consent was given when it was needed.
    """
    participant = current_participant()
    if participant is None:
        participant = Participant()
        db.session.add(participant)
    if consent_given and not has_consented(participant):
        participant.consent_version = CONSENT_VERSION
        participant.consented_at = utcnow()
    if pseudonym and not participant.pseudonym:
        participant.pseudonym = pseudonym[:60]
    db.session.flush()
    session[SESSION_KEY] = participant.key
    session.permanent = True
    return participant


def forget_participant(participant: Participant) -> None:
    """Delete the participant, their profile and every contribution (cascades), and what the
    workspace copied from those contributions (theme quotes, reports, reviews)."""
    from consultations.workspace.forget import forget_participant_traces
    forget_participant_traces(participant.id)
    db.session.delete(participant)
    session.pop(SESSION_KEY, None)
