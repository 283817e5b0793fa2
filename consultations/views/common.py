"""What every participant page shares: finding things, answering forms the same way."""

from flask import abort, flash, redirect, render_template, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from consultations.models import Consultation
from consultations.participants import current_participant, has_consented
from consultations.phases import Action, Verdict, check

PUBLIC_STATUSES = ("published", "closed")


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def consultation_or_404(slug: str) -> Consultation:
    consultation = db.session.execute(
        db.select(Consultation).filter_by(slug=slug)).scalar_one_or_none()
    if consultation is None or consultation.status not in PUBLIC_STATUSES:
        abort(404)
    return consultation


def phase_or_404(consultation: Consultation, kind: str):
    phase = consultation.phase(kind)
    if phase is None:
        abort(404)
    return phase


def object_or_404(model, object_id: int, phase=None):
    found = db.session.get(model, object_id)
    if found is None or (phase is not None and getattr(found, "phase_id", phase.id) != phase.id):
        abort(404)
    if getattr(found, "moderation", "visible") != "visible":
        participant = current_participant()
        if participant is None or found.participant_id != participant.id:
            abort(404)
    return found


def participant_context() -> dict:
    participant = current_participant()
    return {"participant": participant, "needs_consent": not has_consented(participant)}


def refuse(verdict: Verdict, back_to: str):
    """An action the phase does not allow now: a plain explanation, nothing stored."""
    if is_htmx():
        return render_template("consultations/_refusal.html", reason=verdict.reason)
    flash(verdict.reason, "warning")
    return redirect(back_to, code=303)


def allowed_or_refuse(phase, action: Action, back_to: str):
    verdict = check(phase, action)
    return None if verdict else refuse(verdict, back_to)


def answer_form(state, *, success: str, redirect_to: str, page: str, fragment: str | None,
                context: dict):
    """Post/Redirect/Get for plain forms; the fragment for htmx; the page again on errors."""
    context = {**participant_context(), **context, "state": state}
    if state.saved:
        if is_htmx() and fragment:
            context["success"] = success
            return render_template(fragment, **context)
        flash(success, "success")
        return redirect(redirect_to, code=303)
    if is_htmx() and fragment:
        return render_template(fragment, **context)
    return render_template(page, **context), 422


def commit_once() -> bool:
    """Commit; False when a unique constraint says it was already stored."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
