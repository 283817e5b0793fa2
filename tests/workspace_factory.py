"""Facilitator accounts and a small consultation with something behind every workspace URL."""

import secrets

from app.extensions import db
from app.tasks import Job, task_name
from consultations.models import Idea
from consultations.workspace.auth import SESSION_TOKEN, hash_password, token_hash
from consultations.workspace.models import (
    Facilitator,
    TeamMember,
    Theme,
    ThemeMember,
    WorkspaceSession,
)
from consultations.workspace.themes import job_subject, suggest_themes
from knowledge.index import rebuild_index
from knowledge.models import KnowledgeCard, KnowledgeDocument, KnowledgeVersion
from tests.consultations_factory import make_consultation

PASSWORD = "un mot de passe assez long"
_HASH = {}


def make_user(role: str, email: str | None = None, team=None) -> Facilitator:
    """An account; `team`: a consultation (or several) whose team it joins, as a moderator
    if its role is moderator, else as a facilitator."""
    if PASSWORD not in _HASH:  # scrypt is slow on purpose: hash once per test session
        _HASH[PASSWORD] = hash_password(PASSWORD)
    user = Facilitator(email=email or f"{role}@example.org", password_hash=_HASH[PASSWORD],
                       role=role)
    db.session.add(user)
    db.session.flush()
    for consultation in ([team] if team is not None and not isinstance(team, list) else
                         team or []):
        db.session.add(TeamMember(consultation_id=consultation.id, facilitator_id=user.id,
                                  role="moderator" if role == "moderator" else "facilitator"))
    db.session.commit()
    db.session.refresh(user)
    db.session.expunge(user)  # loaded and detached: usable after later commits too
    return user


def act_as(client, user: Facilitator) -> None:
    """Open a session for this account without going through the (throttled) login form."""
    token = secrets.token_urlsafe(16)
    with client.application.app_context():
        db.session.add(WorkspaceSession(token_hash=token_hash(token), facilitator_id=user.id))
        db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_TOKEN] = token


def make_world() -> dict:
    """A consultation, a theme and a job: the values to fill every workspace URL."""
    consultation = make_consultation()
    imagine = consultation.phase("imagine")
    idea = db.session.execute(db.select(Idea)).scalars().first()
    theme = Theme(phase_id=imagine.id, label="Transparence", status="suggested")
    theme.members.append(ThemeMember(kind="idea", contribution_id=idea.id, score=0.9,
                                     text=idea.text))
    job = Job(name=task_name(suggest_themes), subject=job_subject(imagine.id), args=[imagine.id],
              status="done", progress=100)
    document = KnowledgeDocument(slug="registre", title="Registre", status="draft")
    document.versions.append(KnowledgeVersion(number=1, kind="md", body="## Registre\n\nTexte."))
    card = KnowledgeCard(slug="fiche", questions={"fr": ["Une question ?"]},
                         answer={"fr": "Une réponse."})
    build = Job(name=task_name(rebuild_index), subject="knowledge-base", status="done")
    db.session.add_all([theme, job, document, card, build])
    db.session.commit()
    return {
        "document_id": document.id,
        "number": 1,
        "card_id": card.id,
        "build_id": build.id,
        "consultation_id": consultation.id,
        "phase_id": imagine.id,
        "prompt_id": consultation.phase("interview").prompts[0].id,
        "scenario_id": consultation.phase("prototype").scenarios[0].id,
        "finding_id": consultation.phase("results").findings[0].id,
        "theme_id": theme.id,
        "job_id": job.id,
        "kind": "idea",
        "contribution_id": idea.id,
        "token": "somebody-elses-upload",
    }
