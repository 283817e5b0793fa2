"""Easy-read screens and their voice: page bytes, and for each screen's sound its size, length
and the time to make it the first time (then it is cached).

    .venv/bin/python tools/bench_speech.py        # or: make bench SECTIONS=speech

Walks the practice consultation's easy-read screens (interview, idea, scenario reaction,
result feedback, in French and English) with the in-process test client on a fresh instance.
"""

import gzip
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AUDIO = re.compile(r'<audio[^>]* src="([^"]+)"')


def screens(slug: str, scenario: int, finding: int) -> list[tuple[str, str]]:
    base = f"/consultations/{slug}"
    found = [("interview start", f"{base}/entrevue")]
    found += [(f"interview question {n}", f"{base}/entrevue?question={n}") for n in range(1, 6)]
    found += [("interview end", f"{base}/entrevue/fin")]
    found += [(f"idea step {n}", f"{base}/imaginer/proposer?etape={n}") for n in range(1, 5)]
    found += [(f"reaction step {n}", f"{base}/scenarios/{scenario}/reagir?etape={n}")
              for n in range(1, 8)]
    found += [(f"feedback step {n}", f"{base}/resultats/{finding}/avis?etape={n}")
              for n in range(1, 5)]
    return found


def measure() -> list[dict]:
    from app import create_app
    from app.extensions import db
    from consultations.demo import PRACTICE_SLUG
    from consultations.models import Consultation
    from consultations.participants import CONSENT_KEY, CONSENT_VERSION

    folder = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        app.extensions["parlons_ia.load_demo"]()
        practice = db.session.execute(
            db.select(Consultation).filter_by(slug=PRACTICE_SLUG)).scalar_one()
        scenario = practice.phase("prototype").scenarios[0].id
        finding = practice.phase("results").findings[0].id
    results = []
    for lang in ("fr", "en"):
        client = app.test_client()
        client.set_cookie("lang", lang)
        client.set_cookie("mode", "simple")
        with client.session_transaction() as session:
            session[CONSENT_KEY] = CONSENT_VERSION  # past the start screen's consent
        for name, path in screens(PRACTICE_SLUG, scenario, finding):
            page = client.get(path)
            html = page.data
            row = {"lang": lang, "screen": name, "html": len(html),
                   "html_gzip": len(gzip.compress(html))}
            match = AUDIO.search(page.get_data(as_text=True))
            if match:
                started = time.perf_counter()
                sound = client.get(match.group(1)).data
                row["make_s"] = time.perf_counter() - started
                started = time.perf_counter()
                client.get(match.group(1))
                row["cached_s"] = time.perf_counter() - started
                row["audio"] = len(sound)
                row["audio_s"] = len(sound) * 8 / 24_000  # 24 kbit/s, constant bit rate
            results.append(row)
    return results


def median(values: list) -> float:
    return sorted(values)[len(values) // 2]


def run(rows: list, data: dict) -> None:
    try:
        from app.speech import engine
    except ImportError as error:
        rows.append(("speech", "skipped", str(error), ""))
        return
    if engine() is None:
        rows.append(("speech", "skipped", "espeakng-loader or lameenc missing", ""))
        return
    found = measure()
    data["speech"] = found
    voiced = [r for r in found if "audio" in r]
    for lang in ("fr", "en"):
        mine = [r for r in voiced if r["lang"] == lang]
        size, length, make, cached = (median([r[key] for r in mine])
                                      for key in ("audio", "audio_s", "make_s", "cached_s"))
        rows.append(("speech", f"{lang}: sound per screen ({len(mine)} screens)",
                     f"median {size / 1024:.1f} KB ({length:.1f} s of speech), "
                     f"max {max(r['audio'] for r in mine) / 1024:.1f} KB",
                     "≈ 3 KB a second at 24 kbit/s"))
        rows.append(("speech", f"{lang}: time to make a screen's sound (first play)",
                     f"median {make * 1000:.0f} ms, max "
                     f"{max(r['make_s'] for r in mine) * 1000:.0f} ms",
                     f"cached: median {cached * 1000:.1f} ms"))
    pages = [r["html_gzip"] for r in found]
    rows.append(("speech", "easy-read screen HTML (gzip)",
                 f"median {median(pages) / 1024:.1f} KB, max {max(pages) / 1024:.1f} KB",
                 "page budget 50 KB first visit"))


if __name__ == "__main__":
    table: list = []
    measured: dict = {}
    run(table, measured)
    for row in measured.get("speech", []):
        audio = (f"{row['audio'] / 1024:5.1f} KB {row['audio_s']:4.1f} s "
                 f"made in {row['make_s'] * 1000:4.0f} ms" if "audio" in row else "no sound")
        print(f"{row['lang']} {row['screen']:22} html {row['html']:6} B "
              f"({row['html_gzip']:5} gz)  {audio}")
    for row in table:
        print(" | ".join(row))
