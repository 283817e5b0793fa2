"""Theme pages: suggest, follow the job, accept, rename, merge, split off, reject."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.database import bounded_int
from app.errors import render_error
from app.extensions import db
from app.tasks import Job, task_name
from chatbot.normalise import normalise_text
from consultations.models import Phase
from consultations.workspace import bp
from consultations.workspace import themes as theme_tasks
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.forms import valid_id
from consultations.workspace.models import Theme, ThemeMember
from consultations.workspace.team import authorized
from consultations.workspace.themes import latest_theme_job, start_job


def themes_url(phase_id: int) -> str:
    return url_for("workspace.themes", phase_id=phase_id)


@bp.get("/animation/etapes/<int:phase_id>/themes")
@require_role(*MANAGERS)
def themes(phase_id: int):
    phase = authorized(Phase, phase_id)
    found = db.session.execute(db.select(Theme).filter_by(phase_id=phase.id)
                               .order_by(Theme.status, Theme.label)).scalars().all()
    job = latest_theme_job(phase.id)
    return render_template("workspace/themes.html", phase=phase, consultation=phase.consultation,
                           themes=found, job=job)


@bp.post("/animation/etapes/<int:phase_id>/themes/suggerer")
@require_role(*MANAGERS)
def suggest_themes(phase_id: int):
    phase = authorized(Phase, phase_id)
    record(current_facilitator(), "suggest_themes", f"{phase.consultation.slug}/{phase.kind}")
    job = start_job(phase)
    return redirect(url_for("workspace.theme_job", job_id=job.id), code=303)


@bp.get("/animation/themes/travaux/<int:job_id>")
@require_role(*MANAGERS)
def theme_job(job_id: int):
    job = db.get_or_404(Job, job_id)
    if job.name != task_name(theme_tasks.suggest_themes):
        abort(404)
    phase = authorized(Phase, job.args[0])  # the team of the job's consultation only
    return render_template("workspace/theme_job.html", job=job, phase=phase)


def theme_or_404(theme_id: int) -> Theme:
    return authorized(Theme, theme_id)


@bp.post("/animation/themes/<int:theme_id>")
@require_role(*MANAGERS)
def theme_decision(theme_id: int):
    """Accept, reject, or rename (which accepts too)."""
    theme = theme_or_404(theme_id)
    decision = request.form.get("decision")
    label = normalise_text(request.form.get("label") or "")[:120]
    if decision == "rename" and label:
        theme.label, theme.status = label, "accepted"
    elif decision in ("accepted", "rejected", "suggested"):
        theme.status = decision
    else:
        abort(400)
    record(current_facilitator(), f"theme_{decision}", theme.label)
    db.session.commit()
    flash(_("Thème « %(label)s » : c’est noté.", label=theme.label), "success")
    return redirect(themes_url(theme.phase_id), code=303)


@bp.post("/animation/themes/<int:theme_id>/fusionner")
@require_role(*MANAGERS)
def merge_theme(theme_id: int):
    theme = theme_or_404(theme_id)
    target = db.session.get(Theme, bounded_int(request.form, "into", 0) or 0)
    if target is None or target.id == theme.id or target.phase_id != theme.phase_id:
        abort(400)
    present = {(m.kind, m.contribution_id) for m in target.members}
    for member in list(theme.members):
        if (member.kind, member.contribution_id) not in present:
            target.members.append(ThemeMember(kind=member.kind,
                                              contribution_id=member.contribution_id,
                                              score=member.score, text=member.text))
    db.session.delete(theme)
    record(current_facilitator(), "theme_merge", f"{theme.label} → {target.label}")
    db.session.commit()
    flash(_("Thèmes fusionnés dans « %(label)s ».", label=target.label), "success")
    return redirect(themes_url(target.phase_id), code=303)


@bp.post("/animation/themes/<int:theme_id>/separer")
@require_role(*MANAGERS)
def split_theme(theme_id: int):
    """The ticked contributions leave this theme and form a new suggested one."""
    theme = theme_or_404(theme_id)
    ticked = request.form.getlist("members")
    if not all(valid_id(value) for value in ticked):  # "²", 5,000 digits: was a 500
        return render_error(400, _("Les contributions cochées ne sont pas reconnues. "
                                   "Rechargez la page, puis cochez-les de nouveau."))
    chosen = {int(value) for value in ticked}
    moving = [m for m in theme.members if m.id in chosen]
    if not moving or len(moving) == len(theme.members):
        flash(_("Cochez quelques contributions, pas toutes."), "warning")
        return redirect(themes_url(theme.phase_id), code=303)
    label = normalise_text(request.form.get("label") or "")[:120] or _("Nouveau thème")
    new = Theme(phase_id=theme.phase_id, label=label, status="suggested")
    for member in moving:
        theme.members.remove(member)
        new.members.append(ThemeMember(kind=member.kind, contribution_id=member.contribution_id,
                                       score=member.score, text=member.text))
    db.session.add(new)
    record(current_facilitator(), "theme_split", f"{theme.label} → {label}")
    db.session.commit()
    flash(_("Nouveau thème « %(label)s » créé.", label=label), "success")
    return redirect(themes_url(theme.phase_id), code=303)
