"""The one registry of contribution kinds: what each kind is, where it belongs, what it says.

Built like phases.py: a kind *declares* its model, its URL slug, the action that creates it,
what it answers (its parent, which leads to its phase), its text and its labels. "My
contributions", withdrawal and deletion, moderation, the query layer behind the exports and
the dashboard, the JSON document and its import, and the offline questionnaire read a kind
from here; none keeps its own table of kinds.

    KINDS                   {"answer": ContributionKind, …}, in document order
    by_slug("idee")         the kind in /mes-contributions/<slug>/… URLs, or None
    kind_of(obj)            the kind of a contribution (or of its model class)
    recorded_in(phase)      the kind a phase's own form records (answer, idea, reaction, feedback)

    kind.key, .slug, .plural   "idea" (stored in reports, themes, CSV), "idee" (URL), "ideas" (JSON)
    kind.model, .action        the model; the phases.Action that creates and edits it
    kind.parent                the relationship to what it answers: "prompt", "phase", "idea",
                               "scenario" or "finding"; kind.parent_model, kind.parent_id
    kind.phase(obj)            its phase, in Python
    kind.phase_id              its phase id, in SQL, once kind.select(...) joined the parent
    kind.in_phases(ids)        select(model) of these phases, parent and phase loaded with it
    kind.text(obj)             the words the person wrote ("" if none): moderation, themes, CSV
    kind.written()             the same in SQL: it has text (once kind.select(...) joined)
    kind.value(obj)            what the person chose, as exported (choice or feedback in words, 1-5)
    kind.summary(obj)          what the person gave, in words, for "my contributions"
    kind.subject(obj)          what it answers, in words ("" for an idea)
    kind.fields                its own stored fields (the JSON document's, the import's)
    kind.export_fields         CSV column -> attribute, beyond text and value
    kind.page_url(obj)         the participant page showing it
    kind.edit_url(obj)         where the person changes it (None: it cannot be changed)
    kind.label, .heading       "Idée"; "Mes idées"
    kind.has_text              people write text in it: moderators read it, themes gather it
    kind.edit_label            the label of its text on the edit page; None: edited on its own
                               page (kind.editable) or not at all
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from consultations.labels import FEEDBACK
from consultations.localise import localise
from consultations.models import (
    Answer,
    Comment,
    Feedback,
    Idea,
    Phase,
    Prompt,
    Reaction,
    Support,
)
from consultations.phases import KINDS as PHASE_KINDS
from consultations.phases import Action


def answer_choice(answer) -> str:
    """An interview answer as given: free text, the chosen choice in words, or the 1-5 scale."""
    prompt = answer.prompt
    if prompt.kind == "single_choice":
        try:
            return localise(prompt.choices[int(answer.value)])
        except (ValueError, IndexError, TypeError):
            return answer.value
    return answer.value


def _answer_summary(answer) -> str:
    if answer.prompt.kind == "scale":
        return str(_l("%(value)s sur 5", value=answer.value))
    return answer_choice(answer)


def _idea_text(idea) -> str:
    return "\n".join(part for part in (idea.text, idea.other_condition) if part)


def _reaction_text(reaction) -> str:
    return "\n".join(part for part in (reaction.accept_if, reaction.concerns, reaction.benefits)
                     if part)


def _reaction_summary(reaction) -> str:
    return str(_l("Acceptable : %(a)s sur 5. Utile : %(u)s sur 5.", a=reaction.acceptability,
                  u=reaction.usefulness))


def _feedback_summary(feedback) -> str:
    said = str(FEEDBACK.get(feedback.reflects, feedback.reflects))
    return f"{said} — {feedback.comment}" if feedback.comment else said


def _nothing(_item) -> str:
    return ""


@dataclass(frozen=True)
class ContributionKind:
    key: str
    slug: str
    plural: str
    model: type
    action: Action
    parent: str
    subject_field: str | None  # the parent's attribute that says what it answers
    fields: tuple[str, ...]
    label: object
    heading: object
    text: Callable[[object], str]
    value: Callable[[object], str] = _nothing
    text_fields: tuple[str, ...] = ()  # the stored fields its text is made of
    text_when: Callable[[], object] | None = None  # SQL: when those fields are text at all
    summarise: Callable[[object], str] | None = None  # when it differs from the text
    export_fields: tuple[tuple[str, str], ...] = ()
    page: Callable[[object, str], str] | None = None
    edit_label: object = None
    editable: bool = True

    @property
    def has_text(self) -> bool:
        return self.text is not _nothing

    @cached_property
    def parent_model(self) -> type:
        return sa.inspect(self.model).relationships[self.parent].mapper.class_

    @property
    def parent_id(self):
        return getattr(self.model, f"{self.parent}_id")

    @property
    def phase_id(self):
        return self.parent_id if self.parent == "phase" else self.parent_model.phase_id

    def phase(self, item):
        parent = getattr(item, self.parent)
        return parent if self.parent == "phase" else parent.phase

    def subject(self, item) -> str:
        if self.subject_field is None:
            return ""
        found = getattr(getattr(item, self.parent), self.subject_field)
        return localise(found) if isinstance(found, dict) else (found or "")

    def written(self):
        """SQL: it carries words someone wrote, where `text` would not be empty."""
        condition = sa.or_(*[sa.and_(column.is_not(None), column != "") for column in
                             (getattr(self.model, name) for name in self.text_fields)])
        return condition if self.text_when is None else sa.and_(condition, self.text_when())

    def summary(self, item) -> str:
        return (self.summarise or self.text)(item)

    def page_url(self, item) -> str:
        """The participant page where it is shown."""
        return self.page(item, self.phase(item).consultation.slug)

    def edit_url(self, item) -> str | None:
        if self.edit_label is not None:
            return url_for("consultations.edit_contribution", kind=self.slug,
                           contribution_id=item.id)
        return self.page_url(item) if self.editable else None

    def select(self, *columns):
        """A select of `columns` in which `self.phase_id` can be used (the parent is joined)."""
        query = sa.select(*columns).select_from(self.model)
        if self.parent != "phase":
            query = query.join(self.parent_model, self.parent_model.id == self.parent_id)
        return query

    def in_phases(self, phase_ids):
        """Its contributions in these phases, each with its parent and phase already loaded."""
        relation = getattr(self.model, self.parent)
        query = self.select(self.model).join(Phase, Phase.id == self.phase_id)
        if self.parent == "phase":
            loaded = contains_eager(relation)
        else:
            loaded = contains_eager(relation).contains_eager(self.parent_model.phase)
        return query.where(Phase.id.in_(phase_ids)).options(loaded)

    def with_phase(self):
        """A loader option: its parent, phase and consultation come in the same query."""
        relation = joinedload(getattr(self.model, self.parent))
        if self.parent != "phase":
            relation = relation.joinedload(self.parent_model.phase)
        return relation.joinedload(Phase.consultation)


KINDS: dict[str, ContributionKind] = {kind.key: kind for kind in (
    ContributionKind(
        "answer", "reponse", "answers", Answer, Action.ANSWER_PROMPTS, "prompt", "question",
        ("value",), _l("Réponse"), _l("Mes réponses à l’entrevue"),
        text=lambda answer: answer.value if answer.prompt.kind == "free_text" else "",
        value=lambda answer: "" if answer.prompt.kind == "free_text" else answer_choice(answer),
        text_fields=("value",), text_when=lambda: Prompt.kind == "free_text",
        summarise=_answer_summary,
        page=lambda answer, slug: url_for("consultations.interview", slug=slug)),
    ContributionKind(
        "idea", "idee", "ideas", Idea, Action.SUBMIT_IDEA, "phase", None,
        ("text", "conditions", "other_condition"), _l("Idée"), _l("Mes idées"),
        text=_idea_text, summarise=lambda idea: idea.text,
        text_fields=("text", "other_condition"),
        export_fields=(("conditions", "conditions"), ("supports", "support_count")),
        page=lambda idea, slug: url_for("consultations.idea", slug=slug, idea_id=idea.id),
        edit_label=_l("J’imagine que…")),
    ContributionKind(
        "support", "soutien", "supports", Support, Action.SUPPORT_IDEA, "idea", "text",
        (), _l("Soutien"), _l("Les idées que je soutiens"), text=_nothing, editable=False,
        page=lambda support, slug: url_for("consultations.idea", slug=slug,
                                           idea_id=support.idea_id)),
    ContributionKind(
        "comment", "commentaire", "comments", Comment, Action.COMMENT_IDEA, "idea", "text",
        ("text",), _l("Commentaire"), _l("Mes commentaires"),
        text=lambda comment: comment.text, text_fields=("text",),
        edit_label=_l("Votre commentaire"),
        page=lambda comment, slug: url_for("consultations.idea", slug=slug,
                                           idea_id=comment.idea_id, _anchor="commentaires")),
    ContributionKind(
        "reaction", "reaction", "reactions", Reaction, Action.REACT_TO_SCENARIO, "scenario",
        "title", ("acceptability", "usefulness", "accept_if", "concerns", "benefits"),
        _l("Réaction"), _l("Mes réactions aux scénarios"), text=_reaction_text,
        text_fields=("accept_if", "concerns", "benefits"),
        summarise=_reaction_summary,
        page=lambda reaction, slug: url_for("consultations.scenario", slug=slug,
                                            scenario_id=reaction.scenario_id),
        export_fields=(("acceptability", "acceptability"), ("usefulness", "usefulness"))),
    ContributionKind(
        "feedback", "avis", "feedback", Feedback, Action.REACT_TO_FINDING, "finding", "heard",
        ("reflects", "comment"), _l("Avis sur un résultat"), _l("Mes avis sur les résultats"),
        text=lambda feedback: feedback.comment or "", text_fields=("comment",),
        value=lambda feedback: str(FEEDBACK.get(feedback.reflects, feedback.reflects)),
        summarise=_feedback_summary,
        page=lambda feedback, slug: url_for("consultations.results", slug=slug,
                                            _anchor=f"resultat-{feedback.finding_id}")),
)}
_BY_SLUG = {kind.slug: kind for kind in KINDS.values()}
_BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def by_slug(slug: str) -> ContributionKind | None:
    return _BY_SLUG.get(slug)


def kind_of(contribution) -> ContributionKind:
    model = contribution if isinstance(contribution, type) else type(contribution)
    return _BY_MODEL[model]


def answering(kind: ContributionKind) -> list[ContributionKind]:
    """The kinds that answer a contribution of `kind` (and go with it when it is deleted)."""
    return [other for other in KINDS.values() if other.parent == kind.key]


def recorded_in(phase) -> ContributionKind:
    """The kind a phase's own questions record (not those answering other contributions)."""
    allows = PHASE_KINDS[phase.kind].allows
    return next(kind for kind in KINDS.values()
                if kind.action in allows and kind.parent not in KINDS)
