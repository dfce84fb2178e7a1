"""The estimated completion reads the same, date and time, on every screen: receipt, case page, my applications,
public tracking and the officer's case page."""
from __future__ import annotations

from datetime import datetime

from app.common import clock
from tests.permits.support import pdf_text
from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.pages import login

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _written(iso: str, months=MONTHS) -> tuple[str, str]:
    local = datetime.fromisoformat(iso).astimezone(clock.JAKARTA)
    return f"{local.day} {months[local.month - 1]} {local.year}", f"{local:%H.%M}"


def test_every_screen_shows_the_same_estimated_date_and_time(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    estimate = applicant.get(f"/api/v1/cases/{case['id']}").get_json()["estimated_completion"]
    day, time = _written(estimate)
    shown = f"{day} {time}"
    login(client, "pemohon@demo.local")
    assert shown in client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    assert shown in client.get("/permohonan").get_data(as_text=True)
    assert shown in client.get(f"/lacak?nomor={case['registration_number']}").get_data(as_text=True)
    receipt = pdf_text(applicant.get(f"/api/v1/cases/{case['id']}/receipt.pdf").data)
    assert f"{day} pukul {time} WIB" in " ".join(receipt.split())
    client.get("/bahasa/en")
    english_day, _ = _written(estimate, ENGLISH)
    assert f"{english_day} {time}" in client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    officer = app.test_client()
    login(officer, "loket@demo.local")
    page = officer.get(f"/petugas/permohonan/{case['id']}").get_data(as_text=True)
    assert "Perkiraan selesai (disampaikan ke pemohon)" in page and shown in page
