"""Configuration read from the environment, with safe defaults.

Every setting can be given as an environment variable of the same name.
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
    folder = instance_path()
    config = {
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": load_or_create_secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
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
        # Behind a reverse proxy (nginx): how many proxies' X-Forwarded-For/-Proto to believe.
        # 0 (no proxy) trusts none; with nginx on the same machine set 1, or every participant
        # shares the proxy's address and one rate-limit count.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "CHATBOT_ENCODER": os.environ.get("CHATBOT_ENCODER", "usem3"),
        "CHATBOT_CORPUS_DIR": os.environ.get("CHATBOT_CORPUS_DIR", str(REPO_ROOT / "corpus")),
        "CHATBOT_CACHE_DIR": os.environ.get("CHATBOT_CACHE_DIR", str(folder / "chatbot-index")),
        "CHATBOT_LOG_RETENTION_DAYS": _env_int("CHATBOT_LOG_RETENTION_DAYS", 90),
        # Load the chatbot in create_app: with gunicorn --preload, once in the master process,
        # shared copy-on-write by the workers. Set it for the server, not for `flask` commands.
        "CHATBOT_PRELOAD": _env_bool("CHATBOT_PRELOAD", False),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "vie-privee@example.org"),
        "PUBLIC_BODY_NAME": os.environ.get("PUBLIC_BODY_NAME", ""),
    }
    if overrides:
        config.update(overrides)
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
