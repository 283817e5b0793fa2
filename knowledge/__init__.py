"""The knowledge base the chatbot answers from, kept in the database and edited in the
workspace (/animation/connaissances/…): documents, answer cards, the index that follows them.

The chatbot library receives the published documents and cards as data (knowledge/index.py);
`corpus/` is the seed `flask chatbot import` loads and the format `flask chatbot export` writes.
"""

from flask import Blueprint, Flask

bp = Blueprint("knowledge", __name__, template_folder="templates",
               url_prefix="/animation/connaissances")


def init_app(app: Flask) -> None:
    from knowledge import cards, consultation, documents, models, questions  # noqa: F401
    from knowledge.index import LiveChatbot

    app.register_blueprint(bp)
    from knowledge.preview import mark_removed
    app.add_template_filter(mark_removed)
    app.extensions["knowledge.live"] = LiveChatbot(app.config["KB_POLL_SECONDS"])
    # chatbot/web.py asks this first; None (no knowledge base in the database) → corpus/ files.
    app.extensions["parlons_ia.chatbot_source"] = app.extensions["knowledge.live"].current
    # chatbot/web asks this what a consultation's chat answers from first
    app.extensions["parlons_ia.chatbot_within"] = consultation.within_of


def register_cli(app: Flask) -> None:
    from knowledge.cli import register_cli as register
    register(app)


@bp.context_processor
def _knowledge_helpers():
    """The workspace layout's helpers (these pages are part of the workspace), and ours."""
    from flask_babel import lazy_gettext as _l

    from consultations.workspace import _workspace_helpers
    return {**_workspace_helpers(),
            "card_states": {"draft": _l("Brouillon"), "published": _l("Publiée")}}
