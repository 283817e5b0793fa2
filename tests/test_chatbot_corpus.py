"""Corpus loading: blocks and retrieval units, card schema and quotes, the guides' data files."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from chatbot.corpus import (
    MAX_WORDS,
    Corpus,
    parse_card,
    parse_document,
    parse_front_matter,
    split_units,
)
from chatbot.text import analyze, fold, normalize_space, split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


def make_body() -> str:
    long_para = " ".join(f"Phrase numéro {i} sur l'intelligence artificielle publique." for i in
                         range(60))
    return (f"## Intro\n\nCourt paragraphe.\n\nUn autre court.\n\n"
            f"Objectif 8 : Encadrer l'IA\n- 8.1 Rendre obligatoire la divulgation\n"
            f"- 8.2 Outiller les organismes*\n\n"
            f"## Long\n\n{long_para}\n\n## Fin\n\nDernier mot.\n")


def test_fold_and_analyze():
    assert fold("Éléphant Côte") == "elephant cote"
    assert analyze("Les stratégies québécoises", "fr") == analyze("la strategie quebecoise", "fr")
    assert "le" not in analyze("le chat", "fr")


def test_front_matter():
    meta, body = parse_front_matter("---\nid: x\ntitle: Un titre: deux\n---\n## H\n\ntexte\n")
    assert meta == {"id": "x", "title": "Un titre: deux"}
    assert body.strip().startswith("## H")


def test_every_list_item_is_a_unit_with_its_heading_path():
    blocks, units = split_units("doc", make_body())
    items = [u for u in units if u.kind == "item"]
    assert [u.text for u in items] == ["8.1 Rendre obligatoire la divulgation",
                                       "8.2 Outiller les organismes*"]
    assert items[0].heading == "Intro › Objectif 8 : Encadrer l'IA"
    # the list is also one block, the short paragraphs each their own, and a section holds them
    assert [b.text.split("\n")[0] for b in blocks if b.heading == "Intro"] == [
        "Court paragraphe.", "Un autre court.", "Objectif 8 : Encadrer l'IA"]
    sections = [u for u in units if u.kind == "section"]
    assert sections and "Court paragraphe." in sections[0].text
    for u in units:
        assert u.text in make_body()  # exact text of the document
        assert u.anchor in {b.id for b in blocks}  # shown on the page inside a block
    long = [b for b in blocks if b.heading == "Long"]
    assert len(long) >= 2 and all(b.words <= MAX_WORDS for b in long)


def test_units_overlap_only_where_they_share_text():
    _, units = split_units("doc", make_body())
    first, second = [u for u in units if u.kind == "item"]
    block = next(u for u in units if u.kind == "block" and u.blocks == first.blocks)
    assert first.overlaps(block) and block.overlaps(second)
    assert not first.overlaps(second)


def test_unit_ids_are_content_hashes():
    body = make_body()
    ids = [u.id for u in split_units("doc", body)[1]]
    assert ids == [u.id for u in split_units("doc", body)[1]]
    assert len(set(ids)) == len(ids)
    # editing one section keeps the ids of every unit of the others
    edited = body.replace("Dernier mot.", "Dernier mot, modifié.")
    kept = set(ids) & {u.id for u in split_units("doc", edited)[1]}
    assert len(kept) == len(ids) - 1


def test_a_short_document_is_not_folded_into_a_few_long_passages(corpus):
    doc = corpus.doc_by_id["qc-strategie-ia-2024"]
    measures = [u for u in doc.units if u.kind == "item"]
    assert len(measures) == 13  # every numbered measure on its own
    measure = next(u for u in measures if u.text.startswith("8.1 "))
    assert measure.heading.endswith("› Objectif 8 : Encadrer la conception et l'utilisation de "
                                    "l'IA par des balises éthiques et des pratiques de sécurité "
                                    "adaptées à l'IA")
    fjj = corpus.doc_by_id["fjj-fonction-publique-ia-2025"]
    assert sum(u.kind == "item" for u in fjj.units) == 15  # the 15 proposals


def test_real_units_and_blocks(corpus):
    assert corpus.documents, "corpus/documents is empty"
    for doc in corpus.documents:
        assert doc.title and doc.language in ("fr", "en")
        assert doc.cited_as("fr") and doc.cited_as("en")
        for b in doc.passages:
            assert b.words <= MAX_WORDS + 40, (b.id, b.words)
            assert normalize_space(b.text) in normalize_space(doc.body)
    ids = [u.id for u in corpus.units]
    assert len(ids) == len(set(ids))


def test_a_corpus_is_built_from_documents_and_cards_in_memory(corpus):
    doc = parse_document("---\nid: memo\ntitle: Mémo\n---\n## A\n\n- un\n- deux\n")
    card = parse_card({"id": "c", "questions": {"fr": ["Un ?"]}, "answer": {"fr": "Un."},
                       "sources": [{"doc": "memo", "quote": "deux"}]})
    memory = Corpus([doc], [card], guides=corpus.guides)
    assert [u.text for u in memory.units if u.kind == "item"] == ["un", "deux"]
    assert memory.units_for_quote("memo", "deux")[0].kind == "item"
    assert memory.guides["where"] == corpus.guides["where"]
    assert memory.content_hash() != corpus.content_hash()


def test_every_card_quote_is_in_its_document(corpus):
    for card in corpus.cards:
        assert card.sources, card.id
        for src in card.sources:
            doc = corpus.doc_by_id.get(src.doc)
            assert doc is not None, f"{card.id}: unknown document {src.doc}"
            assert normalize_space(src.quote) in normalize_space(doc.body), (card.id, src.quote)
            assert corpus.units_for_quote(src.doc, src.quote), (card.id, src.quote)


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
            assert len(split_sentences(standard)) <= 4, (card.id, lang, standard)
            assert len(split_sentences(simple)) <= 3, (card.id, lang, simple)
            for s in split_sentences(simple):
                assert len(s.split()) <= 12, (card.id, lang, s)
            assert "<" not in standard and "<" not in simple


def test_where_to_ask_lists_reachable_bodies_in_both_languages():
    data = tomllib.loads((CORPUS / "where-to-ask.toml").read_text(encoding="utf-8"))
    bodies = data["body"]
    assert sum(bool(b.get("fallback")) for b in bodies) == 1
    ids = [b["id"] for b in bodies]
    assert len(ids) == len(set(ids))
    for b in bodies:
        for lang in ("fr", "en"):
            assert b["name"][lang] and b["url"][lang].startswith("https://"), b["id"]
            assert b["keywords"][lang], b["id"]
    assert {"revenu-quebec", "saaq", "ramq", "cai", "services-quebec", "service-canada"} <= \
        set(ids)


def test_guides_parse(corpus):
    assert corpus.guides["synonyms"]["rewrite"]["fr"]
    assert corpus.guides["synonyms"]["synonyms"]["en"]
    scope = corpus.guides["scope"]
    assert scope["covered"]["about"]["fr"] and scope["covered"]["about"]["en"]
    assert "Ontario" in scope["elsewhere"]["places"]
