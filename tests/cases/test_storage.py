"""How a case's workflow state is stored: whole, and on PostgreSQL compressed with lz4 (migration 0015)."""
from __future__ import annotations

from sqlalchemy import select, text

from tests.support.api import ApiClient
from tests.support.flow import submit_application


def test_workflow_state_is_stored_whole_and_compressed_with_lz4_where_the_server_has_it(client, app):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    with app.app_context():
        from app.cases import workflow
        from app.cases.models import Case
        from app.extensions import db
        from app.inbox.models import Task

        row = db.session.get(Case, case["id"])
        assert len(row.workflow_state) > 2048  # over the size PostgreSQL compresses
        run = workflow.load(row)  # what was stored restores
        open_rows = db.session.scalars(select(Task.bpmn_id).where(Task.case_id == row.id, Task.state == "ready"))
        assert sorted(t.bpmn_id for t in run.human_tasks()) == sorted(open_rows)
        if db.engine.dialect.name != "postgresql":
            return
        has_lz4 = db.session.scalar(text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"))
        method = db.session.scalar(text("SELECT pg_column_compression(workflow_state) FROM cases WHERE id = :id"),
                                   {"id": case["id"]})
        declared = dict(db.session.execute(text(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'cases'::regclass "
            "AND attname IN ('workflow_state', 'data')")).all())
    if has_lz4:
        assert method == "lz4"
        assert declared == {"workflow_state": "l", "data": "l"}
    else:
        assert method == "pglz"
