"""A consultation's team: who may see, edit, moderate and export it.

Admins act on every consultation. Anyone else acts only on the consultations whose team they
are on: a team facilitator manages it (edit, entry, themes, exports, team), a team moderator
moderates it. Every workspace view that reaches a consultation asks `authorized(...)`.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from consultations.contributions import kind_of
from consultations.models import Consultation, Finding, Phase, Prompt, Scenario
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import MANAGERS, current_facilitator, require_role
from consultations.workspace.models import TEAM_ROLES, Facilitator, TeamMember, Theme

MANAGE, MODERATE = "manage", "moderate"
# What each team role may do.
ALLOWED = {"facilitator": {MANAGE, MODERATE}, "moderator": {MODERATE}}
TEAM_ROLE_LABELS = {"facilitator": _l("Animation"), "moderator": _l("Modération")}


def consultation_of(obj) -> Consultation:
    """The consultation a workspace object belongs to."""
    if isinstance(obj, Consultation):
        return obj
    if isinstance(obj, Phase):
        return obj.consultation
    if isinstance(obj, Prompt | Scenario | Finding):
        return obj.phase.consultation
    if isinstance(obj, Theme):
        return db.session.get(Phase, obj.phase_id).consultation
    if isinstance(obj, TeamMember):
        return db.session.get(Consultation, obj.consultation_id)
    return kind_of(obj).phase(obj).consultation


def team_role(user: Facilitator | None, consultation_id: int) -> str | None:
    if user is None:
        return None
    if user.role == "admin":
        return "admin"
    return db.session.execute(db.select(TeamMember.role).filter_by(
        consultation_id=consultation_id, facilitator_id=user.id)).scalar()


def may(user, consultation: Consultation, action: str = MANAGE) -> bool:
    role = team_role(user, consultation.id)
    return role == "admin" or action in ALLOWED.get(role, ())


def require_access(obj, action: str = MANAGE):
    """403 unless the logged-in person may do `action` on the object's consultation."""
    if not may(current_facilitator(), consultation_of(obj), action):
        abort(403)
    return obj


def authorized(model, object_id: int, action: str = MANAGE):
    """The object, 404 if missing, 403 if its consultation is not this person's."""
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return require_access(found, action)


def visible_consultation_ids(user: Facilitator, action: str = MODERATE):
    """A select of the consultation ids this person may act on (every one for an admin)."""
    if user.role == "admin":
        return db.select(Consultation.id)
    roles = [role for role, actions in ALLOWED.items() if action in actions]
    return db.select(TeamMember.consultation_id).where(TeamMember.facilitator_id == user.id,
                                                       TeamMember.role.in_(roles))


def visible_phase_ids(user: Facilitator, action: str = MODERATE):
    return db.select(Phase.id).where(Phase.consultation_id.in_(
        visible_consultation_ids(user, action)))


def add_member(consultation: Consultation, user: Facilitator, role: str) -> TeamMember:
    member = db.session.execute(db.select(TeamMember).filter_by(
        consultation_id=consultation.id, facilitator_id=user.id)).scalar_one_or_none()
    if member is None:
        member = TeamMember(consultation_id=consultation.id, facilitator_id=user.id, role=role)
        db.session.add(member)
    member.role = role
    return member


# The team page ----------------------------------------------------------------------------------

def team_url(consultation_id: int) -> str:
    return url_for("workspace.team", consultation_id=consultation_id)


def members_of(consultation: Consultation) -> list[TeamMember]:
    return db.session.execute(
        db.select(TeamMember).join(Facilitator).filter(
            TeamMember.consultation_id == consultation.id).order_by(Facilitator.email)
    ).scalars().all()


def member_problem(email: str, role: str) -> tuple[Facilitator | None, str]:
    if role not in TEAM_ROLES:
        return None, _("Choisissez un rôle dans l’équipe.")
    user = db.session.execute(db.select(Facilitator).filter_by(
        email=email.strip().lower())).scalar_one_or_none()
    if user is None or user.state == "disabled":
        return None, _("Aucun compte actif n’a ce courriel. Demandez à un administrateur "
                       "d’inviter cette personne.")
    if role == "facilitator" and user.role == "moderator":
        return None, _("Ce compte sert à la modération : il peut seulement modérer.")
    return user, ""


@bp.route("/animation/consultations/<int:consultation_id>/equipe", methods=["GET", "POST"])
@require_role(*MANAGERS)
def team(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    error = ""
    if request.method == "POST":
        role = request.form.get("role", "")
        user, error = member_problem(request.form.get("email", ""), role)
        if not error:
            add_member(consultation, user, role)
            record(current_facilitator(), "team_add", f"{consultation.slug}: {user.email} ({role})")
            db.session.commit()
            flash(_("%(email)s fait partie de l’équipe.", email=user.email), "success")
            return redirect(team_url(consultation.id), code=303)
    return render_template("workspace/team.html", consultation=consultation,
                           members=members_of(consultation), error=error,
                           email=request.form.get("email", ""), roles=TEAM_ROLE_LABELS), \
        (422 if error else 200)


@bp.post("/animation/equipes/<int:member_id>/retirer")
@require_role(*MANAGERS)
def remove_member(member_id: int):
    member = authorized(TeamMember, member_id)
    consultation_id = member.consultation_id
    record(current_facilitator(), "team_remove",
           f"{consultation_of(member).slug}: {member.facilitator.email}")
    db.session.delete(member)
    db.session.commit()
    flash(_("Cette personne ne fait plus partie de l’équipe."), "success")
    return redirect(team_url(consultation_id), code=303)
