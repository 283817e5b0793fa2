"""Workshop codes: a room of people on one Wi-Fi shares one network address, and so one chat
limit (CHATBOT_RATE_LIMIT), which a group reaches in minutes. A facilitator gives the room the
code of the workshop's day (workspace page "Code d'atelier"); a browser that enters it is
counted against CHATBOT_WORKSHOP_RATE_LIMIT instead, still per address, until the day is over.

A code is an HMAC of the day with the secret key: nothing is stored on the server, the browser
keeps the day in its signed session. It is accepted from the day before to the day after its
day (UTC), to cover time zones; it cannot be withdrawn early except by changing SECRET_KEY.
"""

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

from flask import current_app, session

SESSION_KEY = "chat_workshop"
TOLERANCE = timedelta(days=1)
# People copy codes by hand: base32 has no 0, 1 or 8, so those are read as O, I and B.
LOOKALIKES = str.maketrans("018", "OIB")


def today() -> date:
    return datetime.now(UTC).date()


def code_for(day: date) -> str:
    """The code of a workshop held on `day`, as people read it: ABCD-EFGH."""
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"parlons-ia chat workshop {day.isoformat()}".encode(),
                      hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode()[:8]
    return f"{letters[:4]}-{letters[4:]}"


def normalize(code: str) -> str:
    """Letters and digits of the code as typed (ASCII only: compare_digest refuses others)."""
    return "".join(c for c in code.upper().translate(LOOKALIKES) if c.isascii() and c.isalnum())


def day_of(code: str) -> date | None:
    """The workshop day this code was made for, if it is valid today."""
    typed = normalize(code)
    for offset in (-TOLERANCE, timedelta(0), TOLERANCE):
        day = today() + offset
        if hmac.compare_digest(normalize(code_for(day)), typed):
            return day
    return None


def join(code: str) -> date | None:
    """Remember a valid code's day in this browser's session; None when the code is not valid."""
    day = day_of(code)
    if day is not None:
        session[SESSION_KEY] = day.isoformat()
    return day


def active_day() -> date | None:
    """The day of the workshop this browser joined, while its code is still valid."""
    try:
        day = date.fromisoformat(session.get(SESSION_KEY) or "")
    except (TypeError, ValueError):
        return None
    return day if abs(day - today()) <= TOLERANCE else None


def chat_limit() -> str:
    """The chat rate limit of this request (Flask-Limiter calls it on each request)."""
    config = current_app.config
    if active_day() is not None:
        return config["CHATBOT_WORKSHOP_RATE_LIMIT"]
    return config["CHATBOT_RATE_LIMIT"]
