"""easy-read form drafts; the language each contribution was written in

Contributions made before this revision have no recorded language (NULL: unknown, shown
without a language mark); facilitators can set it on the moderation page.

Revision ID: 3c1f2e9b7a40
Revises: eeaada438fd8
Create Date: 2026-12-01 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c1f2e9b7a40'
down_revision = 'eeaada438fd8'
branch_labels = None
depends_on = None


CONTRIBUTION_TABLES = ("interview_answer", "idea", "idea_support", "idea_comment",
                       "scenario_reaction", "finding_feedback")


def upgrade():
    for table in CONTRIBUTION_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
    op.create_table('form_draft',
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('form', sa.String(length=80), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_form_draft'))
    )
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_draft_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_draft_updated_at'))
    op.drop_table('form_draft')
    for table in CONTRIBUTION_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
