"""Headless Chromium (Debian's package) against the app served on loopback, with axe-core.

Skips with a reason when Chromium or axe-core is missing; REQUIRE_BROWSER=1 (set by .ci/run)
turns that skip into a failure.
"""

import os
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Keeps Chromium off the network: it may only resolve the local server.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require(condition: bool, reason: str):
    if condition:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)")
    pytest.skip(f"{reason}; install it to run browser tests (see README, 'make test')")


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE.exists(), "axe-core is not installed (npm install)")
    return AXE.read_text()


def _demo_app(folder, cache_dir: str, secret: str):
    """A served app on its own SQLite file, with its tables made and the demo loaded."""
    application = create_app({
        "SECRET_KEY": secret,
        "INSTANCE_PATH": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "RATELIMIT_ENABLED": False,
        "CHATBOT_CACHE_DIR": cache_dir,
    })
    with application.app_context():
        db.create_all()
        loader = application.extensions.get("parlons_ia.load_demo")
        if not loader:
            pytest.skip("no demo data yet (app.extensions['parlons_ia.load_demo'])")
        loader()
    return application


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, chatbot_cache_dir):
    return _demo_app(tmp_path_factory.mktemp("live"), chatbot_cache_dir, "browser-tests")


def _serve(application):
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def live_server(live_app):
    server = _serve(live_app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def open_live_app(tmp_path_factory, chatbot_cache_dir):
    """A second live app whose demo consultation has every phase open at once, so that the
    interview, ideas, scenarios and results forms can all be used (the demo keeps some closed)."""
    application = _demo_app(tmp_path_factory.mktemp("live-open"), chatbot_cache_dir,
                            "browser-tests-open")
    with application.app_context():
        from consultations.models import Consultation, utcnow
        now = utcnow()
        for consultation in db.session.execute(db.select(Consultation)).scalars():
            if consultation.status != "published":
                continue
            for phase in consultation.phases:
                phase.starts_at, phase.ends_at = now - timedelta(days=1), now + timedelta(days=30)
                phase.closed_early_at = None
        db.session.commit()
    return application


@pytest.fixture(scope="session")
def open_live_server(open_live_app):
    server = _serve(open_live_app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


FACILITATOR_EMAIL = "admin-navigateur@example.org"
FACILITATOR_PASSWORD = "tests-navigateur-2025"


@pytest.fixture(scope="session")
def facilitator(live_app):
    """An admin account in the live app: (email, password). Skips while the workspace is absent."""
    try:
        from consultations.workspace.auth import create_facilitator
    except ImportError as error:
        pytest.skip(f"the facilitator workspace is not there yet ({error})")
    if "workspace.login" not in live_app.view_functions:
        pytest.skip("the facilitator workspace is not registered yet (no workspace.login route)")
    with live_app.app_context():
        from consultations.workspace.models import Facilitator
        exists = db.session.execute(
            db.select(Facilitator).filter_by(email=FACILITATOR_EMAIL)).scalar_one_or_none()
        if exists is None:
            create_facilitator(FACILITATOR_EMAIL, FACILITATOR_PASSWORD, "admin")
    return FACILITATOR_EMAIL, FACILITATOR_PASSWORD


@pytest.fixture(scope="session")
def site_map(live_app):
    """Every HTML page of the live app, discovered from url_map and the demo data."""
    from tests.browser.helpers import discover_pages
    return discover_pages(live_app)


@pytest.fixture(scope="session")
def browser():
    _require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
             f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-CA")
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page, axe_source: str) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]
