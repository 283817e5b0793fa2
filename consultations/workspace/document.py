"""The JSON document of a whole consultation (schema parlons-ia/consultation, version 1).

See EXPORT.md. References inside the document ("idea-3", "p-12") are numbered in order, so
exporting, importing into an empty instance and exporting again gives the same document.
"""

from datetime import date, datetime

from consultations.contributions import KINDS
from consultations.dates import first_day, last_day
from consultations.models import Consultation, utcnow
from consultations.workspace.queries import (
    PROFILE_FIELDS,
    accepted_phase_themes,
    contributions_by_kind,
    entry_sessions,
    participants_by_id,
)

SCHEMA = "parlons-ia/consultation"
VERSION = 1
CONSULTATION_FIELDS = ("slug", "title", "summary", "description", "outcome",
                       "duration_minutes", "conditions", "status")
COMMON = ("channel", "language", "moderation", "hidden_reason")


class DocumentError(ValueError):
    """The file is not a consultation document this version can read: its problems, each
    with its JSON path (schema.Problem)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems[:5]))


def _when(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def days(period) -> dict:
    """The days people read (last day included), next to the stored moments."""
    return {"first_day": first_day(period).isoformat(), "last_day": last_day(period).isoformat()}


class Refs:
    """Numbers database ids in order: ("idea", 41) -> "idea-1"."""

    def __init__(self):
        self.by_kind: dict[str, dict[int, str]] = {}

    def add(self, kind: str, object_id: int) -> str:
        table = self.by_kind.setdefault(kind, {})
        table.setdefault(object_id, f"{kind}-{len(table) + 1}")
        return table[object_id]

    def get(self, kind: str, object_id: int) -> str:
        return self.by_kind[kind][object_id]


def build_document(consultation: Consultation, include_profile: bool = False) -> dict:
    refs = Refs()
    phases = []
    for phase in consultation.phases:
        refs.by_kind.setdefault("phase", {})[phase.id] = phase.kind
        phases.append(_phase(phase, refs))
    rows = contributions_by_kind(consultation)
    participants = sorted({item.participant_id for items in rows.values() for item in items})
    for participant_id in participants:
        refs.add("p", participant_id)
    contributions = {KINDS[key].plural: [_contribution(KINDS[key], item, refs) for item in items]
                     for key, items in rows.items()}
    _link_phases(consultation, phases, refs)
    return {
        "schema": SCHEMA, "version": VERSION, "exported_at": _when(utcnow()),
        "options": {"profile": include_profile},
        "consultation": {**{name: getattr(consultation, name) for name in CONSULTATION_FIELDS},
                         "time_zone": consultation.time_zone,
                         "starts_at": _when(consultation.starts_at),
                         "ends_at": _when(consultation.ends_at), **days(consultation)},
        "phases": phases,
        "participants": _participants(participants, refs, include_profile),
        "contributions": contributions,
    }


def _phase(phase, refs) -> dict:
    return {
        "kind": phase.kind, "order": phase.order, "title": phase.title,
        "information": phase.information, "starts_at": _when(phase.starts_at),
        "ends_at": _when(phase.ends_at), "closed_early_at": _when(phase.closed_early_at),
        **days(phase),
        "prompts": [{"ref": refs.add("prompt", p.id), "order": p.order, "kind": p.kind,
                     "question": p.question, "help": p.help, "choices": p.choices}
                    for p in phase.prompts],
        "scenarios": [{"ref": refs.add("scenario", s.id), "order": s.order, "title": s.title,
                       "case": s.case} for s in phase.scenarios],
        "findings": [{"ref": refs.add("finding", f.id), "order": f.order, "heard": f.heard,
                      "action": f.action, "status": f.status, "reason": f.reason}
                     for f in phase.findings],
    }


def _contribution(kind, item, refs) -> dict:
    record = {"ref": refs.add(kind.key, item.id), "participant": refs.get("p", item.participant_id),
              kind.parent: refs.get(kind.parent, getattr(item, kind.parent_id.key))}
    record.update({name: getattr(item, name) for name in COMMON + kind.fields})
    record["created_at"] = _when(item.created_at)
    # Computed export fields (an idea's supports) travel too; an import ignores them.
    record.update({column: getattr(item, attribute) for column, attribute in kind.export_fields
                   if attribute not in kind.fields})
    return record


def _link_phases(consultation, phases, refs) -> None:
    """Links that point at contributions, once every contribution has its reference."""
    def known(kind, objects):
        return [refs.by_kind[kind][o.id] for o in objects if o.id in refs.by_kind.get(kind, {})]

    for phase, data in zip(consultation.phases, phases, strict=True):
        for scenario, record in zip(phase.scenarios, data["scenarios"], strict=True):
            record["ideas"] = known("idea", scenario.ideas)
        for finding, record in zip(phase.findings, data["findings"], strict=True):
            record["ideas"] = known("idea", finding.ideas)
            record["scenarios"] = known("scenario", finding.scenarios)
            record["answers"] = known("answer", finding.answers)
        data["themes"] = _themes(phase, refs)


def _themes(phase, refs) -> list[dict]:
    themes = accepted_phase_themes(phase)
    return [{"label": theme.label, "contributions": [
        {"ref": refs.by_kind[member.kind][member.contribution_id],
         "score": round(member.score, 4), "quote": member.text}
        for member in theme.members if member.contribution_id in refs.by_kind.get(member.kind, {})
    ]} for theme in themes]


def _participants(ids, refs, include_profile) -> list[dict]:
    sessions = entry_sessions(ids)
    people = participants_by_id(ids) if include_profile else {}
    result = []
    for participant_id in ids:
        record = {"ref": refs.get("p", participant_id)}
        session = sessions.get(participant_id)
        if session:
            record["session"] = {"channel": session.channel, "name": session.session_name,
                                 "date": _when(session.session_date)}
        if include_profile:
            person = people[participant_id]
            record["profile"] = {name: getattr(person, name) for name in PROFILE_FIELDS}
        result.append(record)
    return result
