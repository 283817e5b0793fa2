"""What the workspace keeps about a contribution outside its own row (theme quotes, reports,
moderation reviews): removed with the contribution, so "delete everything" leaves nothing."""

import sqlalchemy as sa

from app.extensions import db
from consultations.models import Comment, Idea, Support
from consultations.workspace.kinds import KINDS
from consultations.workspace.models import ContributionReport, ModerationReview, ThemeMember

TRACES = (ThemeMember, ContributionReport, ModerationReview)


def forget_traces(kind: str, ids) -> None:
    """Delete the traces of contributions of one kind (`ids`: a list or a select of ids)."""
    for table in TRACES:
        db.session.execute(sa.delete(table).where(table.kind == kind,
                                                  table.contribution_id.in_(ids)))


def kind_of(model) -> str | None:
    return next((key for key, spec in KINDS.items() if spec.model is model), None)


def forget_participant_traces(participant_id: int) -> None:
    """Traces of everything deleted with this participant: their contributions, and the
    comments and supports of others on their ideas (deleted with those ideas)."""
    their_ideas = sa.select(Idea.id).where(Idea.participant_id == participant_id)
    for key, spec in KINDS.items():
        owned = spec.model.participant_id == participant_id
        if spec.model in (Comment, Support):
            owned = sa.or_(owned, spec.model.idea_id.in_(their_ideas))
        forget_traces(key, sa.select(spec.model.id).where(owned))


def forget_contribution_traces(contribution) -> None:
    """Traces of one withdrawn contribution (and, for an idea, of its comments and supports)."""
    forget_traces(kind_of(type(contribution)), [contribution.id])
    if isinstance(contribution, Idea):
        forget_traces("comment", [comment.id for comment in contribution.comments])
        forget_traces("support", [support.id for support in contribution.supports])
