"""Build small consultations for the consultations tests."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from app.extensions import db
from consultations.localise import texts as t
from consultations.models import (
    Consultation,
    Finding,
    Idea,
    Participant,
    Phase,
    Prompt,
    Scenario,
    utcnow,
)
from consultations.participants import CONSENT_VERSION

SPANS = {"open": (-1, 1), "upcoming": (1, 2), "closed": (-2, -1)}


def make_consultation(slug="essai", status="published", **states) -> Consultation:
    """A consultation with the four phases; each phase open unless given another state."""
    now = utcnow()
    consultation = Consultation(
        slug=slug, status=status, title=t("Titre FR", "Title EN", "Titre simple"),
        summary=t("Résumé FR", "Summary EN"), description=t("Description FR", "Description EN"),
        outcome=t("Suite FR", "Outcome EN"), starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=3))
    for order, kind in enumerate(("interview", "imagine", "prototype", "results")):
        start, end = SPANS[states.get(kind, "open")]
        Phase(consultation=consultation, kind=kind, order=order,
              title=t(f"Étape {kind}", f"Step {kind}"),
              information=t(f"Information {kind}", f"Information EN {kind}"),
              starts_at=now + timedelta(days=start), ends_at=now + timedelta(days=end))
    interview = consultation.phase("interview")
    Prompt(phase=interview, order=0, kind="free_text", question=t("Qu'est-ce que l'IA ?",
                                                                  "What is AI?"))
    Prompt(phase=interview, order=1, kind="single_choice", question=t("Déjà utilisé ?", "Used?"),
           choices=[t("Oui", "Yes"), t("Non", "No")])
    Prompt(phase=interview, order=2, kind="scale", question=t("Confiance ?", "Trust?"))
    other = Participant(pseudonym="Autre", consent_version=CONSENT_VERSION, consented_at=now)
    idea = Idea(phase=consultation.phase("imagine"), participant=other,
                text="une idée existante", conditions=["know_when"])
    scenario = Scenario(phase=consultation.phase("prototype"), title=t("Et si… ?", "What if…?"),
                        case=t("Un cas concret.", "A concrete case."), ideas=[idea])
    Finding(phase=consultation.phase("results"), heard=t("Entendu", "Heard"),
            action=t("Action", "Action EN"), status="planned", ideas=[idea],
            scenarios=[scenario])
    db.session.add(consultation)
    db.session.commit()
    return consultation


def ids(consultation) -> dict:
    return {
        "idea": db.session.execute(db.select(Idea.id)).scalars().first(),
        "scenario": consultation.phase("prototype").scenarios[0].id,
        "finding": consultation.phase("results").findings[0].id,
        "prompts": [prompt.id for prompt in consultation.phase("interview").prompts],
    }


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@contextmanager
def statements(app):
    """The SQL statements the app sends inside the block, as a list filled as they are sent:
    a page's query count, to compare with more rows (an N+1 shows as more statements)."""
    sent = []

    def record(_connection, _cursor, statement, *_rest):
        sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
