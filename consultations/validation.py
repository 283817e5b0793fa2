"""Checks on what participants send: plain messages, the text kept in the form.

Every free text goes through `clean_text` (or `clean_name`), which normalises it
(chatbot/normalise.py) and remembers it, so `screen_personal_data` screens every one.
"""

import uuid
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.page_cache import fresh_per_visitor
from chatbot.normalise import normalise_text
from chatbot.privacy import DEFAULT_REGIONS, find_personal_data

TEXT_LIMIT = 2000

PERSONAL_DATA_LABELS = {
    "email": _l("une adresse courriel"),
    "phone": _l("un numéro de téléphone"),
    "address": _l("une adresse postale"),
    "national_id": _l("un numéro d’identité"),  # SIN, NIR, Belgian or Swiss number…
    "iban": _l("un numéro de compte bancaire"),
    "payment_card": _l("un numéro de carte de paiement"),
}


def new_token() -> str:
    return str(uuid.uuid4())


@dataclass
class FormState:
    """What a form shows again: the values sent, the errors, a personal-data warning."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field name -> message
    personal_data: list = field(default_factory=list)  # kinds found, asking for confirmation
    texts: dict = field(default_factory=dict)  # field name -> free text read, to be screened
    # A kept page (app/page_cache.py) gives each visitor a new one.
    token: str = field(default_factory=lambda: fresh_per_visitor(new_token(), new_token))
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.personal_data

    def personal_data_text(self) -> str:
        return labels_of(self.personal_data)


def labels_of(kinds) -> str:
    return ", ".join(str(PERSONAL_DATA_LABELS.get(kind, kind)) for kind in kinds)


def personal_data_in(text: str) -> list[str]:
    regions = current_app.config.get("PERSONAL_DATA_REGIONS", DEFAULT_REGIONS)
    return find_personal_data(text, regions)


def clean_text(form, name: str, state: FormState, required: bool = True,
               limit: int = TEXT_LIMIT) -> str:
    """A free text, normalised and kept for screening; an error when missing or too long."""
    value = normalise_text(form.get(name) or "")
    state.values[name] = value
    state.texts[name] = value
    if required and not value:
        state.errors[name] = str(_l("Écrivez quelques mots avant d’envoyer."))
    elif len(value) > limit:
        state.errors[name] = str(_l(
            "Votre texte fait %(length)s caractères. La limite est de %(limit)s. "
            "Raccourcissez-le : il est gardé ci-dessous.", length=len(value), limit=limit))
    return value


def clean_name(form, name: str, state: FormState, limit: int) -> str:
    """A pseudonym or a region: shown with contributions or counted, so personal data there is
    refused outright (no "publish anyway")."""
    value = clean_text(form, name, state, required=False, limit=limit)
    del state.texts[name]
    if name not in state.errors and (kinds := personal_data_in(value)):
        state.errors[name] = str(_l(
            "Ce champ ne peut pas contenir %(what)s. Écrivez autre chose ou laissez-le vide.",
            what=labels_of(kinds)))
    return value


def clean_choice(form, name: str, allowed, state: FormState, required: bool = True,
                 message=None) -> str:
    value = form.get(name) or ""
    state.values[name] = value
    allowed = [str(choice) for choice in allowed]
    if value not in allowed and (required or value):
        state.errors[name] = str(message or _l("Choisissez une réponse."))
        return ""
    return value


EASY_CONSENT_MISSING = _l("Pour participer, cochez la case « J’ai compris ».")


def clean_consent(form, state: FormState, needed: bool, message=None) -> bool:
    given = form.get("consent") == "yes"
    if needed and not given:
        state.errors["consent"] = str(message or _l(
            "Pour participer, cochez la case qui dit que vous avez lu l’avis."))
    return given


def screen_personal_data(form, state: FormState, *texts: str) -> None:
    """Warn before publishing any free text read (and `texts`, kept from earlier screens) that
    looks personal, unless the person confirmed."""
    if form.get("confirm_personal") == "yes":
        return
    kinds: list[str] = []
    for text in [*state.texts.values(), *(text for text in texts if text)]:
        for kind in personal_data_in(text):
            if kind not in kinds:
                kinds.append(kind)
    state.personal_data = kinds


def form_token(form, state: FormState) -> str | None:
    """The idempotency token of a creation form: a second identical submission is ignored."""
    value = form.get("form_token") or ""
    try:
        state.token = str(uuid.UUID(value))
    except ValueError:
        return None
    return state.token
