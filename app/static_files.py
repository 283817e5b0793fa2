"""Content-hashed static URLs, so browsers can cache CSS and JS for a year."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, url_for


@cache
def _fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_fingerprint(str(path)))
