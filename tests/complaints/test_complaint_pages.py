"""The public complaint page: file with the form, land on the ticket page, see field errors in place."""
from __future__ import annotations

from html import unescape

from tests.support.pages import submit

FORM = {"name": "Budi Hartono", "contact": "081234500011", "subject": "Petugas meminta biaya tambahan",
        "body": "Saat mengambil SIP di loket, petugas meminta uang administrasi Rp 50.000 tanpa kuitansi.",
        "registration_number": ""}


def test_filing_through_the_page_shows_the_ticket(client):
    response = submit(client, "/pengaduan", FORM)
    assert response.status_code == 302
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Petugas meminta biaya tambahan" in page and "Diterima, menunggu telaah" in page
    assert "081234500011" not in page


def test_a_short_complaint_is_shown_again_with_the_error(client):
    response = submit(client, "/pengaduan", {**FORM, "body": "Terlalu singkat."})
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert "Isi 20–5000 karakter." in page and 'value="Budi Hartono"' in page
