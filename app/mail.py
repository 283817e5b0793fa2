"""Outgoing e-mail: one plain function, settings from the environment (see README).

`send_email` is a single call that needs nothing from the request, so it can move onto a task
queue unchanged: pass it the settings dict instead of reading current_app.
"""

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

SETTINGS = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "MAIL_FROM")
TIMEOUT = 20


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def mail_settings() -> dict:
    return {name: current_app.config.get(name) for name in SETTINGS}


def email_configured(settings: dict | None = None) -> bool:
    settings = settings or mail_settings()
    return bool(settings.get("SMTP_HOST") and settings.get("MAIL_FROM"))


def send_email(to: str, subject: str, body: str, settings: dict | None = None) -> bool:
    """Send a plain-text message. False when no SMTP server is configured; MailError when
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
