"""Easy read (FALC): one task per screen, a beginning and an end, the same progress line.

A form of more than one task is a `Flow` of `Step`s. What is typed on a screen is kept in a
`FormDraft` (by a random key in the session) until the last screen, "check and send", sends it;
"Retour" keeps it too. Nothing needs JavaScript: each screen is a plain form that redirects
to the next one.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import session
from flask_babel import lazy_gettext as _l

from app.extensions import db
from consultations.models import FormDraft, utcnow

DRAFTS = "drafts"  # session: {form name: draft key}
DRAFT_LIFETIME = timedelta(days=1)
BACK, NEXT = "retour", "continuer"


@dataclass(frozen=True)
class Step:
    key: str  # in the address: ?etape=<number>, and the partial easy/steps/<key>.html
    task: object  # what the screen asks, its heading
    fields: tuple[str, ...] = ()
    hint: object = None


@dataclass(frozen=True)
class Flow:
    name: str  # the draft's family: "idea", "reaction", "feedback"
    steps: tuple[Step, ...]
    check_task: object = field(default=_l("Vérifiez puis envoyez"))

    @property
    def total(self) -> int:
        return len(self.steps) + 1  # the last screen checks and sends

    def step(self, number: int) -> Step | None:
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    def clamp(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return min(max(number, 1), self.total)


def progress(number: int, total: int) -> str:
    return str(_l("Étape %(number)s sur %(total)s", number=number, total=total))


# Drafts --------------------------------------------------------------------------------------

def _drafts() -> dict:
    found = session.get(DRAFTS)
    return dict(found) if isinstance(found, dict) else {}


def draft_values(form_name: str) -> dict | None:
    key = _drafts().get(form_name)
    draft = db.session.get(FormDraft, key) if isinstance(key, str) else None
    if draft is None or draft.form != form_name or draft.updated_at < utcnow() - DRAFT_LIFETIME:
        return None
    return dict(draft.values)


def save_draft(form_name: str, values: dict) -> None:
    drafts = _drafts()
    draft = db.session.get(FormDraft, drafts.get(form_name)) if drafts.get(form_name) else None
    if draft is None or draft.form != form_name:
        draft = FormDraft(form=form_name)
        db.session.add(draft)
    draft.values = dict(values)
    draft.updated_at = utcnow()
    db.session.execute(db.delete(FormDraft).where(
        FormDraft.updated_at < utcnow() - DRAFT_LIFETIME))
    db.session.commit()
    drafts[form_name] = draft.key
    session[DRAFTS] = drafts


def drop_draft(form_name: str) -> None:
    drafts = _drafts()
    key = drafts.pop(form_name, None)
    if key:
        db.session.execute(db.delete(FormDraft).where(FormDraft.key == key))
    session[DRAFTS] = drafts


def drop_all_drafts() -> None:
    """Every draft of this browser (when the person deletes everything they gave)."""
    keys = [key for key in _drafts().values() if isinstance(key, str)]
    if keys:
        db.session.execute(db.delete(FormDraft).where(FormDraft.key.in_(keys)))
    session.pop(DRAFTS, None)
