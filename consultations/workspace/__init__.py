"""The facilitator workspace (/animation/…): accounts, consultation management, offline entry,
moderation, dashboard, themes, exports and imports."""

from flask import Blueprint, Flask

bp = Blueprint("workspace", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from consultations.workspace import (  # noqa: F401  (the modules register their routes)
        accounts,
        auth,
        dashboard,
        document_import,
        entry,
        entry_import,
        exports,
        manage,
        models,  # noqa: F401  (tables known to Flask-Migrate)
        moderation,
        sheets,
        team,
        themes_views,
        workshop_codes,
    )
    from consultations.workspace.cli import register_cli

    app.register_blueprint(bp)
    register_cli(app)


@bp.context_processor
def _workspace_helpers():
    from flask_babel import lazy_gettext as _l

    from consultations.labels import CHANNELS, FINDING_STATUS
    from consultations.localise import localise
    from consultations.workspace.auth import current_facilitator
    from consultations.workspace.team import may

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

    def may_manage(consultation) -> bool:
        return may(current_facilitator(), consultation)

    return {
        "workspace_user": current_facilitator,
        "may_manage": may_manage,
        "status_labels": {"draft": _l("Brouillon"), "published": _l("Publiée"),
                          "closed": _l("Fermée")},
        "phase_states": {"upcoming": _l("À venir"), "open": _l("Ouverte"),
                         "closed": _l("Terminée")},
        "finding_status": FINDING_STATUS,
        "option_list": option_list,
        "channel_names": CHANNELS,
        "theme_states": {"suggested": _l("Suggéré"), "accepted": _l("Accepté"),
                         "rejected": _l("Rejeté")},
        "job_states": {"queued": _l("En attente"), "running": _l("En cours"),
                       "done": _l("Terminé"), "failed": _l("Échec")},
        "profile_names": {"age_band": _l("Tranche d’âge"), "region": _l("Région"),
                          "online_services_use": _l("Utilise les services en ligne"),
                          "preferred_language": _l("Langue préférée")},
        "profile_value": profile_value,
    }
