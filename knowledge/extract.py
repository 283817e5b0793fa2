"""Text out of an uploaded file: PDF, DOCX, HTML, Markdown or plain text, as Markdown-like text
(`#` headings, blank lines between paragraphs) that the chatbot's own splitter cuts into passages.

A file that cannot be read raises `Unreadable` with a reason code; the web layer turns each code
into a plain message. Nothing here knows Flask.
"""

from __future__ import annotations

import io
import re
import statistics
import zipfile
from dataclasses import dataclass

KINDS = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML", "md": "Markdown", "txt": "texte"}
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".md": "md",
            ".markdown": "md", ".txt": "txt"}
MIN_CHARS = 20  # less than this is not a document the chatbot can answer from
HEADING_RATIO = 1.15  # a PDF line this much larger than the body text is a heading


class Unreadable(Exception):
    """The file cannot give text; `reason` is one of REASONS (web/messages.py words them)."""

    REASONS = ("empty", "too_large", "unknown_type", "encrypted", "no_text", "damaged",
               "not_docx", "not_text")

    def __init__(self, reason: str):
        assert reason in self.REASONS, reason
        super().__init__(reason)
        self.reason = reason


@dataclass
class Extracted:
    kind: str  # a key of KINDS
    text: str  # Markdown-like body
    pages: int  # PDF pages; 1 for the other kinds
    title: str = ""  # a title found in the file's metadata, if any


def kind_of(filename: str) -> str:
    name = filename.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise Unreadable("unknown_type")


def extract(data: bytes, filename: str, max_bytes: int | None = None) -> Extracted:
    """The text of an uploaded file, or Unreadable."""
    kind = kind_of(filename)
    if not data:
        raise Unreadable("empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise Unreadable("too_large")
    result = EXTRACTORS[kind](data)
    result.text = tidy(result.text)
    if len(re.sub(r"[#\s]", "", result.text)) < MIN_CHARS:
        raise Unreadable("no_text")
    if not result.title.strip():  # no title in the metadata: the first heading
        heading = re.search(r"^#{1,6} (.+)$", result.text, re.MULTILINE)
        result.title = heading.group(1).strip() if heading else ""
    return result


def tidy(text: str) -> str:
    """One blank line between blocks, no trailing spaces, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[^\S\n]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


# -- PDF (pypdf) -------------------------------------------------------------------------------
def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # owner-only passwords open with ""
            raise Unreadable("encrypted")
        pages = [_pdf_page_lines(page) for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "")
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise Unreadable("encrypted") from exc
        raise Unreadable("damaged") from exc
    return Extracted("pdf", _pdf_markdown(pages), len(pages), title)


def _pdf_page_lines(page) -> list[tuple[str, float]]:
    """(line, font size) pairs of one page, in reading order, from pypdf's text visitor."""
    lines: list[tuple[str, float]] = []
    current: list[str] = []
    size = 0.0

    def visit(text, cm, tm, font, font_size):
        nonlocal size
        scale = abs(tm[3] * cm[3]) or 1.0
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if part.strip():
                current.append(part)
                size = max(size, font_size * scale)
            if i < len(parts) - 1:
                _flush()

    def _flush():
        nonlocal size
        line = "".join(current).strip()
        if line:
            lines.append((line, size))
        current.clear()
        size = 0.0

    page.extract_text(visitor_text=visit)
    _flush()
    return lines


def _pdf_markdown(pages: list[list[tuple[str, float]]]) -> str:
    """Lines set in larger type become headings; the rest is joined into paragraphs."""
    sizes = [size for lines in pages for line, size in lines for _ in range(len(line))]
    body = statistics.median(sizes) if sizes else 0
    blocks: list[str] = []
    para: list[str] = []
    for lines in pages:
        for line, size in lines:
            if body and size >= body * HEADING_RATIO and len(line) <= 120:
                if para:
                    blocks.append(" ".join(para))
                    para = []
                level = "##" if size >= body * 1.5 else "###"
                blocks.append(f"{level} {line}")
                continue
            para.append(line)
            if re.search(r"[.!?:»]$", line) and len(line) < 60:  # a short closing line
                blocks.append(" ".join(para))
                para = []
        if para and re.search(r"[.!?:»]$", para[-1]):  # a page break ends a finished sentence
            blocks.append(" ".join(para))
            para = []
    if para:
        blocks.append(" ".join(para))
    return "\n\n".join(_dehyphenate(b) for b in blocks)


def _dehyphenate(text: str) -> str:
    return re.sub(r"(\w)- (\w)", r"\1\2", text)


# -- DOCX (python-docx) ------------------------------------------------------------------------
def _docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable("not_docx") from exc
    blocks = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _heading_level(style)
        if level:
            blocks.append("#" * min(level + 1, 6) + " " + text)
        elif "List" in style:
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(" — ".join(dict.fromkeys(cells)))
    title = document.core_properties.title or ""
    return Extracted("docx", "\n\n".join(blocks), 1, title)


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.match(r"(?:Heading|Titre)\s*(\d)", style)
    return int(match.group(1)) if match else 0


# -- HTML (readability-lxml, then lxml) --------------------------------------------------------
def _html(data: bytes) -> Extracted:
    import lxml.html
    from readability import Document

    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raw = data.decode("cp1252", errors="replace")
    try:
        article = Document(raw)
        title = article.short_title() or ""
        tree = lxml.html.fromstring(article.summary(html_partial=True))
    except Exception as exc:  # readability raises its own Unparseable and lxml errors
        raise Unreadable("damaged") from exc
    blocks = []
    for element in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "td"):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        if element.tag[0] == "h":
            blocks.append("#" * min(int(element.tag[1]) + 1, 6) + " " + text)
        elif element.tag == "li":
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    return Extracted("html", "\n\n".join(blocks), 1, title)


# -- Markdown and plain text -------------------------------------------------------------------
def _decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise Unreadable("not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _markdown(data: bytes) -> Extracted:
    from chatbot.corpus import parse_front_matter

    meta, body = parse_front_matter(_decode_text(data))
    return Extracted("md", body, 1, meta.get("title", ""))


def _text(data: bytes) -> Extracted:
    return Extracted("txt", _decode_text(data), 1)


EXTRACTORS = {"pdf": _pdf, "docx": _docx, "html": _html, "md": _markdown, "txt": _text}
