"""Consultation management: the consultation, its phases, prompts, scenarios and findings."""

import re
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.database import MAX_ID
from app.extensions import db
from consultations.dates import (
    day_after,
    day_start,
    first_day,
    is_time_zone,
    last_day,
    last_day_before,
    moved_to_zone,
    zone_name,
)
from consultations.models import (
    FINDING_STATUSES,
    PROMPT_KINDS,
    Answer,
    Consultation,
    Finding,
    Idea,
    Phase,
    Prompt,
    Scenario,
    utcnow,
)
from consultations.phases import KINDS, ORDER, kind_of
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, MODERATORS, current_facilitator, require_role
from consultations.workspace.forms import (
    Errors,
    read_date,
    read_ids,
    read_int,
    read_lines,
    read_texts,
)
from consultations.workspace.team import add_member, authorized, visible_consultation_ids

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")


def done(action: str, target: str, message: str, to: str):
    record(current_facilitator(), action, target)
    db.session.commit()
    flash(message, "success")
    return redirect(to, code=303)


def overview_url(consultation) -> str:
    return url_for("workspace.consultation", consultation_id=consultation.id)


@bp.get("/animation/")
@require_role(*MODERATORS)
def index():
    """The consultations whose team this person is on (every one for an admin)."""
    consultations = db.session.execute(
        db.select(Consultation).where(Consultation.id.in_(
            visible_consultation_ids(current_facilitator())))
        .order_by(Consultation.created_at.desc())).scalars().all()
    return render_template("workspace/index.html", consultations=consultations)


# Consultation ---------------------------------------------------------------------------------

def read_conditions(form, errors: Errors) -> list[dict]:
    conditions = []
    for key, fr, en in read_lines(form, "conditions", 3):
        if not re.fullmatch(r"[a-z0-9_]{1,40}", key) or not fr:
            errors["conditions"] = _("Chaque ligne : clé | français | English (clé en minuscules "
                                     "sans espace).")
            continue
        conditions.append({"key": key, "fr": fr, "en": en or fr})
    return conditions


def read_consultation(form, consultation: Consultation | None):
    errors = Errors()
    slug = (form.get("slug") or "").strip().lower()
    if not SLUG.match(slug):
        errors["slug"] = _("Adresse courte : lettres minuscules, chiffres et tirets.")
    else:
        taken = db.session.execute(db.select(Consultation.id).filter_by(slug=slug)).scalar()
        if taken and (consultation is None or taken != consultation.id):
            errors["slug"] = _("Cette adresse courte est déjà prise.")
    values = {
        "slug": slug,
        "title": read_texts(form, "title", errors, limit=200),
        "summary": read_texts(form, "summary", errors, limit=500),
        "description": read_texts(form, "description", errors),
        "outcome": read_texts(form, "outcome", errors, required=False),
        "duration_minutes": read_int(form, "duration_minutes", errors, 1, 240, 15),
        "conditions": read_conditions(form, errors),
    }
    values["time_zone"] = (form.get("time_zone") or "").strip() or None
    if values["time_zone"] and not is_time_zone(values["time_zone"]):
        errors["time_zone"] = _("Fuseau horaire inconnu. Exemple : America/Toronto.")
        values["time_zone"] = None
    starts, ends = read_date(form, "starts_at", errors), read_date(form, "ends_at", errors)
    if starts and ends and ends < starts:
        errors["ends_at"] = _("La fin doit venir après le début.")
    if starts and ends:
        where = values["time_zone"] or zone_name()
        values["starts_at"], values["ends_at"] = day_start(starts, where), day_after(ends, where)
    return values, errors


def add_phases(consultation: Consultation) -> None:
    """The four phases of the registry, sharing the consultation's days evenly (whole days)."""
    first = first_day(consultation)
    days = (last_day(consultation) - first).days + 1
    for order, key in enumerate(ORDER):
        with force_locale("fr"):
            fr = str(KINDS[key].label)
        with force_locale("en"):
            en = str(KINDS[key].label)
        start = first + timedelta(days=days * order // len(ORDER))
        last = max(start, first + timedelta(days=days * (order + 1) // len(ORDER) - 1))
        db.session.add(Phase(consultation=consultation, kind=key, order=order,
                             title={"fr": fr, "en": en}, information={"fr": ""},
                             starts_at=day_start(start, consultation),
                             ends_at=day_after(last, consultation)))


def consultation_form_values(consultation: Consultation) -> dict:
    return {"slug": consultation.slug, "title": consultation.title,
            "summary": consultation.summary, "description": consultation.description,
            "outcome": consultation.outcome, "duration_minutes": consultation.duration_minutes,
            "conditions": "\n".join(f"{c['key']} | {c['fr']} | {c.get('en', '')}"
                                    for c in consultation.conditions),
            "time_zone": consultation.time_zone or "",
            "starts_at": first_day(consultation).isoformat(),
            "ends_at": last_day(consultation).isoformat()}


def move_phases(consultation: Consultation, new_zone: str) -> None:
    """A new time zone keeps every phase on the days the team set."""
    old_zone = zone_name(consultation)
    if old_zone == new_zone:
        return
    for phase in consultation.phases:
        for name in ("starts_at", "ends_at"):  # an early close stays the moment it happened
            setattr(phase, name, moved_to_zone(getattr(phase, name), old_zone, new_zone))


@bp.route("/animation/consultations/nouvelle", methods=["GET", "POST"])
@require_role(*MANAGERS)
def new_consultation():
    values, errors = {}, Errors()
    if request.method == "POST":
        values, errors = read_consultation(request.form, None)
        if not errors:
            consultation = Consultation(status="draft", **values)
            if not consultation.conditions:
                del consultation.conditions
            db.session.add(consultation)
            add_phases(consultation)
            db.session.flush()
            add_member(consultation, current_facilitator(), "facilitator")
            return done("create_consultation", consultation.slug, _("Consultation créée."),
                        overview_url(consultation))
        values = dict(request.form)
    return render_template("workspace/consultation_form.html", values=values, errors=errors,
                           consultation=None), (422 if errors else 200)


@bp.route("/animation/consultations/<int:consultation_id>/modifier", methods=["GET", "POST"])
@require_role(*MANAGERS)
def edit_consultation(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    values, errors = consultation_form_values(consultation), Errors()
    if request.method == "POST":
        read, errors = read_consultation(request.form, consultation)
        if not errors:
            move_phases(consultation, zone_name(read["time_zone"] or None))
            for name, value in read.items():
                setattr(consultation, name, value)
            return done("edit_consultation", consultation.slug, _("Modifications enregistrées."),
                        overview_url(consultation))
        values = dict(request.form)
    return render_template("workspace/consultation_form.html", values=values, errors=errors,
                           consultation=consultation), (422 if errors else 200)


@bp.get("/animation/consultations/<int:consultation_id>")
@require_role(*MANAGERS)
def consultation(consultation_id: int):
    found = authorized(Consultation, consultation_id)
    return render_template("workspace/consultation.html", consultation=found, kind_of=kind_of)


@bp.get("/animation/consultations/<int:consultation_id>/apercu")
@require_role(*MANAGERS)
def preview(consultation_id: int):
    """The participant home page, as it will look, even for a draft."""
    found = authorized(Consultation, consultation_id)
    timeline = [(phase, kind_of(phase), phase.state()) for phase in found.phases]
    flash(_("Aperçu : voici la page que verront les personnes participantes."), "warning")
    return render_template("consultations/home.html", consultation=found, timeline=timeline)


@bp.post("/animation/consultations/<int:consultation_id>/statut")
@require_role(*MANAGERS)
def set_status(consultation_id: int):
    found = authorized(Consultation, consultation_id)
    status = request.form.get("status")
    allowed = {"draft": ("published",), "published": ("closed",), "closed": ("published",)}
    if status not in allowed[found.status]:
        abort(400)
    found.status = status
    messages = {"published": _("Consultation publiée."), "closed": _("Consultation fermée.")}
    return done(f"status_{status}", found.slug, messages[status], overview_url(found))


# Phases ---------------------------------------------------------------------------------------

def phase_form_values(phase: Phase) -> dict:
    return {"title": phase.title, "information": phase.information,
            "starts_at": first_day(phase).isoformat(),
            "ends_at": last_day_before(phase.ends_at, phase.consultation).isoformat()}


@bp.route("/animation/etapes/<int:phase_id>/modifier", methods=["GET", "POST"])
@require_role(*MANAGERS)
def edit_phase(phase_id: int):
    phase = authorized(Phase, phase_id)
    values, errors = phase_form_values(phase), Errors()
    if request.method == "POST":
        form = request.form
        title = read_texts(form, "title", errors, limit=200)
        information = read_texts(form, "information", errors, required=False)
        starts, ends = read_date(form, "starts_at", errors), read_date(form, "ends_at", errors)
        if starts and ends and ends < starts:
            errors["ends_at"] = _("La fin doit venir après le début.")
        if not errors:
            phase.title, phase.information = title, information
            where = phase.consultation
            phase.starts_at, phase.ends_at = day_start(starts, where), day_after(ends, where)
            return done("edit_phase", f"{phase.consultation.slug}/{phase.kind}",
                        _("Étape enregistrée."), overview_url(phase.consultation))
        values = dict(form)
    return render_template("workspace/phase_form.html", phase=phase, values=values,
                           errors=errors), (422 if errors else 200)


@bp.post("/animation/etapes/<int:phase_id>/cloturer")
@require_role(*MANAGERS)
def close_phase(phase_id: int):
    phase = authorized(Phase, phase_id)
    if phase.state() == "open":
        phase.closed_early_at = utcnow()
    return done("close_phase", f"{phase.consultation.slug}/{phase.kind}",
                _("Étape fermée plus tôt."), overview_url(phase.consultation))


# Prompts, scenarios, findings -----------------------------------------------------------------

def choices_text(prompt: Prompt | None) -> str:
    if prompt is None or not prompt.choices:
        return ""
    return "\n".join(f"{c.get('fr', '')} | {c.get('en', '')}" for c in prompt.choices)


@bp.route("/animation/etapes/<int:phase_id>/questions/nouvelle", methods=["GET", "POST"],
          defaults={"prompt_id": None})
@bp.route("/animation/questions/<int:prompt_id>/modifier", methods=["GET", "POST"],
          defaults={"phase_id": None})
@require_role(*MANAGERS)
def edit_prompt(phase_id, prompt_id):
    prompt = authorized(Prompt, prompt_id) if prompt_id else None
    phase = prompt.phase if prompt else authorized(Phase, phase_id)
    values = {"kind": prompt.kind, "question": prompt.question, "help": prompt.help or {},
              "choices": choices_text(prompt), "order": prompt.order} if prompt else {}
    errors = Errors()
    if request.method == "POST":
        form = request.form
        prompt_kind = form.get("kind") if form.get("kind") in PROMPT_KINDS else None
        if prompt_kind is None:
            errors["kind"] = _("Choisissez un type de question.")
        question = read_texts(form, "question", errors, limit=500)
        help_text = read_texts(form, "help", errors, required=False, limit=500)
        choices = [{"fr": fr, "en": en or fr} for fr, en in read_lines(form, "choices", 2) if fr]
        if prompt_kind == "single_choice" and len(choices) < 2:
            errors["choices"] = _("Donnez au moins deux choix, un par ligne.")
        order = read_int(form, "order", errors, 0, 999, len(phase.prompts))
        if not errors:
            prompt = prompt or Prompt(phase=phase)
            prompt.kind, prompt.question, prompt.help = prompt_kind, question, help_text or None
            prompt.choices = choices if prompt_kind == "single_choice" else None
            prompt.order = order
            db.session.add(prompt)
            return done("edit_prompt", f"{phase.consultation.slug}/{phase.kind}",
                        _("Question enregistrée."), overview_url(phase.consultation))
        values = dict(form)
    return render_template("workspace/prompt_form.html", phase=phase, prompt=prompt,
                           values=values, errors=errors, kinds=PROMPT_KINDS), \
        (422 if errors else 200)


def imagine_ideas(consultation) -> list[Idea]:
    phase = consultation.phase("imagine")
    if phase is None:
        return []
    return db.session.execute(db.select(Idea).filter_by(phase_id=phase.id)
                              .order_by(Idea.id)).scalars().all()


@bp.route("/animation/etapes/<int:phase_id>/scenarios/nouveau", methods=["GET", "POST"],
          defaults={"scenario_id": None})
@bp.route("/animation/scenarios/<int:scenario_id>/modifier", methods=["GET", "POST"],
          defaults={"phase_id": None})
@require_role(*MANAGERS)
def edit_scenario(phase_id, scenario_id):
    scenario = authorized(Scenario, scenario_id) if scenario_id else None
    phase = scenario.phase if scenario else authorized(Phase, phase_id)
    ideas = imagine_ideas(phase.consultation)
    values = {"title": scenario.title, "case": scenario.case, "order": scenario.order,
              "ideas": [idea.id for idea in scenario.ideas]} if scenario else {"ideas": []}
    errors = Errors()
    if request.method == "POST":
        form = request.form
        title = read_texts(form, "title", errors, limit=300)
        case = read_texts(form, "case", errors)
        order = read_int(form, "order", errors, 0, 999, len(phase.scenarios))
        chosen = set(read_ids(form, "ideas"))
        if not errors:
            scenario = scenario or Scenario(phase=phase)
            scenario.title, scenario.case, scenario.order = title, case, order
            scenario.ideas = [idea for idea in ideas if idea.id in chosen]
            db.session.add(scenario)
            return done("edit_scenario", f"{phase.consultation.slug}/{phase.kind}",
                        _("Scénario enregistré."), overview_url(phase.consultation))
        values = {**dict(form), "ideas": list(chosen)}
    return render_template("workspace/scenario_form.html", phase=phase, scenario=scenario,
                           values=values, errors=errors, ideas=ideas), (422 if errors else 200)


def consultation_scenarios(consultation) -> list[Scenario]:
    return [s for phase in consultation.phases for s in phase.scenarios]


def consultation_answers(consultation, ids: list[int]) -> list[Answer]:
    if not ids:
        return []
    phase_ids = [phase.id for phase in consultation.phases]
    return db.session.execute(
        db.select(Answer).join(Prompt).where(Answer.id.in_(ids), Prompt.phase_id.in_(phase_ids))
    ).scalars().all()


@bp.route("/animation/etapes/<int:phase_id>/constats/nouveau", methods=["GET", "POST"],
          defaults={"finding_id": None})
@bp.route("/animation/constats/<int:finding_id>/modifier", methods=["GET", "POST"],
          defaults={"phase_id": None})
@require_role(*MANAGERS)
def edit_finding(phase_id, finding_id):
    finding = authorized(Finding, finding_id) if finding_id else None
    phase = finding.phase if finding else authorized(Phase, phase_id)
    consultation = phase.consultation
    ideas, scenarios = imagine_ideas(consultation), consultation_scenarios(consultation)
    values = {"heard": finding.heard, "action": finding.action, "status": finding.status,
              "reason": finding.reason or {}, "order": finding.order,
              "ideas": [i.id for i in finding.ideas],
              "scenarios": [s.id for s in finding.scenarios],
              "answers": ", ".join(str(a.id) for a in finding.answers)} if finding else \
        {"ideas": [], "scenarios": []}
    errors = Errors()
    if request.method == "POST":
        form = request.form
        heard = read_texts(form, "heard", errors)
        action = read_texts(form, "action", errors)
        reason = read_texts(form, "reason", errors, required=False)
        status = form.get("status") if form.get("status") in FINDING_STATUSES else None
        if status is None:
            errors["status"] = _("Choisissez un état.")
        order = read_int(form, "order", errors, 0, 999, len(phase.findings))
        idea_ids, scenario_ids = set(read_ids(form, "ideas")), set(read_ids(form, "scenarios"))
        # A number too big for the database cannot exist: -1 makes it "not found" below.
        answer_ids = [int(x) if int(x) <= MAX_ID else -1
                      for x in re.findall(r"[0-9]+", form.get("answers") or "")]
        answers = consultation_answers(consultation, answer_ids)
        if len(answers) != len(set(answer_ids)):
            errors["answers"] = _("Certains numéros de réponse n’existent pas dans cette "
                                  "consultation.")
        if not errors:
            finding = finding or Finding(phase=phase)
            finding.heard, finding.action, finding.reason = heard, action, reason or None
            finding.status, finding.order = status, order
            finding.ideas = [i for i in ideas if i.id in idea_ids]
            finding.scenarios = [s for s in scenarios if s.id in scenario_ids]
            finding.answers = answers
            db.session.add(finding)
            return done("edit_finding", f"{consultation.slug}/{phase.kind}",
                        _("Constat enregistré."), overview_url(consultation))
        values = {**dict(form), "ideas": list(idea_ids), "scenarios": list(scenario_ids)}
    return render_template("workspace/finding_form.html", phase=phase, finding=finding,
                           values=values, errors=errors, ideas=ideas, scenarios=scenarios,
                           statuses=FINDING_STATUSES), (422 if errors else 200)

