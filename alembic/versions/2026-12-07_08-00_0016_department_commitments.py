"""department public commitments (一把手公开承诺) and their progress reports

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('department_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('pledged_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('progress_percent', sa.Integer(), nullable=False),
    sa.Column('progress_note', sa.Text(), nullable=True),
    sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assessment', sa.String(length=24), nullable=True),
    sa.Column('assessment_note', sa.Text(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assessed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_commitment'))
    )
    op.create_index('ix_department_commitment_year', 'department_commitment', ['year', 'department_code'],
                    unique=False)
    op.create_table('commitment_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['department_commitment.id'],
                            name=op.f('fk_commitment_progress_commitment_id_department_commitment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_progress'))
    )
    op.create_index('ix_commitment_progress_commitment', 'commitment_progress', ['commitment_id', 'reported_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_commitment_progress_commitment', table_name='commitment_progress')
    op.drop_table('commitment_progress')
    op.drop_index('ix_department_commitment_year', table_name='department_commitment')
    op.drop_table('department_commitment')
