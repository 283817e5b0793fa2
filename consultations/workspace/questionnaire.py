"""The questions of a phase, as one list: the entry form, the CSV import and the paper
questionnaire all read it, so the three mirror the online pages."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from consultations.labels import AGE_BANDS, LANGUAGES, ONLINE_USE
from consultations.localise import localise
from consultations.models import (
    FEEDBACK_CHOICES,
    Answer,
    Feedback,
    Idea,
    Participant,
    Reaction,
)
from consultations.participants import AGE_BANDS as AGE_KEYS
from consultations.participants import LANGUAGES as LANGUAGE_KEYS
from consultations.participants import ONLINE_USE as ONLINE_KEYS
from consultations.validation import TEXT_LIMIT
from consultations.workspace.forms import day_start
from consultations.workspace.models import EntrySession

OFFLINE_CHANNELS = ("in_person", "phone", "paper")
CHANNEL_LABELS = {"online": _l("En ligne"), "in_person": _l("En personne (atelier)"),
                  "phone": _l("Par téléphone"), "paper": _l("Sur papier")}
SCALE = [(str(n), str(n)) for n in range(1, 6)]
FEEDBACK_LABELS = {"yes": _l("Oui"), "partly": _l("En partie"), "no": _l("Non")}


@dataclass
class Question:
    name: str  # form field and CSV column
    label: str
    kind: str  # text, choice, multi
    options: list = field(default_factory=list)  # (value, label)
    group: str = ""  # a heading: the scenario or finding it belongs to
    hint: str = ""


def profile_questions() -> list[Question]:
    return [
        Question("age_band", _("Tranche d’âge"), "choice",
                 [(key, str(AGE_BANDS[key])) for key in AGE_KEYS]),
        Question("region", _("Région"), "text"),
        Question("online_services_use", _("Utilise les services en ligne"), "choice",
                 [(key, str(ONLINE_USE[key])) for key in ONLINE_KEYS]),
        Question("preferred_language", _("Langue préférée"), "choice",
                 [(key, str(LANGUAGES[key])) for key in LANGUAGE_KEYS]),
    ]


def _interview(phase) -> list[Question]:
    questions = []
    for prompt in phase.prompts:
        name = f"question_{prompt.id}"
        if prompt.kind == "single_choice":
            options = [(str(i), localise(choice)) for i, choice in enumerate(prompt.choices or [])]
            questions.append(Question(name, localise(prompt.question), "choice", options))
        elif prompt.kind == "scale":
            questions.append(Question(name, localise(prompt.question), "choice", SCALE,
                                      hint=_("1 = pas du tout, 5 = tout à fait")))
        else:
            questions.append(Question(name, localise(prompt.question), "text",
                                      hint=localise(prompt.help)))
    return questions


def _imagine(phase) -> list[Question]:
    conditions = [(c["key"], localise(c)) for c in phase.consultation.conditions]
    return [
        Question("idea", _("J’imagine que…"), "text"),
        Question("conditions", _("Je ferais confiance si…"), "multi", conditions,
                 hint=_("Dans le fichier CSV : les clés séparées par « ; ».")),
        Question("other_condition", _("Une autre condition"), "text"),
    ]


def _prototype(phase) -> list[Question]:
    questions = []
    for scenario in phase.scenarios:
        group, prefix = localise(scenario.title), f"scenario_{scenario.id}_"
        questions += [
            Question(prefix + "acceptability", _("Est-ce acceptable ?"), "choice", SCALE, group,
                     _("1 = pas du tout, 5 = tout à fait")),
            Question(prefix + "usefulness", _("Est-ce utile ?"), "choice", SCALE, group,
                     _("1 = pas du tout, 5 = tout à fait")),
            Question(prefix + "accept_if", _("J’accepterais si…"), "text", group=group),
            Question(prefix + "concerns", _("Ce qui m’inquiète"), "text", group=group),
            Question(prefix + "benefits", _("Ce que cela apporterait"), "text", group=group),
        ]
    return questions


def _results(phase) -> list[Question]:
    questions = []
    for finding in phase.findings:
        group, prefix = localise(finding.heard), f"finding_{finding.id}_"
        options = [(key, str(FEEDBACK_LABELS[key])) for key in FEEDBACK_CHOICES]
        questions += [
            Question(prefix + "reflects", _("Cela reflète-t-il ce que vous avez dit ?"),
                     "choice", options, group),
            Question(prefix + "comment", _("Un commentaire"), "text", group=group),
        ]
    return questions


BUILDERS = {"interview": _interview, "imagine": _imagine, "prototype": _prototype,
            "results": _results}


def phase_questions(phase) -> list[Question]:
    return BUILDERS[phase.kind](phase)


def common_columns() -> list[str]:
    return ["channel", "session", "date", *[q.name for q in profile_questions()]]


def read_value(question: Question, data, errors: dict) -> object:
    if question.kind == "multi":
        raw = data.getlist(question.name) if hasattr(data, "getlist") else \
            [part.strip() for part in (data.get(question.name) or "").split(";")]
        chosen = [value for value in raw if value]
        allowed = {value for value, _label in question.options}
        if any(value not in allowed for value in chosen):
            errors[question.name] = _("Choix inconnu : %(values)s.", values=", ".join(
                value for value in chosen if value not in allowed))
        return chosen
    value = (data.get(question.name) or "").strip()
    if question.kind == "choice" and value and value not in {v for v, _l in question.options}:
        errors[question.name] = _("« %(value)s » n’est pas un choix possible.", value=value)
        return ""
    if question.kind == "text" and len(value) > TEXT_LIMIT:
        errors[question.name] = _("Texte trop long (%(limit)s caractères au plus).",
                                  limit=TEXT_LIMIT)
    return value


def read_entry(phase, data) -> tuple[dict, dict]:
    """One person's answers (form or CSV row) → (values, errors)."""
    errors: dict = {}
    values = {"channel": (data.get("channel") or "").strip()}
    if values["channel"] not in OFFLINE_CHANNELS:
        errors["channel"] = _("Canal : in_person, phone ou paper.")
    values["session"] = (data.get("session") or "").strip()[:120]
    raw_date = (data.get("date") or "").strip()
    try:
        values["date"] = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        errors["date"] = _("Date au format AAAA-MM-JJ.")
    for question in profile_questions() + phase_questions(phase):
        values[question.name] = read_value(question, data, errors)
    _check_pairs(phase, values, errors)
    answered = [q.name for q in phase_questions(phase) if values.get(q.name)]
    if not answered and not errors:
        errors["answers"] = _("Aucune réponse : remplissez au moins une question.")
    return values, errors


def _check_pairs(phase, values, errors) -> None:
    """A scenario reaction needs both scores; conditions need the idea they go with."""
    if phase.kind == "imagine" and not values.get("idea") and (
            values.get("conditions") or values.get("other_condition")):
        errors["idea"] = _("Les conditions accompagnent une idée : écrivez l’idée.")
    if phase.kind != "prototype":
        return
    for scenario in phase.scenarios:
        prefix = f"scenario_{scenario.id}_"
        given = [values.get(prefix + name) for name in
                 ("acceptability", "usefulness", "accept_if", "concerns", "benefits")]
        if any(given) and not (given[0] and given[1]):
            errors[prefix + "acceptability"] = _(
                "Scénario « %(title)s » : donnez les deux notes (acceptable et utile).",
                title=localise(scenario.title))


def save_entry(phase, values: dict, facilitator) -> Participant:
    """One person met offline: a participant without key use, their session, contributions."""
    channel = values["channel"]
    when = day_start(values["date"]) if values.get("date") else None
    participant = Participant(
        age_band=values["age_band"] or None, region=values["region"][:80] or None,
        online_services_use=values["online_services_use"] or None,
        preferred_language=values["preferred_language"] or None)
    db.session.add(participant)
    db.session.flush()
    db.session.add(EntrySession(participant_id=participant.id, channel=channel,
                                session_name=values["session"], session_date=values.get("date"),
                                entered_by_id=facilitator.id if facilitator else None))
    common = {"participant": participant, "channel": channel}
    if when:
        common["created_at"] = when
    for contribution in _contributions(phase, values, common):
        db.session.add(contribution)
    return participant


def _contributions(phase, values, common):
    if phase.kind == "interview":
        for prompt in phase.prompts:
            if values.get(f"question_{prompt.id}"):
                yield Answer(prompt=prompt, value=values[f"question_{prompt.id}"], **common)
    elif phase.kind == "imagine" and values.get("idea"):
        yield Idea(phase=phase, text=values["idea"], conditions=values["conditions"],
                   other_condition=values["other_condition"] or None, **common)
    elif phase.kind == "prototype":
        for scenario in phase.scenarios:
            prefix = f"scenario_{scenario.id}_"
            if values.get(prefix + "acceptability"):
                yield Reaction(scenario=scenario,
                               acceptability=int(values[prefix + "acceptability"]),
                               usefulness=int(values[prefix + "usefulness"]),
                               accept_if=values[prefix + "accept_if"] or None,
                               concerns=values[prefix + "concerns"] or None,
                               benefits=values[prefix + "benefits"] or None, **common)
    elif phase.kind == "results":
        for finding in phase.findings:
            prefix = f"finding_{finding.id}_"
            if values.get(prefix + "reflects"):
                yield Feedback(finding=finding, reflects=values[prefix + "reflects"],
                               comment=values[prefix + "comment"] or None, **common)
