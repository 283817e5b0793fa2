"""One normaliser for every text a person types, before it is screened, stored or shown.

`normalise_text` applies Unicode NFKC (full-width ＠ becomes @, ² becomes 2), writes every
line break as "\\n", and removes what no one means to type and what hides or reorders text on
screen: control characters (tabs and line breaks stay), format characters (bidirectional
overrides and isolates, zero-width spaces and joiners, soft hyphens, byte-order marks), lone
surrogates and noncharacters. A zero-width joiner inside an emoji sequence (👩‍💻) stays.
Leading and trailing blanks are removed; the caller checks the length it allows.
"""

from __future__ import annotations

import re
import unicodedata

# Every format character (Unicode category Cf, version 15), but the zero-width joiner, which
# is handled below. tests/test_normalise.py checks the list against the running Python.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 and C1 controls but tab and line feed
_SURROGATE = "\ud800-\udfff"
_NONCHARACTER = "\ufdd0-\ufdef\ufffe\uffff"
_EMOJI = "\u00a9\u00ae\u203c-\u3299\ufe0f\U0001f000-\U0001faff"
_UNWANTED = re.compile(
    f"[{_FORMAT}{_CONTROL}{_SURROGATE}{_NONCHARACTER}]"
    f"|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])"
)
# Any character _UNWANTED may remove, the joiner whatever its neighbours: one character class
# finds a text with none (nearly every text) in half the time the full pattern takes.
_MAYBE_UNWANTED = re.compile(f"[{_FORMAT}{_CONTROL}{_SURROGATE}{_NONCHARACTER}\u200d]")
_LINE_BREAKS = re.compile("\r\n?|[\u0085\u2028\u2029]")


def strip_unwanted(text: str) -> str:
    """The text without the characters `normalise_text` removes (no NFKC): for showing text
    stored before this rule, where changing letters is not wanted. Every value a page prints
    goes through it (app/__init__.py), hence the quick answers for the texts with none."""
    if text.isascii() and text.isprintable() or not _MAYBE_UNWANTED.search(text):
        return text
    return _UNWANTED.sub("", text)


def normalise_text(text: str) -> str:
    if not text:
        return ""
    text = _UNWANTED.sub("", _LINE_BREAKS.sub("\n", text))
    return _UNWANTED.sub("", unicodedata.normalize("NFKC", text)).strip()
