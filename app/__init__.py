"""Parlons IA: the Flask application factory."""

from pathlib import Path

from flask import Flask, request

from app import errors, honeypot, i18n, pages, security
from app.config import build_config, refuse_debug_in_production
from app.database import BoundedIntConverter, configure_sqlite
from app.extensions import babel, compress, csrf, db, htmx, limiter, migrate
from app.static_files import static_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = build_config(config)
    refuse_debug_in_production(settings)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.url_map.converters["int"] = BoundedIntConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    app.request_class = security.nul_free(app.request_class)
    _register_blueprints(app)
    errors.register_error_handlers(app)
    _register_hooks(app)
    honeypot.init_app(app)
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
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(i18n.bp)
    import consultations; consultations.init_app(app)  # noqa: E702,I001
    from chatbot import web as chatbot_web
    chatbot_web.init_app(app)


def _register_hooks(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        security.add_security_headers(response)
        return security.cache_static(request, response)

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
            "simple_mode": i18n.is_simple_mode(),
        }


def _main_nav_items(app: Flask) -> list[dict]:
    """Menu entries that blueprints add to app.extensions["parlons_ia.nav"] as (endpoint, label)."""
    from flask import url_for
    return [{"url": url_for(endpoint), "label": label}
            for endpoint, label in app.extensions.get("parlons_ia.nav", [])]
