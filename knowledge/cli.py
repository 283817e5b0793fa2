"""`flask chatbot import DIR` and `flask chatbot export DIR`: corpus/ is the seed and the export
format of the knowledge base (documents as Markdown with front matter, cards as TOML)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa

from app.extensions import db
from knowledge.consultation import attach_demo_documents
from knowledge.index import SNAPSHOT, document_text, kb_folder, rebuild_now, state
from knowledge.models import KnowledgeCard, KnowledgeDocument, KnowledgeVersion


def import_corpus(root: Path) -> dict:
    """Add or update every document and card of a corpus folder, published. A document whose
    text changed gets a new version (the history stays)."""
    from chatbot.corpus import Corpus

    corpus = Corpus.load(root)
    counts = {"documents": 0, "versions": 0, "cards": 0}
    for doc in corpus.documents:
        document = db.session.execute(sa.select(KnowledgeDocument).filter_by(
            slug=doc.id)).scalar_one_or_none()
        if document is None:
            document = KnowledgeDocument(slug=doc.id)
            db.session.add(document)
            counts["documents"] += 1
        document.title, document.publisher = doc.title[:300], doc.publisher[:200]
        document.short_title = dict(doc.short_title)
        document.date, document.language = doc.date[:40], doc.language
        document.source_url = doc.url
        latest = document.latest
        if latest is None or latest.body != doc.body:
            data = doc.body.encode()
            document.versions.append(KnowledgeVersion(
                number=(latest.number + 1) if latest else 1,
                filename=doc.source or (doc.path.name if doc.path else ""), kind="md",
                size=len(data), sha256=hashlib.sha256(data).hexdigest(), body=doc.body))
            counts["versions"] += 1
        db.session.flush()
        document.status, document.published_number = "published", document.latest.number
    versions = {d.slug: d.published_number for d in db.session.execute(
        sa.select(KnowledgeDocument)).scalars()}
    for card in corpus.cards:
        row = db.session.execute(sa.select(KnowledgeCard).filter_by(
            slug=card.id)).scalar_one_or_none()
        if row is None:
            row = KnowledgeCard(slug=card.id)
            db.session.add(row)
            counts["cards"] += 1
        row.questions = {k: list(v) for k, v in card.questions.items()}
        row.answer = dict(card.answer)
        row.sources = [{"doc": s.doc, "quote": s.quote, "version": versions.get(s.doc)}
                       for s in card.sources]
        row.review_date = _as_date(card.review_date)
        row.status, row.needs_review = "published", False
    state(create=True).revision += 1
    db.session.commit()
    return counts


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def export_corpus(target: Path) -> dict:
    """Write what is published as a corpus folder that `import_corpus` reads back."""
    from knowledge.index import snapshot

    data = snapshot()
    (target / "documents").mkdir(parents=True, exist_ok=True)
    (target / "cards").mkdir(parents=True, exist_ok=True)
    for doc in data["documents"]:
        text = document_text(doc["meta"], doc["body"])
        (target / "documents" / f"{doc['meta']['id']}.md").write_text(text, encoding="utf-8")
    for card in data["cards"]:
        (target / "cards" / f"{card['id']}.toml").write_text(card_toml(card), encoding="utf-8")
    return {"documents": len(data["documents"]), "cards": len(data["cards"])}


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML


def card_toml(card: dict) -> str:
    lines = [f"id = {_toml_string(card['id'])}"]
    if card.get("review_date"):
        lines.append(f"review_date = {card['review_date']}")
    lines += ["", "[questions]"]
    for lang, questions in card["questions"].items():
        lines.append(f"{lang} = [{', '.join(_toml_string(q) for q in questions)}]")
    lines += ["", "[answer]"]
    lines += [f"{key} = {_toml_string(text)}" for key, text in card["answer"].items()]
    for source in card["sources"]:
        lines += ["", "[[sources]]", f"doc = {_toml_string(source['doc'])}",
                  f"quote = {_toml_string(source['quote'])}"]
    return "\n".join(lines) + "\n"


def index_ready(app) -> bool:
    row = state()
    return bool(row and row.index_key and
                (kb_folder(app.config["CHATBOT_CACHE_DIR"]) / row.index_key / SNAPSHOT).is_file())


def register_cli(app) -> None:
    group = app.cli.commands["chatbot"]

    @group.command("import")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--if-empty", is_flag=True,
                  help="Only when the database holds no knowledge base yet (make run).")
    def import_command(folder: Path, if_empty: bool):
        """Load documents and cards from a corpus folder into the database, then index them."""
        if not (if_empty and state() is not None):
            counts = import_corpus(folder)
            click.echo(f"{counts['documents']} new document(s), {counts['versions']} new "
                       f"version(s), {counts['cards']} new card(s)")
        if not index_ready(app):
            click.echo(f"Index {rebuild_now()} ready")
        for slug in attach_demo_documents():
            click.echo(f"Demo consultation {slug}: its chat answers from its documents first")

    @group.command("export")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    def export_command(folder: Path):
        """Write the published documents and cards as a corpus folder (for git)."""
        counts = export_corpus(folder)
        click.echo(f"{counts['documents']} document(s), {counts['cards']} card(s) in {folder}")
