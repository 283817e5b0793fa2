"""Simplified texts stay easy to read: answer cards (corpus/cards/*.toml, `fr_simple` and
`en_simple`) and the consultations' `*_simple` texts from the demo data.

Thresholds (set in issue 6; change them here, with the reason):
- words per sentence: 15 or fewer on average, per language and text set; no single text
  above 20.
- French, Kandel–Moles (1958), Flesch adapted to French:
      207 − 1.015 × words/sentence − 73.6 × syllables/word
  average ≥ 60 ("fairly easy"), no text below 40.
- English, Flesch reading ease:
      206.835 − 1.015 × words/sentence − 84.6 × syllables/word
  average ≥ 60 ("plain English"), no text below 40.

Syllables are counted as groups of vowels (with French mute final -e/-es/-ent and English
silent final -e removed): rough, but stable and dependency-free. Scores on texts of one or two
short sentences are noisy, hence the per-text floor is much lower than the average target.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CARDS = sorted((ROOT / "corpus" / "cards").glob("*.toml"))
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
    found = words(text)
    count = max(1, len(sentences(text)))
    per_sentence = len(found) / count
    per_word = sum(syllables(w, lang) for w in found) / max(1, len(found))
    if lang == "fr":
        score = 207 - 1.015 * per_sentence - 73.6 * per_word
    else:
        score = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    return {"words_per_sentence": per_sentence, "score": score}


def card_texts(lang: str) -> dict[str, str]:
    texts = {}
    for path in CARDS:
        card = tomllib.loads(path.read_text())
        text = card.get("answer", {}).get(f"{lang}_simple")
        if text:
            texts[path.stem] = text
    return texts


def demo_texts(lang: str) -> dict[str, str]:
    try:
        from consultations import demo
    except ImportError:
        return {}
    found = {}

    def collect(value, where):
        if isinstance(value, dict):
            if value.get(f"{lang}_simple"):
                found[where] = value[f"{lang}_simple"]
            for key, item in value.items():
                collect(item, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                collect(item, f"{where}[{index}]")

    for name in dir(demo):
        if name.isupper():
            collect(getattr(demo, name), name)
    # Texts built inside functions (consultation titles and summaries) are read from source.
    source = Path(demo.__file__).read_text()
    return found | _simple_literals(source, lang)


def _simple_literals(source: str, lang: str) -> dict[str, str]:
    """Third (fr_simple) and fourth (en_simple) arguments of t(...) calls in demo.py."""
    import ast
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t":
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            index = 2 if lang == "fr" else 3
            if len(args) > index and args[index]:
                found[f"demo.py:{node.lineno}"] = args[index]
    return found


def report(texts: dict[str, str], lang: str) -> tuple[dict, list[str]]:
    scores = {name: measure(text, lang) for name, text in texts.items()}
    problems = [
        f"{name}: {m['words_per_sentence']:.1f} words/sentence, score {m['score']:.0f}"
        for name, m in scores.items()
        if m["score"] < MIN_SCORE or m["words_per_sentence"] > MAX_WORDS_PER_SENTENCE
    ]
    average = {
        "words_per_sentence": sum(m["words_per_sentence"] for m in scores.values()) / len(scores),
        "score": sum(m["score"] for m in scores.values()) / len(scores),
    }
    return average, problems


SETS = [("cards", "fr"), ("cards", "en"), ("demo", "fr"), ("demo", "en")]


@pytest.mark.parametrize(("source", "lang"), SETS, ids=[f"{s}-{lang}" for s, lang in SETS])
def test_simplified_texts_are_easy_to_read(source, lang):
    texts = card_texts(lang) if source == "cards" else demo_texts(lang)
    if not texts:
        pytest.skip(f"no simplified {lang} text in {source} yet")
    average, problems = report(texts, lang)
    print(f"\n{source}-{lang}: {len(texts)} texts, {average['words_per_sentence']:.1f} "
          f"words/sentence, score {average['score']:.0f}")
    assert problems == []
    assert average["words_per_sentence"] <= MAX_AVERAGE_WORDS_PER_SENTENCE
    assert average["score"] >= MIN_AVERAGE_SCORE


def test_the_measures_behave():
    easy = measure("Le chat dort. Il fait beau.", "fr")
    hard = measure("L'institutionnalisation des mécanismes de gouvernance algorithmique "
                   "nécessite une concertation interministérielle approfondie.", "fr")
    assert easy["words_per_sentence"] == 3
    assert easy["score"] > 80 > 40 > hard["score"]
    assert syllables("intelligence", "fr") == 4 and syllables("table", "en") == 1
    assert measure("The cat sat on the mat.", "en")["score"] > 100
    assert words("l'IA") == ["l", "IA"]
