"""The kinds of contributions the workspace handles, in one table: model, phase, text."""

from dataclasses import dataclass

import sqlalchemy as sa

from consultations.models import (
    Answer,
    Comment,
    Feedback,
    Finding,
    Idea,
    Prompt,
    Reaction,
    Scenario,
    Support,
)


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    join: tuple  # (model, on-clause) to reach the phase id, or ()
    phase_column: object

    def phase_query(self, *columns):
        query = sa.select(*columns)
        if self.join:
            query = query.join(*self.join)
        return query


def _reaction_text(reaction) -> str:
    parts = (reaction.accept_if, reaction.concerns, reaction.benefits)
    return "\n".join(part for part in parts if part)


def _answer_text(answer) -> str:
    return answer.value if answer.prompt.kind == "free_text" else ""


KINDS = {
    "answer": Kind("answer", Answer, (Prompt, Prompt.id == Answer.prompt_id), Prompt.phase_id),
    "idea": Kind("idea", Idea, (), Idea.phase_id),
    "comment": Kind("comment", Comment, (Idea, Idea.id == Comment.idea_id), Idea.phase_id),
    "reaction": Kind("reaction", Reaction, (Scenario, Scenario.id == Reaction.scenario_id),
                     Scenario.phase_id),
    "feedback": Kind("feedback", Feedback, (Finding, Finding.id == Feedback.finding_id),
                     Finding.phase_id),
    "support": Kind("support", Support, (Idea, Idea.id == Support.idea_id), Idea.phase_id),
}
# Kinds carrying text a moderator may need to hide, and a theme may gather.
TEXT_KINDS = ("answer", "idea", "comment", "reaction", "feedback")


def text_of(kind: str, contribution) -> str:
    if kind == "answer":
        return _answer_text(contribution)
    if kind == "reaction":
        return _reaction_text(contribution)
    if kind == "feedback":
        return contribution.comment or ""
    return contribution.text


def phase_of(kind: str, contribution):
    if kind == "answer":
        return contribution.prompt.phase
    if kind in ("comment", "support"):
        return contribution.idea.phase
    if kind == "reaction":
        return contribution.scenario.phase
    if kind == "feedback":
        return contribution.finding.phase
    return contribution.phase
