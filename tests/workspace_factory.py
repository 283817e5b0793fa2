"""Facilitator accounts and a small consultation with something behind every workspace URL."""

from app.extensions import db
from consultations.models import Idea
from consultations.workspace.auth import SESSION_ID, SESSION_VERSION, hash_password
from consultations.workspace.models import Facilitator, Theme, ThemeJob, ThemeMember
from tests.consultations_factory import make_consultation

PASSWORD = "un mot de passe assez long"
_HASH = {}


def make_user(role: str, email: str | None = None) -> Facilitator:
    if PASSWORD not in _HASH:  # scrypt is slow on purpose: hash once per test session
        _HASH[PASSWORD] = hash_password(PASSWORD)
    user = Facilitator(email=email or f"{role}@example.org", password_hash=_HASH[PASSWORD],
                       role=role)
    db.session.add(user)
    db.session.commit()
    db.session.refresh(user)
    db.session.expunge(user)  # loaded and detached: usable after later commits too
    return user


def act_as(client, user: Facilitator) -> None:
    """Open a session for this account without going through the (throttled) login form."""
    with client.session_transaction() as session:
        session[SESSION_ID] = user.id
        session[SESSION_VERSION] = user.session_version


def make_world() -> dict:
    """A consultation, a theme and a job: the values to fill every workspace URL."""
    consultation = make_consultation()
    imagine = consultation.phase("imagine")
    idea = db.session.execute(db.select(Idea)).scalars().first()
    theme = Theme(phase_id=imagine.id, label="Transparence", status="suggested")
    theme.members.append(ThemeMember(kind="idea", contribution_id=idea.id, score=0.9,
                                     text=idea.text))
    job = ThemeJob(phase_id=imagine.id, status="done", progress=100)
    db.session.add_all([theme, job])
    db.session.commit()
    return {
        "consultation_id": consultation.id,
        "phase_id": imagine.id,
        "prompt_id": consultation.phase("interview").prompts[0].id,
        "scenario_id": consultation.phase("prototype").scenarios[0].id,
        "finding_id": consultation.phase("results").findings[0].id,
        "theme_id": theme.id,
        "job_id": job.id,
        "kind": "idea",
        "contribution_id": idea.id,
    }
