"""documents and cards a consultation's chat answers from first

Revision ID: 5d1e7c0a9b21
Revises: 72ab0ea10d16
Create Date: 2026-12-02 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c0a9b21'
down_revision = '72ab0ea10d16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kb_consultation_document',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_kb_consultation_document_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['kb_document.id'], name=op.f('fk_kb_consultation_document_document_id_kb_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'document_id', name=op.f('pk_kb_consultation_document'))
    )
    op.create_table('kb_consultation_card',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['kb_card.id'], name=op.f('fk_kb_consultation_card_card_id_kb_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_kb_consultation_card_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'card_id', name=op.f('pk_kb_consultation_card'))
    )


def downgrade():
    op.drop_table('kb_consultation_card')
    op.drop_table('kb_consultation_document')
