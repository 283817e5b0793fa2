"""The corpus: documents split into passages and retrieval units, and question/answer cards.

A document body is cut into **blocks** (one paragraph, list or labelled paragraph each, as
the document page shows them, in order, never overlapping). Retrieval works on **units** that
follow the document's own structure, each with its heading path as context:

- ``block``: one block (a paragraph, a labelled paragraph, a whole list with its label);
- ``item``: one line of a list (a numbered measure, a proposal, a bullet), its heading path
  ending with the list's label ("Objectif 8 : … › 8.1 Rendre obligatoire …");
- ``section``: consecutive blocks under one heading, up to MAX_WORDS (the larger passages).

Unit ids are ``<doc>-<hash of heading path and text>``: an unchanged unit keeps its id, so an
index can re-encode only what changed. A corpus can be built from folders (`Corpus.load`) or
from documents and cards already in memory (`Corpus(documents, cards)`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .text import fold, normalize_space

log = logging.getLogger(__name__)

MAX_WORDS = 200  # a block or a section unit holds at most this many words
TARGET_WORDS = 140  # a paragraph longer than MAX_WORDS is cut into pieces of about this size
PAGE_CHARS = 12_000  # keeps a document page well under the 15 KB repeat-visit budget

DOC_SUFFIXES = (".md", ".txt")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# Cut points inside a paragraph: after sentence-final punctuation.
_CUT = re.compile(r"(?<=[.!?…»])\s+(?=[«\"'(\[A-ZÀ-ÖØ-Þ0-9])")
PATH_SEP = " › "


@dataclass
class Passage:
    """A retrieval unit (see the module docstring); blocks are also what a document page shows."""

    id: str
    doc_id: str
    index: int  # position among the document's units
    heading: str  # heading path; for an item, ends with its list's label
    text: str  # exact text of the document body
    kind: str = "block"  # "block" | "item" | "section"
    blocks: tuple[int, int] = (0, 1)  # the document blocks it spans: [start, end)
    line: int = -1  # for an item: its line in the block
    page: int = 1  # the part of the document page that shows it (long documents are split)
    anchor: str = ""  # id of the block that holds it on the document page

    @property
    def words(self) -> int:
        return len(self.text.split())

    def overlaps(self, other: Passage) -> bool:
        """True when both units show some of the same document text."""
        if self.doc_id != other.doc_id:
            return False
        if self.blocks[1] <= other.blocks[0] or other.blocks[1] <= self.blocks[0]:
            return False
        return not (self.line >= 0 and other.line >= 0 and self.line != other.line)


@dataclass
class Document:
    id: str
    title: str
    publisher: str
    date: str
    language: str
    source: str
    url: str | None  # original location of the text, if any (front matter `url`)
    body: str
    # how replies name the document ("Selon <short_title> : « … »"), per language
    short_title: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    passages: list[Passage] = field(default_factory=list)  # blocks, in document order
    units: list[Passage] = field(default_factory=list)  # every retrieval unit

    @property
    def page_count(self) -> int:
        return max((p.page for p in self.passages), default=1)

    def passages_on_page(self, page: int) -> list[Passage]:
        return [p for p in self.passages if p.page == page]

    def cited_as(self, lang: str) -> str:
        return self.short_title.get(lang) or self.short_title.get("fr") or self.title


@dataclass
class CardSource:
    doc: str
    quote: str


@dataclass
class Card:
    id: str
    review_date: object
    questions: dict[str, list[str]]
    answer: dict[str, str]
    sources: list[CardSource]
    path: Path | None = None

    def answer_text(self, lang: str, simple: bool = False) -> str:
        lang = lang if lang in ("fr", "en") else "fr"
        key = f"{lang}_simple" if simple else lang
        return self.answer.get(key) or self.answer.get(lang) or self.answer.get("fr", "")


def parse_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Split `---` front matter (`key: value` lines) from the body."""
    lines = raw.lstrip("\ufeff").splitlines()
    meta: dict[str, str] = {}
    if not lines or lines[0].strip() != "---":
        return meta, raw
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return meta, "\n".join(lines[i + 1:])
        key, sep, value = lines[i].partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip('"').strip("'")
    return meta, raw  # unterminated front matter: treat the whole file as body


def _paragraphs(body: str) -> list[tuple[str, str]]:
    """(heading path, paragraph) pairs, in order; the path keeps the `##` and deeper levels."""
    out: list[tuple[str, str]] = []
    headings: dict[int, str] = {}
    para: list[str] = []

    def flush():
        if para:
            text = "\n".join(para).strip()
            if text:
                out.append((PATH_SEP.join(headings[k] for k in sorted(headings)), text))
            para.clear()

    for line in body.splitlines():
        m = _HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            headings = {k: v for k, v in headings.items() if k < level}
            if level > 1:  # `# Title` repeats the title: not part of the path
                headings[level] = m.group(2)
        elif not line.strip():
            flush()
        else:
            para.append(line.rstrip())
    flush()
    return out


def _cut_long(text: str) -> list[str]:
    """Split a long paragraph at sentence boundaries (else at spaces) into ~TARGET_WORDS pieces."""
    cuts = [m.start() for m in _CUT.finditer(text)]
    if not cuts or max(len(s.split()) for s in _segments(text, cuts)) > MAX_WORDS:
        cuts = sorted(set(cuts) | {m.start() for m in re.finditer(r"\s+", text)})
    starts, count = [0], 0
    for a, b in zip([0] + cuts, cuts + [len(text)], strict=False):
        count += len(text[a:b].split())
        if count >= TARGET_WORDS and b < len(text):
            starts.append(b)
            count = 0
    if len(starts) > 1 and len(text[starts[-1]:].split()) < TARGET_WORDS // 4:
        starts.pop()  # a short tail stays with the previous piece
    return [s.strip() for s in _segments(text, starts[1:]) if s.strip()]


def _segments(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def is_list_line(line: str) -> bool:
    return bool(_LIST_LINE.match(line))


def list_item_text(line: str) -> str:
    """A list line without its bullet ("- 8.1 Rendre…" -> "8.1 Rendre…")."""
    return _LIST_LINE.sub("", line, count=1).strip()


def _unit_id(doc_id: str, heading: str, text: str, seen: set[str]) -> str:
    digest = hashlib.sha1(f"{heading}\n{normalize_space(text)}".encode()).hexdigest()[:10]
    pid, k = f"{doc_id}-{digest}", 2
    while pid in seen:  # identical text under the same heading, repeated in one document
        pid, k = f"{doc_id}-{digest}-{k}", k + 1
    seen.add(pid)
    return pid


def split_blocks(body: str) -> list[tuple[str, str]]:
    """(heading path, block text): one per paragraph; a paragraph over MAX_WORDS is cut."""
    out = []
    for heading, para in _paragraphs(body):
        pieces = _cut_long(para) if len(para.split()) > MAX_WORDS else [para]
        out += [(heading, piece) for piece in pieces]
    return out


def split_units(doc_id: str, body: str) -> tuple[list[Passage], list[Passage]]:
    """(blocks, units) of one document body; every block is also a unit."""
    seen: set[str] = set()
    raw = split_blocks(body)
    blocks = [Passage(_unit_id(doc_id, h, t, seen), doc_id, 0, h, t, "block", (b, b + 1))
              for b, (h, t) in enumerate(raw)]
    for b in blocks:
        b.anchor = b.id
    units: list[Passage] = []
    for b, block in enumerate(blocks):
        units.append(block)
        lines = block.text.split("\n")
        items = [i for i, line in enumerate(lines) if is_list_line(line)]
        if len(items) < 2 and len(lines) == 1:
            continue  # a one-line block is its own item
        label = ""
        for i, line in enumerate(lines):
            if not is_list_line(line):
                label = line.strip()
                continue
            heading = PATH_SEP.join(x for x in (block.heading, label) if x)
            text = list_item_text(line)
            units.append(Passage(_unit_id(doc_id, heading, text, seen), doc_id, 0, heading, text,
                                 "item", (b, b + 1), i, anchor=block.id))
    units += _sections(doc_id, blocks, seen)
    units.sort(key=lambda u: (u.blocks[0], u.kind != "section", u.line))
    for i, u in enumerate(units):
        u.index = i
    return blocks, units


def _sections(doc_id: str, blocks: list[Passage], seen: set[str]) -> list[Passage]:
    """Windows of 2+ consecutive blocks under one heading, each up to MAX_WORDS."""
    out = []
    start = 0
    while start < len(blocks):
        end, words = start, 0
        while (end < len(blocks) and blocks[end].heading == blocks[start].heading
               and words + blocks[end].words <= MAX_WORDS):
            words += blocks[end].words
            end += 1
        if end - start >= 2:
            heading = blocks[start].heading
            text = "\n\n".join(b.text for b in blocks[start:end])
            out.append(Passage(_unit_id(doc_id, heading, text, seen), doc_id, 0, heading, text,
                               "section", (start, end), anchor=blocks[start].id))
        start = max(end, start + 1)
    return out


def assign_pages(blocks: list[Passage], units: list[Passage]) -> None:
    """Number the parts of a long document for its web page: a part ends at a heading once it
    holds PAGE_CHARS characters, or mid-section when one section alone is longer. A unit is
    on the page of the block it starts with."""
    page, size, heading = 1, 0, None
    for block in blocks:
        new_section = block.heading != heading
        if size and (size + len(block.text) > PAGE_CHARS) and (new_section or
                                                               size >= PAGE_CHARS):
            page, size = page + 1, 0
        block.page = page
        size += len(block.text)
        heading = block.heading
    for unit in units:
        unit.page = blocks[unit.blocks[0]].page


def parse_document(raw: str, default_id: str = "document", path: Path | None = None) -> Document:
    """A document from its text (front matter + Markdown body)."""
    meta, body = parse_front_matter(raw)
    doc_id = meta.get("id") or default_id
    doc = Document(
        id=doc_id,
        title=meta.get("title", doc_id),
        publisher=meta.get("publisher", ""),
        date=meta.get("date", ""),
        language=(meta.get("language") or "fr")[:2].lower(),
        source=meta.get("source", ""),
        url=meta.get("url") or None,
        body=body,
        short_title={lang: meta[key] for lang, key in (("fr", "short_title"),
                                                       ("en", "short_title_en")) if meta.get(key)},
        path=path,
    )
    doc.passages, doc.units = split_units(doc_id, body)
    assign_pages(doc.passages, doc.units)
    return doc


def load_document(path: Path) -> Document:
    return parse_document(path.read_text(encoding="utf-8"), path.stem, path)


def parse_card(data: dict, default_id: str = "card", path: Path | None = None) -> Card:
    """A card from its parsed TOML (or any mapping of the same shape)."""
    questions = {k: [q for q in v if q.strip()] for k, v in data.get("questions", {}).items()}
    return Card(
        id=str(data.get("id") or default_id),
        review_date=data.get("review_date"),
        questions=questions,
        answer={k: str(v).strip() for k, v in data.get("answer", {}).items()},
        sources=[CardSource(str(s["doc"]), str(s["quote"])) for s in data.get("sources", [])],
        path=path,
    )


def load_card(path: Path) -> Card:
    return parse_card(tomllib.loads(path.read_text(encoding="utf-8")), path.stem, path)


GUIDE_FILES = {"synonyms": "synonyms.toml", "where": "where-to-ask.toml", "scope": "scope.toml"}


def load_guides(root: Path) -> dict[str, dict]:
    """The guide files of a corpus folder, parsed (a missing file is left out)."""
    return {name: tomllib.loads((root / file).read_text(encoding="utf-8"))
            for name, file in GUIDE_FILES.items() if (root / file).is_file()}


class Corpus:
    """Documents and cards, plus the guides a deployment edits (parsed TOML, {} when absent):
    `synonyms` (everyday phrasing), `where` (where to ask), `scope` (what is covered)."""

    def __init__(self, documents: list[Document], cards: list[Card], root: Path | None = None,
                 guides: dict[str, dict] | None = None):
        self.root = root
        self.guides = {name: dict((guides or {}).get(name) or {}) for name in GUIDE_FILES}
        self.documents = documents
        self.cards = cards
        self.doc_by_id = {d.id: d for d in documents}
        self.card_by_id = {c.id: c for c in cards}
        self.passages = [p for d in documents for p in d.passages]  # blocks
        self.block_by_id = {b.id: b for b in self.passages}
        self.units = [u for d in documents for u in d.units]

    @classmethod
    def load(cls, root: Path | str) -> Corpus:
        root = Path(root)
        docs = [load_document(p) for p in sorted((root / "documents").glob("*"))
                if p.suffix in DOC_SUFFIXES and p.is_file()]
        cards = []
        for p in sorted((root / "cards").glob("*.toml")):
            try:
                cards.append(load_card(p))
            except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
                log.warning("skipping card %s: %s", p.name, exc)
        return cls(docs, cards, root, load_guides(root))

    def without_cards(self) -> Corpus:
        return Corpus(self.documents, [], self.root, self.guides)

    def domain_texts(self) -> list[str]:
        """Every text whose words the domain uses: documents, card questions and answers."""
        texts = [f"{d.title}\n{d.publisher}\n{d.body}" for d in self.documents]
        texts += [" ".join(qs) for c in self.cards for qs in c.questions.values()]
        texts += [a for c in self.cards for a in c.answer.values()]
        return texts

    def content_hash(self) -> str:
        """Hash of everything the index is built from: unit ids (content-hashed), document
        languages and the cards' questions, answers and quotes."""
        h = hashlib.sha256()
        for doc in self.documents:
            h.update(f"{doc.id}\0{doc.language}\0".encode())
            h.update("\0".join(u.id for u in doc.units).encode() + b"\1")
        for card in self.cards:
            h.update(repr((card.id, sorted(card.questions.items()), sorted(card.answer.items()),
                           [(s.doc, s.quote) for s in card.sources])).encode() + b"\1")
        return h.hexdigest()

    def units_for_quote(self, doc_id: str, quote: str) -> list[Passage]:
        """Units of `doc_id` that contain the quote (the smallest first); when no single unit
        holds it, the blocks it spans. [] when it is not found."""
        doc = self.doc_by_id.get(doc_id)
        if doc is None or not quote.strip():
            return []
        for norm in (normalize_space, lambda s: normalize_space(fold(s))):
            q = norm(quote)
            inside = [u for u in doc.units if q in norm(u.text)]
            inside = inside or [u for u in doc.units if q in norm(u.heading)]  # a list's label
            if inside:
                return sorted(inside, key=lambda u: u.words)
            joined, spans, pos = "", [], 0
            for b in doc.passages:
                t = norm(b.text)
                spans.append((pos, pos + len(t)))
                joined += t + " "
                pos += len(t) + 1
            at = joined.find(q)
            if at >= 0:
                end = at + len(q)
                return [b for b, (a, z) in zip(doc.passages, spans, strict=True)
                        if a < end and z > at]
        return []
