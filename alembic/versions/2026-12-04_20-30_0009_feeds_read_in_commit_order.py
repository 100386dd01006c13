"""feeds read in commit order: the ids each feed handled above its mark

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('monitor_fed',
    sa.Column('feed', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('feed', 'event_id', name=op.f('pk_monitor_fed'))
    )


def downgrade() -> None:
    op.drop_table('monitor_fed')
