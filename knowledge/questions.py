"""Unanswered and badly rated chatbot questions, near-identical ones grouped, the most asked
first: each group has a "write an answer" link that opens a new card with the question."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template

from chatbot.text import analyze
from consultations.workspace.auth import MANAGERS, require_role
from knowledge import bp

SAME = 0.6  # share of content words two questions must have in common to be grouped
LIMIT = 500


@dataclass
class QuestionGroup:
    question: str  # the most frequent wording
    count: int = 0
    unanswered: int = 0
    not_useful: int = 0
    wordings: dict[str, int] = field(default_factory=dict)
    terms: frozenset = frozenset()


def terms(text: str, lang: str) -> frozenset:
    return frozenset(analyze(text, lang if lang in ("fr", "en") else "fr"))


def overlap(a: frozenset, b: frozenset) -> float:
    return len(a & b) / max(1, min(len(a), len(b))) if a and b else float(a == b)


def group_questions(rows) -> list[QuestionGroup]:
    """Rows of (text, lang, answered, useful) → groups, largest first. Two questions join when
    their stemmed content words mostly overlap ("C'est quoi l'IA ?" and "c quoi l ia")."""
    groups: list[QuestionGroup] = []
    for text, lang, answered, useful in rows:
        found = terms(text, lang)
        group = next((g for g in groups if overlap(found, g.terms) >= SAME), None)
        if group is None:
            group = QuestionGroup(question=text, terms=found)
            groups.append(group)
        group.count += 1
        group.unanswered += not answered
        group.not_useful += useful is False
        key = " ".join(text.split())
        group.wordings[key] = group.wordings.get(key, 0) + 1
    for group in groups:
        group.question = max(group.wordings, key=lambda w: (group.wordings[w], -len(w)))
    return sorted(groups, key=lambda g: (-g.count, -g.unanswered, g.question))


@bp.get("/questions")
@require_role(*MANAGERS)
def questions():
    from chatbot.web.question_log import weak_questions
    return render_template("knowledge/questions.html",
                           groups=group_questions(weak_questions(LIMIT)))
