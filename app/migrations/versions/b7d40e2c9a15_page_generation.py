"""the generation of kept pages (app/page_cache.py)

Revision ID: b7d40e2c9a15
Revises: 9a4c2e6b1f30
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d40e2c9a15'
down_revision = '9a4c2e6b1f30'
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table(
        'page_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_page_generation')))
    op.bulk_insert(generation, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('page_generation')
