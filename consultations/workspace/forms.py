"""Reading the workspace forms: localised texts side by side, dates, lists; plain messages."""

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from app.database import MAX_ID

VARIANTS = ("fr", "en", "fr_simple", "en_simple")


class Errors(dict):
    """Field name -> message; empty when the form is fine."""


def read_texts(form, name: str, errors: Errors, required: bool = True, limit: int = 5000):
    value = {key: (form.get(f"{name}-{key}") or "").strip().replace("\r\n", "\n")
             for key in VARIANTS}
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
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Donnez une date au format AAAA-MM-JJ.")
        return None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_after(day: date) -> datetime:
    """The end of an inclusive last day."""
    return day_start(day) + timedelta(days=1)


def last_day(moment: datetime) -> date:
    return (moment - timedelta(microseconds=1)).date()


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
    # isascii: "²".isdigit() is True but int("²") fails; MAX_ID: bigger overflows the database.
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


def read_lines(form, name: str, parts: int) -> list[list[str]]:
    """"a | b | c" lines, each cut into exactly `parts` pieces (missing ones empty)."""
    rows = []
    for line in (form.get(name) or "").splitlines():
        if not line.strip():
            continue
        pieces = [piece.strip() for piece in line.split("|")]
        rows.append((pieces + [""] * parts)[:parts])
    return rows
