"""The citizen dialogue: phased consultations (interview, imagine, prototype, results)."""

import click
from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import limiter

PARTICIPANT_POST_LIMIT = "60/minute;1000/hour"


def init_app(app: Flask) -> None:
    from consultations import dates, models  # noqa: F401  (tables known to Flask-Migrate)
    from consultations.listing import home_consultations
    from consultations.localise import localise
    from consultations.views import bp

    # Generous enough for a workshop sharing one network address, tight enough to stop floods.
    limiter.limit(PARTICIPANT_POST_LIMIT, methods=["POST"])(bp)
    app.register_blueprint(bp)
    app.add_template_filter(localise, "loc")
    if not dates.is_time_zone(app.config["TIME_ZONE"]):
        raise RuntimeError(f"TIME_ZONE={app.config['TIME_ZONE']!r} is not a time zone name "
                           "(for example America/Toronto)")
    for name in ("first_day", "last_day", "day_of", "long_day"):
        app.add_template_filter(getattr(dates, name), name)
    app.add_template_global(dates.moment_text, "moment_text")
    app.extensions["parlons_ia.home_consultations"] = home_consultations
    app.extensions["parlons_ia.load_demo"] = _load_demo
    app.extensions.setdefault("parlons_ia.nav", []).append(
        ("consultations.index", _l("Consultations"), "ballot"))
    _keep_pages()
    _register_cli(app)
    from consultations import workspace; workspace.init_app(app)  # noqa: E702,I001


def _keep_pages() -> None:
    """What kept public pages (app/page_cache.py) depend on, and what they set again."""
    from app.page_cache import set_while_rendering, unseen, vary_on
    from consultations.participants import SESSION_KEY, current_participant_id, participant_key
    vary_on(current_participant_id)
    set_while_rendering(SESSION_KEY, participant_key)
    unseen("form_draft")  # an easy-read draft is shown only on its own screens


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
