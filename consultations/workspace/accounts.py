"""Accounts in the workspace: an admin invites, changes roles, disables and removes; a person
chooses a password through a one-time link (invitation or reset) and resets a forgotten one.
Every change goes to the audit log."""

import secrets
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db, limiter
from app.mail import email_configured, latest_email, queue_email
from consultations.models import utcnow
from consultations.workspace import bp
from consultations.workspace.audit import record
from consultations.workspace.auth import (
    ADMINS,
    current_facilitator,
    end_all_sessions,
    new_password_problem,
    require_role,
    set_password,
    start_session,
    token_hash,
)
from consultations.workspace.models import ROLES, AccountLink, Facilitator

LINK_VALIDITY = {"invite": timedelta(hours=72), "reset": timedelta(hours=2)}
ROLE_LABELS = {"admin": _l("Administration"), "facilitator": _l("Animation"),
               "moderator": _l("Modération")}
STATE_LABELS = {"active": _l("Actif"), "invited": _l("Invité"), "disabled": _l("Désactivé")}
MAIL_LABELS = {"queued": _l("en attente d’envoi"), "sent": _l("parti"),
               "failed": _l("pas parti : transmettez le lien vous-même"),
               "not_configured": _l("aucun serveur de courriel")}
EMAIL_MAX = 254


def accounts_url() -> str:
    return url_for("workspace.accounts")


def issue_link(user: Facilitator, purpose: str) -> str:
    """A new one-time link for this account; earlier unused links stop working."""
    now = utcnow()
    for old in db.session.execute(db.select(AccountLink).filter_by(
            facilitator_id=user.id, used_at=None)).scalars():
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(AccountLink(token_hash=token_hash(token), facilitator_id=user.id,
                               purpose=purpose, expires_at=now + LINK_VALIDITY[purpose]))
    return url_for("workspace.account_link", token=token, _external=True)


def _message(purpose: str, link: str) -> tuple[str, str]:
    """Subject and body, in French then English: the person's language is not known yet."""
    parts, subjects = [], []
    for lang in ("fr", "en"):
        with force_locale(lang):
            if purpose == "invite":
                subjects.append(_("Invitation à l’espace d’animation de Parlons IA"))
                parts.append(_("Vous êtes invité à l’espace d’animation de Parlons IA. "
                               "Choisissez votre mot de passe avec ce lien (valable 72 heures, "
                               "une seule fois) :\n\n%(link)s", link=link))
            else:
                subjects.append(_("Nouveau mot de passe pour Parlons IA"))
                parts.append(_("Pour choisir un nouveau mot de passe, ouvrez ce lien (valable "
                               "2 heures, une seule fois) :\n\n%(link)s\n\nSi vous n’avez rien "
                               "demandé, ignorez ce message.", link=link))
    return " / ".join(subjects), "\n\n---\n\n".join(parts)


def mail_link(user: Facilitator, purpose: str, link: str) -> str:
    """Queue the link by e-mail; how it went (see `mail_state`). The link is shown on screen
    in any case."""
    subject, body = _message(purpose, link)
    return mail_state(queue_email(user.email, subject, body, about=f"account:{user.id}"))


def mail_state(job) -> str:
    """'not_configured', 'queued' (the worker has not sent it yet), 'sent' or 'failed'."""
    if job is None:
        return "not_configured"
    if job.active:
        return "queued"
    return "sent" if job.status == "done" and job.message == "sent" else "failed"


def mail_states(accounts: list[Facilitator]) -> dict[int, str]:
    """How the latest e-mail to each invited account went, for the list."""
    return {account.id: mail_state(job) for account in accounts
            if account.state == "invited" and (job := latest_email(f"account:{account.id}"))}


# The admin's page ---------------------------------------------------------------------------------

def all_accounts() -> list[Facilitator]:
    return db.session.execute(db.select(Facilitator).order_by(Facilitator.email)).scalars().all()


def accounts_page(error: str = "", email: str = "", role: str = "facilitator", shown=None,
                  status: int = 200):
    accounts = all_accounts()
    return render_template("workspace/accounts.html", accounts=accounts, error=error,
                           email=email, role=role, roles=ROLE_LABELS, states=STATE_LABELS,
                           shown=shown, mail_ready=email_configured(),
                           mail=mail_states(accounts), mail_labels=MAIL_LABELS), status


def invite_problem(email: str, role: str) -> str:
    if role not in ROLES:
        return _("Choisissez un rôle.")
    if "@" not in email or len(email) > EMAIL_MAX or any(ch.isspace() for ch in email):
        return _("Donnez une adresse courriel, par exemple nom@organisme.ca.")
    if db.session.execute(db.select(Facilitator.id).filter_by(email=email)).first():
        return _("Un compte a déjà ce courriel.")
    return ""


@bp.route("/animation/comptes", methods=["GET", "POST"])
@require_role(*ADMINS)
def accounts():
    if request.method == "GET":
        return accounts_page()
    email = (request.form.get("email") or "").strip().lower()
    role = request.form.get("role") or ""
    error = invite_problem(email, role)
    if error:
        return accounts_page(error, email, role, status=422)
    user = Facilitator(email=email, role=role)
    db.session.add(user)
    db.session.flush()
    link = issue_link(user, "invite")
    record(current_facilitator(), "invite", f"{email} ({role})")
    db.session.commit()
    # Shown once on this page (never stored in clear): the admin can pass it on by hand.
    return accounts_page(shown={"user": user, "link": link, "purpose": "invite",
                                "mail": mail_link(user, "invite", link)})


def last_admin(user: Facilitator) -> bool:
    others = db.session.execute(db.select(db.func.count()).select_from(Facilitator).where(
        Facilitator.role == "admin", Facilitator.disabled_at.is_(None),
        Facilitator.id != user.id)).scalar_one()
    return user.role == "admin" and others == 0


@bp.post("/animation/comptes/<int:account_id>")
@require_role(*ADMINS)
def account_action(account_id: int):
    user = db.session.get(Facilitator, account_id)
    if user is None:
        abort(404)
    me = current_facilitator()
    action = request.form.get("action")
    if action not in ("role", "disable", "enable", "remove", "link"):
        abort(400)
    if action in ("role", "disable", "remove") and (user.id == me.id or last_admin(user)):
        flash(_("Vous ne pouvez pas faire cela à votre propre compte ni au dernier compte "
                "administrateur."), "warning")
        return redirect(accounts_url(), code=303)
    email = user.email
    if action == "role":
        role = request.form.get("role")
        if role not in ROLES:
            abort(400)
        user.role = role
        record(me, "change_role", f"{email} ({role})")
        message = _("Rôle changé.")
    elif action == "disable":
        user.disabled_at = utcnow()
        end_all_sessions(user)
        record(me, "disable_account", email)
        message = _("Compte désactivé : ses sessions sont fermées.")
    elif action == "enable":
        user.disabled_at = None
        record(me, "enable_account", email)
        message = _("Compte réactivé.")
    elif action == "remove":
        db.session.delete(user)
        record(me, "remove_account", email)
        message = _("Compte supprimé.")
    else:
        purpose = "reset" if user.password_hash else "invite"
        link = issue_link(user, purpose)
        record(me, f"link_{purpose}", email)
        db.session.commit()
        return accounts_page(shown={"user": user, "link": link, "purpose": purpose,
                                    "mail": mail_link(user, purpose, link)})
    db.session.commit()
    flash(message, "success")
    return redirect(accounts_url(), code=303)


# The one-time link ------------------------------------------------------------------------------

def valid_link(token: str) -> AccountLink | None:
    found = db.session.get(AccountLink, token_hash(token))
    if found is None or found.used_at is not None or found.expires_at <= utcnow() \
            or found.facilitator.disabled_at is not None:
        return None
    return found


@bp.route("/animation/lien/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def account_link(token: str):
    link = valid_link(token)
    if link is None:
        return render_template("workspace/link_expired.html"), 404
    error = ""
    if request.method == "POST":
        error = new_password_problem(request.form.get("new", ""), request.form.get("confirm", ""))
        if not error:
            user = link.facilitator
            set_password(user, request.form["new"])
            link.used_at = utcnow()
            record(user, "accept_invite" if link.purpose == "invite" else "reset_password")
            start_session(user)
            db.session.commit()
            flash(_("Mot de passe enregistré. Bienvenue dans l’espace d’animation."), "success")
            return redirect(url_for("workspace.index"), code=303)
    return render_template("workspace/link.html", link=link, error=error), \
        (422 if error else 200)


@bp.route("/animation/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"])
def forgot_password():
    """The same answer whether the account exists or not: no account enumeration."""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()[:EMAIL_MAX]
        user = db.session.execute(db.select(Facilitator).filter_by(
            email=email)).scalar_one_or_none()
        if user is not None and user.state == "active" and email_configured():
            link = issue_link(user, "reset")
            record(user, "reset_requested", email, actor="anonymous")
            db.session.commit()
            mail_link(user, "reset", link)
        flash(_("Si un compte actif a ce courriel, un lien pour choisir un nouveau mot de passe "
                "vient de lui être envoyé. Rien reçu ? Demandez un lien à une personne "
                "administratrice."), "success")
        return redirect(url_for("workspace.forgot_password"), code=303)
    return render_template("workspace/forgot.html")
