"""The citizen dialogue: phased consultations (interview, imagine, prototype, results)."""

import click
from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import limiter

PARTICIPANT_POST_LIMIT = "60/minute;1000/hour"


def init_app(app: Flask) -> None:
    from consultations import models  # noqa: F401  (tables known to Flask-Migrate)
    from consultations.listing import home_consultations
    from consultations.localise import localise
    from consultations.views import bp

    # Generous enough for a workshop sharing one network address, tight enough to stop floods.
    limiter.limit(PARTICIPANT_POST_LIMIT, methods=["POST"])(bp)
    app.register_blueprint(bp)
    app.add_template_filter(localise, "loc")
    app.extensions["parlons_ia.home_consultations"] = home_consultations
    app.extensions["parlons_ia.load_demo"] = _load_demo
    app.extensions.setdefault("parlons_ia.nav", []).append(
        ("consultations.index", _l("Consultations")))
    _register_cli(app)
    from consultations import workspace; workspace.init_app(app)  # noqa: E702,I001


def _load_demo():
    from consultations.demo import load_demo
    return load_demo()


def _register_cli(app: Flask) -> None:
    @app.cli.group()
    def demo():
        """Demonstration data."""

    @demo.command("load")
    def load():
        """Load the demonstration consultations once (a second run keeps them)."""
        from consultations.demo import load_demo
        created = load_demo()
        if created:
            click.echo(f"Demo data loaded: {', '.join(created)}.")
        else:
            click.echo("Demo data already present: nothing changed.")
