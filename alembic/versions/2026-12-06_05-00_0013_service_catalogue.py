"""service catalogue (事项清单): items, their immutable published versions, and the item of an application

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('service_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('draft_revision', sa.Integer(), nullable=False),
    sa.Column('draft_saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('draft_saved_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item')),
    sa.UniqueConstraint('code', name=op.f('uq_service_item_code'))
    )
    op.create_table('service_item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('definition_key', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('legal_days', sa.Integer(), nullable=False),
    sa.Column('promised_days', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_item.id'], name=op.f('fk_service_item_version_item_id_service_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item_version')),
    sa.UniqueConstraint('item_id', 'version', name=op.f('uq_service_item_version_item_id_version'))
    )
    with op.batch_alter_table('service_item_version', schema=None) as batch_op:
        batch_op.create_index('ix_service_item_version_department', ['department_code'], unique=False)

    op.create_table('application_item',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_application_item_instance_id_instance')),
    sa.ForeignKeyConstraint(['item_version_id'], ['service_item_version.id'],
                            name=op.f('fk_application_item_item_version_id_service_item_version')),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_application_item'))
    )


def downgrade() -> None:
    op.drop_table('application_item')
    with op.batch_alter_table('service_item_version', schema=None) as batch_op:
        batch_op.drop_index('ix_service_item_version_department')
    op.drop_table('service_item_version')
    op.drop_table('service_item')
