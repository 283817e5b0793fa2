"""Easy-read forms in steps: an idea, a reaction to a scenario, an opinion on a result.

Each is a `Flow` (consultations/easyread.py): one screen per task, the same progress line,
then "check and send" and an end screen. What is typed waits in a draft between screens, so
"Retour" loses nothing and no JavaScript is needed. In standard mode the same addresses lead
to the full form of the page.
"""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import is_simple_mode
from consultations.easyread import BACK, Flow, Step, draft_values, drop_draft, progress, save_draft
from consultations.models import Finding, Idea, Scenario
from consultations.participants import current_participant, participant_for_contribution
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
    consultation_or_404,
    end_screen,
    object_or_404,
    participant_context,
    phase_or_404,
)
from consultations.views.imagine import publish_idea, read_conditions
from consultations.views.prototype import (
    SCALE,
    SCALE_MISSING,
    TEXT_FIELDS,
    reaction_of,
    save_reaction,
)
from consultations.views.results import FEEDBACK_CHOICES, feedback_of, save_feedback

IDEA = Flow("idea", (
    Step("idee", _l("Votre idée"), ("text",)),
    Step("conditions", _l("Vos conditions de confiance"), ("conditions", "other_condition")),
    Step("nom", _l("Comment voulez-vous apparaître ?"), ("pseudonym",)),
))
REACTION = Flow("reaction", (
    Step("cas", _l("Lisez ce cas")),
    Step("acceptable", _l("Ce cas vous semble-t-il acceptable ?"), ("acceptability",)),
    Step("utile", _l("Ce cas vous semble-t-il utile ?"), ("usefulness",)),
    Step("si", _l("Je l’accepterais si…"), ("accept_if",)),
    Step("craintes", _l("Ce qui m’inquiète"), ("concerns",)),
    Step("espoirs", _l("Ce que j’en attends de bon"), ("benefits",)),
))
FEEDBACK = Flow("feedback", (
    Step("resultat", _l("Ce que nous avons entendu")),
    Step("reflete", _l("Ce résultat reflète-t-il ce que vous avez dit ?"), ("reflects",)),
    Step("commentaire", _l("Voulez-vous ajouter un commentaire ?"), ("comment",)),
))


def read_step(flow: Flow, step: Step, form, state: FormState, context: dict) -> None:
    """Check what one screen sent; the values go to state.values, problems to state.errors."""
    if "conditions" in step.fields:
        read_conditions(form, state, context["consultation"])
    for name in step.fields:
        if name in ("conditions", "other_condition"):
            continue
        if name == "pseudonym":
            clean_text(form, name, state, required=False, limit=60)
        elif name in SCALE_MISSING:
            clean_choice(form, name, SCALE, state, message=SCALE_MISSING[name])
        elif name == "reflects":
            clean_choice(form, name, FEEDBACK_CHOICES, state,
                         message=_("Choisissez oui, en partie ou non."))
        else:
            clean_text(form, name, state, required=(name == "text"))


def texts_of(flow: Flow, values: dict) -> list[str]:
    names = {"idea": ("text", "other_condition", "pseudonym"), "reaction": TEXT_FIELDS,
             "feedback": ("comment",)}[flow.name]
    return [values.get(name) or "" for name in names]


def screen(flow: Flow, number: int, state: FormState, context: dict, status: int = 200):
    step = flow.step(number)
    return render_template(
        "consultations/easy/step.html", flow=flow, step=step, number=number, state=state,
        progress=progress(number, flow.total), task=step.task if step else flow.check_task,
        partial=f"consultations/easy/steps/{flow.name}-{step.key if step else 'check'}.html",
        **participant_context(), **context), status


def run_flow(flow: Flow, draft_name: str, start: dict, context: dict, send):
    """GET shows a screen; POST keeps what it sent and moves on (or back, or sends)."""
    values = draft_values(draft_name)
    if values is None:
        values = dict(start)
    number = flow.clamp(request.values.get("etape"))
    here = context["steps_url"]
    if request.method == "GET":
        return screen(flow, number, FormState(values=dict(values)), context)
    state = FormState(values=dict(values))
    going_back = request.form.get("aller") == BACK
    step = flow.step(number)
    if step is not None:
        read_step(flow, step, request.form, state, context)
        values.update({name: state.values.get(name) for name in step.fields})
        save_draft(draft_name, values)
        if going_back:
            return redirect(here(number - 1) if number > 1 else context["leave_url"], code=303)
        if state.errors:
            return screen(flow, number, state, context, 422)
        return redirect(here(number + 1), code=303)
    if going_back:
        return redirect(here(number - 1), code=303)
    for earlier, previous in enumerate(flow.steps, start=1):  # nothing skipped by a bad link
        read_step(flow, previous, _Values(values), state, context)
        if state.errors:
            return redirect(here(earlier), code=303)
    consent = clean_consent(request.form, state, participant_context()["needs_consent"],
                            EASY_CONSENT_MISSING)
    state.values["consent"] = request.form.get("consent", "")
    if not state.errors:
        screen_personal_data(request.form, state, *texts_of(flow, values))
    if not state.ok:
        return screen(flow, number, state, context, 422)
    end_url = send(values, participant_for_contribution(consent, values.get("pseudonym") or ""))
    drop_draft(draft_name)
    return redirect(end_url, code=303)


class _Values(dict):
    """A draft read again as if it were a form."""

    def getlist(self, name):
        value = self.get(name)
        return list(value) if isinstance(value, list) else ([] if value is None else [value])


def refused_or_standard(phase, action, standard_url: str):
    """Standard mode uses the page's full form; a closed phase says why, nothing is kept."""
    if not is_simple_mode():
        return redirect(standard_url, code=303)
    if request.method == "POST":
        return allowed_or_refuse(phase, action, standard_url)
    verdict = check(phase, action)
    return None if verdict else render_template(
        "consultations/easy/refused.html", phase=phase, reason=verdict.reason,
        back_url=standard_url, consultation=phase.consultation)


# An idea ------------------------------------------------------------------------------------

@bp.route("/consultations/<slug>/imaginer/proposer", methods=["GET", "POST"])
def idea_steps(slug: str):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "imagine")
    page = url_for("consultations.imagine", slug=slug)
    if stop := refused_or_standard(phase, Action.SUBMIT_IDEA, page + "#proposer-idee"):
        return stop
    participant = current_participant()

    def send(values, author):
        idea_id = publish_idea(phase, author, values["text"], values.get("conditions") or [],
                               values.get("other_condition") or None, token=None)
        return url_for("consultations.idea_sent", slug=slug, idea_id=idea_id)

    context = {"consultation": consultation, "phase": phase, "leave_url": page,
               "pseudonym": participant.pseudonym if participant else None,
               "steps_url": lambda n: url_for("consultations.idea_steps", slug=slug, etape=n)}
    return run_flow(IDEA, f"idea:{phase.id}", {}, context, send)


@bp.get("/consultations/<slug>/imaginer/merci/<int:idea_id>")
def idea_sent(slug: str, idea_id: int):
    consultation = consultation_or_404(slug)
    idea = object_or_404(Idea, idea_id, phase_or_404(consultation, "imagine"))
    slug_url = {"slug": slug}
    return end_screen(consultation, idea.phase, _("Votre idée est publiée."), [
        (url_for("consultations.idea", idea_id=idea.id, **slug_url), "eye", _("Voir mon idée")),
        (url_for("consultations.idea_steps", **slug_url), "pencil",
         _("Proposer une autre idée"))])


# A reaction to a scenario -------------------------------------------------------------------

@bp.route("/consultations/<slug>/scenarios/<int:scenario_id>/reagir", methods=["GET", "POST"])
def reaction_steps(slug: str, scenario_id: int):
    consultation = consultation_or_404(slug)
    scenario = object_or_404(Scenario, scenario_id, phase_or_404(consultation, "prototype"))
    page = url_for("consultations.scenario", slug=slug, scenario_id=scenario.id)
    if stop := refused_or_standard(scenario.phase, Action.REACT_TO_SCENARIO, page):
        return stop
    existing = reaction_of(current_participant(), scenario)
    start = {name: "" if getattr(existing, name) is None else str(getattr(existing, name))
             for name in ("acceptability", "usefulness", *TEXT_FIELDS)} if existing else {}

    def send(values, author):
        save_reaction(scenario, author, values)
        return url_for("consultations.reaction_sent", slug=slug, scenario_id=scenario.id)

    context = {"consultation": consultation, "phase": scenario.phase, "scenario": scenario,
               "leave_url": url_for("consultations.prototype", slug=slug),
               "steps_url": lambda n: url_for("consultations.reaction_steps", slug=slug,
                                              scenario_id=scenario.id, etape=n)}
    return run_flow(REACTION, f"reaction:{scenario.id}", start, context, send)


@bp.get("/consultations/<slug>/scenarios/<int:scenario_id>/merci")
def reaction_sent(slug: str, scenario_id: int):
    consultation = consultation_or_404(slug)
    scenario = object_or_404(Scenario, scenario_id, phase_or_404(consultation, "prototype"))
    others = [s for s in scenario.phase.scenarios if s.id != scenario.id
              and reaction_of(current_participant(), s) is None]
    first = [(url_for("consultations.reaction_steps", slug=slug, scenario_id=s.id), "next",
              _("Réagir au cas suivant")) for s in others[:1]]
    return end_screen(consultation, scenario.phase, _("Votre réaction est enregistrée."), first)


# An opinion on a result ---------------------------------------------------------------------

@bp.route("/consultations/<slug>/resultats/<int:finding_id>/avis", methods=["GET", "POST"])
def feedback_steps(slug: str, finding_id: int):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "results")
    finding = object_or_404(Finding, finding_id, phase)
    page = url_for("consultations.results", slug=slug) + f"#resultat-{finding.id}"
    if stop := refused_or_standard(phase, Action.REACT_TO_FINDING, page):
        return stop
    existing = feedback_of(current_participant(), finding)
    start = {"reflects": existing.reflects, "comment": existing.comment or ""} if existing else {}

    def send(values, author):
        save_feedback(finding, author, values["reflects"], values.get("comment") or "")
        return url_for("consultations.feedback_sent", slug=slug, finding_id=finding.id)

    context = {"consultation": consultation, "phase": phase, "finding": finding,
               "leave_url": url_for("consultations.results", slug=slug),
               "steps_url": lambda n: url_for("consultations.feedback_steps", slug=slug,
                                              finding_id=finding.id, etape=n)}
    return run_flow(FEEDBACK, f"feedback:{finding.id}", start, context, send)


@bp.get("/consultations/<slug>/resultats/<int:finding_id>/merci")
def feedback_sent(slug: str, finding_id: int):
    consultation = consultation_or_404(slug)
    phase = phase_or_404(consultation, "results")
    finding = object_or_404(Finding, finding_id, phase)
    others = [f for f in phase.findings if f.id != finding.id
              and feedback_of(current_participant(), f) is None]
    first = [(url_for("consultations.feedback_steps", slug=slug, finding_id=f.id), "next",
              _("Donner mon avis sur le résultat suivant")) for f in others[:1]]
    return end_screen(consultation, phase, _("Votre avis est enregistré."), first)
