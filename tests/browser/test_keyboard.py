"""Keyboard only: answer the interview, submit and support an idea, react to a scenario, ask
the chatbot — with Tab, Shift+Tab, Enter and Space (and typing into fields), checking a visible
focus indicator at every stop. Each flow runs with scripts and with every script blocked (the
site must work when JavaScript does not arrive).

Runs against `open_live_server`, whose demo consultation has every phase open.
"""

import pytest

from tests.browser.helpers import block_scripts, focused, new_context, tab_to

SLUG = "ia-services-publics"


@pytest.fixture(params=["scripts", "scripts-blocked"])
def keyboard_page(request, browser, open_live_server):
    context = new_context(browser, open_live_server, "fr", "standard")
    if request.param == "scripts-blocked":
        block_scripts(context)
    tab = context.new_page()
    yield tab
    context.close()


def press(tab, key: str) -> None:
    tab.keyboard.press(key)
    if key in ("Tab", "Shift+Tab"):
        info = focused(tab)
        assert info["visible"], f"no visible focus indicator on {info}"


def tick(tab, selector: str) -> None:
    """Tab to a checkbox or radio button and tick it with Space."""
    tab_to(tab, selector)
    press(tab, "Space")
    assert tab.evaluate("document.activeElement.checked"), f"{selector} was not ticked"


def submit(tab, selector: str) -> None:
    tab_to(tab, selector)
    press(tab, "Enter")


def success_shown(tab) -> str:
    notice = tab.locator(".notice.success").first
    notice.wait_for()
    return notice.inner_text()


def test_answer_the_interview(keyboard_page, open_live_server):
    tab = keyboard_page
    tab.goto(f"{open_live_server}/consultations/{SLUG}/entrevue")
    tab_to(tab, "textarea[name^='answer-']")
    tab.keyboard.type("Un outil qui aide, si une personne vérifie.")
    for name in tab.evaluate("""() => [...new Set([...document.querySelectorAll(
            "main form input[type=radio]")].map(r => r.name))]"""):
        tick(tab, f"input[type=radio][name='{name}']")
    tick(tab, "#f-consent")
    submit(tab, "main form button[type=submit]")
    assert "enregistrées" in success_shown(tab)


def test_submit_and_support_an_idea(keyboard_page, open_live_server):
    tab = keyboard_page
    tab.goto(f"{open_live_server}/consultations/{SLUG}/imaginer")
    tab_to(tab, "#f-text")
    tab.keyboard.type("les courriers officiels soient résumés en trois phrases simples.")
    tick(tab, "input[name=conditions]")
    tick(tab, "#f-consent")
    submit(tab, "#proposer-idee button[type=submit]")
    success_shown(tab)

    tab.goto(f"{open_live_server}/consultations/{SLUG}/imaginer")
    tab_to(tab, ".cards a[href*='/idees/']")
    press(tab, "Enter")
    tab.wait_for_url("**/idees/**")
    submit(tab, ".support button[type=submit]")
    tab.get_by_text("Vous soutenez cette idée.", exact=True).wait_for()


def test_react_to_a_scenario(keyboard_page, open_live_server):
    tab = keyboard_page
    tab.goto(f"{open_live_server}/consultations/{SLUG}/prototyper")
    tab_to(tab, "main a[href*='/scenarios/']")
    press(tab, "Enter")
    tab.wait_for_url("**/scenarios/**")
    tick(tab, "input[name=acceptability]")
    tick(tab, "input[name=usefulness]")
    tab_to(tab, "#f-accept_if")
    tab.keyboard.type("une personne peut me rappeler.")
    tick(tab, "#f-consent")
    submit(tab, "main form button[type=submit]")
    assert "réaction" in success_shown(tab)


def test_ask_the_chatbot(keyboard_page, open_live_server):
    tab = keyboard_page
    tab.goto(f"{open_live_server}/chat")
    tab_to(tab, "#question")
    tab.keyboard.type("Qu'est-ce que l'intelligence artificielle ?")
    tab_to(tab, "form.chat-form button[type=submit]")
    press(tab, "Shift+Tab")
    assert tab.evaluate("document.activeElement.id") == "question"
    press(tab, "Tab")
    press(tab, "Enter")
    answer = tab.locator(".chat-answer").last
    answer.wait_for()
    assert answer.locator(".sources a").count() >= 1, "an answer shows its sources"
    # The feedback buttons are reachable from the answer.
    tab_to(tab, ".feedback button[value=yes]")
