"""Easy read as a person on a phone does it: 390 px wide, JavaScript blocked, from the first
screen to the end screen of each flow (interview, idea, scenario reaction, result feedback,
deleting everything), in French and English.

At every screen: the task (its heading) is inside the first viewport, nothing competes with
it (at most one form, no banner), its pictures are inline SVG beside words, its text can be
heard, and axe-core finds no violation. EASYREAD_SCREENSHOTS=<folder> also saves a picture of
each screen (the issue's note describes them).
"""

import os
import re
from pathlib import Path

import pytest

from consultations.demo import PRACTICE_SLUG
from tests.browser.conftest import axe_violations
from tests.browser.helpers import block_scripts, click_to_page, new_context

PHONE = {"viewport": {"width": 390, "height": 844}}
SHOTS = os.environ.get("EASYREAD_SCREENSHOTS")
BASE = f"/consultations/{PRACTICE_SLUG}"

SCREEN_JS = """() => {
  const main = document.querySelector('main');
  const task = main.querySelector('h1');
  const box = task ? task.getBoundingClientRect() : null;
  const control = main.querySelector(
    'form textarea, form input:not([type=hidden]):not(.hp-field input), form button');
  const icons = [...document.querySelectorAll('.main-nav a, .preferences a, main a, main button')]
    .filter(el => el.querySelector('svg.icon'))
    .map(el => [el.querySelector('svg.icon').getBoundingClientRect().width, el.innerText.trim()]);
  return {
    task: task ? task.innerText.trim() : null,
    taskBottom: box ? box.bottom : null,
    controlTop: control ? control.getBoundingClientRect().top : null,
    height: window.innerHeight,
    forms: main.querySelectorAll('form').length,
    banners: [...main.querySelectorAll('.notice.demo, .notice.success')]
      .map(n => n.innerText.trim()),
    audio: main.querySelectorAll('audio[controls][src]').length,
    icons,
    pictographs: /\\p{Extended_Pictographic}/u.test(document.body.innerText),
    progress: (main.querySelector('.progress-line') || {}).innerText || null,
  };
}"""


class Screens:
    """A flow seen as a person: each screen checked, then one action on it."""

    def __init__(self, tab, base, lang, axe_source, name):
        self.tab, self.base, self.lang, self.axe, self.name = tab, base, lang, axe_source, name
        self.count, self.problems, self.seen = 0, {}, []

    def check(self, allow_banner=False, control=True):
        found = self.tab.evaluate(SCREEN_JS)
        where = f"{self.name} {self.count} {self.tab.url}"
        self.count += 1
        self.seen.append(found)
        issues = []
        if found["task"] is None or found["taskBottom"] > found["height"]:
            issues.append(f"task not in the first viewport: {found['task']!r}")
        if control and (found["controlTop"] is None or found["controlTop"] > found["height"]):
            issues.append("the answer control does not start in the first viewport")
        if found["forms"] > 1:
            issues.append(f"{found['forms']} forms")
        if found["banners"] and not allow_banner:
            issues.append(f"banner: {found['banners']}")
        if not found["audio"]:
            issues.append("no player for the reading aid")
        if found["pictographs"] or any(width < 10 or not text for width, text in found["icons"]):
            issues.append(f"a picture without words or an emoji: {found['icons']}")
        violations = axe_violations(self.tab, self.axe)
        if violations:
            issues.append(violations)
        if issues:
            self.problems[where] = issues
        if SHOTS:
            folder = Path(SHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            self.tab.screenshot(path=str(folder / f"{self.lang}-{self.name}-{self.count:02d}.png"))
        return found

    def go(self, path):
        self.tab.goto(self.base + path)

    def press(self, label_pattern):
        self._to_page("button", label_pattern)

    def follow(self, label_pattern):
        self._to_page("link", label_pattern)

    def _to_page(self, role, label_pattern):
        click_to_page(self.tab, self.tab.get_by_role(role, name=re.compile(label_pattern)).first)


WORDS = {
    "fr": {"start": "Commencer", "next": "Continuer", "back": "Retour", "send": "Envoyer",
           "agree": "J’ai compris", "idea": "Proposer une idée", "react": "Réagir à ce cas",
           "opinion": "Donner mon avis", "erase": "Effacer tout ce que j’ai donné",
           "yes_erase": "Oui, tout effacer", "thanks": "Merci", "step": "Étape",
           "question": "Question"},
    "en": {"start": "Start", "next": "Continue", "back": "Back", "send": "Send",
           "agree": "I understand", "idea": "Put forward an idea", "react": "React to this case",
           "opinion": "Give my opinion", "erase": "Delete everything I gave",
           "yes_erase": "Yes, delete everything", "thanks": "Thank you", "step": "Step",
           "question": "Question"},
}


def interview(s: Screens, w: dict):
    s.go(f"{BASE}/entrevue")
    s.check(allow_banner=True, control=False)  # the context, once, with the demo notice
    s.tab.check("#f-consent")
    s.press(w["start"])
    first = s.check()
    assert first["progress"].startswith(w["question"] + " 1 ")
    s.tab.fill("textarea", "Un programme qui aide à trier le courrier.")
    s.press(w["next"])
    s.check()
    s.press(w["back"])  # back to question 1: what was typed is still there
    assert "trier le courrier" in s.tab.input_value("textarea")
    s.press(w["next"])
    for _ in range(4):
        found = s.check()
        if s.tab.locator("main input[type=radio]").count():
            s.tab.locator("main input[type=radio]").first.check()
        s.press(w["next"])
    end = s.check(control=False)
    assert w["thanks"] in end["task"] and w["question"] not in (end["progress"] or "")
    assert found["progress"].startswith(w["question"] + " 5 ")


def idea(s: Screens, w: dict):
    s.go(f"{BASE}/imaginer")
    s.follow(w["idea"])
    s.check()
    s.tab.fill("textarea", "un service me rappelle quand mon dossier avance.")
    s.press(w["next"])
    s.check()
    s.tab.locator("main input[type=checkbox]").first.check()
    s.press(w["back"])  # nothing lost on Retour
    assert "mon dossier avance" in s.tab.input_value("textarea")
    s.press(w["next"])
    assert s.tab.locator("main input[type=checkbox]").first.is_checked()
    s.press(w["next"])
    s.check()
    s.press(w["next"])
    check = s.check(control=False)  # the task is to read again: "Envoyer" comes after
    assert check["progress"].startswith(w["step"] + " 4 ")
    assert "mon dossier avance" in s.tab.inner_text("main")
    if s.tab.locator("#f-consent").count():  # not asked again once given
        s.tab.locator("#f-consent").check()
    s.press(w["send"])
    assert w["thanks"] in s.check(control=False)["task"]


def reaction(s: Screens, w: dict):
    s.go(f"{BASE}/prototyper")
    click_to_page(s.tab, s.tab.locator("main .card h3 a").first)
    s.follow(w["react"])
    s.check(control=False)  # the case, to read first
    s.press(w["next"])
    for value in ("4", "5"):
        s.check()
        s.tab.locator(f"main input[type=radio][value='{value}']").check()
        s.press(w["next"])
    for _ in range(3):
        s.check()
        s.press(w["next"])
    s.check(control=False)
    s.press(w["send"])
    assert w["thanks"] in s.check(control=False)["task"]


def feedback(s: Screens, w: dict):
    s.go(f"{BASE}/resultats")
    s.follow(w["opinion"])
    s.check(control=False)  # the result, to read first
    s.press(w["next"])
    s.check()
    s.tab.locator("main input[type=radio][value='partly']").check()
    s.press(w["next"])
    s.check()
    s.press(w["next"])
    s.check(control=False)
    s.press(w["send"])
    assert w["thanks"] in s.check(control=False)["task"]


def erase(s: Screens, w: dict):
    s.go("/mes-contributions")
    s.follow(w["erase"])
    confirm = s.check(control=False)  # what will go, then "Oui, tout effacer"
    listed = s.tab.inner_text("main")
    assert "mon dossier avance" in listed and "trier le courrier" in listed
    s.go("/mes-contributions")
    assert "mon dossier avance" in s.tab.inner_text("main"), "nothing deleted before confirming"
    s.follow(w["erase"])
    s.press(w["yes_erase"])
    assert "mon dossier avance" not in s.tab.inner_text("main")
    return confirm


FLOWS = {"interview": interview, "idea": idea, "reaction": reaction, "feedback": feedback,
         "erase": erase}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_easy_read_flow_from_start_to_end(browser, live_server, axe_source, lang):
    context = new_context(browser, live_server, lang, "simple", **PHONE)
    block_scripts(context)
    tab = context.new_page()
    problems, counts = {}, {}
    for name, walk in FLOWS.items():
        screens = Screens(tab, live_server, lang, axe_source, name)
        walk(screens, WORDS[lang])
        problems.update(screens.problems)
        counts[name] = screens.count
    context.close()
    print(f"\n{lang}: screens per flow {counts}")
    assert problems == {}, "\n".join(f"{where}: {issues}" for where, issues in problems.items())


def test_the_voice_is_there_and_the_browser_can_play_it(browser, live_server):
    context = new_context(browser, live_server, "fr", "simple", **PHONE)
    tab = context.new_page()
    tab.goto(f"{live_server}{BASE}/entrevue")
    seconds = tab.evaluate("""() => new Promise((done, fail) => {
        const audio = document.querySelector('main audio');
        audio.addEventListener('loadedmetadata', () => done(audio.duration));
        audio.addEventListener('error', () => fail('cannot play ' + audio.src));
        audio.preload = 'metadata'; audio.load(); })""")
    context.close()
    assert seconds > 2, "a few seconds of speech"
