"""Per-route upload limits: an import page takes a bigger file than MAX_CONTENT_LENGTH allows.

The limit must be known before the body is read: CSRF protection parses the form in a
before_request hook, ahead of the view. So the request class asks the matched route.
"""

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

# Room for the multipart envelope around the file: boundaries, headers, the CSRF token.
ENVELOPE = 64 * 1024
MEBIBYTE = 1024 * 1024


def upload_limit(size: int):
    """Mark a view as taking one file of at most `size` bytes."""
    def mark(view):
        view.upload_limit = size
        return view
    return mark


def route_limit(endpoint: str | None) -> int | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "upload_limit", None)


def size_in_words(size: int) -> str:
    """5242880 -> "5 Mo" (or "5 MB"), as the import pages say it."""
    if size % MEBIBYTE == 0:
        return str(_l("%(n)s Mo", n=format_decimal(size // MEBIBYTE)))
    return str(_l("%(n)s Ko", n=format_decimal(round(size / 1024))))


def too_large_message(endpoint: str | None) -> str | None:
    limit = route_limit(endpoint)
    if limit is None:
        return None
    return str(_l("Ce fichier est trop gros : la limite est de %(size)s. Coupez-le en "
                  "plusieurs fichiers, puis envoyez-les un par un.", size=size_in_words(limit)))


class UploadLimitMixin:
    """The body limit of the matched route, else the app's MAX_CONTENT_LENGTH."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app:
            limit = route_limit(self.endpoint)
            if limit is not None:
                return limit + ENVELOPE
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def with_upload_limits(request_class: type) -> type:
    return type("UploadLimitRequest", (UploadLimitMixin, request_class), {})
