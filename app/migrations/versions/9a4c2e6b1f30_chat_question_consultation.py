"""the consultation a chat question was asked in

Revision ID: 9a4c2e6b1f30
Revises: 5d1e7c0a9b21
Create Date: 2026-12-02 04:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a4c2e6b1f30'
down_revision = '5d1e7c0a9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chat_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_chat_question_consultation'), ['consultation'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('chat_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_question_consultation'))
        batch_op.drop_column('consultation')
