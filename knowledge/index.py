"""The index that follows the knowledge base: built in the background, swapped in atomically.

Publishing bumps `KnowledgeState.revision` and queues `rebuild_index`. The job takes a snapshot
of what is published, builds the chatbot's index for it (only new or changed texts are encoded,
through knowledge/vectors.py) into `<CHATBOT_CACHE_DIR>/kb/<key>/` (written aside, then renamed)
next to the snapshot itself, then records `index_key`. Every web worker checks that key every
KB_POLL_SECONDS and, when it changed, loads the new index in a thread while it keeps answering
from the old one, then swaps the reference.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.tasks import Job, background, enqueue, latest_job
from chatbot.corpus import Corpus, load_guides, parse_card, parse_document
from knowledge.models import KnowledgeCard, KnowledgeDocument, KnowledgeState

log = logging.getLogger(__name__)

SUBJECT = "knowledge-base"
SNAPSHOT = "corpus.json"


# -- the published state, as data -------------------------------------------------------------
# front-matter keys of a document, in the order corpus files write them
FRONT_MATTER = ("id", "title", "short_title", "short_title_en", "publisher", "date",
                "language", "source", "url")


def document_meta(document: KnowledgeDocument, version) -> dict:
    short = document.short_title or {}
    return {"id": document.slug, "title": document.title,
            "short_title": short.get("fr", ""), "short_title_en": short.get("en", ""),
            "publisher": document.publisher, "date": document.date,
            "language": document.language, "source": version.filename,
            "url": document.source_url or ""}


def document_text(meta: dict, body: str) -> str:
    """A document as a corpus file holds it: front matter (one line per key), then the body."""
    lines = [f"{key}: {' '.join(str(meta[key]).split())}"
             for key in FRONT_MATTER if meta.get(key)]
    return "\n".join(["---", *lines, "---", body.rstrip("\n")]) + "\n"


def card_data(card: KnowledgeCard) -> dict:
    return {"id": card.slug,
            "review_date": card.review_date.isoformat() if card.review_date else None,
            "questions": {k: list(v) for k, v in sorted((card.questions or {}).items())},
            "answer": dict(sorted((card.answer or {}).items())),
            "sources": [{"doc": s["doc"], "quote": s["quote"]} for s in card.sources or []]}


def guides(corpus_dir: str | Path) -> dict[str, dict]:
    """The synonyms, where-to-ask and scope guides of the corpus folder (they stay files)."""
    return load_guides(Path(corpus_dir))


def snapshot() -> dict:
    """Every published document (its published version) and card, in a stable order, with the
    guides of CHATBOT_CORPUS_DIR."""
    documents = db.session.execute(sa.select(KnowledgeDocument).where(
        KnowledgeDocument.status == "published").order_by(KnowledgeDocument.slug)).scalars()
    cards = db.session.execute(sa.select(KnowledgeCard).where(
        KnowledgeCard.status == "published").order_by(KnowledgeCard.slug)).scalars()
    docs = []
    for document in documents:
        version = document.published_version
        if version is not None:
            docs.append({"meta": document_meta(document, version), "body": version.body})
    return {"documents": docs, "cards": [card_data(c) for c in cards],
            "guides": guides(current_app.config["CHATBOT_CORPUS_DIR"])}


def corpus_from_snapshot(data: dict) -> Corpus:
    documents = [parse_document(document_text(d["meta"], d["body"]), d["meta"]["id"])
                 for d in data["documents"]]
    cards = [parse_card(c, c["id"]) for c in data["cards"]]
    return Corpus(documents, cards, guides=data.get("guides"))


def snapshot_key(data: dict, encoder_name: str) -> str:
    from chatbot.index import INDEX_VERSION

    h = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
    h.update(f"\0{encoder_name}\0{INDEX_VERSION}".encode())
    return h.hexdigest()[:20]


# -- building ---------------------------------------------------------------------------------
def kb_folder(cache_dir: str | Path) -> Path:
    return Path(cache_dir) / "kb"


def build(data: dict, encoder, cache_dir: str | Path, on_progress=None) -> tuple[str, dict]:
    """Build (or find) the index folder for a snapshot. Returns (key, figures)."""
    from chatbot.index import Index
    from knowledge.vectors import CachingEncoder

    key = snapshot_key(data, encoder.name)
    folder = kb_folder(cache_dir) / key
    if (folder / SNAPSHOT).is_file():
        return key, {"encoded": 0, "reused": 0, "seconds": 0.0}
    started = time.perf_counter()
    caching = CachingEncoder(encoder, kb_folder(cache_dir) / "vectors", on_progress)
    index = Index.build(corpus_from_snapshot(data), caching, key)
    index.encoder = encoder  # questions are encoded by the real encoder, never cached
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        index.save(staging / "index")
        (staging / SNAPSHOT).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:  # another worker built the same snapshot first: keep its copy
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return key, {"encoded": caching.encoded, "reused": caching.reused,
                 "seconds": round(time.perf_counter() - started, 2)}


def load_chatbot(folder: Path, encoder, calibration_file=None, regions=None):
    """The chatbot for a built folder, or None when it cannot be read. Without a calibration
    file or regions, the app's configuration says (the web workers call it in their app)."""
    from chatbot import Chatbot
    from chatbot.bot import load_calibration
    from chatbot.index import Index

    try:
        data = json.loads((folder / SNAPSHOT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    index = Index.load_cached(folder / "index", corpus_from_snapshot(data), encoder)
    if index is None:
        return None
    if calibration_file is None:
        calibration_file = current_app.config["CHATBOT_CALIBRATION_FILE"]
    if regions is None:
        regions = current_app.config["PERSONAL_DATA_REGIONS"]
    return Chatbot(index, load_calibration(encoder.name, calibration_file),
                   regions=tuple(regions))


# -- the state row and the job ----------------------------------------------------------------
def state(create: bool = False) -> KnowledgeState | None:
    row = db.session.get(KnowledgeState, 1)
    if row is None and create:
        row = KnowledgeState(id=1, revision=0, index_revision=0)
        db.session.add(row)
        db.session.flush()
    return row


def changed() -> Job | None:
    """Call after a change to what is published (in the same transaction): bump the revision,
    commit, and queue a rebuild unless one is waiting to start (it will see this change)."""
    row = state(create=True)
    row.revision += 1
    db.session.commit()
    return schedule_rebuild()


def schedule_rebuild() -> Job:
    """A rebuild that has not started yet will see the latest change: no need for another
    (unless it has waited so long that its queue message may be lost)."""
    from app.tasks import is_stale
    waiting = latest_job(rebuild_index, SUBJECT)
    if waiting is not None and waiting.status == "queued" and not is_stale(
            waiting, current_app.config["TASK_STALE_SECONDS"]):
        return waiting
    return enqueue(rebuild_index, subject=SUBJECT)


def latest_rebuild() -> Job | None:
    return latest_job(rebuild_index, SUBJECT)


def encoder():
    from chatbot.encoders import shared_encoder
    return shared_encoder(current_app.config["CHATBOT_ENCODER"])


@background
def rebuild_index(job: Job) -> None:
    """Snapshot what is published, build its index, then point every server at it."""
    revision = state(create=True).revision
    data = snapshot()
    job.report(1, total=sum(1 for _ in data["documents"]) + len(data["cards"]))

    def progress(done: int, total: int) -> None:
        job.report(1 + int(97 * done / max(total, 1)))

    key, figures = build(data, encoder(), current_app.config["CHATBOT_CACHE_DIR"], progress)
    row = db.session.execute(sa.select(KnowledgeState).where(KnowledgeState.id == 1)
                             .with_for_update()).scalar_one()
    if row.index_revision <= revision:  # a later build may have finished first
        row.index_key, row.index_revision = key, revision
    job.message = f"encoded={figures['encoded']} reused={figures['reused']}"
    db.session.commit()


def rebuild_now() -> str:
    """Build in this process (CLI): the same steps as the job, without the queue."""
    revision = state(create=True).revision
    db.session.commit()
    key, _figures = build(snapshot(), encoder(), current_app.config["CHATBOT_CACHE_DIR"])
    row = state()
    row.index_key, row.index_revision = key, max(row.index_revision, revision)
    db.session.commit()
    return key


# -- serving: every worker follows index_key --------------------------------------------------
class LiveChatbot:
    """The chatbot a web worker serves, swapped for a newer one when `index_key` changes."""

    def __init__(self, poll_seconds: float):
        self.poll_seconds = poll_seconds
        self.bot = None
        self.key: str | None = None
        self.checked = 0.0
        self.loading = False
        self.lock = threading.Lock()

    def current(self):
        """The chatbot to answer with; None while the database holds no knowledge base."""
        now = time.monotonic()
        # Checked every poll_seconds also while the database holds no knowledge base: a site
        # answering from corpus/ files would otherwise read the state on every question.
        if self.checked and now - self.checked < self.poll_seconds:
            return self.bot
        self.checked = now
        row = state()
        key = row.index_key if row is not None else None
        if key is None or key == self.key:
            return self.bot
        app = current_app._get_current_object()
        if self.bot is None:  # nothing to answer with yet: load now
            self._load(app, key)
            return self.bot
        with self.lock:
            if self.loading:
                return self.bot
            self.loading = True
        threading.Thread(target=self._load, args=(app, key), name="kb-swap", daemon=True).start()
        return self.bot

    def _load(self, app, key: str) -> None:
        try:
            with app.app_context():
                cache_dir = app.config["CHATBOT_CACHE_DIR"]
                folder = kb_folder(cache_dir) / key
                if not (folder / SNAPSHOT).is_file():  # no shared storage: build it here
                    key, _figures = build(snapshot(), encoder(), cache_dir)
                    folder = kb_folder(cache_dir) / key
                bot = load_chatbot(folder, encoder())
                db.session.remove()
            if bot is not None:
                self.bot, self.key = bot, key  # one reference assignment: the swap
            else:
                log.warning("could not load the knowledge-base index %s", key)
        finally:
            self.loading = False


def live(app) -> LiveChatbot:
    return app.extensions["knowledge.live"]
