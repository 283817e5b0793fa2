"""What the workspace keeps about a contribution outside its own row (theme quotes, reports,
moderation reviews): removed with the contribution, so "delete everything" leaves nothing."""

import sqlalchemy as sa

from app.extensions import db
from consultations.contributions import KINDS, answering, kind_of
from consultations.workspace.models import ContributionReport, ModerationReview, ThemeMember

TRACES = (ThemeMember, ContributionReport, ModerationReview)


def forget_traces(kind: str, ids) -> None:
    """Delete the traces of contributions of one kind (`ids`: a list or a select of ids)."""
    for table in TRACES:
        db.session.execute(sa.delete(table).where(table.kind == kind,
                                                  table.contribution_id.in_(ids)))


def forget_participant_traces(participant_id: int) -> None:
    """Traces of everything deleted with this participant: their contributions, and what
    others gave in answer to them (comments and supports of their ideas, deleted with those)."""
    for kind in KINDS.values():
        owned = kind.model.participant_id == participant_id
        parent = KINDS.get(kind.parent)
        if parent is not None:
            theirs = sa.select(parent.model.id).where(parent.model.participant_id == participant_id)
            owned = sa.or_(owned, kind.parent_id.in_(theirs))
        forget_traces(kind.key, sa.select(kind.model.id).where(owned))


def forget_contribution_traces(contribution) -> None:
    """Traces of one withdrawn contribution and of what answered it (an idea's comments...)."""
    kind = kind_of(contribution)
    forget_traces(kind.key, [contribution.id])
    for other in answering(kind):
        answers = sa.select(other.model.id).where(other.parent_id == contribution.id)
        forget_traces(other.key, answers)


def delete_contribution(contribution) -> None:
    """One contribution, with its traces and what answered it (an idea's comments...)."""
    forget_contribution_traces(contribution)
    db.session.delete(contribution)


def contribution_corrected(contribution) -> None:
    """Its words changed: themes quote the new ones, moderators read it again among new ones."""
    kind = kind_of(contribution)
    text = kind.text(contribution)
    members = sa.select(ThemeMember).where(ThemeMember.kind == kind.key,
                                           ThemeMember.contribution_id == contribution.id)
    for member in db.session.execute(members).scalars():
        if text:
            member.text = text
        else:
            db.session.delete(member)  # nothing left to quote
    db.session.execute(sa.delete(ModerationReview).where(
        ModerationReview.kind == kind.key, ModerationReview.contribution_id == contribution.id))
