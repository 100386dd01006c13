"""selections: monthly 服务之星 and annual 优质服务窗口 candidates and the bureau's decisions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('selection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection')),
    sa.UniqueConstraint('kind', 'period', 'subject', name=op.f('uq_selection_kind_period_subject'))
    )
    op.create_index('ix_selection_kind_period', 'selection', ['kind', 'period', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_selection_kind_period', table_name='selection')
    op.drop_table('selection')
