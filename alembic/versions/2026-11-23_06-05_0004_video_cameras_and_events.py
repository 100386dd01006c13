"""video supervision: the camera registry and video events (one open event per camera × zone × rule)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 06:05:59.202792
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('camera',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('last_frame_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reference_sha256', sa.String(length=64), nullable=True),
    sa.Column('reference_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_camera_department_code_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_camera')),
    sa.UniqueConstraint('name', name=op.f('uq_camera_name'))
    )
    op.create_table('video_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('condition_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('peak', sa.Double(), nullable=True),
    sa.Column('snapshot', sa.String(length=255), nullable=True),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_video_event_alert_id_alert')),
    sa.ForeignKeyConstraint(['camera_id'], ['camera.id'], name=op.f('fk_video_event_camera_id_camera')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_event'))
    )
    with op.batch_alter_table('video_event', schema=None) as batch_op:
        batch_op.create_index('ix_video_event_camera_started', ['camera_id', 'started_at'], unique=False)
        batch_op.create_index('uq_video_event_open', ['camera_id', 'zone', 'kind'], unique=True, postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))



def downgrade() -> None:
    with op.batch_alter_table('video_event', schema=None) as batch_op:
        batch_op.drop_index('uq_video_event_open', postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
        batch_op.drop_index('ix_video_event_camera_started')

    op.drop_table('video_event')
    op.drop_table('camera')
