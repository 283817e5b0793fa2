"""Import of offline answers from a spreadsheet (CSV or .xlsx): upload → preview → confirm.

Every row is checked with the same questions as the entry form (questionnaire.py) before
anything is stored; the rows are saved in one transaction, each with the hash of its content,
so a file or rows imported before are caught and the facilitator is asked before importing
them again.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.uploads import size_in_words, upload_limit
from consultations.labels import CHANNELS as CHANNEL_LABELS
from consultations.models import Phase
from consultations.workspace import bp, pending
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.models import ImportedRow
from consultations.workspace.queries import chunks
from consultations.workspace.questionnaire import (
    channel_question,
    common_columns,
    entry_questions,
    phase_questions,
    profile_questions,
    read_entry,
    save_entry,
)
from consultations.workspace.spreadsheet_import import SheetError, read_sheet
from consultations.workspace.team import authorized

UPLOAD_LIMIT = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 200
PREVIEW_ROWS = 20


def template_columns(phase) -> list[str]:
    return common_columns() + [q.name for q in phase_questions(phase)]


@dataclass
class Row:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    values: dict
    content_hash: str
    imported_at: object = None  # when the same row was imported before


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    sheet: object = None

    @property
    def repeated(self) -> list[Row]:
        return [row for row in self.rows if row.imported_at]


def row_hash(values: dict) -> str:
    """The same answers give the same hash, whatever the file's encoding, separator or format."""
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_rows(phase, content: bytes) -> Checked:
    """Every row read and checked; nothing stored."""
    columns = template_columns(phase)
    checked = Checked()
    try:
        sheet = read_sheet(content, set(columns))
    except SheetError as error:
        checked.problems.append((error.line, str(error)))
        return checked
    checked.sheet = sheet
    unknown = [name or "?" for name in sheet.header if name not in columns]
    repeated = sorted({name for name in sheet.header if sheet.header.count(name) > 1})
    if unknown:
        checked.problems.append((1, _("Colonnes inconnues : %(names)s.",
                                      names=", ".join(unknown[:20]))))
    if repeated:
        checked.problems.append((1, _("Colonnes en double : %(names)s.",
                                      names=", ".join(repeated))))
    if checked.problems:
        return checked
    questions = entry_questions(phase)
    labels = {question.name: question.label for question in questions}
    for number, cells in sheet.rows:
        if len(cells) > len(sheet.header):
            checked.problems.append((number, _("Trop de valeurs sur cette ligne.")))
            continue
        data = dict(zip(sheet.header, cells + [""] * (len(sheet.header) - len(cells)),
                        strict=True))
        if not any(value.strip() for value in data.values()):
            continue
        values, errors = read_entry(phase, data, questions)
        checked.problems += [(number, f"{labels.get(name, name)} : {message}")
                             for name, message in errors.items()]
        checked.rows.append(Row(number, values, row_hash(values)))
    if not checked.rows and not checked.problems:
        checked.problems.append((2, _("Aucune ligne à importer.")))
    if not checked.problems:
        _mark_repeated(phase, checked.rows)
    return checked


def _mark_repeated(phase, rows: list[Row]) -> None:
    seen: dict[str, object] = {}
    for chunk in chunks(sorted({row.content_hash for row in rows}), 900):
        for content_hash, when in db.session.execute(
                sa.select(ImportedRow.content_hash, sa.func.min(ImportedRow.created_at))
                .where(ImportedRow.phase_id == phase.id, ImportedRow.content_hash.in_(chunk))
                .group_by(ImportedRow.content_hash)):
            seen[content_hash] = when
    for row in rows:
        row.imported_at = seen.get(row.content_hash)


def answers_in_words(phase, values: dict) -> list[tuple[str, str]]:
    """(question, answer as shown) for the preview: labels, not codes."""
    shown = []
    for question in phase_questions(phase) + profile_questions():
        value = values.get(question.name)
        if not value:
            continue
        options = dict(question.options)
        if question.kind == "multi":
            text = "; ".join(str(options.get(item, item)) for item in value)
        else:
            text = str(options.get(value, value))
        label = f"{question.group} — {question.label}" if question.group else question.label
        shown.append((label, text))
    return shown


def _page(phase, problems=(), status=200):
    problems = list(problems)
    return render_template(
        "workspace/import_csv.html", phase=phase, consultation=phase.consultation,
        problems=problems[:MAX_ERRORS_SHOWN], more=max(0, len(problems) - MAX_ERRORS_SHOWN),
        questions=[channel_question(), *profile_questions(), *phase_questions(phase)],
        limit=size_in_words(UPLOAD_LIMIT)), status


@bp.get("/animation/etapes/<int:phase_id>/import/modele.csv")
@require_role(*MANAGERS)
def import_template(phase_id: int):
    phase = authorized(Phase, phase_id)
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerow(template_columns(phase))
    name = f"{phase.consultation.slug}-{phase.kind}-modele.csv"
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/animation/etapes/<int:phase_id>/import", methods=["GET", "POST"])
@require_role(*MANAGERS)
@upload_limit(UPLOAD_LIMIT)
def import_csv(phase_id: int):
    phase = authorized(Phase, phase_id)
    if request.method == "GET":
        return _page(phase)
    try:
        upload = pending.read_upload(UPLOAD_LIMIT)
    except pending.TooLarge:
        return _page(phase, [(0, _("Ce fichier est trop gros : la limite est de %(size)s.",
                                   size=size_in_words(UPLOAD_LIMIT)))], 413)
    if upload is None:
        return _page(phase, [(0, _("Choisissez un fichier CSV ou .xlsx."))], 422)
    content, filename = upload
    checked = check_rows(phase, content)
    if checked.problems:
        return _page(phase, checked.problems, 422)
    token = pending.keep(content, filename, current_facilitator(), phase.id)
    return redirect(url_for("workspace.import_preview", phase_id=phase.id, token=token),
                    code=303)


@bp.route("/animation/etapes/<int:phase_id>/import/<token>", methods=["GET", "POST"])
@require_role(*MANAGERS)
def import_preview(phase_id: int, token: str):
    phase = authorized(Phase, phase_id)
    upload = pending.find(token, current_facilitator(), phase.id)
    if request.method == "POST" and request.form.get("action") == "cancel":
        pending.discard(upload)
        flash(_("Import annulé : rien n’a été enregistré."), "success")
        return redirect(url_for("workspace.import_csv", phase_id=phase.id), code=303)
    checked = check_rows(phase, upload.content)
    if checked.problems:  # the phase's questions changed since the upload
        pending.discard(upload)
        return _page(phase, checked.problems, 422)
    if request.method == "POST":
        return _confirm(phase, upload, checked, request.form.get("repeated") == "import")
    return render_template("workspace/import_preview.html", phase=phase,
                           consultation=phase.consultation, upload=upload, checked=checked,
                           shown=checked.rows[:PREVIEW_ROWS], in_words=answers_in_words,
                           channel_labels=CHANNEL_LABELS)


def _confirm(phase, upload, checked: Checked, import_repeated: bool):
    rows = [row for row in checked.rows if import_repeated or not row.imported_at]
    facilitator = current_facilitator()
    if not pending.claim(upload):  # a second click on "import": the first one did it
        db.session.rollback()
        return redirect(url_for("workspace.import_csv", phase_id=phase.id), code=303)
    questions = entry_questions(phase)
    for row in rows:  # one transaction: all rows or none
        participant = save_entry(phase, row.values, facilitator, questions)
        db.session.add(ImportedRow(phase_id=phase.id, participant_id=participant.id,
                                   content_hash=row.content_hash))
    record(facilitator, "import_csv", f"{phase.consultation.slug}/{phase.kind} ({len(rows)})")
    db.session.commit()
    skipped = len(checked.rows) - len(rows)
    message = ngettext("%(num)s ligne importée.", "%(num)s lignes importées.", len(rows))
    if skipped:
        message += " " + ngettext("%(num)s ligne déjà importée avant a été laissée de côté.",
                                  "%(num)s lignes déjà importées avant ont été laissées de côté.",
                                  skipped)
    flash(message, "success")
    return redirect(url_for("workspace.import_csv", phase_id=phase.id), code=303)
