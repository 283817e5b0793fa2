"""In-person, phone and paper input: the fast entry form and the paper questionnaire
(the spreadsheet import is entry_import.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.labels import CHANNELS as CHANNEL_LABELS
from consultations.models import Phase
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.questionnaire import (
    OFFLINE_CHANNELS,
    phase_questions,
    profile_questions,
    read_entry,
    save_entry,
)
from consultations.workspace.team import authorized


def entry_context(phase, values=None, errors=None, saved=0):
    return {"phase": phase, "consultation": phase.consultation, "values": values or {},
            "errors": errors or {}, "questions": phase_questions(phase),
            "profile": profile_questions(), "channels": OFFLINE_CHANNELS,
            "channel_labels": CHANNEL_LABELS, "saved": saved}


@bp.route("/animation/etapes/<int:phase_id>/saisie", methods=["GET", "POST"])
@require_role(*MANAGERS)
def entry(phase_id: int):
    phase = authorized(Phase, phase_id)
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


@bp.get("/animation/etapes/<int:phase_id>/questionnaire")
@require_role(*MANAGERS)
def paper(phase_id: int):
    phase = authorized(Phase, phase_id)
    return render_template("workspace/paper.html", phase=phase, consultation=phase.consultation,
                           questions=phase_questions(phase), profile=profile_questions())
