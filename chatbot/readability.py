"""Readability measures for easy-read texts (plain Python, no dependencies).

- words per sentence: 15 or fewer on average, per language and text set; no single text
  above 20.
- French, Kandel-Moles (1958), Flesch adapted to French:
      207 - 1.015 x words/sentence - 73.6 x syllables/word
  average >= 60 ("fairly easy"), no text below 40.
- English, Flesch reading ease:
      206.835 - 1.015 x words/sentence - 84.6 x syllables/word
  average >= 60 ("plain English"), no text below 40.

Syllables are counted as groups of vowels (with French mute final -e/-es/-ent and English
silent final -e removed): rough, but stable. tests/test_readability.py holds every easy-read
text to these thresholds; the workspace shows the same measures as advice when a card is saved.
"""

import re

MAX_AVERAGE_WORDS_PER_SENTENCE = 15
MAX_WORDS_PER_SENTENCE = 20
MIN_AVERAGE_SCORE = 60
MIN_SCORE = 40

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ0-9]+(?:[’'-][A-Za-zÀ-ÖØ-öø-ÿŒœ]+)*")
SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n\n")
VOWELS = {"fr": "aeiouyàâäéèêëîïôöùûüœæ", "en": "aeiouy"}


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text) if WORD.search(part)]


def words(text: str) -> list[str]:
    # "l'IA" and "d'abord" count as two words, as a reader sees them.
    return [w for token in WORD.findall(text) for w in re.split(r"[’']", token) if w]


def syllables(word: str, lang: str) -> int:
    word = word.lower()
    if word.isdigit():
        return len(word)
    if lang == "fr":
        word = re.sub(r"(?<=[^aeiouyéèêàâîôû])(es|ent|e)$", "", word) or word
    elif len(word) > 3:
        word = re.sub(r"(?<=[^aeiouy])e$", "", word)
    groups = re.findall(f"[{VOWELS[lang]}]+", word)
    return max(1, len(groups))


def measure(text: str, lang: str) -> dict:
    """Words per sentence and reading-ease score of `text` in `lang` (fr or en)."""
    found = words(text)
    count = max(1, len(sentences(text)))
    per_sentence = len(found) / count
    per_word = sum(syllables(w, lang) for w in found) / max(1, len(found))
    if lang == "fr":
        score = 207 - 1.015 * per_sentence - 73.6 * per_word
    else:
        score = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    return {"words_per_sentence": per_sentence, "score": score}


def too_hard(measures: dict) -> bool:
    """One text above the per-text limits."""
    return (measures["score"] < MIN_SCORE
            or measures["words_per_sentence"] > MAX_WORDS_PER_SENTENCE)
