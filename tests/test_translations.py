"""The English catalogue is complete, in step with the code, and compiled."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.cli import extract_messages

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/en/LC_MESSAGES/messages.po"
MO = ROOT / "translations/en/LC_MESSAGES/messages.mo"


def load_po():
    with PO.open("rb") as handle:
        return read_po(handle)


def untranslated(message) -> bool:
    """No English, or a plural with one of its forms left empty (a tuple of "" is truthy)."""
    string = message.string
    return not all(string) if isinstance(string, list | tuple) else not string


def test_every_english_message_is_translated():
    empty = [m.id for m in load_po() if m.id and untranslated(m)]
    assert empty == []


def test_no_fuzzy_translation_is_left():
    fuzzy = [m.id for m in load_po() if m.id and m.fuzzy]
    assert fuzzy == []


def test_catalogue_has_every_string_of_the_code(tmp_path):
    template = tmp_path / "messages.pot"
    extract_messages(template)
    with template.open("rb") as handle:
        in_code = {m.id for m in read_po(handle) if m.id}
    in_catalogue = {m.id for m in load_po() if m.id}
    missing = sorted(str(m) for m in in_code - in_catalogue)
    assert missing == [], "run `flask translate update` and translate the new strings"


def _as_key(value):
    """Plural entries carry tuples (or lists) of strings; make them comparable."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = {_as_key(m.id): _as_key(m.string) for m in read_mo(handle) if m.id}
    source = {_as_key(m.id): _as_key(m.string) for m in load_po() if m.id and m.string}
    assert compiled == source, "run `flask translate compile`"
