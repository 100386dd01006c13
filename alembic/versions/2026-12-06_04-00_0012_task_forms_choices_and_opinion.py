"""task forms: the decisions a step offers and the opinion it asks for, per deployed version

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 04:00:00

Versions deployed before this read their own diagram once here, so a running complaint on an old
version offers the same choices as a new one would (an old diagram without `ow:choice` offers none).
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from lxml import etree

from bpmn.task_forms import read_task_forms

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROCESS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}process"


def upgrade() -> None:
    with op.batch_alter_table('process_definition') as batch:
        batch.add_column(sa.Column('task_forms', sa.JSON(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, key, xml FROM process_definition")).all()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    for row_id, key, xml in rows:
        try:
            root = etree.fromstring(xml.encode("utf-8"), parser)
        except etree.LxmlError:
            continue  # stored versions passed the deploy checks; nothing to read from one that does not parse
        for process in root.iterchildren(_PROCESS):
            if process.get("id") == key:
                forms = read_task_forms(process)[0]
                if forms:
                    bind.execute(sa.text("UPDATE process_definition SET task_forms = :forms WHERE id = :id"),
                                 {"forms": json.dumps(forms, ensure_ascii=False), "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table('process_definition') as batch:
        batch.drop_column('task_forms')
