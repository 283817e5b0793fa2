"""A real SMTP server on a free loopback port (aiosmtpd), collecting what it receives."""

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(user: str = "", password: str = ""):
    """Yields (settings for app.mail, inbox). With a user, the server requires AUTH."""
    inbox = Inbox()
    options = {}
    if user:
        def authenticator(_server, _session, _envelope, _mechanism, data):
            good = isinstance(data, LoginPassword) and \
                (data.login, data.password) == (user.encode(), password.encode())
            return AuthResult(success=good)
        options = {"authenticator": authenticator, "auth_required": True,
                   "auth_require_tls": False}
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_USER": user,
               "SMTP_PASSWORD": password, "SMTP_TLS": "none",
               "MAIL_FROM": "parlons-ia@example.org"}, inbox
    finally:
        controller.stop()
