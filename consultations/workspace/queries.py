"""The one query layer behind the CSV export, the JSON document, the report and the dashboard.

Everything a facilitator takes out of the platform is read here, so the three exports always
agree with each other.
"""

import hashlib
import hmac
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from chatbot.web.question_log import questions_to_improve
from consultations.contributions import KINDS
from consultations.dates import local_moment
from consultations.localise import localise
from consultations.models import (
    Idea,
    Participant,
    Phase,
    Reaction,
    Scenario,
    Support,
)
from consultations.workspace.models import EntrySession, Theme, ThemeMember
from consultations.workspace.phrases import cited_phrases

PROFILE_FIELDS = ("age_band", "region", "online_services_use", "preferred_language")
CSV_COLUMNS = ("contribution", "kind", "consultation", "phase", "channel", "session",
               "session_date", "created_at", "subject", "text", "value", "acceptability",
               "usefulness", "conditions", "supports", "moderation", "themes")
SMALL_CELL = 5
BATCH = 500


def participant_ref(participant_id: int) -> str:
    """A stable pseudonym: HMAC of the id with the secret key, cut to 16 hex characters."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, str(participant_id).encode(), hashlib.sha256).hexdigest()[:16]


def csv_columns(include_participant: bool, include_profile: bool) -> list[str]:
    columns = list(CSV_COLUMNS)
    if include_participant:
        columns.append("participant")
    if include_profile:
        columns += PROFILE_FIELDS
    return columns


def phase_ids(consultation) -> list[int]:
    return [phase.id for phase in consultation.phases]


def accepted_theme_labels(consultation) -> dict:
    query = (sa.select(ThemeMember.kind, ThemeMember.contribution_id, Theme.label)
             .join(Theme).where(Theme.phase_id.in_(phase_ids(consultation)),
                                Theme.status == "accepted").order_by(Theme.label))
    labels = defaultdict(list)
    for kind, contribution_id, label in db.session.execute(query):
        labels[(kind, contribution_id)].append(label)
    return labels


def support_counts(consultation) -> dict[int, int]:
    query = (sa.select(Support.idea_id, sa.func.count(Support.id)).join(Idea)
             .where(Idea.phase_id.in_(phase_ids(consultation))).group_by(Support.idea_id))
    return dict(db.session.execute(query).all())


def _kind_query(kind, consultation):
    """Its contributions with their phase kind, entry session and profile, in batches."""
    columns = [EntrySession.session_name, EntrySession.session_date,
               *[getattr(Participant, name) for name in PROFILE_FIELDS]]
    query = (kind.in_phases(phase_ids(consultation)).add_columns(*columns)
             .join(Participant, Participant.id == kind.model.participant_id)
             .outerjoin(EntrySession, EntrySession.participant_id == kind.model.participant_id)
             .options(sa.orm.undefer_group("export"))
             .order_by(Phase.order, kind.model.id))
    return query.execution_options(yield_per=BATCH)


def _cell(value) -> object:
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else value


def contribution_rows(consultation, include_participant=False, include_profile=False):
    """One dict per contribution, read in batches: never the whole table in memory."""
    themes = accepted_theme_labels(consultation)
    slug = consultation.slug
    for kind in sorted(KINDS.values(), key=lambda kind: not kind.has_text):
        for item, session_name, session_date, *profile in db.session.execute(
                _kind_query(kind, consultation)):
            record = {
                "contribution": f"{kind.key}-{item.id}", "kind": kind.key,
                "consultation": slug, "phase": kind.phase(item).kind,
                "channel": item.channel, "session": session_name or "",
                "session_date": session_date.isoformat() if session_date else "",
                "created_at": local_moment(item.created_at, consultation).isoformat(
                    timespec="seconds"),
                "subject": kind.subject(item), "text": kind.text(item),
                "value": kind.value(item), "acceptability": "", "usefulness": "",
                "conditions": "", "supports": "", "moderation": item.moderation,
                "themes": "; ".join(themes.get((kind.key, item.id), [])),
            }
            record.update({column: _cell(getattr(item, attribute))
                           for column, attribute in kind.export_fields})
            if include_participant:
                record["participant"] = participant_ref(item.participant_id)
            if include_profile:
                record.update({name: value or "" for name, value in zip(PROFILE_FIELDS, profile,
                                                                         strict=True)})
            yield record


# The JSON document -------------------------------------------------------------------------

def contributions_by_kind(consultation) -> dict[str, list]:
    """{kind key: its contributions in the consultation, in database order}."""
    ids = phase_ids(consultation)
    return {key: db.session.execute(kind.in_phases(ids).options(sa.orm.undefer_group("export"))
                                    .order_by(kind.model.id)).scalars().all()
            for key, kind in KINDS.items()}


def accepted_phase_themes(phase) -> list:
    return db.session.execute(sa.select(Theme).filter_by(phase_id=phase.id, status="accepted")
                              .order_by(Theme.label, Theme.id)).scalars().all()


def rows_by(column, values: list) -> dict:
    """{value: row} for the rows whose `column` holds one of `values` (read in chunks)."""
    model, found = column.class_, {}
    for chunk in chunks(values, 900):
        found.update({getattr(row, column.key): row for row in db.session.execute(
            sa.select(model).where(column.in_(chunk))).scalars()})
    return found


def entry_sessions(participant_ids: list[int]) -> dict:
    """{participant id: their EntrySession}, for those entered by a facilitator."""
    return rows_by(EntrySession.participant_id, participant_ids)


def participants_by_id(participant_ids: list[int]) -> dict:
    return rows_by(Participant.id, participant_ids)


# Texts of a phase, for theme suggestion ------------------------------------------------------

def phase_texts(phase) -> list[tuple[str, int, str]]:
    """(kind, id, text) of every visible contribution of the phase that carries text."""
    found = []
    for kind in KINDS.values():
        if not kind.has_text:
            continue
        query = (kind.in_phases([phase.id]).where(kind.model.moderation == "visible")
                 .order_by(kind.model.id))
        for item in db.session.execute(query).scalars():
            text = kind.text(item).strip()
            if text:
                found.append((kind.key, item.id, text))
    return found


# Dashboard and report numbers -----------------------------------------------------------------

def counts_by_phase_and_channel(consultation) -> dict:
    """{phase kind: {"contributions": Counter(channel), "participants": Counter(channel)}}."""
    result = {phase.kind: {"contributions": Counter(), "participants": Counter()}
              for phase in consultation.phases}
    people = defaultdict(set)
    for kind in KINDS.values():
        query = (kind.select(Phase.kind, kind.model.channel, kind.model.participant_id)
                 .join(Phase, Phase.id == kind.phase_id)
                 .where(Phase.id.in_(phase_ids(consultation))))
        for phase_kind, channel, participant_id in db.session.execute(query):
            result[phase_kind]["contributions"][channel] += 1
            people[(phase_kind, channel)].add(participant_id)
    for (phase_kind, channel), ids in people.items():
        result[phase_kind]["participants"][channel] = len(ids)
    return result


def consultation_participant_ids(consultation) -> set[int]:
    ids = set()
    for kind in KINDS.values():
        query = (kind.select(kind.model.participant_id)
                 .where(kind.phase_id.in_(phase_ids(consultation))))
        ids.update(db.session.execute(query).scalars())
    return ids


def top_ideas(consultation, limit: int = 10) -> list[tuple]:
    supports = support_counts(consultation)
    ideas = db.session.execute(
        sa.select(Idea).where(Idea.phase_id.in_(phase_ids(consultation)),
                              Idea.moderation == "visible")).scalars().all()
    ranked = sorted(ideas, key=lambda idea: (-supports.get(idea.id, 0), idea.id))
    return [(idea, supports.get(idea.id, 0)) for idea in ranked[:limit]]


def scenario_reactions(consultation) -> list[dict]:
    result = []
    for phase in consultation.phases:
        for scenario in phase.scenarios:
            reactions = db.session.execute(
                sa.select(Reaction).filter_by(scenario_id=scenario.id)).scalars().all()
            distribution = Counter(reaction.acceptability for reaction in reactions)
            count = len(reactions)
            result.append({
                "scenario": scenario, "count": count,
                "distribution": [distribution.get(score, 0) for score in range(1, 6)],
                "mean_acceptability": round(sum(r.acceptability for r in reactions) / count, 1)
                if count else None,
                "mean_usefulness": round(sum(r.usefulness for r in reactions) / count, 1)
                if count else None,
                "concerns": [r.concerns for r in reactions
                             if r.concerns and r.moderation == "visible"][:5],
            })
    return result


def cited_conditions(consultation) -> list[tuple[str, int]]:
    counts = Counter()
    ideas = db.session.execute(sa.select(Idea.conditions).where(
        Idea.phase_id.in_(phase_ids(consultation)))).scalars()
    for keys in ideas:
        counts.update(keys or [])
    return [(localise(consultation.condition_text(key)), n) for key, n in counts.most_common()]


def cited_concerns(consultation, limit: int = 10) -> list[tuple[str, int]]:
    texts = db.session.execute(
        sa.select(Reaction.concerns).join(Scenario)
        .where(Scenario.phase_id.in_(phase_ids(consultation)), Reaction.concerns.is_not(None))
    ).scalars().all()
    return cited_phrases(texts, limit)


def suppress(count: int) -> str:
    """Cells of fewer than five people are not shown: they could point at someone."""
    return "< 5" if 0 < count < SMALL_CELL else str(count)


def profile_diversity(consultation) -> dict[str, list[tuple[str, str]]]:
    ids = consultation_participant_ids(consultation)
    table = {}
    for name in PROFILE_FIELDS:
        column = getattr(Participant, name)
        counts = Counter()
        for chunk in chunks(sorted(ids), 900):
            counts.update(db.session.execute(
                sa.select(column).where(Participant.id.in_(chunk))).scalars())
        table[name] = [(value if value is not None else "", suppress(n))
                       for value, n in sorted(counts.items(), key=lambda kv: str(kv[0]))]
    return table


def chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def accepted_themes(consultation, quotes: int = 3) -> list[dict]:
    themes = db.session.execute(
        sa.select(Theme).where(Theme.phase_id.in_(phase_ids(consultation)),
                               Theme.status == "accepted").order_by(Theme.phase_id, Theme.label)
    ).scalars().all()
    return [{"theme": theme, "size": len(theme.members),
             "quotes": [member.text for member in theme.members[:quotes]]} for theme in themes]


def report_data(consultation) -> dict:
    counts = counts_by_phase_and_channel(consultation)
    return {
        "consultation": consultation,
        "participants": len(consultation_participant_ids(consultation)),
        "counts": counts,
        "contributions": sum(sum(c["contributions"].values()) for c in counts.values()),
        "themes": accepted_themes(consultation),
        "top_ideas": top_ideas(consultation),
        "scenarios": scenario_reactions(consultation),
        "conditions": cited_conditions(consultation),
        "findings": [finding for phase in consultation.phases for finding in phase.findings],
    }


def dashboard_data(consultation) -> dict:
    return {**report_data(consultation), "diversity": profile_diversity(consultation),
            "concerns": cited_concerns(consultation),
            "chat": questions_to_improve(consultation.slug)}

