"""Permit numbers are gap-free per service and year, even when several permits are issued at once."""
from __future__ import annotations

import threading

import pytest

from tests.permits.support import draft_case, issue_and_commit

THREADS = 6


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_issuance_gets_distinct_gap_free_numbers(app):
    from app.extensions import db

    with app.app_context():
        case_ids = [draft_case().id for _ in range(THREADS)]
        db.session.commit()

    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue(case_id: int) -> None:
        with app.app_context():
            from app.cases.models import Case
            from app.permits import service as permits

            try:
                case = db.session.get(Case, case_id)
                barrier.wait(timeout=30)
                permit = permits.issue_for_case(case, {}, actor_id=None)
                db.session.commit()
                numbers.append(permit.number)
            except BaseException as exc:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=issue, args=(cid,)) for cid in case_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    year = numbers[0].split("/")[2]
    assert sorted(numbers) == [f"503/SIPA/{year}/{n:05d}" for n in range(1, THREADS + 1)]


def test_a_failed_issuance_gives_its_number_back_and_leaves_no_file(app, monkeypatch, tmp_path):
    from app.cases import events
    from app.extensions import db
    from app.permits import service as permits

    real_record = events.record

    def fail_after_the_document_is_stored(case, kind, **kwargs):
        if kind == "permit_issued":
            raise RuntimeError("disk full")
        return real_record(case, kind, **kwargs)

    with app.app_context():
        case = draft_case()
        db.session.commit()
        monkeypatch.setattr(events, "record", fail_after_the_document_is_stored)
        with pytest.raises(RuntimeError):
            permits.issue_for_case(case, {}, actor_id=None)
        db.session.rollback()
    monkeypatch.undo()
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert issue_and_commit(app)["number"].endswith("/00001")
