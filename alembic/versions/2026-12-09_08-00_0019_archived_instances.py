"""archived_instance: the chained record of applications removed by archiving; audit deletes only for them

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-09 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa

import engine.models.base
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit log stays append-only, except for the events of an application whose removal is already
# recorded in archived_instance (and up to the head recorded there).
ARCHIVED = ("EXISTS (SELECT 1 FROM archived_instance a WHERE a.instance_id = OLD.instance_id "
            "AND a.head_seq >= OLD.seq)")
SQLITE_UP = [
    "DROP TRIGGER audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"WHEN NOT {ARCHIVED} BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER archived_instance_no_update BEFORE UPDATE ON archived_instance "
    "BEGIN SELECT RAISE(ABORT, 'archived_instance is append-only'); END",
    "CREATE TRIGGER archived_instance_no_delete BEFORE DELETE ON archived_instance "
    "BEGIN SELECT RAISE(ABORT, 'archived_instance is append-only'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
POSTGRES_UP = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF TG_OP = 'DELETE' AND {ARCHIVED} THEN RETURN OLD; END IF; "
    "RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE FUNCTION archived_instance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'archived_instance is append-only'; END $$",
    "CREATE TRIGGER archived_instance_no_change BEFORE UPDATE OR DELETE ON archived_instance "
    "FOR EACH ROW EXECUTE FUNCTION archived_instance_append_only()",
]
POSTGRES_DOWN = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "DROP TRIGGER IF EXISTS archived_instance_no_change ON archived_instance",
    "DROP FUNCTION IF EXISTS archived_instance_append_only()",
]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('archived_instance',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('query_code', sa.String(length=16), nullable=False),
    sa.Column('project_code', sa.String(length=64), nullable=False),
    sa.Column('project_name', sa.String(length=255), nullable=False),
    sa.Column('definition_key', sa.String(length=255), nullable=False),
    sa.Column('completed_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('archived_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('archived_by', sa.String(length=64), nullable=False),
    sa.Column('archive_file', sa.String(length=255), nullable=False),
    sa.Column('archive_sha256', sa.String(length=64), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('instance_id')
    )
    op.create_index('ix_archived_instance_query_code', 'archived_instance', ['query_code'], unique=False)
    op.create_index('ix_archived_instance_project_code', 'archived_instance', ['project_code'], unique=False)
    for statement in SQLITE_UP if _sqlite() else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWN if _sqlite() else POSTGRES_DOWN:
        op.execute(statement)
    op.drop_index('ix_archived_instance_project_code', table_name='archived_instance')
    op.drop_index('ix_archived_instance_query_code', table_name='archived_instance')
    op.drop_table('archived_instance')
