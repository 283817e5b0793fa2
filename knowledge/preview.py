"""What the facilitator checks before publishing: personal data found in the text, removed by
default, and the passages the chatbot will use (split by the chatbot's own splitter)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from chatbot.corpus import Passage, split_units
from chatbot.privacy import find_personal_data

REMOVED = "[…]"
# Candidates: anything shaped like an e-mail address, or a run of digits with separators
# (phones, ID numbers, card numbers). chatbot.privacy decides which ones are personal data.
_CANDIDATE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w+])\+?\(?\d[\d\s().-]{6,}\d(?:\s*(?:ext\.?|poste|x)\s*\d{1,5})?(?!\w)",
    re.IGNORECASE)


@dataclass
class Finding:
    value: str
    kinds: list[str]
    count: int


def find_personal(text: str) -> list[Finding]:
    """Distinct personal-data strings in `text`, in order of first appearance."""
    found: dict[str, Finding] = {}
    for match in _CANDIDATE.finditer(text):
        value = match.group().strip()
        if value in found:
            found[value].count += 1
            continue
        kinds = [k for k in find_personal_data(value) if k != "address"]
        if kinds:
            found[value] = Finding(value, kinds, 1)
    return list(found.values())


def remove_personal(text: str, keep: set[str] = frozenset()) -> tuple[str, int]:
    """The text with every finding not in `keep` replaced by REMOVED; and how many went."""
    removed = 0
    for finding in find_personal(text):
        if finding.value in keep:
            continue
        text = text.replace(finding.value, REMOVED)
        removed += finding.count
    return text, removed


def passages(slug: str, text: str) -> list[Passage]:
    """The blocks the chatbot will quote from (its own splitter; lists and sections are
    searched as well, but show the same text)."""
    return split_units(slug or "apercu", text)[0]


def mark_removed(text: str) -> Markup:
    """HTML of a passage's text with each removal shown as <mark>[…]</mark>."""
    return Markup(f"<mark>{REMOVED}</mark>").join(escape(part) for part in text.split(REMOVED))
