"""Detect personal data in free text (no dependencies; also used by the consultations).

`find_personal_data(text)` returns the kinds found, among: "email", "phone", "sin" (Canadian
social insurance number, Luhn-checked), "payment_card" (13-19 digits, Luhn-checked), "address".
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# North American numbers: 514-555-1234, (418) 555 1234, 514.555.1234, +1 514 555 1234, 1-800-…
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\s*[2-9]\d{2}\s*\)|[2-9]\d{2})[\s.-]?[2-9]\d{2}[\s.-]?\d{4}"
    r"(?:\s*(?:ext\.?|poste|x)\s*\d{1,5})?(?!\d)",
    re.IGNORECASE,
)
_SIN = re.compile(r"(?<![\d-])\d{3}([ -]?)\d{3}\1\d{3}(?![\d-])")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_STREET_FR = (r"rue|avenue|av\.?|boulevard|boul\.?|bd|chemin|ch\.|route|rang|place|mont[ée]e|"
              r"c[ôo]te|all[ée]e|impasse|promenade|croissant|terrasse|autoroute")
_STREET_EN = r"street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|drive|dr\.?|lane|ln\.?|" \
             r"way|court|ct\.?|crescent|cres\.?|place|pl\.?|highway|hwy\.?|parkway|terrace"
_ADDRESS_FR = re.compile(
    rf"(?<!\d)\d{{1,5}}(?:\s*-\s*\d{{1,5}})?(?:\s?[a-zA-Z](?![\w]))?,?\s+(?:{_STREET_FR})(?!\w)"
    r"(?:\s+(?:de\s+la|de\s+l'|des|du|de|d')?\s*[\wÀ-ÿ'’-]+)?",
    re.IGNORECASE,
)
_ADDRESS_EN = re.compile(
    rf"(?<!\d)\d{{1,5}}\s+(?:[A-ZÀ-Þ][\wÀ-ÿ'’.-]*\s+){{1,3}}(?:{_STREET_EN})(?!\w)",
    re.IGNORECASE,
)


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask(text: str, m: re.Match) -> str:
    return text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]


def find_personal_data(text: str) -> list[str]:
    """Kinds of personal data found in `text`, in a stable order, each at most once."""
    found: list[str] = []
    if not text:
        return found

    def add(kind):
        if kind not in found:
            found.append(kind)

    for m in list(_EMAIL.finditer(text)):
        add("email")
        text = _mask(text, m)
    for m in list(_CARD.finditer(text)):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            add("payment_card")
            text = _mask(text, m)
    for m in list(_SIN.finditer(text)):
        digits = re.sub(r"\D", "", m.group())
        if luhn_ok(digits):
            add("sin")
            text = _mask(text, m)
    for m in list(_PHONE.finditer(text)):
        add("phone")
        text = _mask(text, m)
    if _ADDRESS_FR.search(text) or _ADDRESS_EN.search(text):
        add("address")
    return found


def redact(text: str) -> str:
    """Replace every personal data match with [...] (for logs; the chatbot keeps nothing)."""
    for rx in (_EMAIL, _CARD, _SIN, _PHONE, _ADDRESS_FR, _ADDRESS_EN):
        text = rx.sub("[…]", text)
    return text
