"""Words shown for stored codes (statuses, choices), in the person's language."""

from flask_babel import lazy_gettext as _l

FINDING_STATUS = {
    "planned": _l("Prévu"),
    "in_progress": _l("En cours"),
    "done": _l("Fait"),
    "not_retained": _l("Non retenu"),
}
FEEDBACK = {"yes": _l("Oui, cela reflète ce que j’ai dit"), "partly": _l("En partie"),
            "no": _l("Non")}
AGE_BANDS = {"under_18": _l("Moins de 18 ans"), "18_34": _l("18 à 34 ans"),
             "35_54": _l("35 à 54 ans"), "55_74": _l("55 à 74 ans"),
             "75_plus": _l("75 ans et plus")}
ONLINE_USE = {"often": _l("Souvent"), "sometimes": _l("Parfois"), "never": _l("Jamais")}
LANGUAGES = {"fr": _l("Français"), "en": _l("Anglais"), "other": _l("Une autre langue")}
CHANNELS = {"online": _l("En ligne"), "in_person": _l("En personne (atelier)"),
            "phone": _l("Par téléphone"), "paper": _l("Sur papier")}
MODERATION = {"visible": _l("Visible"), "hidden": _l("Masquée")}


def options(labels: dict, keys) -> list[tuple[str, object]]:
    return [(key, labels[key]) for key in keys]


class ProfileLabels:
    @staticmethod
    def age_band(keys):
        return options(AGE_BANDS, keys)

    @staticmethod
    def online_use(keys):
        return options(ONLINE_USE, keys)

    @staticmethod
    def languages(keys):
        return options(LANGUAGES, keys)

