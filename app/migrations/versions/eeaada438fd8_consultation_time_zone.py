"""consultation time zone; days counted from local midnight

Revision ID: eeaada438fd8
Revises: 183f37c9dd0e
Create Date: 2026-11-27 09:00:00

Before this revision the workspace stored a day typed in a form as midnight UTC (and the end
of a last day as the next midnight UTC). Days now begin at midnight in the consultation's
time zone: moments that sit exactly on midnight UTC are moved to midnight, the same day, in
the deployment's TIME_ZONE (America/Toronto unless set), so a phase ending "2027-01-15
included" still ends when 2027-01-15 ends where people live. Other moments (demo data,
imports) are kept as they are.
"""
import os
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'eeaada438fd8'
down_revision = '183f37c9dd0e'
branch_labels = None
depends_on = None

TABLES = ("consultation", "consultation_phase")


def _aware(value):
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _move(value, source, target):
    """A midnight of `source` becomes the same day's midnight in `target`."""
    value = _aware(value)
    if value is None:
        return None
    wall = value.astimezone(source)
    if wall.time() != time.min:
        return value
    return datetime.combine(wall.date(), time.min, tzinfo=target).astimezone(UTC)


def _shift(source, target):
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer),
                         sa.column("starts_at", sa.DateTime(timezone=True)),
                         sa.column("ends_at", sa.DateTime(timezone=True)))
        rows = connection.execute(sa.select(table.c.id, table.c.starts_at, table.c.ends_at))
        for row_id, starts, ends in rows.fetchall():
            moved = {"starts_at": _move(starts, source, target),
                     "ends_at": _move(ends, source, target)}
            if moved != {"starts_at": _aware(starts), "ends_at": _aware(ends)}:
                connection.execute(table.update().where(table.c.id == row_id).values(**moved))


def _zone():
    return ZoneInfo(os.environ.get("TIME_ZONE") or "America/Toronto")


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    _shift(UTC, _zone())


def downgrade():
    _shift(_zone(), UTC)
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
