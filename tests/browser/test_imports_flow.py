"""A facilitator imports what people have, in Chromium: a Windows-1252 `;` CSV with "Oui"/"Non"
as French Excel saves it, then an .xlsx file made here, each after its preview; the same CSV
sent again is caught and its rows are left out. The preview page has no axe violation.

Written for issue 13's import steps; the "team story" browser test (accounts, per-consultation
teams) is not on main yet, so these steps stand on their own here.
"""

import io
from datetime import datetime

import openpyxl
import pytest

from app.extensions import db
from tests.browser.conftest import axe_violations
from tests.browser.helpers import log_in


@pytest.fixture
def import_phases(live_app):
    """A draft consultation of its own (hidden from the public pages the other tests read)."""
    from consultations.models import Consultation
    from tests.consultations_factory import make_consultation

    with live_app.app_context():
        slug = "import-navigateur"
        consultation = db.session.execute(db.select(Consultation).filter_by(slug=slug)) \
            .scalar_one_or_none() or make_consultation(slug=slug, status="draft")
        interview = consultation.phase("interview")
        return {"interview": interview.id, "imagine": consultation.phase("imagine").id,
                "prompts": [prompt.id for prompt in interview.prompts]}


def entered(live_app, phase_id: int) -> int:
    from consultations.models import Answer, Idea, Prompt

    with live_app.app_context():
        answers = db.session.execute(db.select(db.func.count(Answer.id)).join(Prompt)
                                     .where(Prompt.phase_id == phase_id)).scalar_one()
        ideas = db.session.execute(db.select(db.func.count(Idea.id))
                                   .where(Idea.phase_id == phase_id)).scalar_one()
        return answers + ideas


def excel_csv(prompts) -> bytes:
    free, choice, scale = prompts
    return (f"channel;session;date;question_{free};question_{choice};question_{scale}\r\n"
            "Sur papier;Bibliothèque du quartier;12/03/2025;Une machine qui décide à ma place;"
            "Oui;4\r\n"
            "Par téléphone;;;Ça m’inquiète un peu;Non;2\r\n").encode("cp1252")


def xlsx_file() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["channel", "session", "date", "idea"])
    book.active.append(["En personne (atelier)", "Atelier du 3", datetime(2025, 3, 3),
                        "Un agent répond au téléphone quand le robot ne comprend pas"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(tab, base: str, phase_id: int, name: str, content: bytes, mime: str) -> str:
    """Send the file from the import page; returns the preview page's text."""
    tab.goto(f"{base}/animation/etapes/{phase_id}/import")
    tab.set_input_files("#w-file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    with tab.expect_navigation():
        tab.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    assert "/import/" in tab.url, tab.locator("main").inner_text()
    return tab.locator("main").inner_text()


def confirm(tab) -> str:
    with tab.expect_navigation():
        tab.locator("button[name=action][value=confirm]").click()
    return tab.locator("body").inner_text()  # with the message shown above the page


def test_spreadsheets_import_after_a_preview_and_a_file_sent_twice_is_caught(
        page, live_server, live_app, facilitator, axe_source, import_phases):
    log_in(page, live_server, *facilitator)
    interview, imagine = import_phases["interview"], import_phases["imagine"]
    before = entered(live_app, interview)
    csv_file = excel_csv(import_phases["prompts"])

    preview = upload(page, live_server, interview, "reponses.csv", csv_file, "text/csv")
    assert "Windows-1252" in preview and "séparateur « ; »" in preview
    assert "2 lignes sont prêtes à être importées" in preview
    assert "Oui" in preview and "Non" in preview and "12 mars 2025" in preview
    assert axe_violations(page, axe_source) == []
    assert entered(live_app, interview) == before  # nothing before the confirmation
    assert "2 lignes importées" in confirm(page)
    assert entered(live_app, interview) == before + 6  # three answers a person

    preview = upload(page, live_server, imagine, "atelier.xlsx", xlsx_file(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "Excel .xlsx" in preview and "1 ligne est prête à être importée" in preview
    assert "3 mars 2025" in preview
    ideas = entered(live_app, imagine)
    assert "1 ligne importée" in confirm(page)
    assert entered(live_app, imagine) == ideas + 1

    again = upload(page, live_server, interview, "reponses (copie).csv", csv_file, "text/csv")
    assert "Toutes les lignes de ce fichier ont déjà été importées" in again
    assert page.locator("#w-repeated-skip").is_checked()  # leaving them out is the default
    assert axe_violations(page, axe_source) == []
    assert "2 lignes déjà importées avant ont été laissées de côté" in confirm(page)
    assert entered(live_app, interview) == before + 6
