"""The app tests/test_logs.py serves with a real gunicorn: the site, plus one route that fails
the way a lost race did, with a database constraint refusing what a person typed."""

from flask import request

from app import create_app
from app.extensions import csrf, db


def make():
    app = create_app()
    with app.app_context():
        db.create_all()

    @app.post("/_refused-by-a-constraint")
    @csrf.exempt
    def refused():
        from consultations.models import Feedback
        db.session.add(Feedback(finding_id=1, participant_id=1, reflects=request.form["text"]))
        db.session.commit()
        return "stored"

    return app
