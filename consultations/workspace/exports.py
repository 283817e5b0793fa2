"""Exports (CSV, spreadsheet, JSON, report); all read queries.py and spreadsheet.py presents
the rows. The JSON import is document_import.py."""

import json
import re

from flask import Response, render_template, request, stream_with_context
from flask_babel import force_locale, get_locale

from app.extensions import db
from consultations.labels import CHANNELS as CHANNEL_LABELS
from consultations.models import CHANNELS, Consultation
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.document import build_document
from consultations.workspace.queries import contribution_rows, csv_columns, report_data
from consultations.workspace.spreadsheet import SEPARATORS, csv_lines, human, xlsx_bytes
from consultations.workspace.team import authorized

# Markdown punctuation that could start a link, an image, emphasis, code or a table cell.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#|~!])")


def markdown_text(value) -> str:
    """Text that any Markdown renderer shows as itself, on one line: HTML characters as entities
    (renderers pass raw HTML through: <script>, <img onerror>), punctuation escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


class TableRequest:
    """What the facilitator asked for: optional columns and the language of the words."""

    def __init__(self, args, consultation):
        self.with_participant = args.get("participant") == "1"
        self.with_profile = args.get("profile") == "1"
        self.lang = args.get("lang") if args.get("lang") in ("fr", "en") else str(get_locale())
        self.columns = csv_columns(self.with_participant, self.with_profile)
        self.consultation_id = consultation.id

    def audit(self, action: str, consultation) -> None:
        record(current_facilitator(), action,
               f"{consultation.slug} participant={self.with_participant} "
               f"profile={self.with_profile} lang={self.lang}")
        db.session.commit()

    def rows(self):
        """Rows in words, in the asked language (call inside force_locale(self.lang))."""
        found = db.session.get(Consultation, self.consultation_id)
        for row in contribution_rows(found, self.with_participant, self.with_profile):
            yield human(row, found)


bp.add_app_template_filter(markdown_text, "markdown")


@bp.get("/animation/consultations/<int:consultation_id>/exports")
@require_role(*MANAGERS)
def exports(consultation_id: int):
    return render_template("workspace/exports.html",
                           consultation=authorized(Consultation, consultation_id))


@bp.get("/animation/consultations/<int:consultation_id>/export.csv")
@require_role(*MANAGERS)
def export_csv(consultation_id: int):
    """`,`-separated by default; `sep=semicolon` for Excel set to French (Canada)."""
    consultation = authorized(Consultation, consultation_id)
    asked = TableRequest(request.args, consultation)
    separator = SEPARATORS.get(request.args.get("sep"), ",")
    asked.audit("export_csv", consultation)

    def generate():
        # The stream runs after this view returns, with a fresh session and locale.
        with force_locale(asked.lang):
            yield from csv_lines(asked.rows(), asked.columns, separator)

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers=attachment(f"{consultation.slug}-contributions.csv"))


@bp.get("/animation/consultations/<int:consultation_id>/export.xlsx")
@require_role(*MANAGERS)
def export_xlsx(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    asked = TableRequest(request.args, consultation)
    asked.audit("export_xlsx", consultation)
    with force_locale(asked.lang):
        data = xlsx_bytes(asked.rows(), asked.columns, consultation.slug)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet",
                    headers=attachment(f"{consultation.slug}-contributions.xlsx"))


@bp.get("/animation/consultations/<int:consultation_id>/export.json")
@require_role(*MANAGERS)
def export_json(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    with_profile = request.args.get("profile") == "1"
    record(current_facilitator(), "export_json", f"{consultation.slug} profile={with_profile}")
    db.session.commit()
    document = build_document(consultation, include_profile=with_profile)
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    mimetype="application/json",
                    headers=attachment(f"{consultation.slug}.json"))


@bp.get("/animation/consultations/<int:consultation_id>/rapport")
@require_role(*MANAGERS)
def report(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    return render_template("workspace/report.html", **report_data(consultation),
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS)


@bp.get("/animation/consultations/<int:consultation_id>/rapport.md")
@require_role(*MANAGERS)
def report_markdown(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    text = render_template("workspace/report.md", **report_data(consultation),
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS)
    return Response(text, mimetype="text/markdown",
                    headers=attachment(f"{consultation.slug}-rapport.md"))
