"""Races on writes, with real concurrency: a threaded HTTP server in front of the app, on
SQLite and PostgreSQL, and requests sent at the same moment from one browser's cookies
(issue 16, finding 2)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from app.extensions import db
from consultations.models import Feedback, Idea, Participant, Reaction
from consultations.participants import SESSION_KEY
from tests.consultations_factory import ids, make_consultation

ROUNDS = 10


@pytest.fixture
def server(app):
    """The app behind a real threaded HTTP server on a free loopback port."""
    with app.app_context():
        found = ids(make_consultation())
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", found
    httpd.shutdown()
    thread.join()


def at_once(count: int, send):
    """`send(i)` from `count` threads released together; their responses."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return send(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def new_browser(base: str, page: str) -> requests.Session:
    """A browser with no cookie yet, which opens a page with a form first."""
    browser = requests.Session()
    assert browser.get(base + page).status_code == 200
    return browser


def post(browser, url, data):
    return browser.post(url, data=data, allow_redirects=False)


def test_two_first_ideas_at_once_make_one_participant(app, server):
    base, _found = server
    page = "/consultations/essai/imaginer"
    for round_number in range(ROUNDS):
        browser = new_browser(base, page)
        texts = [f"idée {round_number}-{i} en même temps" for i in range(2)]
        responses = at_once(2, lambda i, b=browser, t=texts: post(b, base + page, {
            "text": t[i], "consent": "yes"}))
        assert [r.status_code for r in responses] == [303, 303]
        with app.app_context():
            owners = set(db.session.execute(db.select(Idea.participant_id)
                                            .where(Idea.text.in_(texts))).scalars())
        assert len(owners) == 1, f"round {round_number}: {len(owners)} participants"
        mine = browser.get(base + "/mes-contributions").text
        assert all(text in mine for text in texts)
        assert post(browser, base + "/mes-contributions/tout-effacer", {}).status_code == 303
        with app.app_context():
            left = db.session.execute(db.select(Idea.id).where(Idea.text.in_(texts))).all()
            assert left == [] and db.session.get(Participant, owners.pop()) is None


@pytest.mark.parametrize("kind", ["reaction", "feedback"])
def test_the_same_answer_sent_twice_at_once_is_stored_once(app, server, kind):
    base, found = server
    if kind == "reaction":
        page = f"/consultations/essai/scenarios/{found['scenario']}"
        data = {"acceptability": "4", "usefulness": "2", "concerns": "la même crainte",
                "consent": "yes"}
        model, link = Reaction, Reaction.scenario_id == found["scenario"]
    else:
        page, data = "/consultations/essai/resultats", {"reflects": "partly", "consent": "yes",
                                                        "comment": "le même avis"}
        model, link = Feedback, Feedback.finding_id == found["finding"]
    url = base + (page if kind == "reaction" else f"{page}/{found['finding']}")
    statuses = []
    for _round in range(ROUNDS):
        browser = new_browser(base, page)
        # The participant already exists (the outside test's case) in half the rounds.
        if _round % 2:
            post(browser, base + "/consultations/essai/imaginer", {"text": "une idée",
                                                                   "consent": "yes"})
        statuses += [r.status_code for r in at_once(3, lambda _i, b=browser: post(b, url, data))]
    assert set(statuses) == {303}, statuses  # was a 500 from the unique constraint
    with app.app_context():
        per_participant = db.session.execute(
            db.select(model.participant_id, db.func.count()).where(link)
            .group_by(model.participant_id)).all()
    assert len(per_participant) == ROUNDS and {n for _p, n in per_participant} == {1}


def test_the_cookie_carries_a_key_before_the_first_contribution_but_no_row(app, server):
    base, _found = server
    browser = new_browser(base, "/consultations/essai/imaginer")
    session = app.session_interface.get_signing_serializer(app).loads(browser.cookies["session"])
    assert SESSION_KEY in session
    with app.app_context():
        keys = db.session.execute(db.select(Participant.key)).scalars().all()
    assert session[SESSION_KEY] not in keys  # nothing stored until a contribution
