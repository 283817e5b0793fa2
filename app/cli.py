"""`flask translate extract|update|compile`: keep the gettext catalogues in step with the code."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from flask import Flask

from app.config import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
SOURCE_PACKAGES = ("app", "consultations", "chatbot", "knowledge")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_messages(output: Path = TEMPLATE) -> None:
    _pybabel(
        "extract", "-F", str(REPO_ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output",
        "-o", str(output),
        *[str(REPO_ROOT / name) for name in SOURCE_PACKAGES if (REPO_ROOT / name).is_dir()],
    )


def register_cli(app: Flask) -> None:
    @app.cli.group()
    def translate():
        """Translation catalogues (French source, English translation)."""

    @translate.command()
    def extract():
        """Write translations/messages.pot from the code and templates."""
        extract_messages()

    @translate.command()
    def update():
        """Extract, then merge new strings into every catalogue."""
        extract_messages()
        _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")

    @translate.command()
    def compile():
        """Compile the .po catalogues into the .mo files the site reads."""
        _pybabel("compile", "-d", str(TRANSLATIONS))
