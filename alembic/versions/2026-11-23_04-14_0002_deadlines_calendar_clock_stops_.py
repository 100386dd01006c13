"""deadlines: calendar, clock stops, extensions, shortfalls, warnings, timer claims

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:14:08.099663
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_day',
    sa.Column('centre', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('centre', 'day', name=op.f('pk_calendar_day'))
    )
    op.create_table('clock_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.String(length=64), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.Column('paused_working_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_clock_pause_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_pause'))
    )
    with op.batch_alter_table('clock_pause', schema=None) as batch_op:
        batch_op.create_index('ix_clock_pause_instance', ['instance_id'], unique=False)
        batch_op.create_index('ix_clock_pause_task', ['task_id'], unique=False)

    op.create_table('extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_extension_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension'))
    )
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.create_index('ix_extension_status', ['status'], unique=False)
        batch_op.create_index('ix_extension_task', ['task_id'], unique=False)

    op.create_table('shortfall',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('supplied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_shortfall_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shortfall')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_shortfall_instance_id'))
    )
    with op.batch_alter_table('shortfall', schema=None) as batch_op:
        batch_op.create_index('ix_shortfall_open_due', ['due_at'], unique=False, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('warning_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('level_from', sa.String(length=16), nullable=False),
    sa.Column('level_to', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_warning_event_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_event'))
    )
    with op.batch_alter_table('warning_event', schema=None) as batch_op:
        batch_op.create_index('ix_warning_event_instance', ['instance_id', 'at'], unique=False)

    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warning_level', sa.String(length=16), server_default='green', nullable=False))
        batch_op.add_column(sa.Column('pause_kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('pause_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limit_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pause_kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('pause_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('warning_level', sa.String(length=16), server_default='green', nullable=False))
        batch_op.add_column(sa.Column('next_warning_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_task_department_warning', ['department_code', 'warning_level'], unique=False)
        batch_op.create_index('ix_task_next_warning', ['next_warning_at'], unique=False, postgresql_where=sa.text('next_warning_at IS NOT NULL'), sqlite_where=sa.text('next_warning_at IS NOT NULL'))

    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claim_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_timer_claimed_expiry', ['claim_expires_at'], unique=False, postgresql_where=sa.text("state = 'claimed'"), sqlite_where=sa.text("state = 'claimed'"))



def downgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_index('ix_timer_claimed_expiry', postgresql_where=sa.text("state = 'claimed'"), sqlite_where=sa.text("state = 'claimed'"))
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim_expires_at')
        batch_op.drop_column('claimed_by')

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_next_warning', postgresql_where=sa.text('next_warning_at IS NOT NULL'), sqlite_where=sa.text('next_warning_at IS NOT NULL'))
        batch_op.drop_index('ix_task_department_warning')
        batch_op.drop_column('next_warning_at')
        batch_op.drop_column('warning_level')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('pause_reason')
        batch_op.drop_column('pause_kind')
        batch_op.drop_column('limit_days')

    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_column('paused_at')
        batch_op.drop_column('pause_reason')
        batch_op.drop_column('pause_kind')
        batch_op.drop_column('warning_level')

    with op.batch_alter_table('warning_event', schema=None) as batch_op:
        batch_op.drop_index('ix_warning_event_instance')

    op.drop_table('warning_event')
    with op.batch_alter_table('shortfall', schema=None) as batch_op:
        batch_op.drop_index('ix_shortfall_open_due', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.drop_table('shortfall')
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.drop_index('ix_extension_task')
        batch_op.drop_index('ix_extension_status')

    op.drop_table('extension')
    with op.batch_alter_table('clock_pause', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_pause_task')
        batch_op.drop_index('ix_clock_pause_instance')

    op.drop_table('clock_pause')
    op.drop_table('calendar_day')
