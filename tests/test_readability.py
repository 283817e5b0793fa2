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

Easy-read interface strings (issue 12): every sentence the easy-read screens show (their
templates, the flows' tasks, the end screens, the delete-everything confirmation, and the
errors and refusals they can show) is extracted from the code as gettext does, in French and
through the English catalogue, and held to the same thresholds. Labels of fewer than five
words (buttons, headings) are not scored: the formulas mean nothing on one or two words.

Syllables are counted as groups of vowels (with French mute final -e/-es/-ent and English
silent final -e removed): rough, but stable and dependency-free. Scores on texts of one or two
short sentences are noisy, hence the per-text floor is much lower than the average target.
The measures live in chatbot/readability.py: the workspace runs them when a card is saved.
"""

import tomllib
from pathlib import Path

import pytest

from chatbot.readability import (
    MAX_AVERAGE_WORDS_PER_SENTENCE,
    MIN_AVERAGE_SCORE,
    measure,
    syllables,
    too_hard,
    words,
)

ROOT = Path(__file__).resolve().parents[1]
CARDS = sorted((ROOT / "corpus" / "cards").glob("*.toml"))
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


EASY_SOURCES = [
    *sorted((ROOT / "consultations/templates/consultations/easy").rglob("*.html")),
    ROOT / "consultations/templates/consultations/erase.html",
    ROOT / "consultations/views/steps.py", ROOT / "consultations/easyread.py",
    ROOT / "consultations/views/common.py", ROOT / "consultations/validation.py",
    (ROOT / "consultations/phases.py", "check"),  # the refusals, not the chatbot questions
]
SAMPLE_VALUES = {"num": "3", "total": "5", "number": "2", "name": "Lucie", "step": "Imaginer",
                 "date": "15 janvier 2027", "value": "4", "length": "2100", "limit": "2000",
                 "what": "un numéro de téléphone", "n": "100", "days": "30"}
MIN_SCORED_WORDS = 5


def _lines_of(path: Path, function: str) -> range:
    import ast
    node = next(n for n in ast.walk(ast.parse(path.read_text()))
                if isinstance(n, ast.FunctionDef) and n.name == function)
    return range(node.lineno, node.end_lineno + 1)


def easy_read_texts(lang: str) -> dict[str, str]:
    from babel.messages.extract import extract_from_file
    from babel.support import Translations

    catalogue = Translations.load(str(ROOT / "translations"), [lang])
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                "ngettext": (1, 2)}
    found = {}
    for source in EASY_SOURCES:
        path, function = source if isinstance(source, tuple) else (source, None)
        lines = _lines_of(path, function) if function else None
        method = "jinja2.ext:babel_extract" if path.suffix == ".html" else "python"
        for line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=keywords):
            if lines and line not in lines:
                continue
            singular = message[0] if isinstance(message, tuple) else message
            if lang == "fr":
                text = singular
            elif isinstance(message, tuple):
                text = catalogue.ngettext(message[0], message[1], 3)
            else:
                text = catalogue.gettext(singular)
            text = text % SAMPLE_VALUES if "%(" in text else text
            if len(words(text)) >= MIN_SCORED_WORDS:
                found[f"{path.name}:{line}"] = text
    return found


def report(texts: dict[str, str], lang: str) -> tuple[dict, list[str]]:
    scores = {name: measure(text, lang) for name, text in texts.items()}
    problems = [
        f"{name}: {m['words_per_sentence']:.1f} words/sentence, score {m['score']:.0f}"
        for name, m in scores.items() if too_hard(m)
    ]
    average = {
        "words_per_sentence": sum(m["words_per_sentence"] for m in scores.values()) / len(scores),
        "score": sum(m["score"] for m in scores.values()) / len(scores),
    }
    return average, problems


SETS = [("cards", "fr"), ("cards", "en"), ("demo", "fr"), ("demo", "en"), ("easy-read", "fr"),
        ("easy-read", "en")]
SOURCES = {"cards": card_texts, "demo": demo_texts, "easy-read": easy_read_texts}


@pytest.mark.parametrize(("source", "lang"), SETS, ids=[f"{s}-{lang}" for s, lang in SETS])
def test_simplified_texts_are_easy_to_read(source, lang):
    texts = SOURCES[source](lang)
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
