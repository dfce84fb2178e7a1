"""Withdrawing an application takes a second, deliberate step: a confirmation page that needs no JavaScript."""
from __future__ import annotations

from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.pages import login, submit


def _status(app, case_id: int) -> str:
    return ApiClient(app.test_client(), "pemohon@demo.local").get(f"/api/v1/cases/{case_id}").get_json()["status"]


def test_the_case_page_only_links_to_a_confirmation_page_that_withdraws_nothing(client, app):
    case_id = submit_application(ApiClient(app.test_client(), "pemohon@demo.local"))["id"]
    login(client, "pemohon@demo.local")
    case_page = client.get(f"/permohonan/{case_id}").get_data(as_text=True)
    assert f'href="/permohonan/{case_id}/batal"' in case_page
    assert f'action="/permohonan/{case_id}/batal"' not in case_page  # no one-tap withdrawal
    confirm = client.get(f"/permohonan/{case_id}/batal")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Batalkan permohonan?" in page
    assert f'action="/permohonan/{case_id}/batal"' in page and 'name="csrf_token"' in page
    assert f'href="/permohonan/{case_id}"' in page  # the way back
    assert _status(app, case_id) == "submitted"


def test_confirming_withdraws_and_a_finished_case_has_no_confirmation_page(client, app):
    case_id = submit_application(ApiClient(app.test_client(), "pemohon@demo.local"))["id"]
    login(client, "pemohon@demo.local")
    assert client.post(f"/permohonan/{case_id}/batal", data={"reason": "Tanpa token"}).status_code == 400
    done = submit(client, f"/permohonan/{case_id}/batal", {"reason": "Pindah kota"})
    assert done.status_code == 302 and _status(app, case_id) == "withdrawn"
    again = client.get(f"/permohonan/{case_id}/batal")
    assert again.status_code == 302 and again.headers["Location"] == f"/permohonan/{case_id}"
