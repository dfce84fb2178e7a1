"""The process heatmap: per step of a service, working-day durations, counts and breach rates on the diagram."""
from __future__ import annotations

from tests.dashboard.support import NOW, august


def _elements(data: dict) -> dict[tuple[str, str], dict]:
    return {(d["file"], e["id"]): e for d in data["diagrams"] for e in d["elements"]}


def test_each_user_task_shows_duration_count_and_breach_rate(shared_office, shared_supervisor):
    from app.dashboard import service

    data = service.heatmap(shared_supervisor, service="sip_apoteker", period=august(), now=NOW)
    steps = _elements(data)
    dinkes = steps[("rekomendasi_teknis.bpmn", "rekomendasi_dinkes")]
    # A: Wed 12 10:00 -> Tue 18 12:00 (Mon 17 a holiday) = 3.25; B: Mon 3 11:00 -> Tue 11 16:00 = 6.625, late.
    assert (dinkes["count"], dinkes["avg_working_days"], dinkes["late"], dinkes["breach_rate"]) == (2, 4.94, 1, 0.5)
    assert dinkes["p90_working_days"] == round(6.625, 2)
    assert dinkes["sla_working_days"] == 3 and dinkes["severity"] == "high"
    verify = steps[("verifikasi_berkas.bpmn", "verifikasi")]
    # A 1.125 and B 0.25 working days; D's verification is still open and overdue.
    assert (verify["count"], verify["avg_working_days"], verify["breach_rate"], verify["severity"]) == (
        2, 0.69, 0.0, "low")
    assert (verify["open"], verify["overdue"]) == (1, 1)
    revise = steps[("verifikasi_berkas.bpmn", "perbaikan")]
    assert (revise["count"], revise["sla_working_days"], revise["severity"]) == (1, None, "info")
    unused = steps[("rekomendasi_teknis.bpmn", "rekomendasi_pupr")]
    assert (unused["count"], unused["severity"]) == (0, "none")


def test_a_call_activity_shows_the_time_of_its_called_process_per_case(shared_office, shared_supervisor):
    from app.dashboard import service

    data = service.heatmap(shared_supervisor, service="sip_apoteker", period=august(), now=NOW)
    assert data["diagrams"][0]["file"] == "sip_apoteker.bpmn"
    call = _elements(data)[("sip_apoteker.bpmn", "rekomendasi")]
    assert call["kind"] == "callActivity" and call["called"] == "rekomendasi_teknis"
    assert (call["count"], call["avg_working_days"], call["breach_rate"]) == (2, 4.94, 0.5)
    approval = _elements(data)[("sip_apoteker.bpmn", "persetujuan")]
    # A: 1.375 + 0.125; B: 0.875 + 0.125 working days.
    assert (approval["count"], approval["avg_working_days"], approval["late"]) == (2, 1.25, 0)


def test_the_diagrams_are_the_services_active_version_with_their_xml(shared_office, shared_supervisor):
    from app.catalog import service as catalog
    from app.dashboard import service

    data = service.heatmap(shared_supervisor, service="sip_apoteker", period=august(), now=NOW)
    version, _model = catalog.active_model(catalog.get("sip_apoteker"))
    assert data["version"] == version.version
    assert {d["file"] for d in data["diagrams"]} == set(version.files["bpmn"])
    assert all("<bpmn:definitions" in d["xml"] or "definitions" in d["xml"] for d in data["diagrams"])
