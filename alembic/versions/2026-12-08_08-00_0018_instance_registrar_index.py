"""instance (created_by, created_at): the window's list of its own registrations, newest first

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 08:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_instance_created_by_created', 'instance', ['created_by', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_instance_created_by_created', table_name='instance')
