"""Exports (CSV, JSON, report) and the JSON import page; all read queries.py."""

import csv
import io
import json

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from app.extensions import db
from consultations.models import CHANNELS, Consultation
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import ADMINS, MANAGERS, current_facilitator, require_role
from consultations.workspace.document import DocumentError, build_document
from consultations.workspace.manage import get_or_404
from consultations.workspace.queries import contribution_rows, csv_columns, report_data
from consultations.workspace.questionnaire import CHANNEL_LABELS
from consultations.workspace.transfer import import_document

FLUSH_EVERY = 200


def attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def csv_lines(rows, columns):
    """The CSV, a few hundred rows at a time, starting with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    buffer.write("\ufeff")
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/animation/consultations/<int:consultation_id>/exports")
@require_role(*MANAGERS)
def exports(consultation_id: int):
    return render_template("workspace/exports.html",
                           consultation=get_or_404(Consultation, consultation_id))


@bp.get("/animation/consultations/<int:consultation_id>/export.csv")
@require_role(*MANAGERS)
def export_csv(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    with_participant = request.args.get("participant") == "1"
    with_profile = request.args.get("profile") == "1"
    record(current_facilitator(), "export_csv",
           f"{consultation.slug} participant={with_participant} profile={with_profile}")
    db.session.commit()
    columns = csv_columns(with_participant, with_profile)

    def generate():
        # The stream runs after this view returns, with a fresh session: load again.
        found = db.session.get(Consultation, consultation_id)
        yield from csv_lines(contribution_rows(found, with_participant, with_profile), columns)

    return Response(stream_with_context(generate()),
                    mimetype="text/csv; charset=utf-8",
                    headers=attachment(f"{consultation.slug}-contributions.csv"))


@bp.get("/animation/consultations/<int:consultation_id>/export.json")
@require_role(*MANAGERS)
def export_json(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
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
    consultation = get_or_404(Consultation, consultation_id)
    return render_template("workspace/report.html", **report_data(consultation),
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS)


@bp.get("/animation/consultations/<int:consultation_id>/rapport.md")
@require_role(*MANAGERS)
def report_markdown(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    text = render_template("workspace/report.md", **report_data(consultation),
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS)
    return Response(text, mimetype="text/markdown; charset=utf-8",
                    headers=attachment(f"{consultation.slug}-rapport.md"))


@bp.route("/animation/import", methods=["GET", "POST"])
@require_role(*ADMINS)
def import_json():
    error = ""
    if request.method == "POST":
        request.max_content_length = 50 * 1024 * 1024
        upload = request.files.get("file")
        try:
            document = json.load(upload.stream) if upload and upload.filename else None
        except (ValueError, UnicodeDecodeError):
            document = None
        if document is None:
            error = _("Choisissez un fichier JSON exporté depuis Parlons IA.")
        else:
            try:
                consultation = import_document(document)
            except DocumentError as problem:
                db.session.rollback()
                error = _("Import impossible : %(reason)s", reason=str(problem))
            else:
                record(current_facilitator(), "import_json", consultation.slug)
                db.session.commit()
                flash(_("Consultation importée (en brouillon si elle l’était)."), "success")
                return redirect(url_for("workspace.consultation",
                                        consultation_id=consultation.id), code=303)
    return render_template("workspace/import_json.html", error=error), (422 if error else 200)
