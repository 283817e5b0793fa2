"""Facilitator accounts: login, logout, password change, and the role check on every page."""

from datetime import timedelta
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db, limiter
from app.i18n import safe_next
from consultations.models import utcnow
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.models import ROLES, Facilitator

SESSION_ID = "facilitator_id"
SESSION_VERSION = "facilitator_version"
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 12
MANAGERS = ("admin", "facilitator")
MODERATORS = ("admin", "facilitator", "moderator")
ADMINS = ("admin",)
# A hash to check against when the email is unknown, so timing does not tell accounts apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def current_facilitator() -> Facilitator | None:
    if "facilitator" in g:
        return g.facilitator
    user = None
    user_id = session.get(SESSION_ID)
    if isinstance(user_id, int):
        user = db.session.get(Facilitator, user_id)
        if user is not None and user.session_version != session.get(SESSION_VERSION):
            user = None  # the password changed since this session began
    g.facilitator = user
    return user


def require_role(*roles: str):
    """Anonymous: to the login page (back here afterwards). Logged in without the role: 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_facilitator()
            if user is None:
                here = request.full_path if request.query_string else request.path
                return redirect(url_for("workspace.login", next=here))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.workspace_roles = roles
        return wrapped
    return decorator


def start_session(user: Facilitator) -> None:
    session.pop(SESSION_ID, None)
    session[SESSION_ID] = user.id
    session[SESSION_VERSION] = user.session_version
    g.facilitator = user


def authenticate(email: str, password: str) -> tuple[Facilitator | None, str]:
    """The account, or None with a message that does not reveal whether the email exists."""
    refused = _("Courriel ou mot de passe incorrect.")
    user = db.session.execute(
        db.select(Facilitator).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None, refused
    if user.locked_until and user.locked_until > utcnow():
        return None, _("Trop d’essais. Attendez quelques minutes, puis essayez de nouveau.")
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = utcnow() + LOCKOUT
            user.failed_logins = 0
        db.session.commit()
        return None, refused
    user.failed_logins = 0
    user.locked_until = None
    return user, ""


@bp.route("/animation/connexion", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"])
def login():
    target = safe_next(request.values.get("next"), url_for("workspace.index"))
    error = ""
    if request.method == "POST":
        user, error = authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if user is not None:
            start_session(user)
            record(user, "login")
            db.session.commit()
            return redirect(target, code=303)
    return render_template("workspace/login.html", next=target, error=error,
                           email=request.form.get("email", "")), (401 if error else 200)


@bp.post("/animation/deconnexion")
def logout():
    session.pop(SESSION_ID, None)
    session.pop(SESSION_VERSION, None)
    flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("workspace.login"), code=303)


def password_problem(current: str, new: str, confirm: str, user: Facilitator) -> str:
    if not check_password_hash(user.password_hash, current):
        return _("Le mot de passe actuel n’est pas le bon.")
    if len(new) < MIN_PASSWORD:
        return _("Le nouveau mot de passe doit avoir au moins %(n)s caractères.", n=MIN_PASSWORD)
    if new != confirm:
        return _("Les deux nouveaux mots de passe ne sont pas identiques.")
    return ""


@bp.route("/animation/mot-de-passe", methods=["GET", "POST"])
@require_role(*ROLES)
def change_password():
    user = current_facilitator()
    error = ""
    if request.method == "POST":
        form = request.form
        error = password_problem(form.get("current", ""), form.get("new", ""),
                                 form.get("confirm", ""), user)
        if not error:
            user.password_hash = hash_password(form["new"])
            user.session_version += 1  # every other session ends
            record(user, "change_password")
            db.session.commit()
            start_session(user)
            flash(_("Mot de passe changé. Vos autres sessions sont fermées."), "success")
            return redirect(url_for("workspace.index"), code=303)
    return render_template("workspace/password.html", error=error), (422 if error else 200)


def create_facilitator(email: str, password: str, role: str) -> Facilitator:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    user = Facilitator(email=email.strip().lower(), password_hash=hash_password(password),
                       role=role)
    db.session.add(user)
    record(None, "create_facilitator", f"{user.email} ({role})")
    db.session.commit()
    return user
