"""e-supervision: alerts, orders, cards, accountability, complaints, ratings, transfers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:50:11.101760
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Accountability records are append-only in the database too (a correction is a new record).
SQLITE_GUARDS = [
    "CREATE TRIGGER accountability_no_update BEFORE UPDATE ON accountability_record "
    "BEGIN SELECT RAISE(ABORT, 'accountability_record is append-only'); END",
    "CREATE TRIGGER accountability_no_delete BEFORE DELETE ON accountability_record "
    "BEGIN SELECT RAISE(ABORT, 'accountability_record is append-only'); END",
]
POSTGRES_GUARDS = [
    "CREATE FUNCTION accountability_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'accountability_record is append-only'; END $$",
    "CREATE TRIGGER accountability_no_change BEFORE UPDATE OR DELETE ON accountability_record "
    "FOR EACH ROW EXECUTE FUNCTION accountability_append_only()",
]


def upgrade() -> None:
    op.create_table('accountability_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('rung', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['accountability_record.id'], name=op.f('fk_accountability_record_corrects_id_accountability_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_record')),
    sa.UniqueConstraint('seq', name=op.f('uq_accountability_record_seq'))
    )
    with op.batch_alter_table('accountability_record', schema=None) as batch_op:
        batch_op.create_index('ix_accountability_department', ['department_code', 'decided_at'], unique=False)
        batch_op.create_index('ix_accountability_person', ['person', 'decided_at'], unique=False)

    op.create_table('monitor_cursor',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_monitor_cursor'))
    )
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('explained_by', sa.String(length=64), nullable=True),
    sa.Column('explained_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=24), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_alert_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_department_state', ['department_code', 'state'], unique=False)
        batch_op.create_index('ix_alert_opened', ['opened_at'], unique=False)
        batch_op.create_index('ix_alert_state_level', ['state', 'level'], unique=False)
        batch_op.create_index('uq_alert_live_dedup', ['dedup_key'], unique=True, postgresql_where=sa.text("state <> 'closed'"), sqlite_where=sa.text("state <> 'closed'"))

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('approval_instance_id', sa.Integer(), nullable=True),
    sa.Column('handling_instance_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('complainant_name', sa.String(length=255), nullable=True),
    sa.Column('complainant_contact', sa.String(length=255), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.String(length=64), nullable=True),
    sa.Column('source_ip', sa.String(length=64), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['approval_instance_id'], ['instance.id'], name=op.f('fk_complaint_approval_instance_id_instance')),
    sa.ForeignKeyConstraint(['handling_instance_id'], ['instance.id'], name=op.f('fk_complaint_handling_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('code', name=op.f('uq_complaint_code'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_filed', ['filed_at'], unique=False)

    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_rating_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_rating_instance_id'))
    )
    op.create_table('task_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('from_department', sa.String(length=32), nullable=False),
    sa.Column('to_department', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_task_transfer_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_transfer'))
    )
    with op.batch_alter_table('task_transfer', schema=None) as batch_op:
        batch_op.create_index('ix_task_transfer_status', ['status'], unique=False)
        batch_op.create_index('ix_task_transfer_task', ['task_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_follow_up_rating_id_rating')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_department', ['department_code', 'done_at'], unique=False)

    op.create_table('supervision_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('reply_working_days', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('replied_by', sa.String(length=64), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_supervision_order_alert_id_alert')),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_supervision_order_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_order'))
    )
    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_order_department', ['department_code', 'status'], unique=False)
        batch_op.create_index('ix_supervision_order_open_due', ['due_at'], unique=False, postgresql_where=sa.text("status = 'issued'"), sqlite_where=sa.text("status = 'issued'"))

    op.create_table('card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('color', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by', sa.String(length=64), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_card_alert_id_alert')),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_order.id'], name=op.f('fk_card_order_id_supervision_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card'))
    )
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.create_index('ix_card_department', ['department_code', 'lifted_at'], unique=False)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_status_completed', ['status', 'completed_at'], unique=False)
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.create_index('ix_instance_status_completed', ['status', 'completed_at'], unique=False)
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_board', ['status', 'department_code', 'definition_key', 'bpmn_id',
                                                'warning_level'], unique=False)
        batch_op.create_index('ix_task_red_due', ['due_at'], unique=False, postgresql_where=sa.text(
            "warning_level IN ('red', 'escalated') AND status IN ('ready', 'claimed')"), sqlite_where=sa.text(
            "warning_level IN ('red', 'escalated') AND status IN ('ready', 'claimed')"))
    op.create_table('board_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_snapshot'))
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_GUARDS if sqlite else POSTGRES_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_status_completed')
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_status_completed')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_board')
        batch_op.drop_index('ix_task_red_due')
    op.drop_table('board_snapshot')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS accountability_no_update")
        op.execute("DROP TRIGGER IF EXISTS accountability_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS accountability_no_change ON accountability_record")
        op.execute("DROP FUNCTION IF EXISTS accountability_append_only()")
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_index('ix_card_department')

    op.drop_table('card')
    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_order_open_due', postgresql_where=sa.text("status = 'issued'"), sqlite_where=sa.text("status = 'issued'"))
        batch_op.drop_index('ix_supervision_order_department')

    op.drop_table('supervision_order')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_department')

    op.drop_table('follow_up')
    with op.batch_alter_table('task_transfer', schema=None) as batch_op:
        batch_op.drop_index('ix_task_transfer_task')
        batch_op.drop_index('ix_task_transfer_status')

    op.drop_table('task_transfer')
    op.drop_table('rating')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_filed')

    op.drop_table('complaint')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_live_dedup', postgresql_where=sa.text("state <> 'closed'"), sqlite_where=sa.text("state <> 'closed'"))
        batch_op.drop_index('ix_alert_state_level')
        batch_op.drop_index('ix_alert_opened')
        batch_op.drop_index('ix_alert_department_state')

    op.drop_table('alert')
    op.drop_table('monitor_cursor')
    with op.batch_alter_table('accountability_record', schema=None) as batch_op:
        batch_op.drop_index('ix_accountability_person')
        batch_op.drop_index('ix_accountability_department')

    op.drop_table('accountability_record')
