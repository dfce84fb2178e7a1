"""Every scenario kept with the models (processes/tests/<service>/*.json) passes on the service's model."""
from __future__ import annotations

import pytest

from app.engine import Library, SpecCache
from app.modeler import scenarios
from app.modeler.simulation import run_scenario
from tests.modeler.conftest import PROCESSES, ROOT

FILES = scenarios.file_scenarios(PROCESSES / "tests")
CACHE = SpecCache()


@pytest.mark.parametrize(("service", "path"), FILES, ids=[f"{s}/{p.stem}" for s, p in FILES])
def test_model_scenario_passes(sim_app, service, path):
    library = Library.from_dirs(PROCESSES, ROOT / "forms")
    model = CACHE.get(library.bundle(service))
    result = run_scenario(model, scenarios.load_file(path))
    assert result.passed, (result.failures, [p["bpmn_id"] for p in result.path])


def test_every_shared_call_activity_of_sip_apoteker_has_scenarios():
    covered = {s for s, _ in FILES}
    assert "sip_apoteker" in covered
    texts = " ".join(p.read_text("utf-8") for s, p in FILES if s == "sip_apoteker")
    for process in ("verifikasi_berkas", "rekomendasi_teknis", "persetujuan_penandatanganan"):
        assert process in texts
