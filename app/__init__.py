"""Parlons IA: the Flask application factory."""

from pathlib import Path

from flask import Flask, request

from app import errors, honeypot, i18n, page_cache, pages, security, speech, tasks, uploads
from app.config import build_config, refuse_debug_in_production
from app.database import BoundedIntConverter, configure_sqlite, retry_lost_races
from app.extensions import babel, compress, csrf, db, htmx, limiter, migrate
from app.json_body import SafeJSONProvider
from app.static_files import static_url
from chatbot.normalise import strip_unwanted

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = build_config(config)
    refuse_debug_in_production(settings)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.json = SafeJSONProvider(app)
    app.config.update(settings)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.url_map.converters["int"] = BoundedIntConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    app.request_class = uploads.with_upload_limits(security.nul_free(app.request_class))
    _register_blueprints(app)
    tasks.init_app(app)  # after the blueprints: their modules register the background tasks
    retry_lost_races(app)
    errors.register_error_handlers(app)
    _register_hooks(app)
    honeypot.init_app(app)
    page_cache.init_app(app)
    from app.cli import register_cli
    register_cli(app)
    from app.backup import register_backup_cli
    register_backup_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(i18n.bp)
    speech.init_app(app)
    import consultations; consultations.init_app(app)  # noqa: E702,I001
    import knowledge; knowledge.init_app(app)  # noqa: E702,I001  (before the chatbot preloads)
    from chatbot import web as chatbot_web
    chatbot_web.init_app(app)
    knowledge.register_cli(app)  # into the `flask chatbot` group


def _register_hooks(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        security.add_security_headers(response, https=app.config["SESSION_COOKIE_SECURE"])
        return security.cache_static(request, response)

    app.jinja_env.finalize = _shown

    @app.context_processor
    def _layout_helpers():
        from flask_babel import get_locale
        locale = str(get_locale())
        return {
            "static_url": static_url,
            "main_nav_items": _main_nav_items(app),
            "current_locale": locale,
            "other_locales": [code for code in app.config["LANGUAGES"] if code != locale],
            "language_names": i18n.LANGUAGE_NAMES,
            "language_hints": i18n.LANGUAGE_HINTS,
            "simple_mode": i18n.is_simple_mode(),
        }


def _shown(value):
    """Every value a template prints, without bidirectional or zero-width controls: text
    stored before the normaliser (or by a path around it) cannot reorder or hide a page."""
    if isinstance(value, str):
        shown = strip_unwanted(value)
        return value if shown is value else type(value)(shown)
    return value


def _main_nav_items(app: Flask) -> list[dict]:
    """Menu entries that blueprints add to app.extensions["parlons_ia.nav"] as (endpoint, label)
    or (endpoint, label, icon), the icon a name from app/templates/_icons.html."""
    from flask import url_for
    return [{"url": url_for(entry[0]), "label": entry[1],
             "icon": entry[2] if len(entry) > 2 else "next"}
            for entry in app.extensions.get("parlons_ia.nav", [])]
