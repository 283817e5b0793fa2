"""Theme suggestions: contributions grouped by meaning (chatbot encoder + faiss k-means),
named by their distinctive words, with the closest contributions as quotes.

Suggestions are only suggestions: a facilitator accepts, renames, merges, splits or rejects,
and only accepted themes reach the exports and the report.
"""

import math
import re
import threading
import unicodedata
from collections import Counter

import numpy as np
from flask import current_app

from app.extensions import db
from consultations.models import Phase, utcnow
from consultations.workspace.models import Theme, ThemeJob, ThemeMember
from consultations.workspace.queries import phase_texts

BATCH = 256
QUOTES = 3
MAX_THEMES = 30
STOPWORDS = frozenset("""
alors aussi autre autres avec avoir avant beaucoup bien cela celle celui cette ceux chaque
comme comment dans depuis donc elle elles encore entre est etre etait faire fait faut leur
leurs mais meme moins notre nous parce pas peut plus pour pourquoi quand que quel quelle
quelque qui sans sera serait ses son sont sous tous tout toute toutes tres une vous votre
vos ils etc lorsque puis sur par les des aux ces mes nos ont cest quil jai peu ainsi afin
dont also about after again against because been before being between both could does
doing down during each from further have having here into itself more most other over same
should some such than that their theirs them then there these they this those through
under until very were what when where which while with would your yours will just like
want need
""".split())  # noqa: SIM905
_encoders: dict = {}
_encoders_lock = threading.Lock()


def encoder():
    from chatbot.encoders import get_encoder
    name = current_app.config["CHATBOT_ENCODER"]
    with _encoders_lock:
        if name not in _encoders:
            _encoders[name] = get_encoder(name)
        return _encoders[name]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Words of four letters or more, accents kept (labels read better), stopwords out."""
    return [word for word in re.findall(r"[^\W\d_]{4,}", text.lower())
            if fold(word) not in STOPWORDS]


def word_sets(texts: list[str]) -> list[set[str]]:
    return [set(words(text)) for text in texts]


def ranked_terms(in_group: Counter, group_size: int, frequency: Counter, total: int,
                 limit: int, counts: bool = False):
    """Words frequent in the group and rare elsewhere (TF-IDF-like)."""
    total = max(total, 1)
    scored = sorted(((n * math.log(1 + total / frequency[w]), w, n)
                     for w, n in in_group.items() if n >= min(2, group_size)), reverse=True)
    if counts:
        return [(w, n) for _score, w, n in scored[:limit]]
    return [w for _score, w, _n in scored[:limit]]


def distinctive_terms(group: list[str], everything: list[str], limit: int = 3,
                      counts: bool = False):
    """Words frequent in the group and rare elsewhere (TF-IDF-like)."""
    frequency = Counter(word for found in word_sets(everything) for word in found)
    in_group = Counter(word for found in word_sets(group) for word in found)
    return ranked_terms(in_group, len(group), frequency, len(everything), limit, counts)


def encode_in_batches(texts: list[str], on_progress) -> np.ndarray:
    """One vector per text; each distinct text is encoded once (short answers repeat)."""
    model = encoder()
    distinct = list(dict.fromkeys(texts))
    position = {text: i for i, text in enumerate(distinct)}
    parts = []
    for start in range(0, len(distinct), BATCH):
        parts.append(model.encode(distinct[start:start + BATCH]))
        on_progress(round(len(texts) * min(start + BATCH, len(distinct)) / len(distinct)))
    vectors = np.vstack(parts).astype(np.float32)
    return vectors[[position[text] for text in texts]]


def theme_count(n: int) -> int:
    return max(2, min(MAX_THEMES, round(math.sqrt(n / 2))))


def cluster(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means: (label of each vector, cosine to its centroid)."""
    import faiss
    kmeans = faiss.Kmeans(vectors.shape[1], k, niter=25, seed=1234, spherical=True,
                          verbose=False, min_points_per_centroid=1)
    kmeans.train(vectors)
    similarity, labels = kmeans.index.search(vectors, 1)
    return labels[:, 0], similarity[:, 0]


def suggest(phase: Phase, job: ThemeJob) -> int:
    """Replace the phase's pending suggestions with new ones; accepted themes stay."""
    items = phase_texts(phase)
    job.total, job.status = len(items), "running"
    db.session.commit()
    if len(items) < 4:
        job.message = "too_few"
        return 0

    def progress(done: int) -> None:
        job.progress = int(90 * done / len(items))
        db.session.commit()

    texts = [text for _kind, _id, text in items]
    vectors = encode_in_batches(texts, progress)
    labels, similarity = cluster(vectors, theme_count(len(items)))
    for old in db.session.execute(db.select(Theme).filter_by(
            phase_id=phase.id, status="suggested")).scalars():
        db.session.delete(old)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    found = word_sets(texts)  # once for all themes: naming each theme reads every text
    frequency = Counter(word for words_of_text in found for word in words_of_text)
    made = 0
    for label in sorted(groups):
        members = groups[label]
        in_group = Counter(word for i in members for word in found[i])
        name = (" · ".join(ranked_terms(in_group, len(members), frequency, len(texts), 3))
                or texts[members[0]][:60])
        theme = Theme(phase_id=phase.id, label=name[:120], status="suggested")
        for i in sorted(members, key=lambda i: -float(similarity[i])):
            kind, contribution_id, text = items[i]
            theme.members.append(ThemeMember(kind=kind, contribution_id=contribution_id,
                                             score=float(similarity[i]), text=text[:1000]))
        db.session.add(theme)
        made += 1
    return made


def run_job(job_id: int) -> None:
    job = db.session.get(ThemeJob, job_id)
    try:
        suggest(db.session.get(Phase, job.phase_id), job)
        job.status, job.progress = "done", 100
    except Exception as error:  # the page must say it failed rather than spin forever
        db.session.rollback()
        job = db.session.get(ThemeJob, job_id)
        job.status, job.message = "failed", type(error).__name__
        current_app.logger.exception("Theme suggestion failed")
    job.finished_at = utcnow()
    db.session.commit()


def start_job(phase: Phase) -> ThemeJob:
    """A background thread with its own app context; synchronous when testing."""
    job = ThemeJob(phase_id=phase.id)
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    if app.config.get("TESTING") or app.config.get("WORKSPACE_THEMES_SYNC"):
        run_job(job.id)
        return job

    def work():
        with app.app_context():
            run_job(job.id)
            db.session.remove()

    threading.Thread(target=work, name=f"themes-{job.id}", daemon=True).start()
    return job
