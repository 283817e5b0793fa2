"""Results: what we heard, what will be done, and "does this reflect what you said?"."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.page_cache import kept
from consultations.models import FEEDBACK_CHOICES, Feedback, Finding
from consultations.participants import current_participant, participant_for_contribution
from consultations.phases import Action, check
from consultations.validation import (
    FormState,
    clean_choice,
    clean_consent,
    clean_text,
    screen_personal_data,
)
from consultations.views import bp
from consultations.views.common import (
    allowed_or_refuse,
    answer_form,
    consultation_or_404,
    object_or_404,
    participant_context,
    phase_or_404,
)


def feedback_of(participant, finding):
    if participant is None:
        return None
    return db.session.execute(db.select(Feedback).filter_by(
        finding_id=finding.id, participant_id=participant.id)).scalar_one_or_none()


def save_feedback(finding, participant, reflects: str, comment: str) -> Feedback:
    feedback = feedback_of(participant, finding) or Feedback(finding=finding,
                                                             participant=participant)
    feedback.reflects = reflects
    feedback.comment = comment or None
    db.session.add(feedback)
    db.session.commit()
    return feedback


def results_context(consultation, phase, failed: Finding | None = None, failed_state=None):
    participant = current_participant()
    states = {}
    for finding in phase.findings:
        state = failed_state if finding is failed else FormState()
        feedback = feedback_of(participant, finding)
        if feedback is not None:
            state.values.setdefault("reflects", feedback.reflects)
            state.values.setdefault("comment", feedback.comment or "")
        states[finding.id] = state
    return {"consultation": consultation, "phase": phase, "states": states,
            "choices": FEEDBACK_CHOICES,
            "visible_ideas": visible_ideas}


def visible_ideas(finding) -> list:
    return [idea for idea in finding.ideas if idea.moderation == "visible"]


@bp.get("/consultations/<slug>/resultats")
@kept
def results(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "results")
    verdict = check(phase, Action.READ_FINDINGS)
    if not verdict:
        return render_template("consultations/results.html", **participant_context(),
                               consultation=consultation, phase=phase, not_yet=verdict.reason)
    return render_template("consultations/results.html", **participant_context(),
                           **results_context(consultation, phase))


@bp.post("/consultations/<slug>/resultats/<int:finding_id>")
def react_to_finding(slug: str, finding_id: int):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "results")
    finding = object_or_404(Finding, finding_id, phase)
    here = url_for("consultations.results", slug=slug)
    if refusal := allowed_or_refuse(phase, Action.REACT_TO_FINDING, here):
        return refusal
    state = FormState()
    reflects = clean_choice(request.form, "reflects", FEEDBACK_CHOICES, state,
                            message=_("Choisissez oui, en partie ou non."))
    comment = clean_text(request.form, "comment", state, required=False)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if not state.errors:
        screen_personal_data(request.form, state)
    if state.ok:
        save_feedback(finding, participant_for_contribution(consent), reflects, comment)
        state.saved = True
    return answer_form(
        state, success=_("Merci ! Votre avis sur ce résultat est enregistré."),
        redirect_to=f"{here}#resultat-{finding.id}", page="consultations/results.html",
        fragment=None, context=lambda: results_context(consultation, phase, finding, state))

