"""Outgoing e-mail, sent by the background worker: settings from the environment (see README).

`queue_email` seals the message (address, subject, text: an invitation holds a one-time link)
with a key derived from SECRET_KEY and queues it; the job's stored arguments are that sealed
text, and they are cleared once the worker has tried to send it. So the database never holds a
link or an address in clear, and a request never waits on an SMTP server.
"""

import base64
import hashlib
import json
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from app.extensions import db
from app.tasks import Job, background, enqueue, latest_job

SETTINGS = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "MAIL_FROM")
TIMEOUT = 20
# A queued message older than this is not sent: the longest link it can carry has expired.
SEALED_FOR = timedelta(hours=72)


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def mail_settings() -> dict:
    return {name: current_app.config.get(name) for name in SETTINGS}


def email_configured(settings: dict | None = None) -> bool:
    settings = settings or mail_settings()
    return bool(settings.get("SMTP_HOST") and settings.get("MAIL_FROM"))


def send_email(to: str, subject: str, body: str, settings: dict | None = None) -> bool:
    """Send a plain-text message now. False when no SMTP server is configured; MailError when
    sending failed. The message and the address are never logged."""
    settings = settings or mail_settings()
    if not email_configured(settings):
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings["MAIL_FROM"], to, subject
    message.set_content(body)
    tls = (settings.get("SMTP_TLS") or "starttls").lower()
    host, port = settings["SMTP_HOST"], int(settings.get("SMTP_PORT") or 587)
    try:
        if tls == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with server:
            if tls == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.get("SMTP_USER"):
                server.login(settings["SMTP_USER"], settings.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(type(error).__name__) from error
    return True


def _seal() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = hashlib.sha256(b"parlons-ia queued e-mail\0" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def queue_email(to: str, subject: str, body: str, about: str = "") -> Job | None:
    """Queue a message for the worker; None when no SMTP server is configured. `about` names
    what it is for ("account:12") so a page can show how its latest message went."""
    if not email_configured():
        return None
    sealed = _seal().encrypt(json.dumps({"to": to, "subject": subject, "body": body}).encode())
    return enqueue(deliver_email, sealed.decode(), subject=f"mail:{about}")


def latest_email(about: str) -> Job | None:
    return latest_job(deliver_email, f"mail:{about}")


def _forget(job: Job, outcome: str) -> None:
    """Nothing of the message stays with the job once it has been tried."""
    job.args, job.message = [], outcome
    db.session.commit()


@background
def deliver_email(job: Job, sealed: str) -> None:
    try:
        message = json.loads(_seal().decrypt(sealed.encode(),
                                             ttl=int(SEALED_FOR.total_seconds())))
    except InvalidToken:  # too old, or SECRET_KEY changed since it was queued
        _forget(job, "expired")
        raise
    try:
        sent = send_email(message["to"], message["subject"], message["body"])
    except MailError as error:
        _forget(job, f"refused: {error}")
        current_app.logger.warning("E-mail not sent (%s)", error)
        raise
    _forget(job, "sent" if sent else "not_configured")
