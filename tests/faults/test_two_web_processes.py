"""Two web processes on one PostgreSQL database serve it as one: what one wrote the other sees and guards."""
from __future__ import annotations

import threading

import pytest

from tests.faults.support import Web, request, token, upload
from tests.sla.flow import VERIFY_COMPLETE
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
from tests.support.data import requirements, sample_application


def _file_application(url: str, bearer: str) -> dict:
    status, case = request("POST", f"{url}/api/v1/cases", token=bearer,
                           body={"service": "sip_apoteker", "data": sample_application()})
    assert status == 201, case
    for req in requirements():
        if req["required"]:
            pdf = ".pdf" in req["accept"]
            status, body = upload(url, bearer, case["id"], req["key"], f"{req['key']}.{'pdf' if pdf else 'png'}",
                                  MINIMAL_PDF if pdf else MINIMAL_PNG, "application/pdf" if pdf else "image/png")
            assert status == 201, body
    status, case = request("POST", f"{url}/api/v1/cases/{case['id']}/submit", token=bearer)
    assert status == 200, case
    return case


@pytest.mark.postgres_only
def test_a_case_filed_on_one_web_process_is_worked_on_the_other(postgres_app, tmp_path):
    a = Web(postgres_app, tmp_path, name="web-a", workers=1, threads=4)
    b = Web(postgres_app, tmp_path, name="web-b", workers=1, threads=4)
    try:
        a.wait_healthy()
        b.wait_healthy()
        applicant = token(a.url, "pemohon@demo.local")
        case = _file_application(a.url, applicant)
        assert case["registration_number"]

        # The front office, logged in on B with a token B issued, finds it in its group inbox.
        loket_b = token(b.url, "loket@demo.local")
        status, inbox = request("GET", f"{b.url}/api/v1/tasks?scope=group", token=loket_b)
        assert status == 200
        task = next(t for t in inbox["items"] if t["case_id"] == case["id"])

        # The same officer's token works on A too (stateless processes sharing the secret and the database);
        # two completions of one task at once, one through each process: one wins, the other gets 409.
        barrier = threading.Barrier(2)
        results: dict[str, tuple] = {}

        def complete(name: str, url: str):
            barrier.wait()
            results[name] = request("POST", f"{url}/api/v1/tasks/{task['id']}/complete", token=loket_b,
                                    body={"data": VERIFY_COMPLETE})

        threads = [threading.Thread(target=complete, args=(n, u)) for n, u in (("a", a.url), ("b", b.url))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(status for status, _ in results.values()) == [200, 409], results
        loser = next(body for status, body in results.values() if status == 409)
        assert loser["error"]["code"] == "conflict"

        # Both processes now tell the same story: one completion, the case with Dinas Kesehatan.
        for url in (a.url, b.url):
            status, seen = request("GET", f"{url}/api/v1/cases/{case['id']}", token=applicant)
            assert status == 200
            assert seen["status"] == "waiting_agency"
            assert [h["kind"] for h in seen["history"]].count("task_completed") == 1
            status, tracked = request("GET", f"{url}/api/v1/track/{case['registration_number']}")
            assert status == 200 and tracked["status"] == "waiting_agency"
    finally:
        a.stop()
        b.stop()
