"""A reading aid: the main text of an easy-read screen, spoken by a synthetic voice.

`speech_for(text, lang)` makes an MP3 file once per text and voice (named by a hash of both)
and returns its path; `/ecouter/<digest>.mp3` serves it. Pages call `speech_url(text, lang)`,
which writes the text down beside the cache (so that the route knows what to say) and returns
the address. A text seen for the first time is queued, once the response has gone, for the
background worker to speak (`make_speech`), so the page never waits on the voice and the first
listener rarely does; when the worker has not made it yet, the route makes it on the spot.

The voice is eSpeak NG (the `espeakng-loader` package ships the library and its data), encoded
to MP3 with LAME (`lameenc`). Either missing, `speech_url` returns None and no player is shown.
Only texts of the site are spoken, never what a participant typed: nothing personal is kept.
"""

import ctypes
import hashlib
import logging
import os
import threading
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    g,
    has_request_context,
    send_file,
    url_for,
)

from app.extensions import db
from app.tasks import background, enqueue

bp = Blueprint("speech", __name__)
log = logging.getLogger(__name__)

VOICES = {"fr": "fr", "en": "en-us"}  # eSpeak NG voice names
WORDS_PER_MINUTE = 140  # a little slower than eSpeak's 175: easier to follow
BIT_RATE = 24  # kbit/s, mono: enough for a voice, about 3 KB a second
TEXT_LIMIT = 4000  # characters; a screen's main text is far shorter
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1  # espeak_PARAMETER espeakRATE

_lock = threading.Lock()  # eSpeak NG keeps global state: one synthesis at a time per process
_engine = None


class _Engine:
    """eSpeak NG through its C interface, collecting 16-bit samples in memory."""

    CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                ctypes.c_void_p)

    def __init__(self):
        import espeakng_loader
        import lameenc  # noqa: F401  (the encoder must be there too)

        self.version = f"espeak-ng {_library_version(espeakng_loader)}"
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p,
                                     ctypes.c_void_p]
        self.sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
        if self.sample_rate <= 0:
            raise OSError("eSpeak NG did not start")
        self._chunks: list[bytes] = []
        self._callback = self.CALLBACK(self._collect)  # kept: the library holds a pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    def _collect(self, samples, count, _events) -> int:
        if samples and count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0  # go on

    def pcm(self, text: str, voice: str) -> bytes:
        data = text.encode("utf-8")
        self._chunks = []
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise OSError(f"eSpeak NG has no voice {voice!r}")
        self.lib.espeak_SetParameter(_RATE, WORDS_PER_MINUTE, 0)
        if self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8,
                                 None, None) != 0:
            raise OSError("eSpeak NG could not speak this text")
        self.lib.espeak_Synchronize()
        return b"".join(self._chunks)

    def mp3(self, pcm: bytes) -> bytes:
        import lameenc
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(BIT_RATE)
        encoder.set_in_sample_rate(self.sample_rate)
        encoder.set_channels(1)
        encoder.set_quality(7)  # fast; a voice needs no more
        return bytes(encoder.encode(pcm) + encoder.flush())


def _library_version(module) -> str:
    name = Path(module.get_library_path()).resolve().name  # libespeak-ng.so.1.52.0
    return name.split(".so.")[-1] if ".so." in name else "?"


def engine():
    """The speech engine, or None when its packages are not installed."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                try:
                    _engine = _Engine()
                except (ImportError, OSError):
                    _engine = False
    return _engine or None


def voice_name(lang: str) -> str:
    return VOICES.get(lang, VOICES["fr"])


def digest(text: str, lang: str) -> str:
    """Names the sound of this text in this voice: a new engine or voice is a new file."""
    found = engine()
    label = f"{found.version if found else '-'}|{voice_name(lang)}|{WORDS_PER_MINUTE}|{BIT_RATE}"
    return hashlib.sha256(f"{label}\n{text}".encode()).hexdigest()


def cache_dir() -> Path:
    folder = Path(current_app.config["SPEECH_CACHE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_once(path: Path, data: bytes) -> None:
    """Write to a temporary name and rename: readers never see half a file."""
    if path.exists():
        return
    temporary = path.with_suffix(f"{path.suffix}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def speech_for(text: str, lang: str) -> Path:
    """The MP3 file of `text` spoken in `lang`, made the first time and kept."""
    found = engine()
    if found is None:
        raise RuntimeError("no speech engine: install espeakng-loader and lameenc")
    path = cache_dir() / f"{digest(text, lang)}.mp3"
    if not path.exists():
        with _lock:
            pcm = found.pcm(text[:TEXT_LIMIT], voice_name(lang))
        _write_once(path, found.mp3(pcm))
    return path


def speech_url(text: str, lang: str) -> str | None:
    """Where the player finds this text spoken; None when there is no engine or no text."""
    text = " ".join(str(text).split())
    if not current_app.config["SPEECH_ENABLED"] or not text or engine() is None:
        return None
    name = digest(text, lang)
    script = cache_dir() / f"{name}.txt"
    if not script.exists():
        _write_once(script, f"{lang}\n{text}".encode())
        _make_after_response(name)
    return url_for("speech.listen", name=name)


def _make_after_response(name: str) -> None:
    """Queue this page's new texts in one job, once its response is sent: enqueueing commits,
    which must not happen inside the request's own transaction."""
    if not has_request_context():
        return
    if "speech_to_make" not in g:
        g.speech_to_make = []
        after_this_request(_queue_when_closed)
    g.speech_to_make.append(name)


def _queue_when_closed(response):
    app, names = current_app._get_current_object(), list(g.speech_to_make)

    def queue():
        with app.app_context():
            try:
                enqueue(make_speech, names, subject="speech")
            except Exception:  # no queue now: the route will make the sounds when asked
                log.warning("could not queue %d texts to speak", len(names))
            finally:
                db.session.remove()

    response.call_on_close(queue)
    return response


def sound_of(name: str) -> Path | None:
    """The MP3 file named `name`, made now if its text is known but not spoken yet."""
    folder = cache_dir()
    sound, script = folder / f"{name}.mp3", folder / f"{name}.txt"
    if sound.exists():
        return sound
    if not script.exists() or engine() is None:
        return None
    lang, _, text = script.read_text().partition("\n")
    return speech_for(text, lang)


@background
def make_speech(job, names: list[str]) -> None:
    for done, name in enumerate(names, 1):
        sound_of(name)
        job.report(progress=100 * done // len(names), total=len(names))


@bp.get("/ecouter/<name>.mp3")
def listen(name: str):
    if len(name) != 64 or not all(c in "0123456789abcdef" for c in name):
        abort(404)
    sound = sound_of(name)
    if sound is None:
        abort(404)
    response = send_file(sound, mimetype="audio/mpeg", max_age=365 * 24 * 3600,
                         conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def init_app(app) -> None:
    app.config.setdefault("SPEECH_CACHE_DIR", str(Path(app.instance_path) / "speech"))
    app.register_blueprint(bp)
    app.add_template_global(speech_url, "speech_url")
