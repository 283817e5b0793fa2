"""No typed text in any log (issue 16, finding 11): the app's error lines, and a real
gunicorn's access and error logs run with the shipped settings (deploy/gunicorn.conf.py)."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TYPED = "zq-typed-by-a-person"


def add_refusing_route(app):
    @app.post("/_refused")
    def refused():
        from flask import request

        from consultations.models import Feedback
        # "nope" breaks the check constraint; the typed text rides along in the parameters.
        db.session.add(Feedback(finding_id=1, participant_id=1, reflects="nope",
                                comment=request.form["text"]))
        db.session.commit()
        return "stored"


def test_an_integrity_error_logs_where_it_failed_not_what_was_typed(app, client, caplog):
    add_refusing_route(app)
    caplog.set_level(logging.DEBUG)
    response = client.post("/_refused", data={"text": TYPED}, query_string={"q": TYPED})
    assert response.status_code == 500
    logged = "\n".join(caplog.messages) + caplog.text
    assert "Unexpected error on POST /_refused" in logged
    assert "IntegrityError" in logged and "INSERT INTO finding_feedback" in logged
    assert TYPED not in logged  # was in "[parameters: (…)]" and PostgreSQL's "Failing row"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path, chatbot_cache_dir):
    port, logs = free_port(), tmp_path / "logs"
    logs.mkdir()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "logs",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
           "CHATBOT_CACHE_DIR": chatbot_cache_dir, "RATELIMIT_ENABLED": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(logs / "access.log"), "--error-logfile", str(logs / "error.log"),
         "tests.gunicorn_app:make()"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/sante", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield base, logs
    process.terminate()
    process.wait(timeout=30)


def request(url: str, data: bytes | None = None):
    headers = {"User-Agent": f"{TYPED}-agent", "Referer": f"http://example.org/{TYPED}-ref"}
    try:
        return urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers),
                                      timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_logs_hold_no_address_agent_query_or_typed_text(gunicorn):
    base, logs = gunicorn
    assert request(f"{base}/consultations/?q={TYPED}-query") == 200
    assert request(f"{base}/mes-contributions?courriel={TYPED}@example.org") == 200
    assert request(f"{base}/_refused-by-a-constraint", f"text={TYPED}".encode()) == 500
    time.sleep(1)  # gunicorn writes its logs as it goes
    access = (logs / "access.log").read_text()
    errors = (logs / "error.log").read_text()
    assert '"GET /consultations/ HTTP/1.1" 200' in access  # requests are logged…
    assert "Unexpected error on POST /_refused-by-a-constraint" in errors  # …and errors
    for text in (access, errors):
        assert TYPED not in text  # no query string, user agent, referrer, form or SQL value
        assert "127.0.0.1" not in text.replace(f"Listening at: {base}", "")
