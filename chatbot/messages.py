"""The chatbot's own sentences (declines, scope warnings, where to ask, refusals, quote leads).

French is the source language. The library knows no web framework: sentences are only marked
here with `N_` (a keyword pybabel extracts by default, so they land in translations/) and are
translated when a reply is composed, by a `Translate` callable (msgid -> text) that the caller
passes: the web layer passes flask_babel's `gettext`, the command line and the tests a
catalogue read from the translations folder (`catalogue_translators`).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

Translate = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    return message


def identity(message: str) -> str:
    return message


DECLINE = N_("Je ne trouve pas de réponse fiable à cette question dans les documents de la "
             "consultation.")
ASK_FACILITATORS = N_("Vous pouvez aussi la poser aux personnes qui animent la consultation.")
WHERE = N_("Pour cette question, adressez-vous à %(body)s : %(url)s")
# the body marked `fallback` in where-to-ask.toml, when the question names no body
WHERE_GENERAL = N_("Pour une question sur un service du gouvernement, %(body)s peut vous "
                   "orienter : %(url)s")
NOT_COVERED = N_("Les documents de la consultation ne parlent pas de %(names)s : ils portent "
                 "sur %(about)s.")
NOT_COVERED_GENERIC = N_("Les documents de la consultation ne parlent pas de %(names)s.")
RELATED = N_("Voici ce qu'ils disent sur un sujet proche :")
# the question asks for a figure or a date that no passage gives
NOT_GIVEN = {"number": N_("Les documents de la consultation ne donnent pas ce chiffre."),
             "amount": N_("Les documents de la consultation ne donnent pas ce montant."),
             "date": N_("Les documents de la consultation ne donnent pas cette date.")}
NOT_GIVEN["day"] = NOT_GIVEN["date"]
ACCORDING_TO = N_("Selon %(source)s :")
ACCORDING_TO_IN = N_("Selon %(source)s (%(language)s) :")
# the language of a quoted document, named in the reply's language ("(in French)")
IN_LANGUAGE = {"fr": N_("en français"), "en": N_("en anglais")}
# after a card's answer, the sentence of a document that says more exactly what was asked
DETAIL = N_("Plus précisément, selon %(source)s : %(quote)s")
DETAIL_IN = N_("Plus précisément, selon %(source)s (%(language)s) : %(quote)s")
MORE_ITEMS = N_("(et %(count)s autres points)")
EMPTY = N_("Posez une question sur l'intelligence artificielle dans les services publics.")
TOO_LONG = N_("Votre question est trop longue (300 caractères au maximum). "
              "Pouvez-vous la raccourcir ?")
PERSONAL_DATA = N_("Votre question semble contenir des renseignements personnels (courriel, "
                   "téléphone, adresse, numéro d'assurance sociale ou de carte). Retirez-les, "
                   "puis posez votre question de nouveau. Rien n'a été conservé.")
REFUSALS = {"empty": EMPTY, "too_long": TOO_LONG, "personal_data": PERSONAL_DATA}


def join_names(names: list[str], translate: Translate) -> str:
    quoted = [translate(QUOTED) % {"name": n} for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return translate(AND) % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


QUOTED = N_("« %(name)s »")
AND = N_("%(first)s et %(last)s")


def _read_catalogue(folder: Path):
    """babel Translations from a compiled .mo, else compiled in memory from the .po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    mo, po = folder / "messages.mo", folder / "messages.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp)
    if not po.is_file():
        return None
    with po.open("rb") as fp:
        catalog = read_po(fp)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def catalogue_translators(directory: Path | str | None) -> dict[str, Translate]:
    """{language: translate} for each catalogue under `directory` (<lang>/LC_MESSAGES/);
    French, the source language, needs none."""
    out: dict[str, Translate] = {"fr": identity}
    if directory is None or not Path(directory).is_dir():
        return out
    for folder in sorted(Path(directory).glob("*/LC_MESSAGES")):
        lang = folder.parent.name
        try:
            translations = _read_catalogue(folder)
        except (OSError, ValueError) as exc:
            log.warning("cannot read the %s catalogue in %s: %s", lang, folder, exc)
            continue
        if translations is not None:
            out[lang] = translations.gettext
    return out
