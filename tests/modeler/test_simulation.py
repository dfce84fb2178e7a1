"""Test runs in memory: the path taken, the outcome, expectations, form checks, timers and incidents."""
from __future__ import annotations

import copy
import json

import pytest

from app.engine import Library, SpecCache
from app.modeler.simulation import ScenarioError, run_scenario, scenario_template
from tests.modeler.conftest import PROCESSES, ROOT

CACHE = SpecCache()


def _model(files: dict | None = None):
    library = Library.from_dirs(PROCESSES, ROOT / "forms")
    if files:
        library = Library.from_files({**library.bpmn, **files}, library.dmn, library.forms)
    return CACHE.get(library.bundle("sip_apoteker"))


def _scenario(name: str) -> dict:
    return json.loads((PROCESSES / "tests" / "sip_apoteker" / f"{name}.json").read_text("utf-8"))


def test_run_reports_path_steps_and_outcome(sim_app):
    result = run_scenario(_model(), _scenario("lengkap_terbit"))
    assert result.status == "finished" and result.outcome == "issued" and result.passed
    assert [s["bpmn_id"] for s in result.steps] == ["verifikasi", "rekomendasi_dinkes", "persetujuan",
                                                    "penandatanganan"]
    ids = [p["bpmn_id"] for p in result.path]
    assert ids[0] == "start_permohonan" and ids[-1] == "end_terbit" and "set_agency" in ids


def test_unmet_expectation_fails_the_run(sim_app):
    scenario = _scenario("lengkap_terbit") | {"expect": {"outcome": "rejected", "not_visited": ["set_agency"]}}
    result = run_scenario(_model(), scenario)
    assert not result.passed and len(result.failures) == 2


def test_step_data_is_checked_against_the_tasks_form(sim_app):
    scenario = _scenario("lengkap_terbit")
    scenario["tasks"]["verifikasi"] = [{"verification_outcome": "maybe"}]
    result = run_scenario(_model(), scenario)
    assert result.status == "invalid_data" and "verifikasi" in result.failures[0]
    assert result.steps[-1]["errors"]


def test_timers_fire_by_moving_the_clock(sim_app):
    result = run_scenario(_model(), _scenario("perbaikan_kedaluwarsa"))
    assert result.outcome == "expired" and result.notifications == ["revision_reminder"]
    assert [s["kind"] for s in result.steps] == ["task", "timer", "timer"]


def test_a_run_without_data_stops_waiting_on_the_task(sim_app):
    result = run_scenario(_model(), {"tasks": {}})
    assert result.status == "waiting" and result.waiting[0]["bpmn_id"] == "verifikasi"
    assert result.passed  # nothing was expected


def test_a_failing_script_is_reported_as_an_incident(sim_app):
    text = (PROCESSES / "sip_apoteker.bpmn").read_text("utf-8").replace(
        '<bpmn:script>agency = "dinkes"</bpmn:script>', "<bpmn:script>agency = 1 / 0</bpmn:script>")
    result = run_scenario(_model({"sip_apoteker.bpmn": text}), _scenario("lengkap_terbit"))
    assert result.status == "incident" and result.incident["element_id"] == "set_agency"
    assert not result.passed


def test_template_gives_sample_data_for_every_user_task(sim_app):
    template = scenario_template(_model())
    assert {"verifikasi", "perbaikan", "rekomendasi_dinkes", "persetujuan", "penandatanganan"} <= set(template["tasks"])
    assert template["application"]["nama_lengkap"]


@pytest.mark.parametrize("bad", [[], {"tasks": []}, {"timers": "x"}, {"messages": [{}]}])
def test_malformed_scenarios_are_refused(sim_app, bad):
    with pytest.raises(ScenarioError):
        run_scenario(_model(), copy.deepcopy(bad))
