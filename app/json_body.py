"""One defence for every JSON body the site reads: size, nesting depth, numbers, lone
surrogates, duplicate keys, then the types each endpoint expects. What fails gets a 400 (413
when too big) with a plain message, never a 500 (a RecursionError on 100,000 nested "[", a
UnicodeEncodeError on "\\ud800" when the text reaches the database).

`json_object(fields)` reads the request's body for a view; `parse_json(data)` is the same
check for JSON from elsewhere (an uploaded file). The app's JSON provider uses `parse_json`
too, so `request.get_json()` is defended wherever it is called.
"""

import json
import math
import re

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

MAX_DEPTH = 32
MAX_BYTES = 64 * 1024
MAX_NUMBER_LENGTH = 40  # characters of one number: 10**30 fits; 5,000 digits do not

_SURROGATE = re.compile("[\ud800-\udfff]")
_TYPE_NAMES = {str: _l("un texte"), bool: _l("vrai ou faux (true, false)"),
               int: _l("un nombre entier"), list: _l("une liste"), dict: _l("un objet")}


class BadJSON(ValueError):
    """A JSON body refused, with what to tell the sender and the HTTP status."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_LENGTH:
            raise BadJSON(_l("Un nombre est trop long (%(limit)s caractères au plus).",
                             limit=MAX_NUMBER_LENGTH))
        value = kind(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise BadJSON(_l("Un nombre est trop grand."))
        return value
    return parse


def _no_constant(name: str):
    raise BadJSON(_l("%(name)s n’est pas du JSON valide : envoyez un nombre.", name=name))


def _object(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise BadJSON(_l("La clé « %(key)s » est donnée deux fois.", key=key[:40]))
        result[key] = value
    return result


def _check_values(value, max_depth: int) -> None:
    """Not nested deeper than `max_depth`; no lone surrogate ("\\ud800") in any key or text,
    which no database can store. Walks without recursion."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise BadJSON(_l("Le texte contient un caractère invalide (un « surrogate » "
                                 "isolé). Envoyez du texte Unicode valide."))
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= max_depth:
            raise BadJSON(_l("Le JSON est trop imbriqué (%(limit)s niveaux au plus).",
                             limit=max_depth))
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)


def parse_json(data: bytes | str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH):
    """The JSON value in `data`, or BadJSON saying what is wrong with it."""
    if len(data) > max_bytes:
        raise BadJSON(_l("Envoi trop gros : %(limit)s octets au plus.", limit=max_bytes), 413)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadJSON(_l("Le JSON doit être encodé en UTF-8.")) from None
    try:
        value = json.loads(data, parse_int=_number(int), parse_float=_number(float),
                           parse_constant=_no_constant, object_pairs_hook=_object)
    except BadJSON:
        raise
    except RecursionError:  # the parser nests one call per level: 100,000 "[" end here
        raise BadJSON(_l("Le JSON est trop imbriqué (%(limit)s niveaux au plus).",
                         limit=max_depth)) from None
    except ValueError:
        raise BadJSON(_l("Ce n’est pas du JSON valide.")) from None
    _check_values(value, max_depth)
    return value


def json_object(fields: dict, required=()) -> dict:
    """The request's JSON object, each of `fields` (name -> type) absent or of its type, its
    texts without NUL characters (as forms and query strings: PostgreSQL refuses them, even
    in a lookup). Its size is bounded by the request's limit (MAX_CONTENT_LENGTH, a 413
    beyond)."""
    if not request.is_json:
        raise BadJSON(_l("Envoyez du JSON (Content-Type: application/json)."))
    data = request.get_data(cache=True)
    value = parse_json(data, max_bytes=len(data))
    if not isinstance(value, dict):
        raise BadJSON(_l("Envoyez un objet JSON, par exemple {\"question\": \"…\"}."))
    for name, kind in fields.items():
        if name not in value:
            if name in required:
                raise BadJSON(_l("Il manque « %(name)s ».", name=name))
            continue
        item = value[name]
        if not isinstance(item, kind) or (kind is int and isinstance(item, bool)):
            raise BadJSON(_l("« %(name)s » doit être %(type)s.", name=name,
                             type=_TYPE_NAMES.get(kind, kind.__name__)))
        if isinstance(item, str):
            value[name] = item.replace("\x00", "")
    return value


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON with `parse_json` for reading, so `request.get_json()` is defended too."""

    def loads(self, s, **kwargs):
        return parse_json(s, max_bytes=max(MAX_BYTES, len(s)))
