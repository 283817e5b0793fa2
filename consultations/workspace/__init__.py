"""The facilitator workspace (/animation/…): accounts, consultation management, offline entry,
moderation, dashboard, themes, exports and imports."""

from flask import Blueprint, Flask

bp = Blueprint("workspace", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from consultations.workspace import (  # noqa: F401  (the modules register their routes)
        auth,
        dashboard,
        entry,
        exports,
        manage,
        models,  # noqa: F401  (tables known to Flask-Migrate)
        moderation,
        themes_views,
    )
    from consultations.workspace.cli import register_cli

    app.register_blueprint(bp)
    register_cli(app)


@bp.context_processor
def _workspace_helpers():
    from flask_babel import lazy_gettext as _l

    from consultations.labels import FINDING_STATUS
    from consultations.localise import localise
    from consultations.workspace.auth import current_facilitator

    def profile_value(name: str, value: str) -> str:
        from consultations import labels
        table = {"age_band": labels.AGE_BANDS, "online_services_use": labels.ONLINE_USE,
                 "preferred_language": labels.LANGUAGES}.get(name, {})
        return str(table.get(value, value)) if value else str(_l("Non précisé"))

    def option_list(objects) -> list[tuple[int, str]]:
        def text(item):
            raw = getattr(item, "text", None) or localise(getattr(item, "title", None))
            return f"n° {item.id} — {raw[:120]}"
        return [(item.id, text(item)) for item in objects]

    return {
        "workspace_user": current_facilitator,
        "status_labels": {"draft": _l("Brouillon"), "published": _l("Publiée"),
                          "closed": _l("Fermée")},
        "phase_states": {"upcoming": _l("À venir"), "open": _l("Ouverte"),
                         "closed": _l("Terminée")},
        "finding_status": FINDING_STATUS,
        "option_list": option_list,
        "kind_labels": {"answer": _l("Réponse"), "idea": _l("Idée"), "comment": _l("Commentaire"),
                        "reaction": _l("Réaction"), "feedback": _l("Avis sur un résultat")},
        "theme_states": {"suggested": _l("Suggéré"), "accepted": _l("Accepté"),
                         "rejected": _l("Rejeté")},
        "job_states": {"queued": _l("En attente"), "running": _l("En cours"),
                       "done": _l("Terminé"), "failed": _l("Échec")},
        "profile_names": {"age_band": _l("Tranche d’âge"), "region": _l("Région"),
                          "online_services_use": _l("Utilise les services en ligne"),
                          "preferred_language": _l("Langue préférée")},
        "profile_value": profile_value,
    }
