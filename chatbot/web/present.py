"""How a reply is shown. The chat page, its htmx fragment and the JSON API all show `present()`;
none of them reads the library's Reply itself. A new Reply field is shown by adding it here
(to API_FIELDS too when the JSON API publishes it: then also to chatbot/web/openapi.json)."""

from flask import url_for

# What POST /api/chat publishes (chatbot/web/openapi.json); the page also shows lead and
# scope_note, which the API's text already holds.
API_FIELDS = ("answered", "kind", "text", "quote", "quote_lang", "language_label", "sources",
              "card_id", "see_also", "not_covered", "where", "suggestions", "within")


def present(reply) -> dict:
    """The reply as this site shows it, with every link built here."""
    return {
        "answered": reply.answered,
        "kind": reply.kind,
        "text": reply.text,
        "lead": reply.lead,
        "quote": reply.quote or None,
        "quote_lang": reply.quote_lang,
        "language_label": reply.language_label,
        "scope_note": reply.scope_note,
        "sources": [present_source(source) for source in reply.sources],
        "card_id": reply.card_id,
        "see_also": ({"card_id": reply.see_also.card_id, "question": reply.see_also.question}
                     if reply.see_also else None),
        "not_covered": list(reply.not_covered),
        "where": ({"id": reply.where.body_id, "name": reply.where.name, "url": reply.where.url}
                  if reply.where else None),
        "suggestions": list(reply.suggestions),
        "within": reply.within,  # "within": the consultation's documents answered
    }


def for_api(shown: dict) -> dict:
    return {name: shown[name] for name in API_FIELDS}


def present_source(source) -> dict:
    return {"doc_id": source.doc_id, "title": source.title, "excerpt": source.excerpt,
            "url": passage_url(source.doc_id, source.page, source.passage_id)}


def passage_url(doc_id: str, page: int, passage_id: str) -> str:
    """The passage on its document's page (long documents are split into parts)."""
    return url_for("chatbot.document", doc_id=doc_id, partie=page if page > 1 else None,
                   _anchor=passage_id)
