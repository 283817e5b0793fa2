"""The chatbot on the web: the only part of the chatbot package that knows Flask or this site.

A package rather than one module so that each job has its own small file:
    bots.py          one loaded Chatbot per process, paths from the app's config; preload
    routes.py        the blueprint: /chat and its htmx fragment, feedback, /api/chat, sources
    present.py       how a reply is shown (page, fragment and JSON API all use `present`)
    question_log.py  the anonymous question log: its model and every query on it
    conversation.py  what a browser keeps in its signed session: its conversation and the ids
                     of the questions it asked (for "delete everything")
    workshop.py      workshop codes that raise the chat limit for a room on one address
    model_card.py    the facts on "AI on this site", with the figures `make bench` measured
    cli.py           `flask chatbot reindex|purge`
"""

from flask_babel import lazy_gettext as _l

from app.page_cache import unseen


def init_app(app) -> None:
    from chatbot.web import question_log  # noqa: F401  (its table is known to Flask-Migrate)
    from chatbot.web.bots import preload
    from chatbot.web.cli import register_cli
    from chatbot.web.model_card import model_card
    from chatbot.web.routes import bp

    app.register_blueprint(bp)
    unseen(question_log.ChatQuestion.__tablename__)  # no page shows the log
    register_cli(app)
    app.extensions["parlons_ia.model_card"] = model_card
    nav = app.extensions.setdefault("parlons_ia.nav", [])
    nav.append(("chatbot.chat", _l("Poser une question"), "chat"))
    if app.config.get("CHATBOT_PRELOAD"):
        preload(app)
