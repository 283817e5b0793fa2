"""Personal data in free text, found before anything is kept (also used by the consultations).

`find_personal_data(text, regions)` returns the kinds found, among: "email", "phone",
"national_id" (Canadian SIN, French NIR, Belgian national or BIS number, Swiss AVS number),
"iban", "payment_card", "address". The text is normalised first (chatbot/normalise.py), so
full-width characters, zero-width spaces and bidirectional controls hide nothing.

Libraries do what they know: `phonenumbers` (Google's libphonenumber) finds phone numbers for
the regions given, in national and international formats; `python-stdnum` checks identifiers
by their checksums. Own code only for what they do not cover: e-mail and street addresses.
"""

from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import iban, luhn
from stdnum.be import ssn as be_ssn
from stdnum.ca import sin as ca_sin
from stdnum.ch import ssn as ch_ssn
from stdnum.fr import nir as fr_nir

from .normalise import normalise_text

DEFAULT_REGIONS = ("CA", "FR", "BE", "CH")
KINDS = ("email", "iban", "national_id", "payment_card", "phone", "address")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Groups of digits (a French NIR may hold 2A/2B for Corsica) with the separators people type.
_NUMBER = re.compile(r"(?<![\w+])\d[\dAB]*(?:[ ./-]?\d[\dAB]*)*(?!\w)", re.IGNORECASE)
_GROUP = re.compile(r"[\dAB]+", re.IGNORECASE)
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}(?!\w)", re.IGNORECASE)
# By length without separators: Canadian SIN, Belgian national number, Swiss AVS, French NIR.
_NATIONAL_IDS = {9: ca_sin, 11: be_ssn, 13: ch_ssn, 15: fr_nir}
_SHORTEST_ID, _LONGEST_ID = 9, 19  # a SIN; a payment card
_SHORTEST_IBAN = 15
# Bounds the work on a text made only of numbers (a hostile one): identifiers checked, then
# runs given to the phone matcher.
_CHECKS = 500
# A phone number has at least 8 digits in these regions; longer runs of digits and separators
# go to the matcher, which handles several numbers in one run.
_PHONE_RUN = re.compile(r"[+(]?\d[\d ().\-/]*\d\)?")
_PHONE_DIGITS = 8
_PHONE_RUNS, _PHONE_TRIES = 20, 10

_STREET_FR = (r"rue|avenue|av\.?|boulevard|boul\.?|bd|chemin|ch\.|route|rang|place|mont[ée]e|"
              r"c[ôo]te|all[ée]e|impasse|promenade|croissant|terrasse|autoroute|quai|square")
_STREET_EN = (r"street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|drive|dr\.?|lane|ln\.?|"
              r"way|court|ct\.?|crescent|cres\.?|place|pl\.?|highway|hwy\.?|parkway|terrace")
_ADDRESSES = (
    re.compile(rf"(?<!\d)\d{{1,5}}(?:\s*-\s*\d{{1,5}})?(?:\s?[a-zA-Z](?!\w))?,?\s+"
               rf"(?:{_STREET_FR})(?!\w)(?:\s+(?:de\s+la|de\s+l'|des|du|de|d')?\s*[\w'’-]+)?",
               re.IGNORECASE),
    re.compile(rf"(?<!\d)\d{{1,5}}\s+(?:[A-ZÀ-Þ][\w'’.-]*\s+){{1,3}}(?:{_STREET_EN})(?!\w)",
               re.IGNORECASE),
    # A Canadian postal code: H2X 1Y4.
    re.compile(r"(?<!\w)[ABCEGHJ-NPRSTVXY]\d[A-Z] ?\d[A-Z]\d(?!\w)", re.IGNORECASE),
)


def _compact(text: str) -> str:
    return "".join(_GROUP.findall(text)).upper()


def _spans(match: re.Match):
    """Runs of whole groups inside a number, longest first from each group, that are as long
    as an identifier can be ("en 2024 046 454 286" holds a SIN)."""
    groups = list(_GROUP.finditer(match.group()))
    for first, start in enumerate(groups):
        ends, length = [], 0
        for group in groups[first:]:
            length += len(group.group())
            if length > _LONGEST_ID:
                break
            if length >= _SHORTEST_ID:
                ends.append(group.end())
        for end in reversed(ends):
            yield match.start() + start.start(), match.start() + end


def _identifier_kind(value: str) -> str | None:
    module = _NATIONAL_IDS.get(len(value))
    if module is not None and module.is_valid(value):
        return "national_id"
    if value.isdigit() and 13 <= len(value) <= 19 and luhn.is_valid(value):
        return "payment_card"
    return None


def _ibans(text: str):
    """Each IBAN, as typed; a word run into its last group ("… 189 merci") is left out."""
    for match in _IBAN.finditer(text):
        end = match.end()
        while end - match.start() >= _SHORTEST_IBAN:
            if iban.is_valid(text[match.start():end]):
                yield match.start(), end
                break
            end = text.rfind(" ", match.start(), end)


def _find_identifiers(text: str, add) -> str:
    budget = _CHECKS
    for match in list(_NUMBER.finditer(text)):
        for start, end in _spans(match):
            budget -= 1
            if budget < 0:
                return text
            kind = _identifier_kind(_compact(text[start:end]))
            if kind:
                add(kind)
                text = _mask(text, start, end)
                break
    return text


def _find_phones(text: str, regions, add) -> str:
    runs = [run for run in _PHONE_RUN.finditer(text)
            if sum(ch.isdigit() for ch in run.group()) >= _PHONE_DIGITS]
    for run in runs[:_PHONE_RUNS]:
        for region in regions:
            for number in PhoneNumberMatcher(run.group(), region, leniency=Leniency.VALID,
                                             max_tries=_PHONE_TRIES):
                add("phone")
                text = _mask(text, run.start() + number.start, run.start() + number.end)
    return text


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def find_personal_data(text: str, regions=DEFAULT_REGIONS) -> list[str]:
    """Kinds of personal data found in `text`, in a stable order, each at most once.
    `regions`: ISO country codes whose national phone formats count (international ones
    with + always do)."""
    found: set[str] = set()
    text = normalise_text(text or "")
    if not text:
        return []
    for match in list(_EMAIL.finditer(text)):
        found.add("email")
        text = _mask(text, match.start(), match.end())
    for start, end in list(_ibans(text)):
        found.add("iban")
        text = _mask(text, start, end)
    text = _find_identifiers(_find_phones(text, regions, found.add), found.add)
    if any(pattern.search(text) for pattern in _ADDRESSES):
        found.add("address")
    return [kind for kind in KINDS if kind in found]
