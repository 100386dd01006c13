"""audit head on the instance: appending an event reads nothing

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table('instance') as batch:
        batch.add_column(sa.Column('audit_seq', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('audit_hash', sa.String(length=64), nullable=False, server_default=GENESIS))
    # Each existing chain's last event becomes its instance's head (chains are append-only, so this is final).
    op.execute(
        "UPDATE instance SET "
        "audit_seq = (SELECT e.seq FROM audit_event e WHERE e.instance_id = instance.id "
        "ORDER BY e.seq DESC LIMIT 1), "
        "audit_hash = (SELECT e.hash FROM audit_event e WHERE e.instance_id = instance.id "
        "ORDER BY e.seq DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM audit_event e WHERE e.instance_id = instance.id)")


def downgrade() -> None:
    with op.batch_alter_table('instance') as batch:
        batch.drop_column('audit_hash')
        batch.drop_column('audit_seq')
