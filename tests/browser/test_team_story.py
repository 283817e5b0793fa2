"""A whole team story in Chromium: an admin invites a facilitator, who chooses a password
through the link, creates a consultation and adds a moderator to its team; a facilitator of
another consultation is refused everywhere; the moderation counter changes after a bulk
action; the export opens with readable labels.

The story is a list of steps sharing one `Story`: a later step (the imports of issue 13,
for instance) is a function added to STEPS where it belongs.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.browser.conftest import axe_violations
from tests.browser.helpers import click_to_page, log_in

PASSWORD = "une phrase de passe pour l'atelier"


@dataclass
class Story:
    base: str
    browser: object
    axe: str
    admin: object = None  # a page per person
    people: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    consultation_id: int = 0
    imagine_phase_id: int = 0

    def page_for(self, who: str):
        if who not in self.people:
            self.people[who] = self.browser.new_context(locale="fr-CA").new_page()
        return self.people[who]

    def url(self, path: str) -> str:
        return self.base + path


def email(who: str) -> str:
    return f"{who}-histoire@example.org"


def submit(page, selector: str = "main form button[type=submit]") -> None:
    click_to_page(page, page.locator(selector).first)


def no_axe_violation(story: Story, page) -> None:
    assert axe_violations(page, story.axe) == [], page.url


def admin_invites(story: Story) -> None:
    page = story.admin
    for who, role in (("animatrice", "facilitator"), ("moderatrice", "moderator"),
                      ("autre", "facilitator")):
        page.goto(story.url("/animation/comptes"))
        page.fill("#w-email", email(who))
        page.select_option("#w-role", role)
        submit(page)
        story.links[who] = page.input_value("#w-link")
        assert "/animation/lien/" in story.links[who]
    no_axe_violation(story, page)


def people_choose_their_password(story: Story) -> None:
    for who, link in story.links.items():
        page = story.page_for(who)
        page.goto(link)
        if who == "animatrice":
            no_axe_violation(story, page)
        page.fill("#w-new", PASSWORD)
        page.fill("#w-confirm", PASSWORD)
        submit(page)
        assert page.url.endswith("/animation/"), page.url
        page.goto(link)  # one time only
        assert "plus valable" in page.content()


def facilitator_creates_a_consultation(story: Story) -> None:
    page = story.page_for("animatrice")
    page.goto(story.url("/animation/consultations/nouvelle"))
    page.fill("#w-slug", "histoire-equipe")
    page.fill("#w-title-fr", "Histoire d'équipe")
    page.fill("#w-summary-fr", "Une consultation faite par une équipe.")
    page.fill("#w-description-fr", "Pour essayer le travail en équipe.")
    page.fill("#w-starts_at", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#w-ends_at", (date.today() + timedelta(days=30)).isoformat())
    submit(page)
    found = re.search(r"/animation/consultations/(\d+)$", page.url)
    assert found, page.url
    story.consultation_id = int(found.group(1))
    entry = page.locator("#etape-imagine a[href$='/saisie']").get_attribute("href")
    story.imagine_phase_id = int(re.search(r"/etapes/(\d+)/", entry).group(1))


def facilitator_adds_the_moderator(story: Story) -> None:
    page = story.page_for("animatrice")
    page.goto(story.url(f"/animation/consultations/{story.consultation_id}/equipe"))
    page.fill("#w-email", email("moderatrice"))
    page.select_option("#w-role", "moderator")
    submit(page, "main form[action$='/equipe'] button[type=submit]")
    assert email("moderatrice") in page.locator("table").inner_text()
    no_axe_violation(story, page)


def facilitator_enters_paper_sheets(story: Story) -> None:
    page = story.page_for("animatrice")
    for n in range(4):
        page.goto(story.url(f"/animation/etapes/{story.imagine_phase_id}/saisie"))
        page.check("input[name=channel][value=paper]")
        page.fill("#w-session", "Bibliothèque du quartier")
        page.fill("#w-idea", f"les lettres du ministère soient écrites simplement (fiche {n})")
        submit(page)
        assert "Enregistré" in page.content()


# The imports of issue 13 (Windows-1252 `;` CSV with Oui/Non, .xlsx, preview, duplicates)
# go here, as steps of their own.


def other_facilitator_is_refused_everywhere(story: Story) -> None:
    page = story.page_for("autre")
    consultation, phase = story.consultation_id, story.imagine_phase_id
    for path in (f"/animation/consultations/{consultation}",
                 f"/animation/consultations/{consultation}/modifier",
                 f"/animation/consultations/{consultation}/tableau-de-bord",
                 f"/animation/consultations/{consultation}/exports",
                 f"/animation/consultations/{consultation}/export.csv",
                 f"/animation/consultations/{consultation}/rapport",
                 f"/animation/consultations/{consultation}/equipe",
                 f"/animation/etapes/{phase}/saisie", f"/animation/etapes/{phase}/themes",
                 f"/animation/etapes/{phase}/questionnaire"):
        response = page.request.get(story.url(path))
        assert response.status == 403, (path, response.status)
    for path in ("/animation/", "/animation/moderation"):
        page.goto(story.url(path))
        assert "Histoire d" not in page.content() and "fiche 0" not in page.content(), path


def counter(page, state: str) -> int:
    return int(page.locator(f"[data-count={state}]").inner_text())


def moderator_acts_in_bulk(story: Story) -> None:
    page = story.page_for("moderatrice")
    page.goto(story.url(f"/animation/moderation?phase={story.imagine_phase_id}"))
    before = counter(page, "new")
    assert before == 4
    no_axe_violation(story, page)
    boxes = page.locator("input[name=items]")
    for i in range(2):  # by keyboard: focus, then Space
        boxes.nth(i).focus()
        page.keyboard.press("Space")
    page.fill("#w-lot-reason", "Fiche en double")
    submit(page, "#moderation-lot button[value=hide]")
    assert counter(page, "new") == before - 2
    assert counter(page, "hidden") == 2
    assert "2 contributions traitées" in page.content()


def facilitator_exports_readable_files(story: Story) -> None:
    from openpyxl import load_workbook
    page = story.page_for("animatrice")
    page.goto(story.url(f"/animation/consultations/{story.consultation_id}/exports"))
    page.check("input[name=sep][value=semicolon]")
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    ideas = [row for row in rows if row["Type"] == "Idée"]
    assert len(ideas) == 4
    assert {row["Canal"] for row in ideas} == {"Sur papier"}
    assert {row["Modération"] for row in ideas} == {"Visible", "Masquée"}
    assert "paper" not in text and "imagine" not in text
    with page.expect_download() as download:
        page.locator("main form button[formaction$='export.xlsx']").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = [cell.value for cell in next(sheet.iter_rows())]
    assert header[:3] == ["Contribution", "Type", "Consultation"]
    kinds = {row[1].value for row in sheet.iter_rows(min_row=2)}
    assert kinds == {"Idée"}


STEPS = [admin_invites, people_choose_their_password, facilitator_creates_a_consultation,
         facilitator_adds_the_moderator, facilitator_enters_paper_sheets,
         other_facilitator_is_refused_everywhere, moderator_acts_in_bulk,
         facilitator_exports_readable_files]


def test_a_team_runs_a_consultation(browser, live_server, facilitator, axe_source):
    context = browser.new_context(locale="fr-CA", accept_downloads=True)
    story = Story(live_server, browser, axe_source, admin=context.new_page())
    log_in(story.admin, live_server, *facilitator)
    try:
        for step in STEPS:
            step(story)
    finally:
        for page in story.people.values():
            page.context.close()
        context.close()
