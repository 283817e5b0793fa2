"""Reading the workspace forms: localised texts side by side, dates, lists; plain messages."""

from datetime import date

from flask_babel import gettext as _

from app.database import MAX_ID
from chatbot.normalise import normalise_text
from consultations.dates import YEARS

VARIANTS = ("fr", "en", "fr_simple", "en_simple")


class Errors(dict):
    """Field name -> message; empty when the form is fine."""


def read_texts(form, name: str, errors: Errors, required: bool = True, limit: int = 5000):
    value = {key: normalise_text(form.get(f"{name}-{key}") or "") for key in VARIANTS}
    value = {key: text for key, text in value.items() if text}
    if required and not value.get("fr"):
        errors[f"{name}-fr"] = _("Écrivez au moins le texte en français.")
    if any(len(text) > limit for text in value.values()):
        errors[f"{name}-fr"] = _("Ce texte est trop long (%(limit)s caractères au plus).",
                                 limit=limit)
    return value


def read_date(form, name: str, errors: Errors, required: bool = True) -> date | None:
    raw = (form.get(name) or "").strip()
    if not raw and not required:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or day.year not in YEARS:
        errors[name] = _("Donnez une date au format AAAA-MM-JJ, entre %(first)s et %(last)s.",
                         first=YEARS[0], last=YEARS[-1])
        return None
    return day


def read_int(form, name: str, errors: Errors, low: int, high: int, default=None):
    raw = (form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[name] = _("Donnez un nombre entre %(low)s et %(high)s.", low=low, high=high)
        return default
    return value


def read_ids(form, name: str) -> list[int]:
    """Ids ticked in a list; anything not a plain number the database can hold is ignored."""
    return [int(value) for value in form.getlist(name) if valid_id(value)]


def valid_id(value: str) -> bool:
    # isascii: "²".isdigit() is True but int("²") fails; MAX_ID: bigger overflows the database;
    # the length first: int() refuses more than 4,300 digits with a ValueError.
    return (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))
            and int(value) <= MAX_ID)


def read_lines(form, name: str, parts: int) -> list[list[str]]:
    """"a | b | c" lines, each cut into exactly `parts` pieces (missing ones empty)."""
    rows = []
    for line in (form.get(name) or "").splitlines():
        if not line.strip():
            continue
        pieces = [piece.strip() for piece in line.split("|")]
        rows.append((pieces + [""] * parts)[:parts])
    return rows
