"""My contributions: see, edit while the phase is open, withdraw, delete everything; profile."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.database import scrub_deleted
from app.extensions import db
from chatbot.web import conversation
from consultations.contributions import KINDS, by_slug
from consultations.easyread import drop_all_drafts
from consultations.participants import (
    AGE_BANDS,
    LANGUAGES,
    ONLINE_USE,
    current_participant,
    forget_participant,
    participant_for_contribution,
)
from consultations.phases import check
from consultations.validation import (
    FormState,
    clean_choice,
    clean_consent,
    clean_name,
    clean_text,
    screen_personal_data,
)
from consultations.views import bp
from consultations.views.common import answer_form, participant_context
from consultations.views.imagine import read_conditions
from consultations.workspace.forget import delete_contribution

MINE = "consultations.mine"


def contributions_of(participant) -> dict:
    """{kind key: the participant's contributions of that kind, oldest first}."""
    if participant is None:
        return {}
    return {
        kind.key: list(db.session.execute(
            db.select(kind.model).filter_by(participant_id=participant.id)
            .options(kind.with_phase()).order_by(kind.model.created_at)).scalars())
        for kind in KINDS.values()
    }


def my_contribution_or_404(slug: str, contribution_id: int):
    kind = by_slug(slug)
    participant = current_participant()
    found = db.session.get(kind.model, contribution_id) if kind else None
    if participant is None or found is None or found.participant_id != participant.id:
        abort(404)
    return kind, found


@bp.get("/mes-contributions")
def mine():
    participant = current_participant()
    contributions = contributions_of(participant)
    editable = {key: {item.id: bool(check(KINDS[key].phase(item), KINDS[key].action))
                      for item in items} for key, items in contributions.items()}
    return render_template("consultations/mine.html", participant=participant, kinds=KINDS,
                           contributions=contributions, editable=editable,
                           chat_questions=len(conversation.asked_ids()))


@bp.route("/mes-contributions/<kind>/<int:contribution_id>/modifier", methods=["GET", "POST"])
def edit_contribution(kind: str, contribution_id: int):
    spec, found = my_contribution_or_404(kind, contribution_id)
    if spec.edit_label is None:
        abort(404)  # answers, reactions and opinions are edited on their own page
    verdict = check(spec.phase(found), spec.action)
    if not verdict:
        flash(verdict.reason, "warning")
        return redirect(url_for(MINE), code=303)
    state = FormState(values={"text": found.text})
    if spec.key == "idea":
        state.values.update(conditions=found.conditions,
                            other_condition=found.other_condition or "")
    if request.method == "POST":
        state = FormState()
        text = clean_text(request.form, "text", state)
        changes = {"text": text}
        if spec.key == "idea":
            changes.update(read_conditions(request.form, state, spec.phase(found).consultation))
        if not state.errors:
            screen_personal_data(request.form, state)
        if state.ok:
            for name, value in changes.items():
                setattr(found, name, value)
            db.session.commit()
            state.saved = True
    if request.method == "GET":
        return render_template("consultations/edit.html", kind=spec, item=found, state=state)
    return answer_form(state, success=_("Votre modification est enregistrée."),
                       redirect_to=url_for(MINE), page="consultations/edit.html", fragment=None,
                       context=lambda: {"kind": spec, "item": found})


@bp.post("/mes-contributions/<kind>/<int:contribution_id>/retirer")
def withdraw_contribution(kind: str, contribution_id: int):
    _kind, found = my_contribution_or_404(kind, contribution_id)
    delete_contribution(found)
    db.session.commit()
    scrub_deleted()
    flash(_("Votre contribution est retirée."), "success")
    return redirect(url_for(MINE), code=303)


@bp.get("/mes-contributions/tout-effacer")
def confirm_delete_everything():
    """Before deleting: what will go, said plainly, and that it cannot be undone."""
    participant = current_participant()
    contributions = contributions_of(participant)
    profile = participant is not None and any(
        getattr(participant, name) for name in ("pseudonym", "age_band", "region",
                                                "online_services_use", "preferred_language"))
    return render_template("consultations/erase.html", participant=participant, kinds=KINDS,
                           contributions=contributions, profile=profile,
                           total=sum(len(items) for items in contributions.values()),
                           chat_questions=len(conversation.asked_ids()),
                           chat_survives_closing=session.permanent)


@bp.post("/mes-contributions/tout-effacer")
def delete_everything():
    participant = current_participant()
    drop_all_drafts()
    if participant is not None:
        forget_participant(participant)
    conversation.forget_this_browser()
    db.session.commit()
    scrub_deleted()  # the person's words, and their drafts, overwritten on disk too
    flash(_("Tout ce que vous avez donné est effacé, votre profil aussi."), "success")
    return redirect(url_for(MINE), code=303)


def read_profile(form, state: FormState) -> dict:
    return {
        "pseudonym": clean_name(form, "pseudonym", state, limit=60),
        "age_band": clean_choice(form, "age_band", AGE_BANDS, state, required=False),
        "region": clean_name(form, "region", state, limit=80),
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
                       fragment=None, context=lambda: context)
