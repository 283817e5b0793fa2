"""Interview: open questions, all on one page, or one per screen in simplified mode."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import is_simple_mode
from consultations.models import Answer
from consultations.participants import current_participant, participant_for_contribution
from consultations.phases import Action
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
    simple = is_simple_mode()
    number = screen_number(phase)
    shown = phase.prompts[number - 1:number] if simple else phase.prompts
    return {"consultation": consultation, "phase": phase, "state": state, "prompts": shown,
            "number": number, "total": len(phase.prompts), "answered": len(answers),
            "one_per_screen": simple, "scale": SCALE}


@bp.get("/consultations/<slug>/entrevue")
def interview(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    return render_template("consultations/interview.html", **participant_context(),
                           **interview_context(consultation, phase))


@bp.post("/consultations/<slug>/entrevue")
def answer_interview(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "interview")
    here = url_for("consultations.interview", slug=slug)
    if refusal := allowed_or_refuse(phase, Action.ANSWER_PROMPTS, here):
        return refusal
    state = FormState()
    given = read_answers(request.form, phase, state)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if not state.errors:
        screen_personal_data(request.form, state, *[
            value for prompt, value in given.items() if prompt.kind == "free_text"])
    if state.ok and given:
        save_answers(given, participant_for_contribution(consent))
        state.saved = True
    number = screen_number(phase)
    if is_simple_mode() and number < len(phase.prompts):
        redirect_to = url_for("consultations.interview", slug=slug, question=number + 1)
    else:
        redirect_to = here
    # With htmx, the page saves as the person goes (on each change) and only a status line
    # comes back; without it, the form is saved when sent.
    autosave = request.args.get("enregistrement") == "auto"
    return answer_form(
        state, success=_("Vos réponses sont enregistrées. Vous pouvez les modifier tant que "
                         "l’étape est ouverte."),
        redirect_to=redirect_to, page="consultations/interview.html",
        fragment="consultations/_autosave.html" if autosave else None,
        context=interview_context(consultation, phase, state))
