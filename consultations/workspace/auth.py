"""Facilitator accounts: login, logout, password change, server-side sessions, and the role
check on every page."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db, limiter
from app.i18n import safe_next
from consultations.models import utcnow
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.models import ROLES, Facilitator, WorkspaceSession

SESSION_TOKEN = "workspace_session"
MIN_PASSWORD = 12
MANAGERS = ("admin", "facilitator")
MODERATORS = ("admin", "facilitator", "moderator")
ADMINS = ("admin",)
# Wrong passwords from one client for one account: past this, that pair waits. Another client
# (the real person, elsewhere) can still log in, and an unknown email gets the same answer.
LOGIN_FAILURES = "5 per 5 minutes"
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)
# A hash to check against when the email is unknown, so timing does not tell accounts apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Sessions -------------------------------------------------------------------------------------

def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["WORKSPACE_SESSION_IDLE_MINUTES"])


def _session_record() -> WorkspaceSession | None:
    token = session.get(SESSION_TOKEN)
    if not isinstance(token, str) or not token:
        return None
    return db.session.get(WorkspaceSession, token_hash(token))


def current_facilitator() -> Facilitator | None:
    if "facilitator" in g:
        return g.facilitator
    user = None
    found = _session_record()
    if found is not None:
        now = utcnow()
        candidate = db.session.get(Facilitator, found.facilitator_id)
        if now - found.last_seen_at > idle_limit() or candidate is None \
                or candidate.state != "active":
            db.session.delete(found)
            db.session.commit()
        else:
            user = candidate
            if now - found.last_seen_at > TOUCH_EVERY:
                found.last_seen_at = now
                db.session.commit()
    g.facilitator = user
    return user


def start_session(user: Facilitator) -> None:
    """A new token for this browser (a fresh one at every login: no session fixation)."""
    end_session()
    token = secrets.token_urlsafe(32)
    db.session.add(WorkspaceSession(token_hash=token_hash(token), facilitator_id=user.id))
    session[SESSION_TOKEN] = token
    g.facilitator = user


def end_session() -> None:
    found = _session_record()
    if found is not None:
        db.session.delete(found)
    session.pop(SESSION_TOKEN, None)
    g.pop("facilitator", None)


def end_all_sessions(user: Facilitator) -> None:
    """Every browser of this account is logged out (password change, disabled, removed)."""
    db.session.execute(db.delete(WorkspaceSession).where(
        WorkspaceSession.facilitator_id == user.id))


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
        return wrapped
    return decorator


# Login ----------------------------------------------------------------------------------------

def _throttle():
    """Counts in the rate-limit storage (memory or Redis), apart from RATELIMIT_ENABLED: this
    is a defence of accounts, not traffic shaping."""
    app = current_app._get_current_object()
    if "workspace.login_throttle" not in app.extensions:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions["workspace.login_throttle"] = (MovingWindowRateLimiter(storage),
                                                      parse(LOGIN_FAILURES))
    return app.extensions["workspace.login_throttle"]


def _throttle_key(email: str) -> str:
    """The client and the account together, keyed with the secret: neither is kept in clear."""
    secret = current_app.config["SECRET_KEY"].encode()
    pair = f"{get_remote_address()}\n{email}".encode()
    return hmac.new(secret, pair, hashlib.sha256).hexdigest()


def authenticate(email: str, password: str) -> tuple[Facilitator | None, str]:
    """The account, or None with a message that does not reveal whether the email exists."""
    email = email.strip().lower()
    limiter_, limit = _throttle()
    key = _throttle_key(email)
    if not limiter_.test(limit, "workspace-login", key):
        return None, _("Trop d’essais. Attendez quelques minutes, puis essayez de nouveau.")
    user = db.session.execute(
        db.select(Facilitator).filter_by(email=email)).scalar_one_or_none()
    usable = user is not None and user.state == "active"
    if not check_password_hash(user.password_hash if usable else _DUMMY_HASH, password) \
            or not usable:
        limiter_.hit(limit, "workspace-login", key)
        return None, _("Courriel ou mot de passe incorrect.")
    limiter_.clear(limit, "workspace-login", key)
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
    end_session()
    db.session.commit()
    flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("workspace.login"), code=303)


def new_password_problem(new: str, confirm: str) -> str:
    if len(new) < MIN_PASSWORD:
        return _("Le nouveau mot de passe doit avoir au moins %(n)s caractères.", n=MIN_PASSWORD)
    if new != confirm:
        return _("Les deux nouveaux mots de passe ne sont pas identiques.")
    return ""


def set_password(user: Facilitator, password: str) -> None:
    """A new password ends every session of the account; the caller starts a new one."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)


@bp.route("/animation/mot-de-passe", methods=["GET", "POST"])
@require_role(*ROLES)
def change_password():
    user = current_facilitator()
    error = ""
    if request.method == "POST":
        form = request.form
        if not check_password_hash(user.password_hash, form.get("current", "")):
            error = _("Le mot de passe actuel n’est pas le bon.")
        else:
            error = new_password_problem(form.get("new", ""), form.get("confirm", ""))
        if not error:
            set_password(user, form["new"])
            record(user, "change_password")
            start_session(user)
            db.session.commit()
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
