"""A case's task rows are read once per change, and never outlive the transaction that read them."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from app.cases.models import Case
from app.common.models import peek_transaction_cache, transaction_cache
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task, case_task_rows
from tests.sla.flow import open_task, submit_case
from tests.support.sql import recorded_statements

AT = datetime(2026, 7, 6, 9, tzinfo=ZoneInfo("Asia/Jakarta"))


def _task_reads(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM tasks" in s)


def _new_row(case_id: int, task_id: str, state: str = "ready") -> Task:
    return Task(id=task_id, case_id=case_id, bpmn_id="extra", process_id="sip_apoteker", name="Tambahan",
                group_key="verifikator", state=state, priority=0)


def test_rows_are_read_once_per_transaction_and_follow_what_the_change_does(ctx):
    case_id = submit_case(AT)
    first = open_task(case_id)
    db.session.rollback()
    with recorded_statements() as statements:
        rows = case_task_rows(case_id)
        assert [r.id for r in rows] == [first.id]
        assert _task_reads(statements) == 1
        # Asked again, with a row added (unwritten, then written) and the first one closed: no new read.
        added = _new_row(case_id, "00000000-0000-4000-8000-000000000001")
        db.session.add(added)
        assert {r.id for r in case_task_rows(case_id)} == {first.id, added.id}
        db.session.flush()
        reads_after_flush = _task_reads(statements)
        rows[0].state = "completed"
        assert [r.id for r in case_task_rows(case_id)] == [added.id]
        assert _task_reads(statements) == reads_after_flush
        # A completed row is given only for ids asked for: those not asked before are read once more.
        assert {r.id for r in case_task_rows(case_id, [first.id])} == {first.id, added.id}
        assert _task_reads(statements) == reads_after_flush + 1
        assert {r.id for r in case_task_rows(case_id, [first.id])} == {first.id, added.id}
        assert _task_reads(statements) == reads_after_flush + 1
    db.session.rollback()


def test_kept_rows_end_with_their_transaction(ctx):
    case_id = submit_case(AT)
    task_id = open_task(case_id).id
    db.session.rollback()
    case_task_rows(case_id)
    assert peek_transaction_cache("inbox.case_rows", db.session()) is not None
    db.session.commit()
    assert peek_transaction_cache("inbox.case_rows", db.session()) is None
    # Another writer closes the task between two transactions: the next transaction reads what is stored.
    db.session.execute(update(Task).where(Task.id == task_id).values(state="cancelled"))
    db.session.commit()
    assert [r for r in case_task_rows(case_id) if r.state in OPEN_STATES] == []
    db.session.rollback()


def test_a_rolled_back_savepoint_drops_what_was_kept(ctx):
    case_id = submit_case(AT)
    transaction_cache("example")["key"] = "value"
    case_task_rows(case_id)
    savepoint = db.session.begin_nested()
    db.session.add(_new_row(case_id, "00000000-0000-4000-8000-000000000002"))
    db.session.flush()
    savepoint.rollback()
    assert peek_transaction_cache("example", db.session()) is None
    # Read again: the row written inside the savepoint is gone with it.
    assert "00000000-0000-4000-8000-000000000002" not in {r.id for r in case_task_rows(case_id)}
    db.session.rollback()


def test_a_case_loads_with_its_version_and_clock_in_the_same_statement(ctx):
    case_id = submit_case(AT)
    db.session.remove()
    with recorded_statements() as statements:
        case = db.session.get(Case, case_id)
        assert case.process_version.service_key == "sip_apoteker"
        assert case.clock is not None and case.clock.case_id == case_id
    assert "FROM cases" in statements[0] and "process_versions" in statements[0] and "case_clocks" in statements[0]
    assert not [s for s in statements[1:] if "process_versions" in s or "case_clocks" in s], statements
    db.session.rollback()
