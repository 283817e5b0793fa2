"""The one normaliser of typed text (chatbot/normalise.py)."""

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbot.normalise import normalise_text, strip_unwanted


@pytest.mark.parametrize("typed, kept", [
    ("jean＠gmail.com", "jean@gmail.com"),  # NFKC: full-width
    ("5\u200b1\u200c4\u2060", "514"),  # zero-width space, non-joiner, word joiner
    ("abc\u202edéf\u202c", "abcdéf"),  # bidirectional override and pop
    ("\u2066isolé\u2069 \u200fR\u200eL", "isolé RL"),  # isolates, marks
    ("\ufeffdébut", "début"),  # byte-order mark
    ("co\u00adopération", "coopération"),  # soft hyphen
    ("ligne 1\r\nligne 2\rligne 3\u2028ligne 4", "ligne 1\nligne 2\nligne 3\nligne 4"),
    ("a\x00b\x07c\x1bd\x7fe\x85f", "abcde\nf"),  # controls; NEL is a line break
    ("tab\tgardé", "tab\tgardé"),
    ("  espaces  ", "espaces"),
    ("e\u0301", "é"),  # composed
    ("x\ud800y\udfffz", "xyz"),  # lone surrogates
    ("\ufdd0\uffff!", "!"),  # noncharacters
    ("👩\u200d💻 et 🏳\ufe0f\u200d🌈", "👩\u200d💻 et 🏳\ufe0f\u200d🌈"),  # emoji sequences stay
    ("a\u200db", "ab"),  # a joiner between letters goes
])
def test_normalises(typed, kept):
    assert normalise_text(typed) == kept


def test_every_format_character_of_this_python_is_removed():
    """The list in normalise.py covers every Cf character (but the emoji joiner)."""
    planes = [*range(0x10000), *range(0x10000, 0x20000), *range(0xE0000, 0xE0100)]
    missed = [hex(code) for code in planes
              if unicodedata.category(chr(code)) == "Cf" and code != 0x200D
              and strip_unwanted(f"a{chr(code)}b") != "ab"]
    assert missed == [], (unicodedata.unidata_version, sys.version)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_normalising_twice_changes_nothing_and_leaves_no_control(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in once)
    assert not any(unicodedata.category(ch) == "Cf" and ch != "\u200d" for ch in once)
    once.encode("utf-8")  # storable: no lone surrogate


@settings(max_examples=300, deadline=None, database=None)
@given(st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.sampled_from(
    ["tout en ASCII", "a\x07b", "ligne\nsuivante", "👩\u200d💻", "a\u200db", "accentué"]))
def test_showing_text_removes_exactly_what_the_full_pattern_removes(text):
    """strip_unwanted answers most texts without its full pattern (every printed value of a
    page goes through it): the quick answers must be the same."""
    from chatbot.normalise import _UNWANTED
    assert strip_unwanted(text) == _UNWANTED.sub("", text)
