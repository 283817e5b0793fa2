"""Import of a consultation document (see document.py and EXPORT.md) into this instance."""

import logging
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from consultations.contributions import KINDS
from consultations.models import Consultation, Finding, Participant, Phase, Prompt, Scenario
from consultations.workspace.document import COMMON, CONSULTATION_FIELDS, DocumentError
from consultations.workspace.models import EntrySession, Theme, ThemeMember
from consultations.workspace.queries import PROFILE_FIELDS
from consultations.workspace.schema import Problem, problems_of, slug_taken

log = logging.getLogger(__name__)


def _moment(value):
    return datetime.fromisoformat(value) if value else None


def checked_document(document) -> dict:
    """The cleaned document, or DocumentError listing every problem; nothing is written."""
    document, problems = problems_of(document)
    if problems:
        raise DocumentError(problems)
    return document


def import_document(document, slug: str | None = None) -> Consultation:
    """Recreate the consultation in one transaction; the caller commits. With `slug`, a copy
    under that address, in draft. On any problem nothing stays in the session."""
    document = checked_document(document)
    data = document["consultation"]
    if slug:
        document["consultation"] = {**data, "slug": slug, "status": "draft"}
    if slug_taken(document["consultation"]["slug"]):
        raise DocumentError([Problem("consultation.slug", _(
            "une consultation « %(slug)s » existe déjà ici.",
            slug=document["consultation"]["slug"]))])
    try:
        return _import(document)
    except SQLAlchemyError as error:  # the schema should have caught it: say so, keep nothing
        db.session.rollback()
        log.error("consultation import failed in the database: %s", type(error).__name__)
        raise DocumentError([Problem("", _("la base de données a refusé ce document."))]) \
            from error


def free_slug(slug: str) -> str:
    """slug-2, slug-3…: the first address not taken here."""
    number = 2
    while slug_taken(f"{slug[:74]}-{number}"):
        number += 1
    return f"{slug[:74]}-{number}"


def _import(document: dict) -> Consultation:
    data = document["consultation"]
    consultation = Consultation(**{name: data[name] for name in CONSULTATION_FIELDS},
                                time_zone=data.get("time_zone"),
                                starts_at=_moment(data["starts_at"]),
                                ends_at=_moment(data["ends_at"]))
    db.session.add(consultation)
    objects: dict[str, object] = {}
    pending = []  # links to contributions, set once those exist
    for record in document["phases"]:
        phase = Phase(consultation=consultation, kind=record["kind"], order=record["order"],
                      title=record["title"], information=record["information"],
                      starts_at=_moment(record["starts_at"]), ends_at=_moment(record["ends_at"]),
                      closed_early_at=_moment(record.get("closed_early_at")))
        db.session.add(phase)
        objects[record["kind"]] = phase
        _children(phase, record, objects, pending)
    db.session.flush()
    _participants(document["participants"], objects)
    _contributions(document["contributions"], objects)
    db.session.flush()
    for target, name, refs in pending:
        setattr(target, name, [objects[ref] for ref in refs])
    for record in document["phases"]:
        _themes(objects[record["kind"]], record.get("themes", []), objects)
    return consultation


def _children(phase, record, objects, pending) -> None:
    for item in record.get("prompts", []):
        objects[item["ref"]] = Prompt(phase=phase, order=item["order"], kind=item["kind"],
                                      question=item["question"], help=item.get("help"),
                                      choices=item.get("choices"))
        db.session.add(objects[item["ref"]])
    for item in record.get("scenarios", []):
        scenario = Scenario(phase=phase, order=item["order"], title=item["title"],
                            case=item["case"])
        objects[item["ref"]] = scenario
        db.session.add(scenario)
        pending.append((scenario, "ideas", item.get("ideas", [])))
    for item in record.get("findings", []):
        finding = Finding(phase=phase, order=item["order"], heard=item["heard"],
                          action=item["action"], status=item["status"], reason=item.get("reason"))
        objects[item["ref"]] = finding
        db.session.add(finding)
        for name in ("ideas", "scenarios", "answers"):
            pending.append((finding, name, item.get(name, [])))


def _participants(records, objects) -> None:
    for record in records:
        profile = record.get("profile") or {}
        participant = Participant(**{name: profile.get(name) for name in PROFILE_FIELDS})
        db.session.add(participant)
        objects[record["ref"]] = participant
    db.session.flush()
    for record in records:
        session = record.get("session")
        if session:
            db.session.add(EntrySession(
                participant_id=objects[record["ref"]].id, channel=session["channel"],
                session_name=session.get("name") or "",
                session_date=date.fromisoformat(session["date"]) if session.get("date") else None))


def _contributions(groups, objects) -> None:
    for kind in KINDS.values():  # in document order: what a contribution answers comes first
        for record in groups.get(kind.plural, []):
            values = {name: record.get(name) for name in COMMON + kind.fields}
            if values["language"] not in current_app.config["LANGUAGES"]:
                values["language"] = None  # unknown: shown without a language mark
            values[kind.parent] = objects[record[kind.parent]]
            item = kind.model(participant=objects[record["participant"]],
                              created_at=_moment(record["created_at"]), **values)
            db.session.add(item)
            objects[record["ref"]] = item
        db.session.flush()  # in document order: the ids keep the same order


def _themes(phase, records, objects) -> None:
    for record in records:
        theme = Theme(phase_id=phase.id, label=record["label"], status="accepted")
        for member in record.get("contributions", []):
            ref = member["ref"]
            theme.members.append(ThemeMember(kind=ref.rsplit("-", 1)[0],
                                             contribution_id=objects[ref].id,
                                             score=member.get("score", 0.0),
                                             text=member.get("quote", "")))
        db.session.add(theme)
