"""axe-core reports no WCAG 2.2 A/AA violation on any page, in French and English, in standard
and simplified mode.

Pages come from the app's url_map and the demo data (tests/browser/helpers.py), so new pages
are checked as soon as they exist. One browser context per language × mode is shared by the
tests of this module (module-scoped parameter), which keeps the suite short.
"""

import re

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.helpers import COMBOS, ask_chat, log_in, new_context

GROUPS = ["site", "consultations", "chat", "corpus"]
IDEA_TEXT = ("un service me rappelle par téléphone quand mon dossier avance, avec une personne "
             "qui peut répondre à mes questions.")


@pytest.fixture(scope="module", params=COMBOS, ids=[f"{lang}-{mode}" for lang, mode in COMBOS])
def combo(request, browser, live_server):
    lang, mode = request.param
    context = new_context(browser, live_server, lang, mode)
    tab = context.new_page()
    yield tab, lang, mode
    context.close()


def check_pages(tab, base: str, paths, axe_source: str, lang: str, expect=200) -> dict:
    """Visit each path; return {path: problems} for the ones that fail."""
    problems = {}
    for path in paths:
        response = tab.goto(base + path)
        found = axe_violations(tab, axe_source)
        if response is not None and expect is not None and response.status != expect:
            found.append({"id": "http-status", "help": f"status {response.status}"})
        if tab.evaluate("document.documentElement.lang") != lang:
            found.append({"id": "lang", "help": "html lang does not match the chosen language"})
        if found:
            problems[path] = found
    return problems


@pytest.mark.parametrize("group", GROUPS)
def test_pages_have_no_axe_violation(combo, live_server, axe_source, site_map, group):
    tab, lang, _mode = combo
    paths = site_map.groups.get(group, [])
    if not paths:
        pytest.skip(f"no page in group {group!r} yet")
    assert check_pages(tab, live_server, paths, axe_source, lang) == {}


def test_every_page_route_can_be_visited(site_map):
    """A new GET page whose URL arguments cannot be filled from the demo data would escape the
    checks above: helpers._fill then needs to learn its argument."""
    assert site_map.unresolved == []


def submit_idea(tab, base: str, slug: str, text: str = IDEA_TEXT) -> None:
    tab.goto(f"{base}/consultations/{slug}/imaginer")
    if not tab.locator("#f-text").count():  # easy read: the idea is given in steps
        submit_idea_in_steps(tab, base, slug, text)
        return
    tab.fill("#f-text", text)
    if tab.locator("#f-consent").count():
        tab.check("#f-consent")
    with tab.expect_response(lambda response: response.request.method == "POST"):
        tab.locator("#proposer-idee button[type=submit]").click()
    tab.wait_for_load_state("networkidle")


def submit_idea_in_steps(tab, base: str, slug: str, text: str) -> None:
    tab.goto(f"{base}/consultations/{slug}/imaginer/proposer")
    tab.fill("main textarea", text)
    for _ in range(6):
        if tab.locator("#f-consent").count():
            tab.check("#f-consent")
        forward = tab.locator("main form button[value=continuer]")
        if not forward.count():
            forward = tab.locator("main form button[type=submit]")
        with tab.expect_response(lambda response: response.request.method == "POST"):
            forward.first.click()
        tab.wait_for_load_state("networkidle")
        if "/merci/" in tab.url:
            return
    raise AssertionError(f"the easy-read idea steps did not reach the end screen: {tab.url}")


def test_my_contributions_after_contributing(combo, live_server, axe_source):
    tab, lang, _mode = combo
    submit_idea(tab, live_server, "ia-services-publics")
    paths = ["/mes-contributions", "/mes-contributions/profil"]
    tab.goto(live_server + "/mes-contributions")
    edit = tab.locator("a[href*='/modifier']")
    assert edit.count(), "the idea just submitted should be editable from my contributions"
    paths.append(edit.first.get_attribute("href"))
    idea = tab.locator("a[href*='/idees/']")
    paths.append(idea.first.get_attribute("href"))
    assert check_pages(tab, live_server, paths, axe_source, lang) == {}


def test_chat_with_an_answer_and_a_refusal(combo, live_server, axe_source):
    tab, lang, _mode = combo
    question = ("Qu'est-ce que l'intelligence artificielle ?" if lang == "fr"
                else "What is artificial intelligence?")
    ask_chat(tab, live_server, question)
    problems = {"answer": axe_violations(tab, axe_source)}
    tab.goto(live_server + "/chat")
    tab.fill("#question", "Mon courriel est jean.dupont@example.org, pouvez-vous m'écrire ?")
    tab.locator("form.chat-form button[type=submit]").click()
    tab.locator(".error-summary").wait_for()
    problems["refusal"] = axe_violations(tab, axe_source)
    assert {key: value for key, value in problems.items() if value} == {}


def test_error_pages(combo, live_server, axe_source):
    tab, lang, _mode = combo
    problems = check_pages(tab, live_server, ["/introuvable"], axe_source, lang, expect=404)
    problems.update(check_pages(tab, live_server, ["/chat/avis"], axe_source, lang, expect=405))
    # A form posted without its CSRF token: the "form expired" page (400).
    tab.goto(live_server + "/confidentialite")
    with tab.expect_navigation():
        tab.evaluate("""() => { const f = document.createElement('form');
            f.method = 'post'; f.action = '/chat/avis'; document.body.append(f); f.submit(); }""")
    assert re.search(r"\b400\b|expir", tab.content())
    found = axe_violations(tab, axe_source)
    if found:
        problems["400"] = found
    assert problems == {}


def test_facilitator_pages(combo, live_server, axe_source, site_map, facilitator):
    tab, lang, _mode = combo
    problems = check_pages(tab, live_server, ["/animation/connexion"], axe_source, lang)
    log_in(tab, live_server, *facilitator)
    paths = [p for p in site_map.groups.get("workspace", []) if p != "/animation/connexion"]
    problems.update(check_pages(tab, live_server, paths, axe_source, lang, expect=None))
    assert problems == {}


def test_entered_sheet_pages(combo, live_server, live_app, axe_source, facilitator):
    """A sheet typed through the entry form, listed, opened for correction, then deleted (no script
    needed): every step passes axe, and the demo data is left as it was."""
    from app.extensions import db
    from consultations.models import Phase, Prompt
    from consultations.workspace.models import EntrySession
    tab, lang, _mode = combo
    with live_app.app_context():
        prompt = db.session.execute(db.select(Prompt).filter_by(kind="free_text")
                                    .order_by(Prompt.id)).scalars().first()
        phase_id = db.session.get(Phase, prompt.phase_id).id
    tab.goto(f"{live_server}/animation/")
    if "/connexion" in tab.url:
        log_in(tab, live_server, *facilitator)
    tab.goto(f"{live_server}/animation/etapes/{phase_id}/saisie")
    tab.check("input[name=channel][value=paper]")
    tab.fill(f"#w-question_{prompt.id}", "Une fiche recopiée du papier")
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").click()
    with live_app.app_context():
        number = db.session.execute(db.select(EntrySession.participant_id).order_by(
            EntrySession.participant_id.desc())).scalars().first()
    sheet = f"/animation/etapes/{phase_id}/fiches/{number}"
    problems = check_pages(tab, live_server, [f"/animation/etapes/{phase_id}/fiches", sheet,
                                              f"{sheet}/supprimer"], axe_source, lang)
    assert problems == {}
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").first.click()  # "Delete the sheet"
    assert tab.url.endswith(f"/animation/etapes/{phase_id}/fiches")
    assert "Une fiche recopiée du papier" not in tab.content()
    with live_app.app_context():
        assert db.session.get(EntrySession, number) is None


def test_phase_pages_while_every_phase_is_open(browser, open_live_server, open_live_app,
                                               axe_source):
    """Forms that the demo keeps closed (interview, scenario reactions, results feedback)."""
    from tests.browser.helpers import discover_pages
    paths = [p for p in discover_pages(open_live_app).groups.get("consultations", [])
             if p.startswith("/consultations/ia-services-publics/")]
    problems = {}
    for lang, mode in COMBOS:
        context = new_context(browser, open_live_server, lang, mode)
        tab = context.new_page()
        found = check_pages(tab, open_live_server, paths, axe_source, lang)
        problems.update({f"{lang}-{mode} {path}": v for path, v in found.items()})
        context.close()
    assert problems == {}


def test_home_page_makes_no_request_to_another_host(page, live_server):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{live_server}/")
    page.wait_for_load_state("networkidle")
    assert hosts == {live_server.split("/")[2]}
