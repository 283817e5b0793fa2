"""Interview: open questions, all on one page; in easy read a start screen, one question per
screen and an end screen."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.i18n import is_simple_mode
from app.page_cache import kept
from consultations.easyread import BACK
from consultations.models import Answer
from consultations.participants import (
    current_participant,
    participant_for_contribution,
    remember_consent,
)
from consultations.phases import Action, check
from consultations.validation import (
    EASY_CONSENT_MISSING,
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
    end_screen,
    participant_context,
    phase_or_404,
)

SCALE = range(1, 6)


def field_name(prompt) -> str:
    return f"answer-{prompt.id}"


def answers_of(participant, phase) -> dict:
    if participant is None:
        return {}
    prompt_ids = [prompt.id for prompt in phase.prompts]
    query = db.select(Answer).where(Answer.participant_id == participant.id,
                                    Answer.prompt_id.in_(prompt_ids))
    return {answer.prompt_id: answer for answer in db.session.execute(query).scalars()}


def read_answer(form, prompt, state: FormState) -> str:
    name = field_name(prompt)
    if prompt.kind == "free_text":
        return clean_text(form, name, state, required=False)
    allowed = range(len(prompt.choices or [])) if prompt.kind == "single_choice" else SCALE
    return clean_choice(form, name, allowed, state, required=False)


def read_answers(form, phase, state: FormState) -> dict:
    """The answers sent in this form (a screen may hold one question or all of them)."""
    sent = [prompt for prompt in phase.prompts if field_name(prompt) in form]
    given = {prompt: read_answer(form, prompt, state) for prompt in sent}
    given = {prompt: value for prompt, value in given.items() if value}
    if not given and not state.errors and phase.prompts:
        # Nothing answered (or no answer field sent at all): nothing to save.
        first = sent[0] if sent else phase.prompts[0]
        state.errors[field_name(first)] = _("Répondez à au moins une question avant d’envoyer.")
    return given


def save_answers(given: dict, participant) -> None:
    existing = answers_of(participant, next(iter(given)).phase)
    for prompt, value in given.items():
        answer = existing.get(prompt.id)
        if answer is None:
            db.session.add(Answer(prompt=prompt, participant=participant, value=value))
        else:
            answer.value = value
    db.session.commit()


def screen_number(phase) -> int:
    number = request.args.get("question", type=int) or request.form.get("question", type=int) or 1
    return min(max(number, 1), max(len(phase.prompts), 1))


def interview_context(consultation, phase, state=None):
    answers = answers_of(current_participant(), phase)
    state = state or FormState()
    for prompt_id, answer in answers.items():
        state.values.setdefault(f"answer-{prompt_id}", answer.value)
    return {"consultation": consultation, "phase": phase, "state": state,
            "prompts": phase.prompts, "total": len(phase.prompts), "answered": len(answers),
            "scale": SCALE}


def easy_screen(consultation, phase, state=None, status=200):
    """Easy read: a start screen (context, consent), then one question per screen."""
    context = {**participant_context(), **interview_context(consultation, phase, state)}
    started = "question" in request.args or "question" in request.form
    if not started or context["needs_consent"] or not phase.prompts or \
            not check(phase, Action.ANSWER_PROMPTS):
        return render_template("consultations/easy/interview_start.html", **context), status
    number = screen_number(phase)
    return render_template("consultations/easy/interview_question.html", **context,
                           number=number, prompt=phase.prompts[number - 1],
                           progress=_("Question %(number)s sur %(total)s", number=number,
                                      total=len(phase.prompts))), status


@bp.get("/consultations/<slug>/entrevue")
@kept
def interview(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    if is_simple_mode():
        return easy_screen(consultation, phase)
    return render_template("consultations/interview.html", **participant_context(),
                           **interview_context(consultation, phase))


@bp.post("/consultations/<slug>/entrevue/commencer")
def start_interview(slug: str):
    """The easy-read start screen: consent in plain words, then the first question."""
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    here = url_for("consultations.interview", slug=slug)
    if refusal := allowed_or_refuse(phase, Action.ANSWER_PROMPTS, here):
        return refusal
    state = FormState()
    if clean_consent(request.form, state, participant_context()["needs_consent"],
                     EASY_CONSENT_MISSING):
        remember_consent()
    if state.errors:
        return easy_screen(consultation, phase, state, status=422)
    return redirect(url_for("consultations.interview", slug=slug, question=1), code=303)


@bp.get("/consultations/<slug>/entrevue/fin")
@kept
def interview_done(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    answered = len(answers_of(current_participant(), phase))
    recorded = ngettext("Vous avez répondu à %(num)s question sur %(total)s. C’est enregistré.",
                        "Vous avez répondu à %(num)s questions sur %(total)s. C’est "
                        "enregistré.", answered, total=len(phase.prompts))
    return end_screen(consultation, phase, recorded)


def answer_easy_screen(consultation, phase):
    """One question of the easy-read interview: saved if answered, then the next screen."""
    number = screen_number(phase)
    prompt = phase.prompts[number - 1]
    state = FormState()
    value = read_answer(request.form, prompt, state)
    if not state.errors and prompt.kind == "free_text":
        screen_personal_data(request.form, state, value)
    going_back = request.form.get("aller") == BACK
    if state.ok and value:
        save_answers({prompt: value}, participant_for_contribution(consent_given=False))
    elif not going_back and not state.ok:
        return easy_screen(consultation, phase, state, status=422)
    slug = consultation.slug
    if going_back:
        if number == 1:
            return redirect(url_for("consultations.interview", slug=slug), code=303)
        return redirect(url_for("consultations.interview", slug=slug, question=number - 1),
                        code=303)
    if number < len(phase.prompts):
        return redirect(url_for("consultations.interview", slug=slug, question=number + 1),
                        code=303)
    return redirect(url_for("consultations.interview_done", slug=slug), code=303)


@bp.post("/consultations/<slug>/entrevue")
def answer_interview(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    here = url_for("consultations.interview", slug=slug)
    if refusal := allowed_or_refuse(phase, Action.ANSWER_PROMPTS, here):
        return refusal
    if is_simple_mode() and "question" in request.form and phase.prompts:
        if participant_context()["needs_consent"]:
            return redirect(here, code=303)  # the start screen asks first
        return answer_easy_screen(consultation, phase)
    state = FormState()
    given = read_answers(request.form, phase, state)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if not state.errors:
        screen_personal_data(request.form, state)
    if state.ok and given:
        save_answers(given, participant_for_contribution(consent))
        state.saved = True
    # With htmx, the page saves as the person goes (on each change) and only a status line
    # comes back; without it, the form is saved when sent.
    autosave = request.args.get("enregistrement") == "auto"
    return answer_form(
        state, success=_("Vos réponses sont enregistrées. Vous pouvez les modifier tant que "
                         "l’étape est ouverte."),
        redirect_to=here, page="consultations/interview.html",
        fragment="consultations/_autosave.html" if autosave else None,
        context=lambda: interview_context(consultation, phase, state))
