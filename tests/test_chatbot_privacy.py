"""Personal data detection."""

from __future__ import annotations

import pytest

from chatbot.privacy import find_personal_data, luhn_ok


@pytest.mark.parametrize("text, kind", [
    ("mon courriel : jean.tremblay@exemple.qc.ca", "email"),
    ("write to a.b+c@example.com please", "email"),
    ("appelez-moi au 514-555-1234", "phone"),
    ("(418) 555 1234", "phone"),
    ("+1 514 555 1234", "phone"),
    ("1-800-555-1234", "phone"),
    ("514.555.1234", "phone"),
    ("mon NAS est 046 454 286", "sin"),
    ("SIN 046-454-286", "sin"),
    ("046454286", "sin"),
    ("carte 4111 1111 1111 1111", "payment_card"),
    ("4111-1111-1111-1111", "payment_card"),
    ("j'habite au 1234, rue Sainte-Catherine", "address"),
    ("12 boulevard René-Lévesque", "address"),
    ("I live at 12 Main Street", "address"),
    ("221 Baker St.", "address"),
])
def test_detects(text, kind):
    assert kind in find_personal_data(text)


@pytest.mark.parametrize("text", [
    "Quelle est la stratégie 2021-2026 ?",
    "Quelles sont les 15 propositions de la Fondation Jean-Jaurès ?",
    "Objectif 3 : stimuler la culture d'innovation",
    "le projet a coûté 1 200 000 dollars",
    "budget de 123 456 789 dollars",
    "What are the 3 pilot projects?",
    "AI4Belgium et AI4GOV",
    "",
])
def test_no_false_positive(text):
    assert find_personal_data(text) == []


def test_luhn():
    assert luhn_ok("4111111111111111") and luhn_ok("046454286")
    assert not luhn_ok("4111111111111112") and not luhn_ok("12a")
