"""What every participant page shares: finding things, answering forms the same way."""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.localise import localise
from consultations.models import Consultation
from consultations.participants import current_participant, has_consented, participant_key
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
    participant_key()  # in the cookie before the first contribution: see participants.py
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
                context: Callable[[], dict]):
    """Post/Redirect/Get for plain forms; the fragment for htmx; the page again on errors.
    `context` makes what the page or fragment shows: called only when one is rendered, so a
    form that was saved is redirected without the page's queries."""
    if state.saved and not (is_htmx() and fragment):
        flash(success, "success")
        return redirect(redirect_to, code=303)
    shown = {**participant_context(), **context(), "state": state}
    if state.saved:
        return render_template(fragment, **shown, success=success)
    if is_htmx() and fragment:
        return render_template(fragment, **shown)
    return render_template(page, **shown), 422


def next_open_phase(consultation, after):
    """The first open phase after `after`, for "what else can I do"."""
    return next((phase for phase in consultation.phases
                 if phase.order > after.order and phase.state() == "open"), None)


def end_screen(consultation, phase, recorded: str, first_choices=()):
    """The end of a participant task: what was recorded, what happens next, what else to do."""
    from consultations.phases import kind_of
    choices = list(first_choices)
    following = next_open_phase(consultation, phase)
    if following is not None:
        choices.append((url_for(kind_of(following).endpoint, slug=consultation.slug), "next",
                        _("Aller à l’étape suivante : %(step)s", step=localise(following.title))))
    else:
        choices.append((url_for("consultations.home", slug=consultation.slug), "home",
                        _("Revenir à la consultation")))
    if "chatbot.chat" in current_app.view_functions:
        choices.append((url_for("chatbot.chat"), "chat", _("Poser une question sur l’IA")))
    choices.append((url_for("consultations.mine"), "list",
                    _("Voir ou effacer ce que j’ai donné")))
    return render_template("consultations/easy/end.html", consultation=consultation,
                           phase=phase, recorded=recorded, choices=choices, progress=None)
