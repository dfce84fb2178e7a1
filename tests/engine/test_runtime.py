"""The engine facade: parse, run, serialize round trip, timers, messages, incidents."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.common import clock
from app.engine import Engine, Library, SpecCache
from tests.engine import models

ENGINE = Engine(time_limit=0.5)


def test_unchanged_files_make_the_same_bundle_hash():
    lib = Library.from_dirs("processes", "forms")
    assert lib.bundle("sip_apoteker").content_hash == Library.from_dirs("processes", "forms").bundle(
        "sip_apoteker").content_hash


def test_bundle_collects_called_processes_and_forms():
    bundle = Library.from_dirs("processes", "forms").bundle("sip_apoteker")
    assert {"verifikasi_berkas.bpmn", "rekomendasi_teknis.bpmn", "persetujuan_penandatanganan.bpmn",
            "sip_apoteker.bpmn"} <= set(bundle.files["bpmn"])
    assert "verifikasi_berkas.schema.json" in bundle.files["forms"]


def test_spec_cache_parses_once_per_content_hash():
    cache = SpecCache()
    bundle = Library.from_dirs("processes", "forms").bundle("sip_apoteker")
    assert cache.get(bundle) is cache.get(bundle)


def test_human_tasks_carry_lane_form_and_sla_properties():
    model = SpecCache().get(Library.from_dirs("processes", "forms").bundle("sip_apoteker"))
    run = ENGINE.start(model, {"application": {}, "documents": []})
    [task] = run.human_tasks()
    assert task.lane == "verifikator"
    assert task.properties["formJsonSchemaFilename"] == "verifikasi_berkas.schema.json"
    assert task.properties["slaWorkingDays"] == "1"


def test_serialized_state_omits_the_spec_and_round_trips():
    model = SpecCache().get(Library.from_dirs("processes", "forms").bundle("sip_apoteker"))
    run = ENGINE.start(model, {"application": {"nama_lengkap": "A"}, "documents": []})
    state = run.serialize()
    top = json.loads(state)
    assert "spec" not in top and "subprocess_specs" not in top  # the case names its version instead
    again = ENGINE.load(model, state)
    assert [t.id for t in again.human_tasks()] == [t.id for t in run.human_tasks()]
    assert json.loads(again.serialize())["tasks"].keys() == json.loads(state)["tasks"].keys()


def test_timer_fires_only_when_due_by_the_application_clock():
    model = models.parsed(models.timer_then_task(), "timed")
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        run = ENGINE.start(model, {})
        run.complete(run.human_tasks()[0].id, {})
    assert run.next_timer_at() == start + timedelta(hours=1)
    with clock.frozen_at(start + timedelta(minutes=30)):
        run.fire_due_timers()
    assert not run.completed
    with clock.frozen_at(start + timedelta(hours=2)):
        ENGINE.load(model, run.serialize())  # a reloaded workflow keeps the pending timer
        run.fire_due_timers()
    assert run.completed and run.data()["timer_done"] is True
    assert run.log.fired_timers == ["timer"]


def test_message_with_payload_reaches_task_data():
    model = models.parsed(models.message_wait(), "paid")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {})
    assert run.waiting_messages() == ["payment_received"]
    assert [e.properties.get("caseStatus") for e in run.waiting_elements()] == ["waiting_payment"]
    run = ENGINE.load(model, run.serialize())
    run.deliver_message("payment_received", {"amount": 150000, "reference": "BANK-1"})
    assert run.completed and run.outcome() == "issued"
    assert run.data()["payment"] == {"amount": 150000, "reference": "BANK-1"}


def test_unexpected_message_is_refused():
    from app.engine import UnexpectedMessage

    model = models.parsed(models.message_wait(), "paid")
    run = ENGINE.start(model, {})
    with pytest.raises(UnexpectedMessage):
        run.deliver_message("payment_received", {})


def test_script_error_is_an_incident_with_element_id_and_can_be_retried():
    from app.engine import EngineIncident

    model = models.parsed(models.script_after_wait("total = fee * 2"), "attack")
    run = ENGINE.start(model, {})
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert err.value.element_id == "run_script"
    assert "fee" in err.value.message
    # Fix the data and retry: the failed element runs again and the process ends.
    run = ENGINE.load(model, run.serialize())
    assert run.errored_elements() == ["run_script"]
    for task in run.wf.get_tasks():
        task.data["fee"] = 5
    run.retry()
    assert run.completed and run.data()["total"] == 10
