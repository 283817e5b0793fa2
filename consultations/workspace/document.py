"""The JSON document of a whole consultation (schema parlons-ia/consultation, version 1).

See EXPORT.md. References inside the document ("idea-3", "p-12") are numbered in order, so
exporting, importing into an empty instance and exporting again gives the same document.
"""

from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from consultations.models import (
    Answer,
    Comment,
    Consultation,
    Feedback,
    Idea,
    Participant,
    Reaction,
    Support,
    utcnow,
)
from consultations.workspace.models import EntrySession, Theme
from consultations.workspace.queries import PROFILE_FIELDS, chunks, phase_ids, support_counts

SCHEMA = "parlons-ia/consultation"
VERSION = 1
CONSULTATION_FIELDS = ("slug", "title", "summary", "description", "outcome",
                       "duration_minutes", "conditions", "status")
COMMON = ("channel", "moderation", "hidden_reason")
# kind -> (model, the contribution's own fields, its links: field -> (attribute, ref kind))
CONTRIBUTIONS = {
    "answers": (Answer, ("value",), {"prompt": ("prompt_id", "prompt")}),
    "ideas": (Idea, ("text", "conditions", "other_condition"), {"phase": ("phase_id", "phase")}),
    "supports": (Support, (), {"idea": ("idea_id", "idea")}),
    "comments": (Comment, ("text",), {"idea": ("idea_id", "idea")}),
    "reactions": (Reaction, ("acceptability", "usefulness", "accept_if", "concerns", "benefits"),
                  {"scenario": ("scenario_id", "scenario")}),
    "feedback": (Feedback, ("reflects", "comment"), {"finding": ("finding_id", "finding")}),
}
SINGULAR = {"answers": "answer", "ideas": "idea", "supports": "support", "comments": "comment",
            "reactions": "reaction", "feedback": "feedback"}


class DocumentError(ValueError):
    """The file is not a consultation document this version can read."""


def _when(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


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


def _contributions(model, link_column, ids):
    return db.session.execute(sa.select(model).where(link_column.in_(ids))
                              .order_by(model.id)).scalars().all()


def build_document(consultation: Consultation, include_profile: bool = False) -> dict:
    refs = Refs()
    phases = []
    for phase in consultation.phases:
        refs.by_kind.setdefault("phase", {})[phase.id] = phase.kind
        phases.append(_phase(phase, refs))
    rows = _collect(consultation)
    participants = sorted({item.participant_id for items in rows.values() for item in items})
    for participant_id in participants:
        refs.add("p", participant_id)
    supports = support_counts(consultation)
    contributions = {}
    for key, items in rows.items():
        _model, fields, links = CONTRIBUTIONS[key]
        contributions[key] = [_contribution(key, item, fields, links, refs) for item in items]
        if key == "ideas":
            for record, item in zip(contributions[key], items, strict=True):
                record["supports"] = supports.get(item.id, 0)
    _link_phases(consultation, phases, refs)
    return {
        "schema": SCHEMA, "version": VERSION, "exported_at": _when(utcnow()),
        "options": {"profile": include_profile},
        "consultation": {**{name: getattr(consultation, name) for name in CONSULTATION_FIELDS},
                         "starts_at": _when(consultation.starts_at),
                         "ends_at": _when(consultation.ends_at)},
        "phases": phases,
        "participants": _participants(participants, refs, include_profile),
        "contributions": contributions,
    }


def _phase(phase, refs) -> dict:
    return {
        "kind": phase.kind, "order": phase.order, "title": phase.title,
        "information": phase.information, "starts_at": _when(phase.starts_at),
        "ends_at": _when(phase.ends_at), "closed_early_at": _when(phase.closed_early_at),
        "prompts": [{"ref": refs.add("prompt", p.id), "order": p.order, "kind": p.kind,
                     "question": p.question, "help": p.help, "choices": p.choices}
                    for p in phase.prompts],
        "scenarios": [{"ref": refs.add("scenario", s.id), "order": s.order, "title": s.title,
                       "case": s.case} for s in phase.scenarios],
        "findings": [{"ref": refs.add("finding", f.id), "order": f.order, "heard": f.heard,
                      "action": f.action, "status": f.status, "reason": f.reason}
                     for f in phase.findings],
    }


def _collect(consultation) -> dict:
    ids = phase_ids(consultation)
    prompt_ids = [p.id for phase in consultation.phases for p in phase.prompts]
    scenario_ids = [s.id for phase in consultation.phases for s in phase.scenarios]
    finding_ids = [f.id for phase in consultation.phases for f in phase.findings]
    ideas = _contributions(Idea, Idea.phase_id, ids)
    idea_ids = sa.select(Idea.id).where(Idea.phase_id.in_(ids)).scalar_subquery()
    return {
        "answers": _contributions(Answer, Answer.prompt_id, prompt_ids),
        "ideas": ideas,
        "supports": _contributions(Support, Support.idea_id, idea_ids),
        "comments": _contributions(Comment, Comment.idea_id, idea_ids),
        "reactions": _contributions(Reaction, Reaction.scenario_id, scenario_ids),
        "feedback": _contributions(Feedback, Feedback.finding_id, finding_ids),
    }


def _contribution(key, item, fields, links, refs) -> dict:
    record = {"ref": refs.add(SINGULAR[key], item.id),
              "participant": refs.get("p", item.participant_id)}
    for name, (attribute, kind) in links.items():
        record[name] = refs.get(kind, getattr(item, attribute))
    record.update({name: getattr(item, name) for name in COMMON + fields})
    record["created_at"] = _when(item.created_at)
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
    themes = db.session.execute(sa.select(Theme).filter_by(phase_id=phase.id, status="accepted")
                                .order_by(Theme.label, Theme.id)).scalars().all()
    return [{"label": theme.label, "contributions": [
        {"ref": refs.by_kind[member.kind][member.contribution_id],
         "score": round(member.score, 4), "quote": member.text}
        for member in theme.members if member.contribution_id in refs.by_kind.get(member.kind, {})
    ]} for theme in themes]


def _participants(ids, refs, include_profile) -> list[dict]:
    sessions, people = {}, {}
    for chunk in chunks(ids, 900):
        sessions.update({s.participant_id: s for s in db.session.execute(
            sa.select(EntrySession).where(EntrySession.participant_id.in_(chunk))).scalars()})
        if include_profile:
            people.update({p.id: p for p in db.session.execute(
                sa.select(Participant).where(Participant.id.in_(chunk))).scalars()})
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
