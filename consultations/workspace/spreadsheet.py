"""Contribution rows as people open them: column names and stored codes in words (in the
asked language), cells that a spreadsheet will never run as formulas, written as CSV (`,` or
`;`) or as an Excel workbook.

queries.py reads the rows (stable keys, the same for every export); this module presents them.
"""

import csv
import io

from flask_babel import lazy_gettext as _l

from consultations.contributions import KINDS
from consultations.labels import AGE_BANDS, CHANNELS, LANGUAGES, MODERATION, ONLINE_USE
from consultations.localise import localise
from consultations.phases import KINDS as PHASE_KINDS

FLUSH_EVERY = 200
SEPARATORS = {"comma": ",", "semicolon": ";"}
# OWASP (CSV injection): a cell starting with one of these is read as a formula by Excel,
# LibreOffice or Google Sheets; a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROFILE_LABELS = {"age_band": AGE_BANDS, "online_services_use": ONLINE_USE,
                  "preferred_language": LANGUAGES}
COLUMN_LABELS = {
    "contribution": _l("Contribution"), "kind": _l("Type"), "consultation": _l("Consultation"),
    "phase": _l("Étape"), "channel": _l("Canal"), "session": _l("Séance"),
    "session_date": _l("Date de la séance"), "created_at": _l("Date et heure"),
    "subject": _l("Sujet"), "text": _l("Texte"), "value": _l("Réponse choisie"),
    "acceptability": _l("Acceptable (1 à 5)"), "usefulness": _l("Utile (1 à 5)"),
    "conditions": _l("Conditions de confiance"), "supports": _l("Soutiens"),
    "moderation": _l("Modération"), "themes": _l("Thèmes"),
    "participant": _l("Personne (pseudonyme)"), "age_band": _l("Tranche d’âge"),
    "region": _l("Région"), "online_services_use": _l("Utilise les services en ligne"),
    "preferred_language": _l("Langue préférée"),
}


def safe(value):
    """A cell as text that no spreadsheet evaluates; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def human(row: dict, consultation) -> dict:
    """The row with its codes in words: kind, phase, channel, moderation, trust conditions,
    profile answers. Call it inside the export's force_locale."""
    shown = dict(row)
    shown["kind"] = str(KINDS[row["kind"]].label)
    shown["phase"] = str(PHASE_KINDS[row["phase"]].label)
    shown["channel"] = str(CHANNELS.get(row["channel"], row["channel"]))
    shown["moderation"] = str(MODERATION.get(row["moderation"], row["moderation"]))
    if row.get("conditions"):
        keys = row["conditions"]
        keys = keys.split("; ") if isinstance(keys, str) else keys
        shown["conditions"] = "; ".join(localise(consultation.condition_text(key))
                                        for key in keys)
    for name, table in PROFILE_LABELS.items():
        if row.get(name):
            shown[name] = str(table.get(row[name], row[name]))
    return shown


def header(columns: list[str]) -> list[str]:
    return [str(COLUMN_LABELS.get(name, name)) for name in columns]


def csv_lines(rows, columns: list[str], delimiter: str = ","):
    """The CSV, a few hundred rows at a time, starting with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    buffer.write("\ufeff")
    writer.writerow([safe(name) for name in header(columns)])
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe(row.get(name)) for name in columns])
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(rows, columns: list[str], title: str) -> bytes:
    """An Excel workbook (one sheet, header row frozen), written row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for name in header(columns):
        cell = WriteOnlyCell(sheet, value=safe(name))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_printable(safe(row.get(name))) for name in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _printable(value):
    """openpyxl refuses control characters other than tab and line breaks."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "contributions")[:31]
