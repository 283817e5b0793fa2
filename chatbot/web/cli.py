"""`flask chatbot reindex|purge`."""

import time
from pathlib import Path

import click

from chatbot.web import question_log


def register_cli(app) -> None:
    @app.cli.group("chatbot")
    def chatbot_group():
        """The chatbot: index and question log."""

    @chatbot_group.command("reindex")
    @click.option("--if-needed", is_flag=True, help="Only build when the cached index is stale.")
    def reindex(if_needed: bool):
        """Rebuild the search index from corpus/ (documents and cards)."""
        from chatbot.encoders import get_encoder
        from chatbot.index import Index
        started = time.perf_counter()
        config = app.config
        Index.open(Path(config["CHATBOT_CORPUS_DIR"]), get_encoder(config["CHATBOT_ENCODER"]),
                   Path(config["CHATBOT_CACHE_DIR"]), rebuild=not if_needed)
        click.echo(f"Index ready in {time.perf_counter() - started:.1f} s "
                   f"({config['CHATBOT_CACHE_DIR']})")

    @chatbot_group.command("purge")
    def purge():
        """Delete logged questions older than CHATBOT_LOG_RETENTION_DAYS (run it from cron)."""
        removed = question_log.purge_older_than(app.config["CHATBOT_LOG_RETENTION_DAYS"])
        click.echo(f"{removed} question(s) removed")
