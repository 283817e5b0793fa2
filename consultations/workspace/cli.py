"""`flask create-facilitator` and `flask consultation import|export`."""

import json
import sys

import click
from flask import Flask
from flask_babel import force_locale

from app.extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("create-facilitator")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["admin", "facilitator", "moderator"]),
                  default="facilitator", show_default=True)
    @click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
    def create_facilitator_command(email, role, password_stdin):
        """Create a facilitator account (prompts for the password)."""
        from consultations.workspace.auth import create_facilitator
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            create_facilitator(email, password, role)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:  # the email is already taken
            db.session.rollback()
            raise click.ClickException(f"could not create {email}: {type(error).__name__}") \
                from error
        click.echo(f"Created {role} {email.strip().lower()}.")

    @app.cli.group("consultation")
    def consultation_group():
        """Move whole consultations between instances (JSON, see EXPORT.md)."""

    @consultation_group.command("import")
    @click.argument("file", type=click.File("rb"))
    def import_command(file):
        """Recreate a consultation from an exported JSON document (checked whole first)."""
        from consultations.workspace.audit import record
        from consultations.workspace.document import DocumentError
        from consultations.workspace.schema import Unreadable, read_document
        from consultations.workspace.transfer import import_document
        try:
            with force_locale("en"):
                consultation = import_document(read_document(file.read()))
        except Unreadable as error:
            raise click.ClickException(str(error)) from error
        except DocumentError as error:
            db.session.rollback()
            raise click.ClickException("\n".join(str(p) for p in error.problems)) from error
        record(None, "import_json", consultation.slug)
        db.session.commit()
        click.echo(f"Imported {consultation.slug}.")

    @consultation_group.command("schema")
    def schema_command():
        """Print the JSON Schema of the consultation document."""
        from consultations.workspace.schema import document_schema
        click.echo(json.dumps(document_schema(), ensure_ascii=False, indent=1))

    @consultation_group.command("export")
    @click.argument("slug")
    @click.option("--profile", is_flag=True, help="Include the optional participant profiles.")
    def export_command(slug, profile):
        """Print the JSON document of a consultation."""
        from consultations.models import Consultation
        from consultations.workspace.document import build_document
        consultation = db.session.execute(
            db.select(Consultation).filter_by(slug=slug)).scalar_one_or_none()
        if consultation is None:
            raise click.ClickException(f"no consultation {slug!r}")
        click.echo(json.dumps(build_document(consultation, profile), ensure_ascii=False,
                              indent=1))
