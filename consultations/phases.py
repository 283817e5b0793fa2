"""The one registry of phase kinds: what each kind allows, and the one question every action asks.

Like adhocracy4's phases/contents.py and predicates.py: a kind *declares* its features, and
every participant action goes through `check(phase, action)`, never through `phase.kind == …`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from consultations.dates import first_day, last_day, long_day


class Action(StrEnum):
    ANSWER_PROMPTS = "answer_prompts"
    SUBMIT_IDEA = "submit_idea"
    SUPPORT_IDEA = "support_idea"
    COMMENT_IDEA = "comment_idea"
    REACT_TO_SCENARIO = "react_to_scenario"
    READ_FINDINGS = "read_findings"
    REACT_TO_FINDING = "react_to_finding"


# Reading stays possible once a phase has started; everything else needs it open.
READING_ACTIONS = frozenset({Action.READ_FINDINGS})


@dataclass(frozen=True)
class PhaseKind:
    key: str
    label: object
    endpoint: str  # the participant page of this kind
    allows: frozenset[Action]
    what_you_do: object
    suggested_questions: tuple = field(default=())


KINDS: dict[str, PhaseKind] = {kind.key: kind for kind in (
    PhaseKind(
        "interview", _l("Entrevue"), "consultations.interview",
        frozenset({Action.ANSWER_PROMPTS}),
        _l("Vous dites ce que l’IA représente pour vous."),
        (_l("Qu’est-ce que l’intelligence artificielle ?"),
         _l("Où l’IA est-elle déjà utilisée dans les services publics ?")),
    ),
    PhaseKind(
        "imagine", _l("Imaginer"), "consultations.imagine",
        frozenset({Action.SUBMIT_IDEA, Action.SUPPORT_IDEA, Action.COMMENT_IDEA}),
        _l("Vous proposez des idées et vos conditions de confiance."),
        (_l("Comment savoir si une décision a été prise par une IA ?"),
         _l("Quelles règles encadrent l’IA dans l’administration ?")),
    ),
    PhaseKind(
        "prototype", _l("Prototyper"), "consultations.prototype",
        frozenset({Action.REACT_TO_SCENARIO}),
        _l("Vous réagissez à des cas concrets : « Que se passerait-il si… ? »"),
        (_l("Une personne peut-elle revoir une décision prise avec l’IA ?"),
         _l("Que deviennent mes données quand un service utilise l’IA ?")),
    ),
    PhaseKind(
        "results", _l("Résultats"), "consultations.results",
        frozenset({Action.READ_FINDINGS, Action.REACT_TO_FINDING}),
        _l("Vous voyez ce qui a été entendu et ce qui sera fait."),
        (_l("Comment le gouvernement rend-il compte de son usage de l’IA ?"),),
    ),
)}
ORDER = tuple(KINDS)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def kind_of(phase) -> PhaseKind:
    return KINDS[phase.kind]


def check(phase, action: Action, now: datetime | None = None) -> Verdict:
    """May a participant do `action` in `phase` now? With a plain reason when not."""
    if phase is None or action not in KINDS[phase.kind].allows:
        return Verdict(False, str(_l("Cette action n’est pas possible dans cette étape.")))
    if phase.consultation.status != "published" and action not in READING_ACTIONS:
        return Verdict(False, str(_l("Cette consultation est terminée. Merci de votre intérêt.")))
    state = phase.state(now)
    if state == "upcoming":
        return Verdict(False, str(_l(
            "Cette étape n’a pas encore commencé. Elle ouvre le %(date)s. Rien n’a été enregistré.",
            date=long_day(first_day(phase)))))
    if state == "closed" and action not in READING_ACTIONS:
        return Verdict(False, str(_l(
            "Cette étape est terminée. Son dernier jour était le %(date)s. "
            "Rien n’a été enregistré.", date=long_day(last_day(phase)))))
    return Verdict(True)
