"""Theme suggestions: contributions grouped by meaning (chatbot encoder + faiss k-means),
named by their most representative phrases (phrases.py), with the closest contributions as
quotes.

Suggestions are only suggestions: a facilitator accepts, renames, merges, splits or rejects,
and only accepted themes reach the exports and the report.
"""

import math

import numpy as np
from flask import current_app

from app.extensions import db
from app.tasks import Job, background, enqueue, latest_job
from consultations.models import Phase
from consultations.workspace.models import Theme, ThemeMember
from consultations.workspace.phrases import PhraseIndex, label
from consultations.workspace.queries import phase_texts

BATCH = 256
QUOTES = 3
MAX_THEMES = 30
SILHOUETTE_SAMPLE = 2000
MAX_SHARE = 0.4  # no theme holds more of the texts than this while they differ


def encoder():
    from chatbot.encoders import shared_encoder
    return shared_encoder(current_app.config["CHATBOT_ENCODER"])


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


def centred(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors minus what they all share. Texts of one consultation all speak of AI and
    public services: without this, that common direction pulls most of them into one theme."""
    moved = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    return (moved / np.maximum(norms, 1e-9)).astype(np.float32)


def _kmeans(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import faiss
    kmeans = faiss.Kmeans(points.shape[1], k, niter=30, nredo=3, seed=1234, spherical=True,
                          verbose=False, min_points_per_centroid=1)
    kmeans.train(points)
    similarity, labels = kmeans.index.search(points, 1)
    return labels[:, 0].copy(), similarity[:, 0].copy()


def cluster(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means on centred vectors: (theme of each vector, cosine to its centre).
    A theme holding more than MAX_SHARE of the texts is split in two while its texts differ."""
    points = centred(vectors)
    labels, similarity = _kmeans(points, k)
    for _round in range(k):
        sizes = np.bincount(labels)
        biggest = int(sizes.argmax())
        members = np.flatnonzero(labels == biggest)
        if sizes[biggest] <= MAX_SHARE * len(labels) or len(members) < 4:
            break
        halves, inner = _kmeans(centred(points[members]), 2)
        if halves.min() == halves.max():
            break  # the same text over and over: nothing to split
        labels[members[halves == 1]] = labels.max() + 1
        similarity[members] = inner
    return labels, similarity


def silhouette(vectors: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """Mean silhouette with cosine distance on the centred vectors (on a sample past 2,000)."""
    points = centred(vectors)
    if len(points) > SILHOUETTE_SAMPLE:
        keep = np.random.default_rng(seed).choice(len(points), SILHOUETTE_SAMPLE, replace=False)
        points, labels = points[keep], labels[keep]
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    distance = 1.0 - points @ points.T
    scores = np.zeros(len(points))
    for i in range(len(points)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue  # a theme of one: silhouette 0 by convention
        inside = distance[i, own].sum() / (own.sum() - 1)
        outside = min(distance[i, labels == g].mean() for g in groups if g != labels[i])
        scores[i] = (outside - inside) / max(inside, outside, 1e-9)
    return float(scores.mean())


def largest_share(labels: np.ndarray) -> float:
    return float(np.bincount(labels).max() / len(labels)) if len(labels) else 0.0


def group_members(labels: np.ndarray) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for i, theme in enumerate(labels.tolist()):
        groups.setdefault(theme, []).append(i)
    return groups


def name_themes(texts: list[str], labels: np.ndarray, similarity: np.ndarray) -> dict:
    """{theme number: label}; the texts nearest the theme's centre weigh most."""
    index = PhraseIndex.of(texts)
    names = {}
    for theme, members in group_members(labels).items():
        weights = [max(float(similarity[i]), 0.05) for i in members]
        central = max(members, key=lambda i: float(similarity[i]))
        names[theme] = label(index, members, weights, fallback=texts[central][:60])
    return names


def suggest(phase: Phase, job: Job) -> int:
    """Replace the phase's pending suggestions with new ones; accepted themes stay."""
    items = phase_texts(phase)
    job.report(total=len(items))
    if len(items) < 4:
        job.message = "too_few"
        return 0

    def progress(done: int) -> None:
        job.report(int(90 * done / len(items)))

    texts = [text for _kind, _id, text in items]
    vectors = encode_in_batches(texts, progress)
    labels, similarity = cluster(vectors, theme_count(len(items)))
    for old in db.session.execute(db.select(Theme).filter_by(
            phase_id=phase.id, status="suggested")).scalars():
        db.session.delete(old)
    names = name_themes(texts, labels, similarity)
    groups = group_members(labels)
    for theme_number in sorted(groups):
        theme = Theme(phase_id=phase.id, label=names[theme_number][:120], status="suggested")
        for i in sorted(groups[theme_number], key=lambda i: -float(similarity[i])):
            kind, contribution_id, text = items[i]
            theme.members.append(ThemeMember(kind=kind, contribution_id=contribution_id,
                                             score=float(similarity[i]), text=text[:1000]))
        db.session.add(theme)
    return len(groups)


@background
def suggest_themes(job: Job, phase_id: int) -> None:
    """The background task behind "Suggérer des thèmes"."""
    phase = db.session.get(Phase, phase_id)
    if phase is not None:
        suggest(phase, job)


def start_job(phase: Phase) -> Job:
    return enqueue(suggest_themes, phase.id, subject=job_subject(phase.id))


def job_subject(phase_id: int) -> str:
    return f"phase:{phase_id}"


def latest_theme_job(phase_id: int) -> Job | None:
    return latest_job(suggest_themes, job_subject(phase_id))
