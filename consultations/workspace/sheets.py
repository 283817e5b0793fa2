"""Entered sheets: what a facilitator typed from a workshop, a call or a paper form, listed by
entry session (the workshop, its date, its channel), corrected or deleted. One sheet is one
person met offline (an EntrySession row); its contributions are the phase's own kind."""

from dataclasses import dataclass, field
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.contributions import KINDS, recorded_in
from consultations.models import Participant, Phase
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.entry import entry_context
from consultations.workspace.forget import delete_contribution
from consultations.workspace.models import EntrySession, Facilitator
from consultations.workspace.queries import entry_sessions
from consultations.workspace.questionnaire import entered_values, read_entry, update_entry
from consultations.workspace.team import authorized


@dataclass
class Sheet:
    entry: EntrySession
    contributions: list
    entered_by: str = ""


@dataclass
class Session:
    """Sheets typed for one workshop, call session or batch of paper forms."""

    channel: str
    name: str
    day: date | None
    sheets: list[Sheet] = field(default_factory=list)


def phase_sheets(phase, participant_id: int | None = None) -> dict[int, list]:
    """{participant id: their contributions in the phase}, for people entered by the team."""
    kind = recorded_in(phase)
    query = (kind.in_phases([phase.id])
             .where(kind.model.participant_id.in_(db.select(EntrySession.participant_id)))
             .order_by(kind.model.participant_id, kind.model.id))
    if participant_id is not None:
        query = query.where(kind.model.participant_id == participant_id)
    found: dict[int, list] = {}
    for item in db.session.execute(query).scalars():
        found.setdefault(item.participant_id, []).append(item)
    return found


def sessions_of(phase) -> list[Session]:
    """The phase's sheets grouped by entry session, the latest session first."""
    contributions = phase_sheets(phase)
    entries = entry_sessions(list(contributions)).values()
    emails = dict(db.session.execute(db.select(Facilitator.id, Facilitator.email).where(
        Facilitator.id.in_({entry.entered_by_id for entry in entries}))).all())
    sessions: dict[tuple, Session] = {}
    for entry in sorted(entries, key=lambda entry: entry.participant_id):
        key = (entry.channel, entry.session_name, entry.session_date)
        session = sessions.setdefault(key, Session(*key))
        session.sheets.append(Sheet(entry, contributions[entry.participant_id],
                                    emails.get(entry.entered_by_id, "")))
    return sorted(sessions.values(), key=lambda s: (s.day or date.min, s.name), reverse=True)


def sheet_or_404(phase, participant_id: int) -> Sheet:
    """The sheet, if it was entered in this phase (its consultation was checked already)."""
    entry = db.session.get(EntrySession, participant_id)
    contributions = phase_sheets(phase, participant_id).get(participant_id) if entry else None
    if not contributions:
        abort(404)
    return Sheet(entry, contributions)


def delete_contributions(sheet: Sheet) -> None:
    """The sheet's contributions in the phase; the person (profile, session) with the last."""
    participant_id = sheet.entry.participant_id
    for item in sheet.contributions:
        delete_contribution(item)
    db.session.flush()
    if not any(db.session.execute(db.select(kind.model.id).filter_by(
            participant_id=participant_id).limit(1)).first() for kind in KINDS.values()):
        db.session.delete(db.session.get(Participant, participant_id))


def sheets_url(phase) -> str:
    return url_for("workspace.entered_sheets", phase_id=phase.id)


def audit_target(phase, entry) -> str:
    return f"{phase.consultation.slug}/{phase.kind} #{entry.participant_id}"


@bp.get("/animation/etapes/<int:phase_id>/fiches")
@require_role(*MANAGERS)
def entered_sheets(phase_id: int):
    phase = authorized(Phase, phase_id)
    return render_template("workspace/sheets.html", phase=phase, consultation=phase.consultation,
                           sessions=sessions_of(phase), kind=recorded_in(phase))


@bp.route("/animation/etapes/<int:phase_id>/fiches/<int:participant_id>",
          methods=["GET", "POST"])
@require_role(*MANAGERS)
def edit_sheet(phase_id: int, participant_id: int):
    phase = authorized(Phase, phase_id)
    sheet = sheet_or_404(phase, participant_id)
    if request.method == "POST":
        values, errors = read_entry(phase, request.form)
        if errors:
            return render_template("workspace/entry.html", sheet=sheet.entry,
                                   **entry_context(phase, request.form, errors)), 422
        update_entry(phase, sheet.entry, sheet.contributions, values)
        record(current_facilitator(), "edit_sheet", audit_target(phase, sheet.entry))
        db.session.commit()
        flash(_("La fiche n° %(number)s est corrigée.", number=participant_id), "success")
        return redirect(sheets_url(phase), code=303)
    return render_template("workspace/entry.html", sheet=sheet.entry, **entry_context(
        phase, entered_values(phase, sheet.entry, sheet.contributions)))


@bp.route("/animation/etapes/<int:phase_id>/fiches/<int:participant_id>/supprimer",
          methods=["GET", "POST"])
@require_role(*MANAGERS)
def delete_sheet(phase_id: int, participant_id: int):
    """Asks first (GET), then deletes the sheet's contributions in this phase."""
    phase = authorized(Phase, phase_id)
    sheet = sheet_or_404(phase, participant_id)
    if request.method == "GET":
        return render_template("workspace/sheet_delete.html", phase=phase,
                               consultation=phase.consultation, sheet=sheet,
                               kind=recorded_in(phase))
    record(current_facilitator(), "delete_sheet", audit_target(phase, sheet.entry))
    delete_contributions(sheet)
    db.session.commit()
    flash(_("La fiche n° %(number)s est supprimée.", number=participant_id), "success")
    return redirect(sheets_url(phase), code=303)
