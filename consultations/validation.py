"""Checks on what participants send: plain messages, the text kept in the form."""

import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from chatbot.privacy import find_personal_data

TEXT_LIMIT = 2000

PERSONAL_DATA_LABELS = {
    "email": _l("une adresse courriel"),
    "phone": _l("un numéro de téléphone"),
    "address": _l("une adresse postale"),
    "sin": _l("un numéro d’assurance sociale"),
    "payment_card": _l("un numéro de carte de paiement"),
}


@dataclass
class FormState:
    """What a form shows again: the values sent, the errors, a personal-data warning."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field name -> message
    personal_data: list = field(default_factory=list)  # kinds found, asking for confirmation
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.personal_data

    def personal_data_text(self) -> str:
        return ", ".join(str(PERSONAL_DATA_LABELS.get(kind, kind)) for kind in self.personal_data)


def clean_text(form, name: str, state: FormState, required: bool = True,
               limit: int = TEXT_LIMIT) -> str:
    value = (form.get(name) or "").replace("\r\n", "\n")
    state.values[name] = value
    stripped = value.strip()
    if required and not stripped:
        state.errors[name] = str(_l("Écrivez quelques mots avant d’envoyer."))
    elif len(stripped) > limit:
        state.errors[name] = str(_l(
            "Votre texte fait %(length)s caractères. La limite est de %(limit)s. "
            "Raccourcissez-le : il est gardé ci-dessous.", length=len(stripped), limit=limit))
    return stripped


def clean_choice(form, name: str, allowed, state: FormState, required: bool = True,
                 message=None) -> str:
    value = form.get(name) or ""
    state.values[name] = value
    allowed = [str(choice) for choice in allowed]
    if value not in allowed and (required or value):
        state.errors[name] = str(message or _l("Choisissez une réponse."))
        return ""
    return value


def clean_consent(form, state: FormState, needed: bool) -> bool:
    given = form.get("consent") == "yes"
    if needed and not given:
        state.errors["consent"] = str(_l(
            "Pour participer, cochez la case qui dit que vous avez lu l’avis."))
    return given


def screen_personal_data(form, state: FormState, *texts: str) -> None:
    """Warn before publishing text that looks personal, unless the person confirmed."""
    if form.get("confirm_personal") == "yes":
        return
    kinds: list[str] = []
    for text in texts:
        for kind in find_personal_data(text or ""):
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
