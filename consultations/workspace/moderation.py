"""Moderation: the queue of new and reported contributions, hide with a reason, restore;
participants' reports; the audit log."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.database import bounded_int
from app.extensions import db, limiter
from app.i18n import safe_next
from chatbot.normalise import normalise_text
from consultations.contributions import KINDS, kind_of
from consultations.labels import CHANNELS
from consultations.models import Consultation, Phase, utcnow
from consultations.views.common import PUBLIC_STATUSES
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import ADMINS, MODERATORS, current_facilitator, require_role
from consultations.workspace.forms import valid_id
from consultations.workspace.models import AuditEntry, ContributionReport, ModerationReview
from consultations.workspace.team import MODERATE, require_access, visible_phase_ids

QUEUE_SIZE = 50
STATES = {"new": _l("Nouvelles"), "reported": _l("Signalées"), "hidden": _l("Masquées"),
          "kept": _l("Gardées visibles")}
DECISIONS = ("hide", "keep", "restore")
# Kinds carrying text a moderator may need to hide.
MODERATED = {key: kind for key, kind in KINDS.items() if kind.has_text}
MODELS = {kind.model for kind in KINDS.values()}


def back_to_the_queue(session, _flush_context, _instances) -> None:
    """An edit of a contribution's text after a moderator reviewed it (kept, hidden, restored)
    returns it to the queue of new ones: whatever route changed it, before it is stored."""
    for item in session.dirty:
        kind = kind_of(item) if type(item) in MODELS else None
        if kind is None or not kind.has_text or item.id is None:
            continue
        state = sa.inspect(item)
        texts = [column.key for column in state.mapper.columns if isinstance(column.type, sa.Text)]
        if any(state.attrs[name].history.has_changes() for name in texts):
            session.execute(sa.delete(ModerationReview).where(
                ModerationReview.kind == kind.key, ModerationReview.contribution_id == item.id))


sa.event.listen(db.session, "before_flush", back_to_the_queue)


def contribution_or_404(key: str, contribution_id: int):
    kind = MODERATED.get(key)
    found = db.session.get(kind.model, contribution_id) if kind else None
    if found is None:
        abort(404)
    return found


def in_state(kind, state: str):
    model = kind.model
    reviewed = sa.select(ModerationReview.contribution_id).where(ModerationReview.kind == kind.key)
    reported = sa.select(ContributionReport.contribution_id).where(
        ContributionReport.kind == kind.key, ContributionReport.handled_at.is_(None))
    return {"new": sa.and_(model.moderation == "visible", model.id.not_in(reviewed),
                           model.id.not_in(reported)),
            "reported": model.id.in_(reported),
            "hidden": model.moderation == "hidden",
            "kept": sa.and_(model.moderation == "visible", model.id.in_(reviewed),
                            model.id.not_in(reported))}[state]


class Queue:
    """What one moderator sees: their consultations, narrowed by phase, channel and state."""

    def __init__(self, args, user):
        self.phases = db.session.execute(
            sa.select(Phase).where(Phase.id.in_(visible_phase_ids(user)))
            .join(Consultation).order_by(Consultation.created_at.desc(), Phase.order)
        ).scalars().all()
        phase_ids = {phase.id for phase in self.phases}
        self.phase = bounded_int(args, "phase")
        self.phase = self.phase if self.phase in phase_ids else None
        self.channel = args.get("channel") if args.get("channel") in CHANNELS else None
        self.state = args.get("state") if args.get("state") in STATES else "new"
        self.allowed = sorted(phase_ids)

    def filters(self, **change) -> dict:
        found = {"state": self.state, "phase": self.phase, "channel": self.channel, **change}
        return {name: value for name, value in found.items() if value}

    def select(self, kind, state: str, *columns):
        query = kind.select(*(columns or (kind.model,))).where(
            kind.phase_id.in_([self.phase] if self.phase else self.allowed),
            kind.written(), in_state(kind, state))
        if self.channel:
            query = query.where(kind.model.channel == self.channel)
        return query

    def counts(self) -> dict[str, int]:
        return {state: sum(db.session.execute(self.select(
            kind, state, sa.func.count(kind.model.id))).scalar_one()
            for kind in MODERATED.values()) for state in STATES}

    def items(self) -> list[dict]:
        reports = open_reports() if self.state == "reported" else {}
        found = []
        for kind in MODERATED.values():
            query = (self.select(kind, self.state).options(kind.with_phase())
                     .order_by(kind.model.created_at).limit(QUEUE_SIZE))
            for item in db.session.execute(query).unique().scalars():
                found.append(queue_item(kind, item, reports.get((kind.key, item.id), ())))
        found.sort(key=lambda entry: entry["item"].created_at)
        return found[:QUEUE_SIZE]


def open_reports() -> dict:
    reports = db.session.execute(db.select(ContributionReport).filter_by(handled_at=None)
                                 .order_by(ContributionReport.created_at)).scalars()
    grouped: dict = {}
    for report in reports:
        grouped.setdefault((report.kind, report.contribution_id), []).append(report)
    return grouped


def queue_item(kind, item, reports=()) -> dict:
    return {"kind": kind, "item": item, "text": kind.text(item), "phase": kind.phase(item),
            "reports": list(reports)}


@bp.get("/animation/moderation")
@require_role(*MODERATORS)
def moderation_queue():
    queue = Queue(request.args, current_facilitator())
    return render_template("workspace/moderation.html", queue=queue, counts=queue.counts(),
                           entries=queue.items(), states=STATES, channels=CHANNELS,
                           here=request.full_path)


def settle(kind: str, contribution_id: int) -> None:
    """Reports handled, and the contribution leaves the queue of new ones."""
    for report in db.session.execute(db.select(ContributionReport).filter_by(
            kind=kind, contribution_id=contribution_id, handled_at=None)).scalars():
        report.handled_at = utcnow()
    if not db.session.execute(db.select(ModerationReview.id).filter_by(
            kind=kind, contribution_id=contribution_id)).first():
        db.session.add(ModerationReview(kind=kind, contribution_id=contribution_id))


def decide(kind: str, item, decision: str, reason: str) -> None:
    if decision == "hide":
        item.moderation, item.hidden_reason = "hidden", reason
    elif decision == "restore":
        item.moderation, item.hidden_reason = "visible", None
    settle(kind, item.id)
    record(current_facilitator(), f"moderation_{decision}", f"{kind}-{item.id}")


def back(form) -> str:
    return safe_next(form.get("next"), url_for("workspace.moderation_queue"))


def read_reason(form) -> str:
    return " ".join(normalise_text(form.get("reason") or "").split())[:300]


REASON_NEEDED = _l("Donnez la raison : la personne la verra dans « Mes contributions ».")
DONE = {"hide": _l("Contribution masquée."), "restore": _l("Contribution rétablie."),
        "keep": _l("Contribution gardée visible.")}


@bp.post("/animation/moderation/<kind>/<int:contribution_id>")
@require_role(*MODERATORS)
def moderate(kind: str, contribution_id: int):
    item = require_access(contribution_or_404(kind, contribution_id), MODERATE)
    decision, reason = request.form.get("decision"), read_reason(request.form)
    if decision not in DECISIONS:
        abort(400)
    if decision == "hide" and not reason:
        flash(str(REASON_NEEDED), "warning")
        return redirect(back(request.form), code=303)
    decide(kind, item, decision, reason)
    db.session.commit()
    flash(str(DONE[decision]), "success")
    return redirect(back(request.form), code=303)


def chosen_items(form) -> list[tuple[str, object]]:
    """The ticked contributions ("idea-12"), each one this person may moderate."""
    found = []
    for value in form.getlist("items"):
        kind, _, number = value.partition("-")
        if kind in MODERATED and valid_id(number):
            item = db.session.get(MODERATED[kind].model, int(number))
            if item is not None:
                found.append((kind, require_access(item, MODERATE)))
    return found


@bp.post("/animation/moderation/lot")
@require_role(*MODERATORS)
def moderate_many():
    """One decision (and one reason) for every ticked contribution."""
    decision, reason = request.form.get("decision"), read_reason(request.form)
    if decision not in DECISIONS:
        abort(400)
    items = chosen_items(request.form)
    if not items:
        flash(_("Cochez au moins une contribution."), "warning")
    elif decision == "hide" and not reason:
        flash(str(REASON_NEEDED), "warning")
    else:
        for kind, item in items:
            decide(kind, item, decision, reason)
        db.session.commit()
        flash(ngettext("%(num)s contribution traitée.", "%(num)s contributions traitées.",
                       len(items)), "success")
    return redirect(back(request.form), code=303)


@bp.post("/animation/moderation/<kind>/<int:contribution_id>/langue")
@require_role(*MODERATORS)
def set_language(kind: str, contribution_id: int):
    """A contribution written in another language than its page's: the team corrects it."""
    item = require_access(contribution_or_404(kind, contribution_id), MODERATE)
    language = request.form.get("language")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    item.language = language
    record(current_facilitator(), "set_language", f"{kind}-{contribution_id} {language}")
    db.session.commit()
    flash(_("Langue enregistrée."), "success")
    return redirect(back(request.form), code=303)


@bp.post("/signaler/<kind>/<int:contribution_id>")
@limiter.limit("10/hour")
def report_contribution(kind: str, contribution_id: int):
    """Public: anyone may flag a visible contribution for the moderators (CSRF-protected)."""
    item = contribution_or_404(kind, contribution_id)
    # Only what the public can see: a draft consultation's contributions answer 404, as their
    # pages do, so the form cannot tell which ids exist.
    public = KINDS[kind].phase(item).consultation.status in PUBLIC_STATUSES
    if item.moderation != "visible" or not public:
        abort(404)
    reason = normalise_text(request.form.get("reason") or "")[:300] or None
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
