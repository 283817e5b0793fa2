"""Load the corpus: documents split into passages, and question/answer cards."""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .text import fold, normalize_space

log = logging.getLogger(__name__)

MIN_WORDS = 60
MAX_WORDS = 200
TARGET_WORDS = 140

DOC_SUFFIXES = (".md", ".txt")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# Cut points inside a paragraph: after sentence-final punctuation, or before a list line.
_CUT = re.compile(r"(?<=[.!?…»])\s+(?=[«\"'(\[A-ZÀ-ÖØ-Þ0-9])|\n(?=\s*(?:[-*•]|\d+[.)])\s)")


@dataclass
class Passage:
    id: str
    doc_id: str
    index: int
    heading: str
    text: str  # exact text of the document body (one or more paragraphs)
    page: int = 1  # the part of the document page that shows it (long documents are split)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def url(self) -> str:
        part = f"?partie={self.page}" if self.page > 1 else ""
        return f"/chat/sources/{self.doc_id}{part}#{self.id}"


@dataclass
class Document:
    id: str
    title: str
    publisher: str
    date: str
    language: str
    source: str
    url: str | None  # original location of the text, if any (front matter `url`)
    path: Path
    body: str
    passages: list[Passage] = field(default_factory=list)

    @property
    def page_url(self) -> str:
        return f"/chat/sources/{self.id}"

    @property
    def page_count(self) -> int:
        return max((p.page for p in self.passages), default=1)

    def passages_on_page(self, page: int) -> list[Passage]:
        return [p for p in self.passages if p.page == page]


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
    path: Path

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


def _blocks(body: str) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs, in order; a heading path keeps the `##` and `###` levels."""
    out: list[tuple[str, str]] = []
    headings: dict[int, str] = {}
    para: list[str] = []

    def flush():
        if para:
            text = "\n".join(para).strip()
            if text:
                out.append((" › ".join(headings[k] for k in sorted(headings)), text))
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
    if len(starts) > 1 and len(text[starts[-1]:].split()) < MIN_WORDS // 2:
        starts.pop()  # a short tail stays with the previous piece
    return [s.strip() for s in _segments(text, starts[1:]) if s.strip()]


def _segments(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


PAGE_CHARS = 12_000  # keeps a document page well under the 15 KB repeat-visit budget


def assign_pages(passages: list[Passage]) -> None:
    """Number the parts of a long document for its web page: a part ends at a heading once it
    holds PAGE_CHARS characters, or mid-section when one section alone is longer."""
    page, size, heading = 1, 0, None
    for passage in passages:
        new_section = passage.heading != heading
        if size and (size + len(passage.text) > PAGE_CHARS) and (new_section or
                                                                 size >= PAGE_CHARS):
            page, size = page + 1, 0
        passage.page = page
        size += len(passage.text)
        heading = passage.heading


def split_passages(doc_id: str, body: str) -> list[Passage]:
    """Passages of ~MIN..MAX words: short paragraphs under one heading are merged, long ones cut."""
    groups: list[tuple[str, list[str]]] = []
    for heading, para in _blocks(body):
        for piece in _cut_long(para) if len(para.split()) > MAX_WORDS else [para]:
            n = len(piece.split())
            if groups and groups[-1][0] == heading:
                cur = groups[-1][1]
                cur_n = sum(len(p.split()) for p in cur)
                if cur_n < MIN_WORDS and cur_n + n <= MAX_WORDS:
                    cur.append(piece)
                    continue
            groups.append((heading, [piece]))
    # A short last group of a section is merged back into its predecessor when it fits.
    merged: list[tuple[str, list[str]]] = []
    for heading, paras in groups:
        n = sum(len(p.split()) for p in paras)
        if merged and merged[-1][0] == heading and n < MIN_WORDS:
            prev_n = sum(len(p.split()) for p in merged[-1][1])
            if prev_n + n <= MAX_WORDS:
                merged[-1][1].extend(paras)
                continue
        merged.append((heading, list(paras)))

    passages: list[Passage] = []
    seen: set[str] = set()
    for i, (heading, paras) in enumerate(merged):
        text = "\n\n".join(paras)
        digest = hashlib.sha1(normalize_space(text).encode()).hexdigest()[:8]
        pid, k = f"{doc_id}-{digest}", 2
        while pid in seen:  # identical text repeated in one document
            pid, k = f"{doc_id}-{digest}-{k}", k + 1
        seen.add(pid)
        passages.append(Passage(pid, doc_id, i, heading, text))
    return passages


def load_document(path: Path) -> Document:
    meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
    doc_id = meta.get("id") or path.stem
    doc = Document(
        id=doc_id,
        title=meta.get("title", doc_id),
        publisher=meta.get("publisher", ""),
        date=meta.get("date", ""),
        language=(meta.get("language") or "fr")[:2].lower(),
        source=meta.get("source", ""),
        url=meta.get("url") or None,
        path=path,
        body=body,
    )
    doc.passages = split_passages(doc_id, body)
    assign_pages(doc.passages)
    return doc


def load_card(path: Path) -> Card:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = {k: [q for q in v if q.strip()] for k, v in data.get("questions", {}).items()}
    return Card(
        id=str(data.get("id") or path.stem),
        review_date=data.get("review_date"),
        questions=questions,
        answer={k: str(v).strip() for k, v in data.get("answer", {}).items()},
        sources=[CardSource(str(s["doc"]), str(s["quote"])) for s in data.get("sources", [])],
        path=path,
    )


class Corpus:
    def __init__(self, root: Path, documents: list[Document], cards: list[Card]):
        self.root = root
        self.documents = documents
        self.cards = cards
        self.doc_by_id = {d.id: d for d in documents}
        self.card_by_id = {c.id: c for c in cards}
        self.passages = [p for d in documents for p in d.passages]
        self.passage_by_id = {p.id: p for p in self.passages}

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
        return cls(root, docs, cards)

    @staticmethod
    def files(root: Path | str) -> list[Path]:
        root = Path(root)
        docs = [p for p in (root / "documents").glob("*") if p.suffix in DOC_SUFFIXES]
        return sorted(docs + list((root / "cards").glob("*.toml")))

    @staticmethod
    def content_hash(root: Path | str) -> str:
        """Hash of every document and card file (names and bytes)."""
        root = Path(root)
        h = hashlib.sha256()
        for p in Corpus.files(root):
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(p.read_bytes() + b"\0")
        return h.hexdigest()

    def passages_for_quote(self, doc_id: str, quote: str) -> list[Passage]:
        """Passages of `doc_id` that contain (or overlap) the quote; [] when it is not found."""
        doc = self.doc_by_id.get(doc_id)
        if doc is None or not quote.strip():
            return []
        for norm in (normalize_space, lambda s: normalize_space(fold(s))):
            q = norm(quote)
            texts = [norm(p.text) for p in doc.passages]
            inside = [p for p, t in zip(doc.passages, texts, strict=False) if q in t]
            inside = inside or [p for p in doc.passages if q in norm(p.heading)]  # a heading
            if inside:
                return inside[:1]
            joined, spans, pos = "", [], 0
            for t in texts:
                spans.append((pos, pos + len(t)))
                joined += t + " "
                pos += len(t) + 1
            at = joined.find(q)
            if at >= 0:
                end = at + len(q)
                pairs = zip(doc.passages, spans, strict=True)
                return [p for p, (a, b) in pairs if a < end and b > at]
        return []
