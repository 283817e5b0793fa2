"""In-person, phone and paper input: the fast entry form, CSV import, paper questionnaire."""

import csv
import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.models import Phase
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.manage import get_or_404
from consultations.workspace.questionnaire import (
    CHANNEL_LABELS,
    OFFLINE_CHANNELS,
    common_columns,
    phase_questions,
    profile_questions,
    read_entry,
    save_entry,
)

UPLOAD_LIMIT = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 200


def entry_context(phase, values=None, errors=None, saved=0):
    return {"phase": phase, "consultation": phase.consultation, "values": values or {},
            "errors": errors or {}, "questions": phase_questions(phase),
            "profile": profile_questions(), "channels": OFFLINE_CHANNELS,
            "channel_labels": CHANNEL_LABELS, "saved": saved}


@bp.route("/animation/etapes/<int:phase_id>/saisie", methods=["GET", "POST"])
@require_role(*MANAGERS)
def entry(phase_id: int):
    phase = get_or_404(Phase, phase_id)
    if request.method == "POST":
        values, errors = read_entry(phase, request.form)
        if errors:
            return render_template("workspace/entry.html",
                                   **entry_context(phase, request.form, errors)), 422
        save_entry(phase, values, current_facilitator())
        record(current_facilitator(), "enter_contribution",
               f"{phase.consultation.slug}/{phase.kind} ({values['channel']})")
        db.session.commit()
        # The session, channel and date stay: the next sheet of the same workshop is typed next.
        keep = {name: request.form.get(name, "") for name in ("channel", "session", "date")}
        flash(_("Enregistré. Saisissez les réponses suivantes."), "success")
        return redirect(url_for("workspace.entry", phase_id=phase.id, **keep), code=303)
    return render_template("workspace/entry.html", **entry_context(phase, request.args))


def template_columns(phase) -> list[str]:
    return common_columns() + [q.name for q in phase_questions(phase)]


@bp.get("/animation/etapes/<int:phase_id>/import/modele.csv")
@require_role(*MANAGERS)
def import_template(phase_id: int):
    phase = get_or_404(Phase, phase_id)
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerow(template_columns(phase))
    name = f"{phase.consultation.slug}-{phase.kind}-modele.csv"
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def validate_rows(phase, text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """Every row checked before anything is stored: (values per row, [(line, reason)])."""
    reader = csv.DictReader(io.StringIO(text))
    known = set(template_columns(phase))
    unknown = [name for name in reader.fieldnames or [] if name not in known]
    if not reader.fieldnames:
        return [], [(1, _("Le fichier est vide."))]
    if unknown:
        return [], [(1, _("Colonnes inconnues : %(names)s.", names=", ".join(unknown)))]
    rows, problems = [], []
    for row in reader:
        if None in row:
            problems.append((reader.line_num, _("Trop de valeurs sur cette ligne.")))
            continue
        if not any((value or "").strip() for value in row.values()):
            continue
        values, errors = read_entry(phase, row)
        problems += [(reader.line_num, f"{name} : {message}") for name, message in errors.items()]
        rows.append(values)
    if not rows and not problems:
        problems.append((2, _("Aucune ligne à importer.")))
    return rows, problems


def read_upload() -> str | None:
    request.max_content_length = UPLOAD_LIMIT
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""


@bp.route("/animation/etapes/<int:phase_id>/import", methods=["GET", "POST"])
@require_role(*MANAGERS)
def import_csv(phase_id: int):
    phase = get_or_404(Phase, phase_id)
    problems: list = []
    if request.method == "POST":
        text = read_upload()
        if text is None:
            problems = [(0, _("Choisissez un fichier CSV."))]
        elif text == "":
            problems = [(0, _("Le fichier doit être en UTF-8."))]
        else:
            rows, problems = validate_rows(phase, text)
            if not problems:
                facilitator = current_facilitator()
                for values in rows:  # one transaction: all rows or none
                    save_entry(phase, values, facilitator)
                record(facilitator, "import_csv",
                       f"{phase.consultation.slug}/{phase.kind} ({len(rows)})")
                db.session.commit()
                flash(_("%(n)s lignes importées.", n=len(rows)), "success")
                return redirect(url_for("workspace.import_csv", phase_id=phase.id), code=303)
        db.session.rollback()
    return render_template("workspace/import_csv.html", phase=phase,
                           consultation=phase.consultation, problems=problems[:MAX_ERRORS_SHOWN],
                           more=max(0, len(problems) - MAX_ERRORS_SHOWN),
                           columns=template_columns(phase)), (422 if problems else 200)


@bp.get("/animation/etapes/<int:phase_id>/questionnaire")
@require_role(*MANAGERS)
def paper(phase_id: int):
    phase = get_or_404(Phase, phase_id)
    return render_template("workspace/paper.html", phase=phase, consultation=phase.consultation,
                           questions=phase_questions(phase), profile=profile_questions())
