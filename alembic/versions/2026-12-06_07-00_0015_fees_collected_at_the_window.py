"""fees collected at the window (一窗收费) for charged catalogue items

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('application_fee',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('receipt_no', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_application_fee_instance_id_instance')),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_application_fee'))
    )


def downgrade() -> None:
    op.drop_table('application_fee')
