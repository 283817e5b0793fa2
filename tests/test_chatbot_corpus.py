"""Corpus loading: passage splitting, card schema, card quotes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chatbot.corpus import MAX_WORDS, Corpus, parse_front_matter, split_passages
from chatbot.text import analyze, fold, normalize_space, split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


def sentences(text: str) -> list[str]:
    return split_sentences(text)


def make_body() -> str:
    long_para = " ".join(f"Phrase numéro {i} sur l'intelligence artificielle publique." for i in
                         range(60))
    return (f"## Intro\n\nCourt paragraphe.\n\nUn autre court.\n\n- item un\n- item deux\n\n"
            f"## Long\n\n{long_para}\n\n## Fin\n\nDernier mot.\n")


def test_fold_and_analyze():
    assert fold("Éléphant Côte") == "elephant cote"
    assert analyze("Les stratégies québécoises", "fr") == analyze("la strategie quebecoise", "fr")
    assert "le" not in analyze("le chat", "fr")


def test_front_matter():
    meta, body = parse_front_matter("---\nid: x\ntitle: Un titre: deux\n---\n## H\n\ntexte\n")
    assert meta == {"id": "x", "title": "Un titre: deux"}
    assert body.strip().startswith("## H")


def test_passages_sizes_headings_and_exact_text():
    body = make_body()
    passages = split_passages("doc", body)
    assert [p.heading for p in passages][0] == "Intro"
    intro = passages[0]
    assert "Court paragraphe." in intro.text and "- item deux" in intro.text  # merged
    long = [p for p in passages if p.heading == "Long"]
    assert len(long) >= 2 and all(p.words <= MAX_WORDS for p in long)
    for p in passages:
        assert p.text in body  # exact passage text of the document
        assert p.url == f"/chat/sources/doc#{p.id}"


def test_passage_ids_stable():
    body = make_body()
    ids = [p.id for p in split_passages("doc", body)]
    assert ids == [p.id for p in split_passages("doc", body)]
    assert len(set(ids)) == len(ids)
    # editing one section keeps the ids of the others
    edited = body.replace("Dernier mot.", "Dernier mot, modifié.")
    assert [p.id for p in split_passages("doc", edited)][:-1] == ids[:-1]


def test_real_passages_sizes(corpus):
    assert corpus.documents, "corpus/documents is empty"
    for doc in corpus.documents:
        assert doc.title and doc.language in ("fr", "en")
        for p in doc.passages:
            assert p.words <= MAX_WORDS + 40, (p.id, p.words)
            assert normalize_space(p.text) in normalize_space(doc.body)
    ids = [p.id for p in corpus.passages]
    assert len(ids) == len(set(ids))


def test_every_card_quote_is_in_its_document(corpus):
    for card in corpus.cards:
        assert card.sources, card.id
        for src in card.sources:
            doc = corpus.doc_by_id.get(src.doc)
            assert doc is not None, f"{card.id}: unknown document {src.doc}"
            assert normalize_space(src.quote) in normalize_space(doc.body), (card.id, src.quote)
            assert corpus.passages_for_quote(src.doc, src.quote), (card.id, src.quote)


def test_card_schema(corpus):
    assert corpus.cards, "corpus/cards is empty"
    for card in corpus.cards:
        assert card.id == card.path.stem
        assert isinstance(card.review_date, dt.date), card.id
        for lang in ("fr", "en"):
            assert card.questions.get(lang), (card.id, lang)
            standard = card.answer.get(lang, "")
            simple = card.answer.get(f"{lang}_simple", "")
            assert standard and simple, (card.id, lang)
            assert len(sentences(standard)) <= 4, (card.id, lang, standard)
            assert len(sentences(simple)) <= 3, (card.id, lang, simple)
            for s in sentences(simple):
                assert len(s.split()) <= 12, (card.id, lang, s)
            assert "<" not in standard and "<" not in simple
