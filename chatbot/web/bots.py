"""One loaded chatbot per process, with its paths from the app's configuration, and the
replies it gave to the latest questions."""

import threading
import time
import weakref

from flask import current_app
from flask_babel import force_locale, gettext

from app.extensions import db
from app.recent import RecentlyUsed
from chatbot import Chatbot

_bots: dict[tuple, Chatbot] = {}
_bots_lock = threading.Lock()
RECENT_ANSWERS = 1024


def get_chatbot() -> Chatbot:
    """The knowledge base's chatbot when the database holds one (knowledge/index.py swaps it
    when a newer index is built); else one per process and configuration from corpus files."""
    source = current_app.extensions.get("parlons_ia.chatbot_source")
    bot = source() if source else None
    if bot is not None:
        return bot
    config = current_app.config
    key = (*(config[name] for name in ("CHATBOT_CORPUS_DIR", "CHATBOT_ENCODER",
                                       "CHATBOT_CACHE_DIR", "CHATBOT_CALIBRATION_FILE")),
           tuple(config["PERSONAL_DATA_REGIONS"]))
    with _bots_lock:
        if key not in _bots:
            corpus_dir, encoder, cache_dir, calibration_file, regions = key
            _bots[key] = Chatbot.load(corpus_dir, encoder, cache_dir,
                                      calibration_file=calibration_file, regions=regions)
        return _bots[key]


class RecentAnswers(RecentlyUsed):
    """The replies one loaded chatbot gave to its latest distinct questions.

    People ask the same questions (the starter questions, the suggestions under a reply; the
    chat page shows the conversation again on each visit), and a reply depends only on the
    question's exact text, its language, the easy-read mode and what this chatbot loaded
    (corpus, index, calibration). The chatbot is loaded once per process, so its replies
    cannot go stale: a changed corpus is served by a new process with a new chatbot, and a new
    cache. Refusals are not kept: their text may hold personal data.
    """

    def __init__(self, size: int = RECENT_ANSWERS):
        super().__init__(size)


_recent: "weakref.WeakKeyDictionary[Chatbot, RecentAnswers]" = weakref.WeakKeyDictionary()


def within_for(slug: str | None):
    """What the chat of consultation `slug` answers from first (an object with `slug`,
    `title`, `documents` and `cards`), from the knowledge base; None without one."""
    source = current_app.extensions.get("parlons_ia.chatbot_within")
    return source(slug) if source and slug else None


def ask(question: str, lang: str, simple: bool, within=None):
    """The loaded chatbot's reply in `lang`, its own sentences too, whatever the language of
    the page (the JSON API names its language); `within` (from `within_for`): a consultation's
    documents and cards, answered from first. The library's Reply: never modify it, it is
    shared."""
    bot = get_chatbot()
    with _bots_lock:
        recent = _recent.setdefault(bot, RecentAnswers())
    first = (set(within.documents), set(within.cards)) if within else None
    key = (question, lang, simple, (within.documents, within.cards) if within else None)
    reply = recent.get(key)
    if reply is None:
        with force_locale(lang):
            reply = bot.ask(question, lang=lang, simple=simple, translate=gettext,
                            within=first)
        if reply.refusal is None:
            recent.keep(key, reply)
    return reply


def preload(app) -> None:
    """Load the chatbot now (CHATBOT_PRELOAD=1) rather than on the first question.

    Under `gunicorn --preload` this runs once in the master: the forked workers share the index
    and the encoder's weights copy-on-write instead of each loading its own. The index is only
    read; build it beforehand with `flask chatbot reindex` (a missing index is built here).
    """
    started = time.perf_counter()
    with app.app_context():
        get_chatbot()  # may read the knowledge base's state from the database
        db.session.remove()
        db.engine.dispose()  # forked workers must not share the master's connections
    app.logger.info("Chatbot preloaded in %.1f s", time.perf_counter() - started)
