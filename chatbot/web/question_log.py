"""The anonymous chat question log: its model and every query on it.

A row keeps the question's language, what the chatbot did and the text (never for a question
refused for personal data). It keeps no address, no participant and no browser identifier:
the browser that asked keeps the ids of its own questions in its signed session
(`conversation.py`), which is how "delete everything" finds them.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

MAX_LOGGED_CHARS = 300
# Refusals whose text is never kept: it holds personal data, or there is none.
TEXT_NOT_KEPT = ("personal_data", "empty")


class ChatQuestion(db.Model):
    """One question asked, kept anonymously: no IP, no participant link, no personal data."""

    __tablename__ = "chat_question"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True,
                                               default=lambda: datetime.now(UTC))
    lang: Mapped[str] = mapped_column(String(2))
    # None when the question was refused for personal data: its text is never kept.
    text: Mapped[str | None] = mapped_column(Text)
    answered: Mapped[bool] = mapped_column(Boolean)
    refusal: Mapped[str | None] = mapped_column(String(20))
    card_id: Mapped[str | None] = mapped_column(String(120))
    useful: Mapped[bool | None] = mapped_column(Boolean)
    feedback_reasons: Mapped[str | None] = mapped_column(String(120))
    # the slug of the consultation whose chat it was asked in (its documents answer first)
    consultation: Mapped[str | None] = mapped_column(String(80), index=True)


_INSERT = sa.insert(ChatQuestion.__table__).returning(ChatQuestion.__table__.c.id)


def record(question: str, lang: str, reply, consultation: str | None = None) -> int:
    """Log one question and what the chatbot did with it (`consultation`: the slug of the
    consultation whose chat it was asked in); returns the log id."""
    text = None if reply.refusal in TEXT_NOT_KEPT else question[:MAX_LOGGED_CHARS]
    # One prepared INSERT … RETURNING in its own short transaction: profiled, the ORM's unit
    # of work and the reload of the row after the commit (to read its id) took a quarter of a
    # chat answer's time, and an ORM insert through the session half of what was left.
    with db.engine.begin() as connection:
        log_id = connection.execute(_INSERT, {
            "asked_at": datetime.now(UTC), "lang": lang, "text": text,
            "answered": reply.answered, "refusal": reply.refusal,
            "card_id": reply.card_id, "consultation": consultation}).scalar_one()
    return log_id


def record_feedback(log_id: int, useful: bool, reasons: list[str]) -> None:
    entry = db.session.get(ChatQuestion, log_id)
    if entry is not None:
        entry.useful = useful
        entry.feedback_reasons = ",".join(reasons) or None
        db.session.commit()


def delete_questions(log_ids: list[int]) -> int:
    """Delete these questions (the ones a browser asked); the caller commits."""
    if not log_ids:
        return 0
    result = db.session.execute(sa.delete(ChatQuestion).where(ChatQuestion.id.in_(log_ids)))
    return result.rowcount or 0


def purge_older_than(retention_days: int) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=retention_days)
    result = db.session.execute(sa.delete(ChatQuestion).where(ChatQuestion.asked_at < cutoff))
    db.session.commit()
    return result.rowcount or 0


def _latest_weak(*columns, limit: int, where=None):
    """The latest questions not answered or rated not useful whose text was kept (texts
    refused for personal data never are)."""
    weak = sa.or_(ChatQuestion.answered.is_(False), ChatQuestion.useful.is_(False))
    return (sa.select(*columns).where(weak, ChatQuestion.text.is_not(None),
                                      sa.true() if where is None else where)
            .order_by(ChatQuestion.asked_at.desc()).limit(limit))


def weak_questions(limit: int) -> list[tuple]:
    """(text, lang, answered, useful) of the latest weak questions (knowledge/questions.py)."""
    return [tuple(row) for row in db.session.execute(_latest_weak(
        ChatQuestion.text, ChatQuestion.lang, ChatQuestion.answered, ChatQuestion.useful,
        limit=limit))]


def _weak_counts(where) -> dict:
    def count(condition) -> int:
        return db.session.execute(sa.select(sa.func.count()).where(condition, where)
                                  ).scalar_one()

    return {"unanswered": count(ChatQuestion.answered.is_(False)),
            "not_useful": count(ChatQuestion.useful.is_(False))}


def questions_to_improve(consultation: str | None = None, limit: int = 30) -> dict:
    """For the facilitators' dashboard: how many questions went unanswered or were judged not
    useful, and the latest of them (those whose text was kept); with `consultation` (a slug),
    those asked in its chat, and the whole site's counts besides."""
    where = ChatQuestion.consultation == consultation if consultation else sa.true()
    found = {**_weak_counts(where),
             "recent": db.session.execute(_latest_weak(ChatQuestion, limit=limit,
                                                       where=where)).scalars().all()}
    if consultation:
        found["site"] = _weak_counts(sa.true())
    return found
