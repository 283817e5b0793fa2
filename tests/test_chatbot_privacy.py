"""Personal data detection: what the libraries find (phones for CA/FR/BE/CH, checksummed
identifiers), what our own code finds (e-mail, addresses), after Unicode normalisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot.privacy import find_personal_data

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize("text, kind", [
    ("mon courriel : jean.tremblay@exemple.qc.ca", "email"),
    ("write to a.b+c@example.com please", "email"),
    ("jean.tremblay＠gmail.com", "email"),  # full-width at sign
    ("jean\u200b.tremblay@\u200bgmail.com", "email"),  # zero-width spaces
    ("appelez-moi au 514-555-1234", "phone"),
    ("(418) 555 1234", "phone"),
    ("+1 514 555 1234", "phone"),
    ("1-800-555-1234", "phone"),
    ("514.555.1234", "phone"),
    ("(212) 555-1234", "phone"),  # the United States share +1
    ("514\u200b555\u200b1234", "phone"),
    ("５１４-５５５-１２３４", "phone"),  # full-width digits
    ("514\u202e555\u202c1234", "phone"),  # a bidirectional override in the middle
    ("mon portable : 06 12 34 56 78", "phone"),
    ("+33 6 12 34 56 78", "phone"),
    ("0033 6 12 34 56 78", "phone"),
    ("+32 470 12 34 56", "phone"),
    ("bureau 02 511 11 11", "phone"),
    ("079 123 45 67", "phone"),
    ("mon NAS est 130 692 544", "national_id"),
    ("SIN 130-692-544", "national_id"),
    ("130692544", "national_id"),
    ("en 2024, 130 692 544", "national_id"),  # a number written just before it
    ("sécu 1 85 05 78 006 084 91", "national_id"),  # French NIR
    ("numéro national 85.07.30-033.28", "national_id"),  # Belgian
    ("AVS 756.1234.5678.97", "national_id"),  # Swiss
    ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "iban"),
    ("BE71 0961 2345 6769", "iban"),
    ("GB29NWBK60161331926819", "iban"),
    ("carte 4111 1111 1111 1111", "payment_card"),
    ("4111-1111-1111-1111", "payment_card"),
    ("j'habite au 1234, rue Sainte-Catherine", "address"),
    ("12 boulevard René-Lévesque", "address"),
    ("I live at 12 Main Street", "address"),
    ("221 Baker St.", "address"),
    ("code postal H2X 1Y4", "address"),
])
def test_detects(text, kind):
    assert kind in find_personal_data(text)


def test_the_pseudonym_of_the_outside_test_is_caught():
    assert find_personal_data("Proposée par jean.tremblay@gmail.com 514-555-1234") == [
        "email", "phone"]


@pytest.mark.parametrize("text", [
    "Quelle est la stratégie 2021-2026 ?",
    "Quelles sont les 15 propositions de la Fondation Jean-Jaurès ?",
    "Objectif 3 : stimuler la culture d'innovation",
    "le projet a coûté 1 200 000 dollars",
    "budget de 123 456 789 dollars",
    "What are the 3 pilot projects?",
    "AI4Belgium et AI4GOV",
    "Règlement (UE) 2024/1689, article 6",
    "ISO/IEC 42001:2023",
    "la loi 25 de 2021, article 12.1",
    "le 12 03 2024 à 14 h",
    "046 454 286",  # passes Luhn, but no SIN starts with 0
    "4111 1111 1111 1112",  # fails Luhn
    "",
])
def test_no_false_positive(text):
    assert find_personal_data(text) == []


def test_regions_choose_national_formats():
    assert find_personal_data("06 12 34 56 78", regions=("CA",)) == []
    assert find_personal_data("06 12 34 56 78", regions=("FR",)) == ["phone"]
    # International formats count whatever the regions.
    assert find_personal_data("+33 6 12 34 56 78", regions=("CA",)) == ["phone"]


def test_development_questions_are_not_flagged():
    """The questions people ask the chatbot (corpus/eval) are not personal data."""
    questions = []
    for name in ("questions.json", "heldout.json"):
        data = json.loads((CORPUS / "eval" / name).read_text(encoding="utf-8"))
        questions += [item["q"] for item in data]
    flagged = [q for q in questions if find_personal_data(q)]
    assert len(questions) > 100
    assert flagged == []
