"""The questions of a phase, as one list: the entry form, the CSV import and the paper
questionnaire all read it, so the three mirror the online pages."""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.extensions import db
from consultations.contributions import recorded_in
from consultations.dates import YEARS, day_start
from consultations.labels import AGE_BANDS, LANGUAGES, ONLINE_USE
from consultations.labels import CHANNELS as CHANNEL_LABELS
from consultations.localise import localise
from consultations.models import FEEDBACK_CHOICES, Participant
from consultations.participants import AGE_BANDS as AGE_KEYS
from consultations.participants import LANGUAGES as LANGUAGE_KEYS
from consultations.participants import ONLINE_USE as ONLINE_KEYS
from consultations.validation import TEXT_LIMIT
from consultations.workspace.forget import contribution_corrected, delete_contribution
from consultations.workspace.models import EntrySession

OFFLINE_CHANNELS = ("in_person", "phone", "paper")
SCALE = [(str(n), str(n)) for n in range(1, 6)]
FEEDBACK_LABELS = {"yes": _l("Oui"), "partly": _l("En partie"), "no": _l("Non")}
# Words a spreadsheet may hold instead of a code, on top of the labels in both languages.
FEEDBACK_WORDS = {"yes": ("oui", "yes", "vrai", "true"), "no": ("non", "no", "faux", "false"),
                  "partly": ("en partie", "partly", "partiellement", "partially")}
CHANNEL_WORDS = {"paper": ("papier", "paper"), "phone": ("telephone", "phone"),
                 "in_person": ("atelier", "en personne", "in person", "workshop")}


def fold(text) -> str:
    """How a typed answer is compared: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split()).rstrip(" .")


def in_every_language(label) -> list[str]:
    """A label as French and English readers see it (a stored localised text or a msgid)."""
    if isinstance(label, dict):
        return [text for text in label.values() if isinstance(text, str)]
    texts = []
    for language in ("fr", "en"):
        with force_locale(language):
            texts.append(str(label))
    return texts


def aliases(labels: dict, words: dict | None = None) -> dict[str, str]:
    """{code: label} (+ {code: extra words}) -> {folded word: code}; the first code wins."""
    found: dict[str, str] = {}
    for code, label in labels.items():
        for text in in_every_language(label) + list((words or {}).get(code, ())):
            found.setdefault(fold(text), code)
    return found


@dataclass
class Question:
    name: str  # form field and CSV column
    label: str
    kind: str  # text, choice, multi
    options: list = field(default_factory=list)  # (value, label)
    group: str = ""  # a heading: the scenario or finding it belongs to
    hint: str = ""
    aliases: dict = field(default_factory=dict)  # folded label or word -> value
    # For the phase's questions: what the answer is recorded on (the prompt, the phase, the
    # scenario or the finding), in which field of the contribution, and whether the
    # contribution needs it (with the message shown when the rest was given without it).
    target: object = None
    field: str = ""
    required: bool = False
    needed: str = ""
    short: bool = False  # a few words (on paper: one line, not a third of a page)

    def choose(self, raw: str) -> str | None:
        """The value meant by a code, a label in either language, or a yes/no word."""
        if any(raw == value for value, _label in self.options):
            return raw
        return self.aliases.get(fold(raw))


def _choice(name, label, labels: dict, keys, **more) -> Question:
    chosen = {key: labels[key] for key in keys}
    return Question(name, label, "choice", [(key, str(text)) for key, text in chosen.items()],
                    aliases=aliases(chosen, more.pop("words", None)), **more)


def profile_questions() -> list[Question]:
    return [
        _choice("age_band", _("Tranche d’âge"), AGE_BANDS, AGE_KEYS),
        Question("region", _("Région"), "text", short=True),
        _choice("online_services_use", _("Utilise les services en ligne"), ONLINE_USE,
                ONLINE_KEYS),
        _choice("preferred_language", _("Langue préférée"), LANGUAGES, LANGUAGE_KEYS),
    ]


def _interview(phase) -> list[Question]:
    questions = []
    for prompt in phase.prompts:
        name, common = f"question_{prompt.id}", {"target": prompt, "field": "value",
                                                 "required": True}
        if prompt.kind == "single_choice":
            choices = {str(i): choice for i, choice in enumerate(prompt.choices or [])}
            questions.append(Question(name, localise(prompt.question), "choice",
                                      [(key, localise(text)) for key, text in choices.items()],
                                      aliases=aliases(choices), **common))
        elif prompt.kind == "scale":
            questions.append(Question(name, localise(prompt.question), "choice", SCALE,
                                      hint=_("1 = pas du tout, 5 = tout à fait"), **common))
        else:
            questions.append(Question(name, localise(prompt.question), "text",
                                      hint=localise(prompt.help), **common))
    return questions


def _imagine(phase) -> list[Question]:
    conditions = {c["key"]: {k: v for k, v in c.items() if k != "key"}
                  for c in phase.consultation.conditions}
    return [
        Question("idea", _("J’imagine que…"), "text", target=phase, field="text", required=True,
                 needed=_("Les conditions accompagnent une idée : écrivez l’idée.")),
        Question("conditions", _("Je ferais confiance si…"), "multi",
                 [(key, localise(text)) for key, text in conditions.items()],
                 hint=_("Dans le fichier : les clés ou les phrases, séparées par « ; »."),
                 aliases=aliases(conditions), target=phase, field="conditions"),
        Question("other_condition", _("Une autre condition"), "text", target=phase,
                 field="other_condition"),
    ]


def _prototype(phase) -> list[Question]:
    questions = []
    for scenario in phase.scenarios:
        group, prefix = localise(scenario.title), f"scenario_{scenario.id}_"
        both = _("Scénario « %(title)s » : donnez les deux notes (acceptable et utile).",
                 title=group)
        common = {"group": group, "target": scenario}
        questions += [
            Question(prefix + "acceptability", _("Est-ce acceptable ?"), "choice", SCALE,
                     hint=_("1 = pas du tout, 5 = tout à fait"), field="acceptability",
                     required=True, needed=both, **common),
            Question(prefix + "usefulness", _("Est-ce utile ?"), "choice", SCALE,
                     hint=_("1 = pas du tout, 5 = tout à fait"), field="usefulness",
                     required=True, needed=both, **common),
            Question(prefix + "accept_if", _("J’accepterais si…"), "text", field="accept_if",
                     **common),
            Question(prefix + "concerns", _("Ce qui m’inquiète"), "text", field="concerns",
                     **common),
            Question(prefix + "benefits", _("Ce que cela apporterait"), "text",
                     field="benefits", **common),
        ]
    return questions


def _results(phase) -> list[Question]:
    questions = []
    for finding in phase.findings:
        group, prefix = localise(finding.heard), f"finding_{finding.id}_"
        common = {"group": group, "target": finding}
        questions += [
            _choice(prefix + "reflects", _("Cela reflète-t-il ce que vous avez dit ?"),
                    FEEDBACK_LABELS, FEEDBACK_CHOICES, words=FEEDBACK_WORDS, field="reflects",
                    required=True, **common),
            Question(prefix + "comment", _("Un commentaire"), "text", field="comment",
                     **common),
        ]
    return questions


BUILDERS = {"interview": _interview, "imagine": _imagine, "prototype": _prototype,
            "results": _results}


def phase_questions(phase) -> list[Question]:
    return BUILDERS[phase.kind](phase)


ABOUT_THE_PERSON = ("channel", "age_band", "region", "online_services_use", "preferred_language")


def common_columns() -> list[str]:
    return ["channel", "session", "date", *[q.name for q in profile_questions()]]


def channel_question() -> Question:
    return _choice("channel", _("Canal"), CHANNEL_LABELS, OFFLINE_CHANNELS, words=CHANNEL_WORDS)


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def _unknown_choice(question: Question, value: str) -> str:
    return _("« %(value)s » n’est pas un choix possible. Réponses possibles : %(choices)s.",
             value=_shown(value), choices=", ".join(
                 label if label == code else f"{label} ({code})"
                 for code, label in question.options))


def read_value(question: Question, data, errors: dict) -> object:
    if question.kind == "multi":
        raw = data.getlist(question.name) if hasattr(data, "getlist") else \
            (data.get(question.name) or "").replace("\n", ";").split(";")
        given = [part.strip() for part in raw if part.strip()]
        chosen = [question.choose(part) for part in given]
        unknown = [part for part, value in zip(given, chosen, strict=True) if value is None]
        if unknown:
            errors[question.name] = _unknown_choice(question, "; ".join(unknown))
        return [value for value in chosen if value]
    value = (data.get(question.name) or "").strip()
    if question.kind == "choice" and value:
        chosen = question.choose(value)
        if chosen is None:
            errors[question.name] = _unknown_choice(question, value)
            return ""
        return chosen
    if question.kind == "text" and len(value) > TEXT_LIMIT:
        errors[question.name] = _("Texte trop long (%(limit)s caractères au plus).",
                                  limit=TEXT_LIMIT)
    return value


def read_date(raw: str) -> date | None:
    """AAAA-MM-JJ, or JJ/MM/AAAA as French spreadsheets show it (the day first), in YEARS."""
    if not raw:
        return None
    day = datetime.strptime(raw, "%d/%m/%Y").date() if "/" in raw else date.fromisoformat(raw)
    if day.year not in YEARS:
        raise ValueError(raw)
    return day


def read_entry(phase, data, questions: list[Question] | None = None) -> tuple[dict, dict]:
    """One person's answers (form or spreadsheet row) → (values, errors). An import passes
    the questions once, built with `entry_questions`, instead of building them per row."""
    questions = questions or entry_questions(phase)
    errors: dict = {}
    values: dict = {}
    values["session"] = (data.get("session") or "").strip()[:120]
    raw_date = (data.get("date") or "").strip()
    try:
        values["date"] = read_date(raw_date)
    except ValueError:
        errors["date"] = _("Date au format AAAA-MM-JJ (ou JJ/MM/AAAA), entre %(first)s et "
                           "%(last)s.", first=YEARS[0], last=YEARS[-1])
    for question in questions:
        values[question.name] = read_value(question, data, errors)
    if not values["channel"] and "channel" not in errors:
        errors["channel"] = _unknown_choice(questions[0], "")
    _check_pairs(questions, values, errors)
    answered = [q.name for q in questions
                if q.name not in ABOUT_THE_PERSON and values.get(q.name)]
    if not answered and not errors:
        errors["answers"] = _("Aucune réponse : remplissez au moins une question.")
    return values, errors


def entry_questions(phase) -> list[Question]:
    """The channel, the profile, then the phase's own questions."""
    return [channel_question(), *profile_questions(), *phase_questions(phase)]


def _by_target(questions: list[Question]) -> dict:
    """The phase's questions grouped by what they are recorded on, one contribution each."""
    groups: dict = {}
    for question in questions:
        if question.target is not None:
            groups.setdefault(question.target, []).append(question)
    return groups


def _check_pairs(questions, values, errors) -> None:
    """What goes with an answer needs it: conditions need the idea, a reaction both scores."""
    for together in _by_target(questions).values():
        if not any(values.get(q.name) for q in together):
            continue
        missing = [q for q in together if q.required and q.needed and not values.get(q.name)]
        if missing:
            errors[missing[0].name] = missing[0].needed


def save_entry(phase, values: dict, facilitator, questions=None) -> Participant:
    """One person met offline: a participant without key use, their session, contributions.
    An import passes the phase's questions once, as for `read_entry`."""
    participant = Participant(**_profile(values))
    db.session.add(participant)
    db.session.flush()
    db.session.add(EntrySession(participant_id=participant.id, **_session(values),
                                entered_by_id=facilitator.id if facilitator else None))
    write_contributions(phase, participant, values, _origin(phase, values), questions=questions)
    return participant


def update_entry(phase, entry: EntrySession, contributions: list, values: dict) -> None:
    """Corrects a stored sheet in place: its session, the person's profile and the answers
    (a contribution still answered keeps its row; an emptied one goes with its traces)."""
    for name, value in _session(values).items():
        setattr(entry, name, value)
    participant = db.session.get(Participant, entry.participant_id)
    for name, value in _profile(values).items():
        setattr(participant, name, value)
    origin = {"created_at": entry.entered_at, **_origin(phase, values)}  # no day: when typed
    write_contributions(phase, participant, values, origin, contributions)


def write_contributions(phase, participant, values: dict, origin: dict, stored=(),
                        questions=None) -> None:
    """One contribution per prompt, scenario or finding answered: the `stored` one of each kept
    and corrected, a new one where there was none; stored ones no longer answered deleted."""
    kind = recorded_in(phase)
    left = {getattr(item, f"{kind.parent}_id"): item for item in stored}
    for target, fields in _answered(phase, values, questions or phase_questions(phase)):
        item = left.pop(target.id, None)
        if item is None:
            db.session.add(kind.model(**{kind.parent: target}, participant=participant,
                                      **fields, **origin))
            continue
        corrected = any(getattr(item, name) != value for name, value in fields.items())
        for name, value in {**fields, **origin}.items():
            setattr(item, name, value)
        if corrected:
            contribution_corrected(item)
    for item in left.values():
        delete_contribution(item)


def entered_values(phase, entry: EntrySession, contributions: list) -> MultiDict:
    """A stored sheet as the entry form's values (what `read_entry` reads back)."""
    participant = db.session.get(Participant, entry.participant_id)
    values = MultiDict({"channel": entry.channel, "session": entry.session_name or "",
                        "date": entry.session_date.isoformat() if entry.session_date else ""})
    for question in profile_questions():
        values[question.name] = getattr(participant, question.name) or ""
    kind = recorded_in(phase)
    stored = {getattr(item, f"{kind.parent}_id"): item for item in contributions}
    for target, questions in _by_target(phase_questions(phase)).items():
        item = stored.get(target.id)
        for question in questions if item is not None else ():
            value = getattr(item, question.field)
            if isinstance(value, list):
                values.setlist(question.name, value)
            elif value is not None:
                values[question.name] = str(value)
    return values


def _profile(values: dict) -> dict:
    return {"age_band": values["age_band"] or None, "region": values["region"][:80] or None,
            "online_services_use": values["online_services_use"] or None,
            "preferred_language": values["preferred_language"] or None}


def _session(values: dict) -> dict:
    return {"channel": values["channel"], "session_name": values["session"],
            "session_date": values.get("date")}


def _origin(phase, values: dict) -> dict:
    """What the contributions take from the session: the channel, the day if one was given."""
    origin = {"channel": values["channel"]}
    if values.get("date"):
        origin["created_at"] = day_start(values["date"], phase.consultation)
    return origin


def _answered(phase, values, questions):
    """(prompt, scenario, finding or phase; stored fields) for each one answered."""
    columns = sa.inspect(recorded_in(phase).model).columns
    for target, together in _by_target(questions).items():
        if not all(values.get(q.name) for q in together if q.required):
            continue
        yield target, {q.field: _stored(columns[q.field], values.get(q.name))
                       for q in together}


def _stored(column, value):
    if isinstance(value, str) and isinstance(column.type, sa.Integer):
        return int(value)
    return value if value or isinstance(value, list) else None
