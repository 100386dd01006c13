"""calendar edge: recomputable deadlines, incidents

Timer rows keep how a working-day due time was reckoned (anchor and N) and shortfalls their promised
working days, so a calendar change can recompute them. Instances stopped by a diagram error are
called incidents (`failed` before).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anchor_at', engine.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('workdays', sa.Integer(), nullable=True))
    with op.batch_alter_table('shortfall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_days', sa.Integer(), nullable=True))
    # Shortfalls recorded their promise in the audit history only; rows from before stay unmoved.
    op.execute("UPDATE instance SET status = 'incident' WHERE status = 'failed'")


def downgrade() -> None:
    op.execute("UPDATE instance SET status = 'failed' WHERE status = 'incident'")
    with op.batch_alter_table('shortfall', schema=None) as batch_op:
        batch_op.drop_column('working_days')
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_column('workdays')
        batch_op.drop_column('anchor_at')
