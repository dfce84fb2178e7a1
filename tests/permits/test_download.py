"""The signed PDF goes to its holder and office staff; everyone else learns nothing (404)."""
from __future__ import annotations

import pytest

from tests.permits.support import issue_and_commit
from tests.support.api import ApiClient


def _other_applicant(app) -> None:
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="lain@demo.local", name="Pemohon Lain", password="Demo#2026",
                             roles=("applicant",), verified=True)
        db.session.commit()


def _url(permit: dict) -> str:
    return f"/api/v1/permits/{permit['number'].replace('/', '-')}.pdf"


@pytest.mark.parametrize("email", ["pemohon@demo.local", "loket@demo.local"])
def test_holder_and_officers_download_the_pdf(client, app, email):
    permit = issue_and_commit(app)
    response = ApiClient(client, email).get(_url(permit))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")


def test_another_applicant_gets_404(client, app):
    permit = issue_and_commit(app)
    _other_applicant(app)
    response = ApiClient(client, "lain@demo.local").get(_url(permit))
    assert response.status_code == 404


def test_anonymous_download_is_401(client, app):
    permit = issue_and_commit(app)
    assert client.get(_url(permit)).status_code == 401


def test_url_form_round_trips_with_the_case_view(client, app):
    from app.permits.service import number_from_slug, slug_of

    permit = issue_and_commit(app)
    case = ApiClient(client, "pemohon@demo.local").get(f"/api/v1/cases/{permit['case_id']}").get_json()
    assert case["permit"]["pdf_url"] == _url(permit)
    assert number_from_slug(slug_of(permit["number"])) == permit["number"]
    # A prefix that itself holds '-' still maps back.
    assert number_from_slug("503-IMB-B-2026-00012") == "503/IMB-B/2026/00012"


def test_a_stored_file_changed_on_disk_is_not_served(client, app):
    permit = issue_and_commit(app)
    with app.app_context():
        from app.cases import storage

        path = storage.path_for(permit["storage_key"])
        path.write_bytes(path.read_bytes() + b"\n% appended\n")
    response = ApiClient(client, "pemohon@demo.local").get(_url(permit))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "document_unavailable"
