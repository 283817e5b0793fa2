"""Imagine: ideas ("J'imagine que…"), their trust conditions, support and comments."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.database import bounded_int
from app.extensions import db
from consultations.models import Comment, Idea, Support
from consultations.participants import current_participant, participant_for_contribution
from consultations.phases import Action
from consultations.validation import (
    FormState,
    clean_consent,
    clean_text,
    form_token,
    screen_personal_data,
)
from consultations.views import bp
from consultations.views.common import (
    allowed_or_refuse,
    answer_form,
    commit_once,
    consultation_or_404,
    object_or_404,
    participant_context,
    phase_or_404,
)

IDEAS_PER_PAGE = 10
SORTS = {"soutiens", "recentes"}


def support_count():
    return (db.select(db.func.count(Support.id)).where(Support.idea_id == Idea.id)
            .correlate(Idea).scalar_subquery())


def ideas_page(phase, sort: str, page: int):
    order = (Idea.created_at.desc(),) if sort == "recentes" else (
        support_count().desc(), Idea.created_at.desc())
    query = (db.select(Idea).where(Idea.phase_id == phase.id, Idea.moderation == "visible")
             .order_by(*order, Idea.id.desc()))
    return db.paginate(query, page=page, per_page=IDEAS_PER_PAGE, error_out=False)


def idea_counts(ideas) -> dict[int, tuple[int, int]]:
    """{idea id: (supports, comments)} for a page of ideas, in two queries (not two per idea)."""
    ids = [idea.id for idea in ideas]
    found = {}
    for model, shown in ((Support, True), (Comment, Comment.moderation == "visible")):
        found[model] = dict(db.session.execute(
            db.select(model.idea_id, db.func.count(model.id))
            .where(model.idea_id.in_(ids), shown).group_by(model.idea_id)).all())
    return {i: (found[Support].get(i, 0), found[Comment].get(i, 0)) for i in ids}


def supported_by(participant, idea) -> bool:
    if participant is None:
        return False
    return db.session.execute(db.select(Support.id).filter_by(
        idea_id=idea.id, participant_id=participant.id)).first() is not None


def already_sent(model, token):
    """The contribution a form with this token already created, if any."""
    if not token:
        return None
    return db.session.execute(db.select(model).filter_by(form_token=token)).scalar_one_or_none()


def read_idea_form(form, state: FormState, consultation, needs_consent: bool):
    text = clean_text(form, "text", state)
    allowed = {condition["key"] for condition in consultation.conditions}
    conditions = [key for key in form.getlist("conditions") if key in allowed]
    state.values["conditions"] = conditions
    other = clean_text(form, "other_condition", state, required=False)
    consent = clean_consent(form, state, needs_consent)
    state.values["pseudonym"] = (form.get("pseudonym") or "").strip()[:60]
    if not state.errors:
        screen_personal_data(form, state, text, other)
    return text, conditions, other, consent


def imagine_context(consultation, phase, state=None):
    sort = request.args.get("tri", "soutiens")
    sort = sort if sort in SORTS else "soutiens"
    page = bounded_int(request.args, "page", 1)
    ideas = ideas_page(phase, sort, page)
    return {"consultation": consultation, "phase": phase, "ideas": ideas,
            "counts": idea_counts(ideas.items), "sort": sort, "state": state or FormState(),
            "fresh_state": FormState()}


@bp.get("/consultations/<slug>/imaginer")
def imagine(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "imagine")
    return render_template("consultations/imagine.html", **participant_context(),
                           **imagine_context(consultation, phase))


@bp.post("/consultations/<slug>/imaginer")
def submit_idea(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "imagine")
    here = url_for("consultations.imagine", slug=slug)
    if refusal := allowed_or_refuse(phase, Action.SUBMIT_IDEA, here):
        return refusal
    state = FormState()
    token = form_token(request.form, state)
    needs_consent = participant_context()["needs_consent"]
    text, conditions, other, consent = read_idea_form(request.form, state, consultation,
                                                       needs_consent)
    idea = None
    if state.ok:
        idea = already_sent(Idea, token)
        if idea is None:
            participant = participant_for_contribution(consent, state.values["pseudonym"])
            idea = Idea(phase=phase, participant=participant, text=text, conditions=conditions,
                        other_condition=other or None, form_token=token)
            db.session.add(idea)
            if not commit_once():  # the same form, sent twice at once
                idea = db.session.execute(
                    db.select(Idea).filter_by(form_token=token)).scalar_one()
        state.saved = True
    redirect_to = url_for("consultations.idea", slug=slug, idea_id=idea.id) if idea else here
    return answer_form(
        state, success=_("Merci ! Votre idée est publiée."), redirect_to=redirect_to,
        page="consultations/imagine.html", fragment="consultations/_idea_form.html",
        context={**imagine_context(consultation, phase, state), "new_idea": idea})


def idea_context(consultation, idea, comment_state=None):
    participant = current_participant()
    comments = [comment for comment in idea.comments if comment.moderation == "visible"]
    return {"consultation": consultation, "phase": idea.phase, "idea": idea,
            "comments": comments, "supports": len(idea.supports),
            "supported": supported_by(participant, idea), "state": comment_state or FormState(),
            "support_state": FormState()}


@bp.get("/consultations/<slug>/idees/<int:idea_id>")
def idea(slug: str, idea_id: int):
    consultation = consultation_or_404(slug)
    found = object_or_404(Idea, idea_id, phase_or_404(consultation, "imagine"))
    return render_template("consultations/idea.html", **participant_context(),
                           **idea_context(consultation, found))


@bp.post("/consultations/<slug>/idees/<int:idea_id>/soutenir")
def support_idea(slug: str, idea_id: int):
    consultation = consultation_or_404(slug)
    found = object_or_404(Idea, idea_id, phase_or_404(consultation, "imagine"))
    here = url_for("consultations.idea", slug=slug, idea_id=found.id)
    if refusal := allowed_or_refuse(found.phase, Action.SUPPORT_IDEA, here):
        return refusal
    state = FormState()
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if state.ok:
        participant = participant_for_contribution(consent)
        if not supported_by(participant, found):
            db.session.add(Support(idea=found, participant=participant))
        commit_once()
        state.saved = True
    back = request.form.get("retour") == "liste"
    return answer_form(
        state, success=_("C’est noté : vous soutenez cette idée."),
        redirect_to=url_for("consultations.imagine", slug=slug) if back else here,
        page="consultations/idea.html", fragment="consultations/_support.html",
        context={**idea_context(consultation, found), "support_state": state})


@bp.post("/consultations/<slug>/idees/<int:idea_id>/commentaires")
def comment_idea(slug: str, idea_id: int):
    consultation = consultation_or_404(slug)
    found = object_or_404(Idea, idea_id, phase_or_404(consultation, "imagine"))
    here = url_for("consultations.idea", slug=slug, idea_id=found.id)
    if refusal := allowed_or_refuse(found.phase, Action.COMMENT_IDEA, here):
        return refusal
    state = FormState()
    token = form_token(request.form, state)
    text = clean_text(request.form, "text", state)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if not state.errors:
        screen_personal_data(request.form, state, text)
    if state.ok:
        if not already_sent(Comment, token):
            participant = participant_for_contribution(consent)
            db.session.add(Comment(idea=found, participant=participant, text=text,
                                   form_token=token))
            commit_once()
        state.saved = True
    return answer_form(
        state, success=_("Merci ! Votre commentaire est publié."),
        redirect_to=f"{here}#commentaires", page="consultations/idea.html", fragment=None,
        context=idea_context(consultation, found, state))

