"""The alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import select

from api.wiring import db
from engine.audit import audit_heads, verify_chain
from engine.models import Base, Instance, ProcessDefinition
from tests.conftest import Api, migrate_to, release_connections


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    import monitor.models  # noqa: F401 - registers the supervision tables on the shared metadata

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_puts_each_chains_last_event_on_its_instance(app: Flask, api: Api, database_url: str) -> None:
    body = {"definition_key": "investment_joint_approval",
            "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
    ids = [api.post("/api/instances", "window1", json=body).get_json()["id"] for _ in range(2)]
    release_connections(app)
    migrate_to(database_url, "0009", down=True)  # chains as 0009 left them: no head on the instance
    migrate_to(database_url, "head")
    with app.app_context():
        heads = audit_heads(db.session)
        for instance_id in ids:
            instance = db.session.get(Instance, instance_id)
            assert instance is not None and heads[instance_id] == (instance.audit_seq, instance.audit_hash)
            assert instance.audit_seq > 1
    r = api.post(f"/api/instances/{ids[0]}/pause", "window1", json={"reason": "补正材料", "missing_documents": ["a"]})
    assert r.status_code in (200, 201), r.get_json()
    with app.app_context():
        assert verify_chain(db.session, ids[0]) == []  # the new events link to the migrated head
        instance = db.session.get(Instance, ids[0])
        assert instance is not None and instance.audit_seq > heads[ids[0]][0]
        assert audit_heads(db.session)[ids[0]] == (instance.audit_seq, instance.audit_hash)


def test_upgrading_reads_the_declared_choices_of_versions_deployed_before(
        app: Flask, api: Api, database_url: str) -> None:
    with app.app_context():
        before = db.session.scalar(select(ProcessDefinition.task_forms)
                                   .where(ProcessDefinition.key == "complaint_handling"))
    assert set(before) == {"accept_decision", "handle", "reply", "feedback"}
    release_connections(app)
    migrate_to(database_url, "0011", down=True)  # versions as 0011 stored them: no declared choices
    migrate_to(database_url, "head")
    with app.app_context():
        rows = dict(db.session.execute(select(ProcessDefinition.key, ProcessDefinition.task_forms)).all())
    assert rows["complaint_handling"] == before
    assert rows["investment_joint_approval"] is None  # it declares none: its steps keep the approval pair
