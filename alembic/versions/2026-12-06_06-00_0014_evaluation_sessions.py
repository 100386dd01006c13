"""evaluation sessions (述职, 质询评议, 社会调查) and their raters' scores

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 06:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evaluation_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_session'))
    )
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_session_department', ['department_code', 'held_on'], unique=False)
    op.create_table('evaluation_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('rater', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['evaluation_session.id'],
                            name=op.f('fk_evaluation_score_session_id_evaluation_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_score'))
    )
    with op.batch_alter_table('evaluation_score', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_score_session', ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evaluation_score', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_score_session')
    op.drop_table('evaluation_score')
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_session_department')
    op.drop_table('evaluation_session')
