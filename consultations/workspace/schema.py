"""The consultation document's JSON Schema (draft 2020-12), and the checks a schema cannot
say: references that point somewhere, one answer per person and question, one phase per kind.

A document goes through `read_document` (bytes → parsed, cleaned) then `problems_of` before
anything is written; every problem names its place by JSON path, in plain words. The schema
is data: `flask consultation schema` prints it for people who write documents by hand.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

import jsonschema_rs
import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from consultations.contributions import KINDS, ContributionKind
from consultations.dates import YEARS, is_time_zone
from consultations.models import (
    CHANNELS,
    CONSULTATION_STATUSES,
    FEEDBACK_CHOICES,
    FINDING_STATUSES,
    MODERATION_STATES,
    PROMPT_KINDS,
    Consultation,
    Participant,
)
from consultations.participants import AGE_BANDS, LANGUAGES, ONLINE_USE
from consultations.phases import KINDS as PHASE_KINDS
from consultations.validation import TEXT_LIMIT
from consultations.workspace.document import SCHEMA, VERSION
from consultations.workspace.models import EntrySession, Theme
from consultations.workspace.spreadsheet_import import without_controls

MAX_DEPTH = 12  # the deepest real place is phases[i].prompts[j].choices[k].fr (6)
MAX_PROBLEMS = 50
LOCALISED_LIMIT = 5000  # as the consultation forms allow
QUOTE_LIMIT = 3 * TEXT_LIMIT + 2  # a reaction's three texts, joined
MAX_ORDER = 10_000
MAX_NUMBER = 10**9
KEYS = ("fr", "en", "fr_simple", "en_simple")
THEMED = [kind.key for kind in KINDS.values() if kind.has_text]  # what a theme may gather


@dataclass(frozen=True)
class Problem:
    path: str  # "phases[0].prompts[2].kind"; "" for the whole document
    message: str

    def __str__(self) -> str:
        return f"{self.path} : {self.message}" if self.path else self.message


def _length(column) -> int:
    return column.property.columns[0].type.length


def _text(limit: int, nullable=False, **more) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "maxLength": limit, **more}


def _localised(required=True, nullable=False) -> dict:
    schema = {"type": ["object", "null"] if nullable else "object",
              "properties": {key: _text(LOCALISED_LIMIT) for key in KEYS},
              "additionalProperties": False}
    if required:
        schema["required"] = ["fr"]
        schema["properties"]["fr"] = _text(LOCALISED_LIMIT, minLength=1)
    return schema


def _integer(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


def _ref(kind: str) -> dict:
    return {"type": "string", "pattern": f"^{kind}-[1-9][0-9]{{0,8}}$", "maxLength": 40}


def _refs(kind: str) -> dict:
    return {"type": "array", "items": _ref(kind), "uniqueItems": True}


def _object(properties: dict, required=None) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": list(properties) if required is None else list(required)}


MOMENT = {"type": "string", "format": "moment", "maxLength": 40}
MAYBE_MOMENT = {"type": ["string", "null"], "format": "moment", "maxLength": 40}
DAY = {"type": ["string", "null"], "format": "day", "maxLength": 10}
# Exported for people to read (the last day included); the import recomputes them.
DAYS = {"first_day": {"type": "string", "format": "day", "maxLength": 10},
        "last_day": {"type": "string", "format": "day", "maxLength": 10}}
TIME_ZONE = {"type": ["string", "null"], "format": "time_zone", "maxLength": 64}
CONDITION_KEY = {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"}

# The schema of each stored field of a contribution kind (contributions.KINDS[...].fields).
FIELDS = {
    "value": _text(TEXT_LIMIT, minLength=1),
    "text": _text(TEXT_LIMIT, minLength=1),
    "conditions": {"type": "array", "items": CONDITION_KEY, "uniqueItems": True,
                   "maxItems": 50},
    "other_condition": _text(TEXT_LIMIT, nullable=True),
    "acceptability": _integer(1, 5),
    "usefulness": _integer(1, 5),
    "accept_if": _text(TEXT_LIMIT, nullable=True),
    "concerns": _text(TEXT_LIMIT, nullable=True),
    "benefits": _text(TEXT_LIMIT, nullable=True),
    "reflects": {"enum": list(FEEDBACK_CHOICES)},
    "comment": _text(TEXT_LIMIT, nullable=True),
}
# Columns a kind exports beyond its stored fields (kind.export_fields); the import recomputes
# them.
COMPUTED = {"supports": _integer(0, MAX_NUMBER)}


def _parent(kind: ContributionKind) -> dict:
    """What it answers: a phase by its kind, else a reference ("idea-3", "prompt-1")."""
    return {"enum": list(PHASE_KINDS)} if kind.parent == "phase" else _ref(kind.parent)


def _contribution(kind: ContributionKind) -> dict:
    properties = {
        "ref": _ref(kind.key), "participant": _ref("p"), kind.parent: _parent(kind),
        "channel": {"enum": list(CHANNELS)}, "moderation": {"enum": list(MODERATION_STATES)},
        "hidden_reason": _text(300, nullable=True),
        **{name: FIELDS[name] for name in kind.fields},
        "created_at": MOMENT,
    }
    required = list(properties)
    # Documents exported before contributions carried their language have none; a language
    # this site does not offer is read as none (transfer.py).
    properties["language"] = {"type": ["string", "null"], "maxLength": 10}
    properties.update({column: COMPUTED[column] for column, attribute in kind.export_fields
                       if attribute not in kind.fields})
    return _object(properties, required)


def _phase() -> dict:
    prompt = _object({"ref": _ref("prompt"), "order": _integer(0, MAX_ORDER),
                      "kind": {"enum": list(PROMPT_KINDS)}, "question": _localised(),
                      "help": _localised(required=False, nullable=True),
                      "choices": {"type": ["array", "null"], "maxItems": 50,
                                  "items": _localised()}},
                     required=("ref", "order", "kind", "question"))
    scenario = _object({"ref": _ref("scenario"), "order": _integer(0, MAX_ORDER),
                        "title": _localised(), "case": _localised(), "ideas": _refs("idea")},
                       required=("ref", "order", "title", "case"))
    finding = _object({"ref": _ref("finding"), "order": _integer(0, MAX_ORDER),
                       "heard": _localised(), "action": _localised(),
                       "status": {"enum": list(FINDING_STATUSES)},
                       "reason": _localised(required=False, nullable=True),
                       "ideas": _refs("idea"), "scenarios": _refs("scenario"),
                       "answers": _refs("answer")},
                      required=("ref", "order", "heard", "action", "status"))
    member = _object({"ref": {"type": "string", "maxLength": 40,
                              "pattern": f"^({'|'.join(THEMED)})-[1-9][0-9]{{0,8}}$"},
                      "score": {"type": "number", "minimum": -10, "maximum": 10},
                      "quote": _text(QUOTE_LIMIT)}, required=("ref",))
    theme = _object({"label": _text(_length(Theme.label), minLength=1),
                     "contributions": {"type": "array", "items": member}}, required=("label",))
    return _object({
        "kind": {"enum": list(PHASE_KINDS)}, "order": _integer(0, MAX_ORDER),
        "title": _localised(),
        "information": _localised(), "starts_at": MOMENT, "ends_at": MOMENT,
        "closed_early_at": MAYBE_MOMENT, **DAYS,
        "prompts": {"type": "array", "items": prompt},
        "scenarios": {"type": "array", "items": scenario},
        "findings": {"type": "array", "items": finding},
        "themes": {"type": "array", "items": theme},
    }, required=("kind", "order", "title", "information", "starts_at", "ends_at"))


def _participant() -> dict:
    def choice(keys):
        return {"enum": [*keys, None]}

    session = _object({"channel": {"enum": list(CHANNELS)},
                       "name": _text(_length(EntrySession.session_name)), "date": DAY},
                      required=("channel",))
    profile = _object({"age_band": choice(AGE_BANDS),
                       "region": _text(_length(Participant.region), nullable=True),
                       "online_services_use": choice(ONLINE_USE),
                       "preferred_language": choice(LANGUAGES)}, required=())
    return _object({"ref": _ref("p"), "session": session, "profile": profile},
                   required=("ref",))


def document_schema() -> dict:
    condition = _object({"key": CONDITION_KEY,
                         **{key: _text(300) for key in KEYS}}, required=("key", "fr"))
    consultation = _object({
        "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,78}$"},
        "title": _localised(), "summary": _localised(), "description": _localised(),
        "outcome": _localised(required=False),
        "duration_minutes": _integer(1, 240),
        "conditions": {"type": "array", "items": condition, "maxItems": 50},
        "status": {"enum": list(CONSULTATION_STATUSES)},
        "time_zone": TIME_ZONE, "starts_at": MOMENT, "ends_at": MOMENT, **DAYS,
    }, required=("slug", "title", "summary", "description", "outcome", "duration_minutes",
                 "conditions", "status", "starts_at", "ends_at"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Parlons IA consultation document",
        **_object({
            "schema": {"const": SCHEMA}, "version": {"const": VERSION},
            "exported_at": MOMENT,
            "options": _object({"profile": {"type": "boolean"}}, required=()),
            "consultation": consultation,
            "phases": {"type": "array", "items": _phase()},  # one per kind: reference_problems
            "participants": {"type": "array", "items": _participant()},
            "contributions": _object({kind.plural: {"type": "array",
                                                    "items": _contribution(kind)}
                                      for kind in KINDS.values()}, required=()),
        }, required=("schema", "version", "consultation", "phases", "participants",
                     "contributions")),
    }


def _is_moment(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).year in YEARS
    except ValueError:
        return False


def _is_day(value: str) -> bool:
    try:
        return date.fromisoformat(value).year in YEARS
    except ValueError:
        return False


_VALIDATOR = None
_SCHEMA = None


def document_schema_once() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = document_schema()
    return _SCHEMA


def validator():
    """jsonschema-rs (Rust): 10,000 contributions in well under a second, where the pure
    Python validator took 15 s; a 50 MiB document stays a wait of seconds, not minutes."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = jsonschema_rs.Draft202012Validator(
            document_schema_once(), formats={"moment": _is_moment, "day": _is_day,
                                             "time_zone": is_time_zone},
            validate_formats=True)
    return _VALIDATOR


# Reading the file ------------------------------------------------------------------------

class Unreadable(ValueError):
    """Not a JSON file this instance can read at all."""


def _no_duplicate_keys(pairs):
    found = {}
    for key, value in pairs:
        if key in found:
            raise Unreadable(_("La clé « %(key)s » apparaît deux fois dans un même objet.",
                               key=key[:40]))
        found[key] = value
    return found


def _no_constant(name):
    raise Unreadable(_("%(name)s n’est pas un nombre permis ici.", name=name))


def read_document(content: bytes):
    """bytes → the parsed document. Raises Unreadable with a plain reason."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(_("Le fichier n’est pas en UTF-8.")) from error
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_constant)
    except Unreadable:
        raise
    except RecursionError as error:
        raise Unreadable(_("Le fichier est imbriqué trop profondément.")) from error
    except json.JSONDecodeError as error:
        raise Unreadable(_("Ce n’est pas un fichier JSON valide (ligne %(line)s, colonne "
                           "%(column)s).", line=error.lineno, column=error.colno)) from error
    except ValueError as error:  # an integer of more than 4300 digits
        raise Unreadable(_("Le fichier contient un nombre trop long.")) from error


def path_text(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


SURROGATE = re.compile("[\ud800-\udfff]")


def _unwind(link) -> tuple:
    parts = []
    while link:
        link, key = link
        parts.append(key)
    return tuple(reversed(parts))


def clean(document) -> tuple[object, list[Problem]]:
    """Control characters out of every text; too deep or unencodable places reported.
    Iterative: a hostile depth cannot exhaust the stack here. A place's path is a linked
    (parent, key) pair, spelled out only for a problem."""
    problems: list[Problem] = []
    root = [document]
    stack = [(root, 0, None, 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        holder, key, link, depth = stack.pop()
        value = holder[key]
        if isinstance(value, str):
            if SURROGATE.search(value):
                problems.append(Problem(path_text(_unwind(link)), _(
                    "ce texte contient un caractère impossible (une moitié de paire UTF-16).")))
            else:
                holder[key] = without_controls(value)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.append(Problem(path_text(_unwind(link)),
                                        _("trop de niveaux imbriqués ici.")))
                continue
            for item in (range(len(value)) if isinstance(value, list) else list(value)):
                if isinstance(item, str) and SURROGATE.search(item):
                    problems.append(Problem(path_text(_unwind(link)), _(
                        "un nom de champ contient un caractère impossible.")))
                    continue
                stack.append((value, item, (link, item), depth + 1))
    return root[0], problems


# Plain words for what the schema refuses --------------------------------------------------

def _type_words(types) -> str:
    names = [types] if isinstance(types, str) else list(types)
    words = {"object": _("un objet { }"), "array": _("une liste [ ]"), "string": _("un texte"),
             "integer": _("un nombre entier"), "number": _("un nombre"),
             "boolean": _("vrai ou faux"), "null": _("vide (null)")}
    return _(" ou ").join(str(words.get(name, name)) for name in names)


def _choices(values) -> str:
    return ", ".join("null" if value is None else str(value) for value in values)


def _pattern_words(pattern: str) -> str:
    if pattern.startswith("^[a-z0-9][a-z0-9-]"):
        return _("une adresse courte : lettres minuscules, chiffres et tirets.")
    if pattern.startswith("^[a-z0-9_]"):
        return _("une clé : lettres minuscules, chiffres et « _ ».")
    return _("une référence comme « %(example)s ».",
             example=pattern.strip("^$").split("-")[0].strip("(").split("|")[0] + "-1")


def _schema_words(keyword: str, schema: dict, instance) -> str:
    expected = schema.get(keyword)
    if keyword == "type":
        return _("doit être %(what)s.", what=_type_words(expected))
    if keyword == "required":
        missing = [name for name in expected if name not in instance]
        return _("il manque « %(name)s ».", name=", ".join(missing))
    if keyword == "additionalProperties":
        unknown = [name for name in instance if name not in schema.get("properties", {})]
        return _("champ inconnu : « %(name)s ».", name=", ".join(n[:40] for n in unknown[:5]))
    if keyword in ("enum", "const"):
        allowed = expected if keyword == "enum" else [expected]
        return _("valeur inconnue. Valeurs possibles : %(values)s.", values=_choices(allowed))
    if keyword == "maxLength":
        return _("texte trop long (%(n)s caractères au plus).", n=expected)
    if keyword == "minLength":
        return _("ne doit pas être vide.")
    if keyword in ("minimum", "maximum"):
        return _("doit être entre %(low)s et %(high)s.", low=schema.get("minimum"),
                 high=schema.get("maximum"))
    if keyword == "maxItems":
        return _("trop d’éléments (%(n)s au plus).", n=expected)
    if keyword == "uniqueItems":
        return _("la liste contient deux fois la même valeur.")
    if keyword == "pattern":
        return _("doit être %(what)s", what=_pattern_words(expected))
    if keyword == "format":
        if expected == "time_zone":
            return _("fuseau horaire inconnu. Exemple : America/Toronto.")
        years = {"first": YEARS[0], "last": YEARS[-1]}
        if expected == "day":
            return _("doit être une date AAAA-MM-JJ, entre %(first)s et %(last)s.", **years)
        return _("doit être une date et heure ISO 8601, comme 2025-03-12T10:00:00+00:00, entre "
                 "%(first)s et %(last)s.", **years)
    return _("valeur non valide.")


def _subschema(path) -> dict:
    node = document_schema_once()
    for part in path:
        node = node[part]
    return node


def schema_problems(document) -> list[Problem]:
    found = set()
    for error in islice(validator().iter_errors(document), MAX_PROBLEMS):
        *where, keyword = error.schema_path
        found.add(Problem(path_text(error.instance_path),
                          _schema_words(keyword, _subschema(where), error.instance)))
    return sorted(found, key=lambda problem: problem.path)


# What a schema cannot say ----------------------------------------------------------------

def _unique_pairs(kind: ContributionKind) -> list[tuple[str, ...]]:
    """The model's unique constraints, as the document's field names: ("prompt", "participant")."""
    names = {kind.parent_id.key: kind.parent, "participant_id": "participant"}
    return [tuple(names[column.name] for column in constraint.columns)
            for constraint in kind.model.__table__.constraints
            if isinstance(constraint, sa.UniqueConstraint)
            and all(column.name in names for column in constraint.columns)]


def _answer_problem(prompt: dict, value: str) -> str | None:
    if prompt["kind"] == "scale" and value not in {"1", "2", "3", "4", "5"}:
        return _("une note de 1 à 5 est attendue pour cette question.")
    if prompt["kind"] == "single_choice":
        choices = prompt.get("choices") or []
        if not (value.isdigit() and len(value) < 4 and int(value) < len(choices)):
            return _("le numéro d’un des choix de la question est attendu (0 à %(n)s).",
                     n=max(len(choices) - 1, 0))
    return None


def reference_problems(document: dict) -> list[Problem]:
    """Run on a document that passed the schema."""
    problems: list[Problem] = []
    refs: dict[str, tuple[str, object]] = {}  # ref -> (its path, its record)

    def define(ref, path, record):
        if ref in refs:
            problems.append(Problem(path, _("la référence « %(ref)s » est déjà utilisée par "
                                            "%(other)s.", ref=ref, other=refs[ref][0])))
        else:
            refs[ref] = (path, record)

    def points(ref, kind, path):
        if not ref.startswith(f"{kind}-") or ref not in refs:
            problems.append(Problem(path, _("« %(ref)s » ne désigne rien dans ce fichier.",
                                            ref=ref)))
            return False
        return True

    conditions = [item["key"] for item in document["consultation"]["conditions"]]
    for index, key in enumerate(conditions):
        if conditions.index(key) != index:
            problems.append(Problem(f"consultation.conditions[{index}].key",
                                    _("cette clé apparaît deux fois.")))
    kinds = [phase["kind"] for phase in document["phases"]]
    for index, kind in enumerate(kinds):
        if kinds.index(kind) != index:
            problems.append(Problem(f"phases[{index}].kind",
                                    _("l’étape « %(kind)s » apparaît deux fois.", kind=kind)))
    for index, phase in enumerate(document["phases"]):
        for part in ("prompts", "scenarios", "findings"):
            for number, item in enumerate(phase.get(part, [])):
                define(item["ref"], f"phases[{index}].{part}[{number}]", item)
    for index, person in enumerate(document["participants"]):
        define(person["ref"], f"participants[{index}]", person)
    groups = document["contributions"]
    for kind in KINDS.values():
        for number, record in enumerate(groups.get(kind.plural, [])):
            define(record["ref"], f"contributions.{kind.plural}[{number}]", record)
    for kind in KINDS.values():
        pairs = {pair: set() for pair in _unique_pairs(kind)}
        receiving = {key for key, phase_kind in PHASE_KINDS.items()
                     if kind.action in phase_kind.allows} & set(kinds)
        for number, record in enumerate(groups.get(kind.plural, [])):
            path = f"contributions.{kind.plural}[{number}]"
            points(record["participant"], "p", f"{path}.participant")
            parent = record[kind.parent]
            if kind.parent == "phase":
                if parent not in receiving:
                    problems.append(Problem(f"{path}.phase", _(
                        "aucune étape de ce fichier ne reçoit ce type de contribution sous ce "
                        "nom.")))
            elif points(parent, kind.parent, f"{path}.{kind.parent}") and kind.key == "answer":
                message = _answer_problem(refs[parent][1], record["value"])
                if message:
                    problems.append(Problem(f"{path}.value", message))
            for unknown in set(record.get("conditions", [])) - set(conditions):
                problems.append(Problem(f"{path}.conditions", _(
                    "la condition « %(key)s » n’existe pas dans cette consultation.",
                    key=unknown)))
            for pair, seen in pairs.items():
                value = tuple(record[name] for name in pair)
                if value in seen:
                    problems.append(Problem(path, _(
                        "une même personne ne peut répondre qu’une fois : %(what)s en double.",
                        what=", ".join(value))))
                seen.add(value)
    for index, phase in enumerate(document["phases"]):
        base = f"phases[{index}]"
        for number, scenario in enumerate(phase.get("scenarios", [])):
            for ref in scenario.get("ideas", []):
                points(ref, "idea", f"{base}.scenarios[{number}].ideas")
        for number, finding in enumerate(phase.get("findings", [])):
            for part, kind in (("ideas", "idea"), ("scenarios", "scenario"),
                               ("answers", "answer")):
                for ref in finding.get(part, []):
                    points(ref, kind, f"{base}.findings[{number}].{part}")
        for number, theme in enumerate(phase.get("themes", [])):
            members = [member["ref"] for member in theme.get("contributions", [])]
            for position, ref in enumerate(members):
                where = f"{base}.themes[{number}].contributions[{position}].ref"
                points(ref, ref.rsplit("-", 1)[0], where)
                if members.index(ref) != position:
                    problems.append(Problem(where, _("cette contribution est déjà dans ce "
                                                     "thème.")))
    return problems[:MAX_PROBLEMS]


def problems_of(document) -> tuple[object, list[Problem]]:
    """(the cleaned document, every problem found); nothing is written."""
    if not isinstance(document, dict):
        return document, [Problem("", _("Le fichier doit contenir un objet JSON { }, pas "
                                        "%(what)s.", what=_type_words(_json_type(document))))]
    if document.get("schema") != SCHEMA:
        return document, [Problem("schema", _("ce n’est pas un document de consultation "
                                              "Parlons IA (« %(schema)s » attendu).",
                                              schema=SCHEMA))]
    if document.get("version") != VERSION:
        return document, [Problem("version", _("la version %(found)s n’est pas lue ici "
                                               "(version %(version)s).",
                                               found=str(document.get("version"))[:20],
                                               version=VERSION))]
    document, problems = clean(document)
    if problems:
        return document, problems
    problems = schema_problems(document)
    if problems:
        return document, problems
    return document, reference_problems(document)


def _json_type(value) -> str:
    for name, kind in (("boolean", bool), ("integer", int), ("number", float),
                       ("string", str), ("array", list)):
        if isinstance(value, kind):
            return name
    return "null"


def slug_taken(slug: str) -> bool:
    return db.session.execute(sa.select(Consultation.id).filter_by(slug=slug)).first() \
        is not None
