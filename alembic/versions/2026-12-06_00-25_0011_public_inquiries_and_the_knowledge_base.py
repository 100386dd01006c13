"""public inquiries (政务信息查询) and the knowledge base (查询信息库) with its bigram index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:25:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('complexity', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asker_name', sa.String(length=255), nullable=True),
    sa.Column('asker_contact', sa.String(length=255), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked_by', sa.String(length=64), nullable=True),
    sa.Column('source_ip', sa.String(length=64), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('satisfaction_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_inquiry_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry')),
    sa.UniqueConstraint('code', name=op.f('uq_inquiry_code')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_inquiry_instance_id'))
    )
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_asked', ['asked_at'], unique=False)
        batch_op.create_index('ix_inquiry_source_ip', ['source_ip'], unique=False)

    op.create_table('delay_explanation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('explained_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('explained_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_delay_explanation_inquiry_id_inquiry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delay_explanation')),
    sa.UniqueConstraint('task_id', name=op.f('uq_delay_explanation_task_id'))
    )
    with op.batch_alter_table('delay_explanation', schema=None) as batch_op:
        batch_op.create_index('ix_delay_explanation_inquiry', ['inquiry_id'], unique=False)

    op.create_table('knowledge_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('departments', sa.String(length=255), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_knowledge_entry_inquiry_id_inquiry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entry')),
    sa.UniqueConstraint('inquiry_id', name=op.f('uq_knowledge_entry_inquiry_id'))
    )
    with op.batch_alter_table('knowledge_entry', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_entry_published', ['published_at'], unique=False)

    op.create_table('knowledge_gram',
    sa.Column('gram', sa.String(length=32), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entry.id'], name=op.f('fk_knowledge_gram_entry_id_knowledge_entry')),
    sa.PrimaryKeyConstraint('gram', 'entry_id', name=op.f('pk_knowledge_gram'))
    )
    with op.batch_alter_table('knowledge_gram', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_gram_entry', ['entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('knowledge_gram', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_gram_entry')

    op.drop_table('knowledge_gram')
    with op.batch_alter_table('knowledge_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_entry_published')

    op.drop_table('knowledge_entry')
    with op.batch_alter_table('delay_explanation', schema=None) as batch_op:
        batch_op.drop_index('ix_delay_explanation_inquiry')

    op.drop_table('delay_explanation')
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_source_ip')
        batch_op.drop_index('ix_inquiry_asked')

    op.drop_table('inquiry')
