"""Imagine: ideas ("J'imagine que…"), their trust conditions, support and comments."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.database import bounded_int
from app.extensions import db
from app.page_cache import kept
from consultations.models import Comment, Idea, Support
from consultations.participants import current_participant, participant_for_contribution
from consultations.phases import Action, Verdict
from consultations.validation import (
    FormState,
    clean_consent,
    clean_name,
    clean_text,
    form_token,
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
    refuse,
)

IDEAS_PER_PAGE = 10
SORTS = {"soutiens", "recentes"}


def support_count():
    return (db.select(db.func.count(Support.id)).where(Support.idea_id == Idea.id)
            .correlate(Idea).scalar_subquery())


def comment_count():
    return (db.select(db.func.count(Comment.id))
            .where(Comment.idea_id == Idea.id, Comment.moderation == "visible")
            .correlate(Idea).scalar_subquery())


def ideas_page(phase, sort: str, page: int):
    order = (Idea.created_at.desc(),) if sort == "recentes" else (
        support_count().desc(), Idea.created_at.desc())
    query = (db.select(Idea).where(Idea.phase_id == phase.id, Idea.moderation == "visible")
             .order_by(*order, Idea.id.desc()))
    return db.paginate(query, page=page, per_page=IDEAS_PER_PAGE, error_out=False)


def idea_counts(ideas) -> dict[int, tuple[int, int]]:
    """{idea id: (supports, comments)} for a page of ideas, in one query (not two per idea)."""
    ids = [idea.id for idea in ideas]
    if not ids:
        return {}
    rows = db.session.execute(db.select(Idea.id, support_count(), comment_count())
                              .where(Idea.id.in_(ids)))
    return {idea_id: (supports, comments) for idea_id, supports, comments in rows}


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


def read_conditions(form, state: FormState, consultation) -> dict:
    """An idea's conditions of trust as sent: known keys only, and the one written."""
    allowed = {condition["key"] for condition in consultation.conditions}
    state.values["conditions"] = [key for key in form.getlist("conditions") if key in allowed]
    other = clean_text(form, "other_condition", state, required=False)
    return {"conditions": state.values["conditions"], "other_condition": other or None}


def read_idea_form(form, state: FormState, consultation, needs_consent: bool):
    text = clean_text(form, "text", state)
    conditions, other = read_conditions(form, state, consultation).values()
    consent = clean_consent(form, state, needs_consent)
    clean_name(form, "pseudonym", state, limit=60)
    if not state.errors:
        screen_personal_data(form, state)
    return text, conditions, other, consent


def publish_idea(phase, participant, text: str, conditions: list, other, token) -> int:
    """The new idea's id, read before the commit (after it, reading it loads the row again)."""
    idea = Idea(phase=phase, participant=participant, text=text, conditions=conditions,
                other_condition=other or None, form_token=token)
    db.session.add(idea)
    db.session.flush()
    idea_id = idea.id
    db.session.commit()  # the same form sent twice at once: see retry_lost_races
    return idea_id


def imagine_context(consultation, phase, state=None):
    sort = request.args.get("tri", "soutiens")
    sort = sort if sort in SORTS else "soutiens"
    page = bounded_int(request.args, "page", 1)
    ideas = ideas_page(phase, sort, page)
    return {"consultation": consultation, "phase": phase, "ideas": ideas,
            "counts": idea_counts(ideas.items), "sort": sort, "state": state or FormState(),
            "fresh_state": FormState()}


@bp.get("/consultations/<slug>/imaginer")
@kept
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
    idea_id = None
    if state.ok:
        sent = already_sent(Idea, token)
        if sent is None:
            participant = participant_for_contribution(consent, state.values["pseudonym"])
            idea_id = publish_idea(phase, participant, text, conditions, other, token)
        else:
            idea_id = sent.id
        state.saved = True
    redirect_to = url_for("consultations.idea", slug=slug, idea_id=idea_id) if idea_id else here
    return answer_form(
        state, success=_("Merci ! Votre idée est publiée."), redirect_to=redirect_to,
        page="consultations/imagine.html", fragment="consultations/_idea_form.html",
        context=lambda: {**imagine_context(consultation, phase, state), "new_idea_id": idea_id})


def idea_context(consultation, idea, comment_state=None):
    participant = current_participant()
    comments = [comment for comment in idea.comments if comment.moderation == "visible"]
    needs_consent = participant_context()["needs_consent"]
    return {"consultation": consultation, "phase": idea.phase, "idea": idea,
            "comments": comments, "supports": len(idea.supports),
            "supported": supported_by(participant, idea), "state": comment_state or FormState(),
            "support_state": FormState(), "own": is_own(participant, idea),
            # The consent notice is shown once on the page; both forms point to it.
            "consent_notice": "avis-participation" if needs_consent else None}


def is_own(participant, idea) -> bool:
    return participant is not None and idea.participant_id == participant.id


@bp.get("/consultations/<slug>/idees/<int:idea_id>")
@kept
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
    if is_own(current_participant(), found):
        return refuse(Verdict(False, _("C’est votre idée : vous ne pouvez pas la soutenir.")),
                      here)
    state = FormState()
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if state.ok:
        participant = participant_for_contribution(consent)
        if not supported_by(participant, found):
            db.session.add(Support(idea=found, participant=participant))
        db.session.commit()
        state.saved = True
    back = request.form.get("retour") == "liste"
    return answer_form(
        state, success=_("C’est noté : vous soutenez cette idée."),
        redirect_to=url_for("consultations.imagine", slug=slug) if back else here,
        page="consultations/idea.html", fragment="consultations/_support.html",
        context=lambda: {**idea_context(consultation, found), "support_state": state})


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
        screen_personal_data(request.form, state)
    if state.ok:
        if not already_sent(Comment, token):
            participant = participant_for_contribution(consent)
            db.session.add(Comment(idea=found, participant=participant, text=text,
                                   form_token=token))
            db.session.commit()
        state.saved = True
    return answer_form(
        state, success=_("Merci ! Votre commentaire est publié."),
        redirect_to=f"{here}#commentaires", page="consultations/idea.html", fragment=None,
        context=lambda: idea_context(consultation, found, state))

