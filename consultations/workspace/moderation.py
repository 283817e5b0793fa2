"""Moderation: the queue of new and reported contributions, hide with a reason, restore;
participants' reports; the audit log."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.database import bounded_int
from app.extensions import db, limiter
from app.i18n import safe_next
from consultations.models import utcnow
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import ADMINS, MODERATORS, current_facilitator, require_role
from consultations.workspace.kinds import KINDS, TEXT_KINDS, phase_of, text_of
from consultations.workspace.models import AuditEntry, ContributionReport, ModerationReview

QUEUE_SIZE = 50


def contribution_or_404(kind: str, contribution_id: int):
    if kind not in TEXT_KINDS:
        abort(404)
    found = db.session.get(KINDS[kind].model, contribution_id)
    if found is None:
        abort(404)
    return found


def open_reports() -> dict:
    reports = db.session.execute(db.select(ContributionReport).filter_by(handled_at=None)
                                 .order_by(ContributionReport.created_at)).scalars()
    grouped: dict = {}
    for report in reports:
        grouped.setdefault((report.kind, report.contribution_id), []).append(report)
    return grouped


def unreviewed(kind: str, limit: int) -> list:
    model = KINDS[kind].model
    reviewed = db.select(ModerationReview.contribution_id).where(ModerationReview.kind == kind)
    query = (db.select(model).where(model.id.not_in(reviewed), model.moderation == "visible")
             .order_by(model.created_at).limit(limit))
    return [item for item in db.session.execute(query).scalars() if text_of(kind, item)]


def queue_item(kind: str, item, reports=()) -> dict:
    return {"kind": kind, "item": item, "text": text_of(kind, item),
            "phase": phase_of(kind, item), "reports": list(reports)}


@bp.get("/animation/moderation")
@require_role(*MODERATORS)
def moderation_queue():
    reported = []
    for (kind, contribution_id), reports in open_reports().items():
        item = db.session.get(KINDS[kind].model, contribution_id)
        if item is not None:
            reported.append(queue_item(kind, item, reports))
    fresh = [queue_item(kind, item) for kind in TEXT_KINDS
             for item in unreviewed(kind, QUEUE_SIZE)][:QUEUE_SIZE]
    hidden = [queue_item(kind, item) for kind in TEXT_KINDS for item in db.session.execute(
        db.select(KINDS[kind].model).filter_by(moderation="hidden").limit(QUEUE_SIZE)).scalars()]
    return render_template("workspace/moderation.html", reported=reported, fresh=fresh,
                           hidden=hidden)


def settle(kind: str, contribution_id: int) -> None:
    """Reports handled, and the contribution leaves the queue of new ones."""
    for report in db.session.execute(db.select(ContributionReport).filter_by(
            kind=kind, contribution_id=contribution_id, handled_at=None)).scalars():
        report.handled_at = utcnow()
    if not db.session.execute(db.select(ModerationReview.id).filter_by(
            kind=kind, contribution_id=contribution_id)).first():
        db.session.add(ModerationReview(kind=kind, contribution_id=contribution_id))


@bp.post("/animation/moderation/<kind>/<int:contribution_id>")
@require_role(*MODERATORS)
def moderate(kind: str, contribution_id: int):
    item = contribution_or_404(kind, contribution_id)
    decision = request.form.get("decision")
    if decision == "hide":
        reason = (request.form.get("reason") or "").strip()[:300]
        if not reason:
            flash(_("Donnez la raison : la personne la verra dans « Mes contributions »."),
                  "warning")
            return redirect(url_for("workspace.moderation_queue"), code=303)
        item.moderation, item.hidden_reason = "hidden", reason
        message = _("Contribution masquée.")
    elif decision == "restore":
        item.moderation, item.hidden_reason = "visible", None
        message = _("Contribution rétablie.")
    elif decision == "keep":
        message = _("Contribution gardée visible.")
    else:
        abort(400)
    settle(kind, contribution_id)
    record(current_facilitator(), f"moderation_{decision}", f"{kind}-{contribution_id}")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("workspace.moderation_queue"), code=303)


@bp.post("/signaler/<kind>/<int:contribution_id>")
@limiter.limit("10/hour")
def report_contribution(kind: str, contribution_id: int):
    """Public: anyone may flag a visible contribution for the moderators (CSRF-protected)."""
    item = contribution_or_404(kind, contribution_id)
    if item.moderation != "visible":
        abort(404)
    reason = (request.form.get("reason") or "").strip()[:300] or None
    db.session.add(ContributionReport(kind=kind, contribution_id=contribution_id, reason=reason))
    db.session.commit()
    flash(_("Merci. L’équipe de modération va regarder cette contribution."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("consultations.index")), code=303)


@bp.get("/animation/journal")
@require_role(*ADMINS)
def audit_log():
    page = bounded_int(request.args, "page", 1)
    entries = db.paginate(db.select(AuditEntry).order_by(AuditEntry.id.desc()), page=page,
                          per_page=100, error_out=False)
    return render_template("workspace/audit.html", entries=entries)
