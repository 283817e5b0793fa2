"""Prototype: concrete scenarios ("Que se passerait-il si… ?") and one reaction each."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.page_cache import kept
from consultations.models import Reaction, Scenario
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
    object_or_404,
    participant_context,
    phase_or_404,
)

SCALE = range(1, 6)
TEXT_FIELDS = ("accept_if", "concerns", "benefits")
# Each message names its question: the error summary lists both when both are missing.
SCALE_MISSING = {
    "acceptability": _l("Dites si ce scénario vous semble acceptable : choisissez un chiffre "
                        "de 1 à 5."),
    "usefulness": _l("Dites si ce scénario vous semble utile : choisissez un chiffre de 1 à 5."),
}


def reaction_of(participant, scenario):
    if participant is None:
        return None
    return db.session.execute(db.select(Reaction).filter_by(
        scenario_id=scenario.id, participant_id=participant.id)).scalar_one_or_none()


def read_reaction(form, state: FormState) -> dict:
    values = {name: clean_choice(form, name, SCALE, state, message=SCALE_MISSING[name])
              for name in SCALE_MISSING}
    for name in TEXT_FIELDS:
        values[name] = clean_text(form, name, state, required=False)
    return values


def save_reaction(scenario, participant, values: dict) -> Reaction:
    reaction = reaction_of(participant, scenario) or Reaction(scenario=scenario,
                                                              participant=participant)
    reaction.acceptability = int(values["acceptability"])
    reaction.usefulness = int(values["usefulness"])
    for name in TEXT_FIELDS:
        setattr(reaction, name, values.get(name) or None)
    db.session.add(reaction)
    db.session.commit()
    return reaction


def scenario_context(consultation, scenario, state=None):
    reaction = reaction_of(current_participant(), scenario)
    state = state or FormState()
    if reaction is not None:
        for name in ("acceptability", "usefulness", *TEXT_FIELDS):
            value = getattr(reaction, name)
            state.values.setdefault(name, "" if value is None else str(value))
    ideas = [idea for idea in scenario.ideas if idea.moderation == "visible"]
    return {"consultation": consultation, "phase": scenario.phase, "scenario": scenario,
            "ideas": ideas, "state": state, "reaction": reaction, "scale": SCALE}


@bp.get("/consultations/<slug>/prototyper")
@kept
def prototype(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "prototype")
    participant = current_participant()
    reacted = {scenario.id for scenario in phase.scenarios if reaction_of(participant, scenario)}
    return render_template("consultations/prototype.html", **participant_context(),
                           consultation=consultation, phase=phase, reacted=reacted)


@bp.get("/consultations/<slug>/scenarios/<int:scenario_id>")
@kept
def scenario(slug: str, scenario_id: int):
    consultation = consultation_or_404(slug)
    found = object_or_404(Scenario, scenario_id, phase_or_404(consultation, "prototype"))
    return render_template("consultations/scenario.html", **participant_context(),
                           **scenario_context(consultation, found))


@bp.post("/consultations/<slug>/scenarios/<int:scenario_id>")
def react_to_scenario(slug: str, scenario_id: int):
    consultation = consultation_or_404(slug)
    found = object_or_404(Scenario, scenario_id, phase_or_404(consultation, "prototype"))
    here = url_for("consultations.scenario", slug=slug, scenario_id=found.id)
    if refusal := allowed_or_refuse(found.phase, Action.REACT_TO_SCENARIO, here):
        return refusal
    state = FormState()
    values = read_reaction(request.form, state)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"])
    if not state.errors:
        screen_personal_data(request.form, state)
    if state.ok:
        save_reaction(found, participant_for_contribution(consent), values)
        state.saved = True
    return answer_form(
        state, success=_("Merci ! Votre réaction est enregistrée. Vous pouvez la modifier tant "
                         "que l’étape est ouverte."),
        redirect_to=here, page="consultations/scenario.html", fragment=None,
        context=lambda: scenario_context(consultation, found, state))
