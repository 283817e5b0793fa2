"""Theme suggestions measured: largest theme share, silhouette, labels, on the demo data and on
generated ideas (tools/theme_corpus.py), next to plain k-means on the raw vectors.

    .venv/bin/python tools/measure_themes.py [COUNT]      (default 1000 generated ideas)
"""

import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def raw_kmeans(vectors, k):
    import faiss
    kmeans = faiss.Kmeans(vectors.shape[1], k, niter=25, seed=1234, spherical=True,
                          verbose=False, min_points_per_centroid=1)
    kmeans.train(vectors)
    return kmeans.index.search(vectors, 1)[1][:, 0]


def purity(labels, topics) -> float:
    """Share of texts whose theme's most common topic is their own."""
    total = 0
    for theme in set(labels.tolist()):
        members = [topics[i] for i in np.flatnonzero(labels == theme)]
        total += Counter(members).most_common(1)[0][1]
    return total / len(topics)


def measure(name: str, texts: list[str], topics=None) -> dict:
    from consultations.workspace import themes
    vectors = themes.encode_in_batches(texts, lambda _done: None)
    k = themes.theme_count(len(texts))
    before = raw_kmeans(vectors, k)
    labels, similarity = themes.cluster(vectors, k)
    names = themes.name_themes(texts, labels, similarity)
    biggest = Counter(labels.tolist()).most_common()
    result = {
        "set": name, "texts": len(texts), "themes": k,
        "largest share (raw k-means)": round(themes.largest_share(before), 3),
        "largest share": round(themes.largest_share(labels), 3),
        "silhouette (raw k-means)": round(themes.silhouette(vectors, before), 3),
        "silhouette": round(themes.silhouette(vectors, labels), 3),
        "labels": [f"{names[theme]} ({n})" for theme, n in biggest[:5]],
    }
    if topics:
        result["purity (raw k-means)"] = round(purity(before, topics), 3)
        result["purity"] = round(purity(labels, topics), 3)
    return result


def demo_texts(app) -> list[str]:
    from app.extensions import db
    from consultations.models import Consultation
    from consultations.workspace.queries import phase_texts
    texts = []
    for consultation in db.session.execute(db.select(Consultation)).scalars():
        for phase in consultation.phases:
            texts += [text for _kind, _id, text in phase_texts(phase)]
    return texts


def main(count: int) -> None:
    from app import create_app
    from app.extensions import db
    from tools.theme_corpus import generate
    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "SECRET_KEY": "measure", "INSTANCE_PATH": str(folder),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'm.sqlite3'}"})
    with app.app_context():
        db.create_all()
        app.extensions["parlons_ia.load_demo"]()
        generated = generate(count)
        for result in (measure("demo (every phase's texts)", demo_texts(app)),
                       measure(f"{count} generated ideas", [t for _topic, t in generated],
                               [topic for topic, _t in generated])):
            for key, value in result.items():
                if key == "labels":
                    print("  five largest themes:")
                    for line in value:
                        print(f"    - {line}")
                else:
                    print(f"  {key}: {value}")
            print()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
