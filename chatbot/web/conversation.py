"""What a browser keeps of its chat, in its signed session cookie (never on the server).

- the conversation shown on /chat: the last HISTORY_LENGTH questions with their log ids;
- the log ids of the questions it asked (the last ASKED_LENGTH), so that "delete everything"
  can delete them from the question log, which itself knows nothing of who asked;
- the consultation the chat was opened from, whose documents it answers from first.
"""

from flask import session

from chatbot.web import question_log

HISTORY_KEY = "chat_history"
CONSULTATION_KEY = "chat_consultation"
HISTORY_LENGTH = 5
ASKED_KEY = "chat_asked"
# Keeps the cookie well under browsers' 4 KB limit next to a full history.
ASKED_LENGTH = 100


def history() -> list[dict]:
    return list(session.get(HISTORY_KEY, []))


def asked_ids() -> list[int]:
    return [i for i in session.get(ASKED_KEY, []) if isinstance(i, int)]


def remember_asked(log_id: int) -> None:
    """Every logged question, refused ones too: deletion must find them all."""
    session[ASKED_KEY] = (asked_ids() + [log_id])[-ASKED_LENGTH:]


def remember_exchange(question: str, log_id: int, consultation: str | None = None) -> None:
    """`consultation`: the slug of the consultation the question was asked from."""
    item = {"q": question, "id": log_id}
    if consultation:
        item["c"] = consultation
    session[HISTORY_KEY] = (history() + [item])[-HISTORY_LENGTH:]


def consultation() -> str | None:
    """The consultation whose chat this is (opened from its pages), if any."""
    return session.get(CONSULTATION_KEY)


def set_consultation(slug: str | None) -> None:
    if slug:
        session[CONSULTATION_KEY] = slug
    else:
        session.pop(CONSULTATION_KEY, None)


def find(log_id: int | None) -> dict | None:
    """The exchange of this browser's conversation with this log id, if any."""
    return next((item for item in history() if item["id"] == log_id), None)


def mark_rated(log_id: int) -> None:
    items = history()
    for item in items:
        if item["id"] == log_id:
            item["rated"] = True
    session[HISTORY_KEY] = items


def clear() -> None:
    """Forget the conversation on screen (the logged questions stay, anonymous)."""
    session.pop(HISTORY_KEY, None)


def forget_this_browser() -> int:
    """Delete from the log every question this browser asked and forget the conversation.

    Part of "delete everything": the caller commits with the rest of the deletion.
    """
    removed = question_log.delete_questions(asked_ids())
    session.pop(ASKED_KEY, None)
    clear()
    return removed
