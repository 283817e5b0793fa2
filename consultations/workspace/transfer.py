"""Import of a consultation document (see document.py and EXPORT.md) into this instance."""

from datetime import date, datetime

from app.extensions import db
from consultations.models import Consultation, Finding, Participant, Phase, Prompt, Scenario
from consultations.workspace.document import (
    CONSULTATION_FIELDS,
    CONTRIBUTIONS,
    SCHEMA,
    VERSION,
    DocumentError,
)
from consultations.workspace.models import EntrySession, Theme, ThemeMember
from consultations.workspace.queries import PROFILE_FIELDS

KIND_OF = {"answers": "answer", "ideas": "idea", "supports": "support", "comments": "comment",
           "reactions": "reaction", "feedback": "feedback"}


def _moment(value):
    return datetime.fromisoformat(value) if value else None


def check_document(document) -> None:
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise DocumentError("not a parlons-ia/consultation document")
    if document.get("version") != VERSION:
        raise DocumentError(f"version {document.get('version')!r} is not supported "
                            f"(this instance reads version {VERSION})")
    slug = document.get("consultation", {}).get("slug")
    if not slug:
        raise DocumentError("the consultation has no slug")
    if db.session.execute(db.select(Consultation.id).filter_by(slug=slug)).first():
        raise DocumentError(f"a consultation {slug!r} already exists here")


def import_document(document: dict) -> Consultation:
    """Recreate the consultation in one transaction; the caller commits (or rolls back)."""
    check_document(document)
    try:
        return _import(document)
    except (KeyError, TypeError, ValueError) as error:
        db.session.rollback()
        raise DocumentError(f"the document is incomplete or malformed ({error!r})") from error


def _import(document: dict) -> Consultation:
    data = document["consultation"]
    consultation = Consultation(**{name: data[name] for name in CONSULTATION_FIELDS},
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
    for key, (model, fields, links) in CONTRIBUTIONS.items():
        for record in groups.get(key, []):
            values = {name: record.get(name) for name in ("channel", "moderation", "hidden_reason",
                                                           *fields)}
            for name, (_attribute, _kind) in links.items():
                values[name] = objects[record[name]]
            item = model(participant=objects[record["participant"]],
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
