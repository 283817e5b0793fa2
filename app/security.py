"""Security headers on every response, long caching for fingerprinted static files, and the
request class that drops NUL characters from form and query values."""

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

ONE_YEAR = 365 * 24 * 3600
HSTS = f"max-age={ONE_YEAR}"


def add_security_headers(response, https: bool = False):
    """`https`: the site is served over HTTPS only (SESSION_COOKIE_SECURE=1), so browsers are
    told to never use plain HTTP for it again (Strict-Transport-Security)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def cache_static(request, response):
    """Fingerprinted static URLs (?v=<content hash>) never change: cache them for a year."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.no_cache = None  # Flask's send_file default would revalidate
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


class NulFreeMixin:
    """Form fields and query values without NUL characters: PostgreSQL refuses them in text,
    and no person types one. Everything else is kept as sent."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self):
        return _without_nul(super().args)


def _without_nul(values):
    def clean(text):
        return text.replace("\x00", "") if isinstance(text, str) else text

    pairs = list(values.items(multi=True))
    if all(clean(key) == key and clean(value) == value for key, value in pairs):
        return values
    return ImmutableMultiDict([(clean(key), clean(value)) for key, value in pairs])


def nul_free(request_class: type) -> type:
    """The app's request class (htmx-flask sets its own) with NUL characters dropped."""
    return type("NulFreeRequest", (NulFreeMixin, request_class), {})
