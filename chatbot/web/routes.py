"""The chat's pages and API: /chat and its htmx fragment, feedback, workshop codes, /api/chat,
the source documents. Replies are computed by `answer_question` and shown through
`present.present`; the routes only choose the page, fragment or JSON."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.errors import MESSAGES as ERROR_MESSAGES
from app.extensions import csrf, limiter
from app.i18n import is_simple_mode
from app.json_body import json_object
from chatbot.normalise import normalise_text
from chatbot.web import bots, conversation, question_log, workshop
from chatbot.web.bots import get_chatbot
from chatbot.web.present import for_api, present

bp = Blueprint("chatbot", __name__, template_folder="templates")

FEEDBACK_REASONS = {
    "irrelevant": _l("Ne répond pas à ma question"),
    "confusing": _l("Difficile à comprendre"),
    "too_long": _l("Trop long"),
    "wrong": _l("Semble faux"),
}
# Guessing a workshop code: a handful of tries, not a search.
WORKSHOP_CODE_LIMIT = "10/minute;30/hour"


def current_lang() -> str:
    return str(get_locale())


def answer_question(question: str, lang: str, simple: bool, within=None):
    """Ask the chatbot (a consultation's documents first, with `within`) and log the question
    anonymously, with the consultation it was asked in. Returns (reply, log id)."""
    question = normalise_text(question)
    reply = bots.ask(question, lang, simple, within)
    return reply, question_log.record(question, lang, reply, within.slug if within else None)


def _exchanges(lang: str, simple: bool) -> list[dict]:
    """The conversation so far, re-answered from the questions kept in the signed session."""
    items = conversation.history()
    within = {slug: bots.within_for(slug) for slug in {item.get("c") for item in items}}
    return [{"question": item["q"],
             "reply": present(bots.ask(item["q"], lang, simple, within[item.get("c")])),
             "log_id": item["id"], "rated": item.get("rated", False)}
            for item in items]


def _chat_page(status: int = 200, prefill: str = "", **error):
    """The chat page; `error` (error, heading, invalid, offer_workshop) fills its error summary."""
    lang, simple = current_lang(), is_simple_mode()
    page = render_template(
        "chatbot/chat.html", exchanges=_exchanges(lang, simple),
        starters=get_chatbot().starter_questions(lang, 3 if simple or error else 5),
        prefill=prefill, reasons=FEEDBACK_REASONS,
        within=bots.within_for(conversation.consultation()), **error)
    return page, status


def too_many_questions(_limit):
    """The chat form over its limit: the 429 page's own words, and the question kept.
    Without JavaScript, the chat page; with htmx, the message alone, put above the form."""
    heading, message = ERROR_MESSAGES[429]
    error = {"heading": heading, "error": message, "offer_workshop": True}
    if request.headers.get("HX-Request"):
        response = make_response(render_template("chatbot/_error.html", **error), 429)
        response.headers["HX-Retarget"] = "#erreur-chat"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    question = normalise_text(request.form.get("question") or "")[:300]
    return make_response(*_chat_page(429, prefill=question, **error))


@bp.get("/chat")
def chat():
    """`?consultation=<slug>`: the chat opened from a consultation answers from its documents
    first (an empty value goes back to the whole base)."""
    if "consultation" in request.args:
        within = bots.within_for((request.args.get("consultation") or "")[:80])
        conversation.set_consultation(within.slug if within else None)
    return _chat_page(prefill=(request.args.get("q") or "")[:300])


@bp.post("/chat")
@limiter.limit(workshop.chat_limit, on_breach=too_many_questions)
def ask():
    question = normalise_text(request.form.get("question") or "")
    slug = conversation.consultation()
    reply, log_id = answer_question(question, current_lang(), is_simple_mode(),
                                    bots.within_for(slug))
    conversation.remember_asked(log_id)
    if reply.refusal:
        # Refused questions are not kept in the conversation: show the message with the form.
        return _chat_page(422, prefill="" if reply.refusal == "personal_data" else question,
                          error=reply.text, invalid=True)
    conversation.remember_exchange(question, log_id, slug)
    if request.headers.get("HX-Request"):
        return render_template("chatbot/_new_exchange.html", question=question,
                               reply=present(reply), log_id=log_id, rated=False,
                               reasons=FEEDBACK_REASONS, focus=True)
    return redirect(url_for("chatbot.chat", _anchor=f"reponse-{log_id}"), code=303)


@bp.post("/chat/avis")
@limiter.limit(workshop.chat_limit)
def feedback():
    log_id = request.form.get("log_id", type=int)
    if conversation.find(log_id) is None:
        abort(400)
    reasons = [r for r in request.form.getlist("reason") if r in FEEDBACK_REASONS]
    question_log.record_feedback(log_id, request.form.get("useful") == "yes", reasons)
    conversation.mark_rated(log_id)
    if request.headers.get("HX-Request"):
        return render_template("chatbot/_thanks.html")
    return redirect(url_for("chatbot.chat", _anchor=f"reponse-{log_id}"), code=303)


@bp.post("/chat/effacer")
def clear():
    conversation.clear()
    return redirect(url_for("chatbot.chat"), code=303)


@bp.get("/chat/atelier")
def workshop_code():
    return render_template("chatbot/workshop.html", code=(request.args.get("code") or "")[:20],
                           workshop_day=workshop.active_day(), error="")


@bp.post("/chat/atelier")
@limiter.limit(WORKSHOP_CODE_LIMIT)
def join_workshop():
    code = (request.form.get("code") or "")[:20]
    if workshop.join(code) is None:
        return render_template(
            "chatbot/workshop.html", code=code, workshop_day=workshop.active_day(),
            error=_l("Ce code d’atelier n’est pas valide aujourd’hui. Vérifiez-le auprès de "
                     "l’animation.")), 422
    return redirect(url_for("chatbot.chat", _anchor="question"), code=303)


@bp.post("/api/chat")
@csrf.exempt
@limiter.limit(workshop.chat_limit)
def api_chat():
    payload = json_object({"question": str, "lang": str, "simple": bool, "consultation": str},
                          required=("question",))
    lang = payload.get("lang") if payload.get("lang") in ("fr", "en") else "fr"
    simple = payload.get("simple") is True
    within = bots.within_for((payload.get("consultation") or "")[:80])
    reply, _ = answer_question(payload["question"], lang, simple, within)
    shown = for_api(present(reply))
    if reply.refusal == "too_long":
        return jsonify(error="too_long", message=reply.text, **shown), 413
    if reply.refusal:
        return jsonify(error=reply.refusal, message=reply.text, **shown), 400
    return jsonify(shown)


OPENAPI = Path(__file__).with_name("openapi.json")


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 description of the JSON API (chatbot/web/openapi.json)."""
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
