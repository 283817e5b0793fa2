"""The reading aid: a screen's text spoken by eSpeak NG, encoded to MP3, made once and kept."""

import array
import re
import sys
import time
from pathlib import Path

import pytest

from app import create_app, speech

pytestmark = pytest.mark.skipif(speech.engine() is None,
                                reason="espeakng-loader or lameenc is not installed")

FRENCH = "Question 2 sur 5. Comment utilisez-vous l'intelligence artificielle ?"
ENGLISH = "Question 2 of 5. How do you use artificial intelligence?"


@pytest.fixture
def app(tmp_path):
    """No database needed: one app with its own speech cache."""
    return create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


@pytest.fixture
def client(app):
    return app.test_client()


def loudness(pcm: bytes) -> float:
    samples = array.array("h", pcm)
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def mp3_frames(data: bytes) -> int:
    """MPEG audio frames, found by their sync word, as a player reads them."""
    return sum(1 for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] & 0xE0 == 0xE0)


def test_the_voice_speaks_in_french_and_english():
    engine = speech.engine()
    french, english = engine.pcm(FRENCH, "fr"), engine.pcm(ENGLISH, "en-us")
    seconds = len(french) / 2 / engine.sample_rate
    assert 2 < seconds < 15, "about four seconds of speech, not silence nor noise"
    assert loudness(french) > 500 and loudness(english) > 500
    assert french != english


def test_speech_is_made_once_and_kept(app):
    with app.app_context():
        started = time.perf_counter()
        path = speech.speech_for(FRENCH, "fr")
        first = time.perf_counter() - started
        data = path.read_bytes()
        assert path.suffix == ".mp3" and mp3_frames(data) > 50
        assert 3_000 < len(data) < 40_000  # ~3 KB a second at 24 kbit/s
        made = path.stat().st_mtime_ns
        started = time.perf_counter()
        assert speech.speech_for(FRENCH, "fr") == path
        cached = time.perf_counter() - started
        assert path.stat().st_mtime_ns == made, "the cached file is not made again"
        assert speech.speech_for(FRENCH, "en") != path, "another voice, another file"
        print(f"\nspeech: {len(data)} bytes, made in {first:.2f} s, cached in {cached:.4f} s")


def test_the_route_serves_what_a_page_asked_for(app, client):
    with app.test_request_context():
        url = speech.speech_url(f"  {ENGLISH}\n", "en")
    assert url.startswith("/ecouter/") and url.endswith(".mp3")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert mp3_frames(response.data) > 50
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/ecouter/" + "0" * 64 + ".mp3").status_code == 404  # never asked for
    assert client.get("/ecouter/..%2Fsecret_key.mp3").status_code == 404


def test_no_player_without_the_engine(app, monkeypatch):
    """Where espeakng-loader is missing, pages show no player (and nothing breaks)."""
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)  # `import` now fails
    monkeypatch.setattr(speech, "_engine", None)  # as in a fresh process
    with app.test_request_context():
        assert speech.engine() is None
        assert speech.speech_url("Bonjour.", "fr") is None


def test_a_page_s_new_texts_are_spoken_by_the_worker_after_the_response(app, client):
    """The page does not wait on the voice: its new text is queued once the response is sent
    (here on a SQLite queue nobody runs yet), the worker makes the sound, and the route then
    serves the file the worker made."""
    from app.extensions import db
    from app.tasks import Job, task_name

    with app.app_context():
        db.create_all()

    def jobs():
        with app.app_context():
            found = db.session.execute(db.select(Job).filter_by(
                name=task_name(speech.make_speech))).scalars().all()
            return [(job.status, job.args) for job in found]

    client.get("/affichage/simple")
    response = client.get("/mes-contributions/tout-effacer")
    page = response.get_data(as_text=True)
    assert jobs() == [], "queued after the response is sent, not while it is made"
    response.close()  # as the WSGI server does once the page has gone
    url = re.search(r'<audio[^>]* src="([^"]+)"', page).group(1)
    name = url.rsplit("/", 1)[1].removesuffix(".mp3")
    sound = Path(app.config["SPEECH_CACHE_DIR"]) / f"{name}.mp3"
    assert not sound.exists() and jobs() == [("queued", [[name]])]

    huey = app.extensions["huey"].huey  # what `flask tasks worker` does with the next task
    huey.execute(huey.dequeue())
    assert sound.exists() and jobs() == [("done", [[name]])]
    made = sound.stat().st_mtime_ns
    assert client.get(url).data == sound.read_bytes()
    assert sound.stat().st_mtime_ns == made, "served, not made again"
    client.get("/mes-contributions/tout-effacer").close()
    assert len(jobs()) == 1, "a text already known is not queued again"
