"""The chat over its rate limit, in Chromium with JavaScript on (issue 12, item 8): the page
used to stay silent, the question in the box and no message. Now the 429 page's own words appear
above the form, focused, and the question stays where it was typed."""

import pytest

from app import create_app
from app.extensions import db
from tests.browser.conftest import _serve, axe_violations
from tests.browser.helpers import new_context

QUESTION = "Qui décide quand l'IA est utilisée ?"


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory, chatbot_cache_dir):
    folder = tmp_path_factory.mktemp("chat-limits")
    application = create_app({
        "SECRET_KEY": "browser-chat-limits", "INSTANCE_PATH": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "RATELIMIT_ENABLED": True, "CHATBOT_RATE_LIMIT": "2/minute",
        "CHATBOT_CACHE_DIR": chatbot_cache_dir,
    })
    with application.app_context():
        db.create_all()
    server = _serve(application)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_over_the_limit_the_message_shows_and_the_question_stays(browser, limited_server,
                                                                 axe_source):
    context = new_context(browser, limited_server, "fr", "standard")
    tab = context.new_page()
    tab.goto(limited_server + "/chat")
    for count in (1, 2):
        tab.fill("#question", QUESTION)
        tab.locator("form.chat-form button[type=submit]").click()
        tab.locator(".chat-answer").nth(count - 1).wait_for()
        assert tab.input_value("#question") == ""  # answered: the box is emptied
    tab.fill("#question", QUESTION)
    tab.locator("form.chat-form button[type=submit]").click()
    alert = tab.locator("#erreur-chat [role=alert]")
    alert.wait_for()
    assert "Trop de demandes" in alert.inner_text()
    assert "Attendez une minute" in alert.inner_text()
    assert tab.input_value("#question") == QUESTION
    assert tab.evaluate("document.activeElement.id") == "erreur-question"
    assert tab.locator(".chat-answer").count() == 2  # nothing appended to the conversation
    assert tab.url.endswith("/chat")  # the same page: htmx, not a reload
    assert axe_violations(tab, axe_source) == []
    context.close()
