"""My contributions: see, edit while the phase is open, withdraw, delete everything; profile."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.models import Answer, Comment, Feedback, Idea, Reaction, Support
from consultations.participants import (
    AGE_BANDS,
    LANGUAGES,
    ONLINE_USE,
    current_participant,
    forget_participant,
    participant_for_contribution,
)
from consultations.phases import Action, check
from consultations.validation import (
    FormState,
    clean_choice,
    clean_consent,
    clean_text,
    screen_personal_data,
)
from consultations.views import bp
from consultations.views.common import answer_form, participant_context
from consultations.workspace.forget import forget_contribution_traces

# What each kind of contribution is, in the URL, and which action editing it counts as.
KINDS = {
    "reponse": (Answer, Action.ANSWER_PROMPTS, lambda c: c.prompt.phase),
    "idee": (Idea, Action.SUBMIT_IDEA, lambda c: c.phase),
    "soutien": (Support, Action.SUPPORT_IDEA, lambda c: c.idea.phase),
    "commentaire": (Comment, Action.COMMENT_IDEA, lambda c: c.idea.phase),
    "reaction": (Reaction, Action.REACT_TO_SCENARIO, lambda c: c.scenario.phase),
    "avis": (Feedback, Action.REACT_TO_FINDING, lambda c: c.finding.phase),
}
MINE = "consultations.mine"


def contributions_of(participant) -> dict:
    if participant is None:
        return {}
    return {
        key: list(db.session.execute(
            db.select(model).filter_by(participant_id=participant.id)
            .order_by(model.created_at)).scalars())
        for key, (model, _action, _phase) in KINDS.items()
    }


def my_contribution_or_404(kind: str, contribution_id: int):
    if kind not in KINDS:
        abort(404)
    model, action, phase_of = KINDS[kind]
    participant = current_participant()
    found = db.session.get(model, contribution_id)
    if participant is None or found is None or found.participant_id != participant.id:
        abort(404)
    return found, action, phase_of(found)


@bp.get("/mes-contributions")
def mine():
    participant = current_participant()
    contributions = contributions_of(participant)
    editable = {}
    for key, items in contributions.items():
        action, phase_of = KINDS[key][1], KINDS[key][2]
        editable[key] = {item.id: bool(check(phase_of(item), action)) for item in items}
    return render_template("consultations/mine.html", participant=participant,
                           contributions=contributions, editable=editable)


@bp.route("/mes-contributions/<kind>/<int:contribution_id>/modifier", methods=["GET", "POST"])
def edit_contribution(kind: str, contribution_id: int):
    if kind not in ("idee", "commentaire"):
        abort(404)  # answers, reactions and opinions are edited on their own page
    found, action, phase = my_contribution_or_404(kind, contribution_id)
    verdict = check(phase, action)
    if not verdict:
        flash(verdict.reason, "warning")
        return redirect(url_for(MINE), code=303)
    state = FormState(values={"text": found.text})
    if request.method == "POST":
        state = FormState()
        text = clean_text(request.form, "text", state)
        if not state.errors:
            screen_personal_data(request.form, state, text)
        if state.ok:
            found.text = text
            db.session.commit()
            state.saved = True
    if request.method == "GET":
        return render_template("consultations/edit.html", kind=kind, item=found, state=state)
    return answer_form(state, success=_("Votre modification est enregistrée."),
                       redirect_to=url_for(MINE), page="consultations/edit.html", fragment=None,
                       context={"kind": kind, "item": found})


@bp.post("/mes-contributions/<kind>/<int:contribution_id>/retirer")
def withdraw_contribution(kind: str, contribution_id: int):
    found, _action, _phase = my_contribution_or_404(kind, contribution_id)
    forget_contribution_traces(found)
    db.session.delete(found)
    db.session.commit()
    flash(_("Votre contribution est retirée."), "success")
    return redirect(url_for(MINE), code=303)


@bp.post("/mes-contributions/tout-effacer")
def delete_everything():
    participant = current_participant()
    if participant is not None:
        forget_participant(participant)
        db.session.commit()
    flash(_("Tout ce que vous avez donné est effacé, votre profil aussi."), "success")
    return redirect(url_for(MINE), code=303)


def read_profile(form, state: FormState) -> dict:
    return {
        "pseudonym": clean_text(form, "pseudonym", state, required=False, limit=60),
        "age_band": clean_choice(form, "age_band", AGE_BANDS, state, required=False),
        "region": clean_text(form, "region", state, required=False, limit=80),
        "online_services_use": clean_choice(form, "online_services_use", ONLINE_USE, state,
                                            required=False),
        "preferred_language": clean_choice(form, "preferred_language", LANGUAGES, state,
                                           required=False),
    }


@bp.route("/mes-contributions/profil", methods=["GET", "POST"])
def profile():
    participant = current_participant()
    state = FormState()
    fields = ("pseudonym", "age_band", "region", "online_services_use", "preferred_language")
    if participant is not None:
        state.values = {name: getattr(participant, name) or "" for name in fields}
    context = {"age_bands": AGE_BANDS, "online_use": ONLINE_USE, "languages": LANGUAGES}
    if request.method == "GET":
        return render_template("consultations/profile.html", **participant_context(),
                               **context, state=state)
    state = FormState()
    values = read_profile(request.form, state)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if state.ok:
        participant = participant_for_contribution(consent)
        for name, value in values.items():
            setattr(participant, name, value or None)
        db.session.commit()
        state.saved = True
    return answer_form(state, success=_("Votre profil est enregistré. Merci !"),
                       redirect_to=url_for(MINE), page="consultations/profile.html",
                       fragment=None, context=context)
