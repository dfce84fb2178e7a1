"""The catalog lists the services with their standard (SIPPN): requirements, procedure, time, fee, product, complaints."""
from __future__ import annotations

from html import unescape

SERVICES = {"sip_apoteker", "sip_dokter", "sip_perawat", "pbg", "reklame", "izin_penelitian"}


def test_catalog_api_lists_the_services_and_hides_the_complaint_process(client):
    listed = client.get("/api/v1/services").get_json()
    keys = {s["key"] for s in listed["items"]}
    assert SERVICES <= keys and "pengaduan" not in keys
    fees = {s["key"]: s["fee"] for s in listed["items"]}
    assert fees["sip_dokter"] == {"kind": "free"}
    assert fees["pbg"]["kind"] == "computed" and fees["pbg"]["decision"] == "tarif_retribusi_pbg"
    assert len(fees["pbg"]["table"]["rules"]) == 22
    categories = {s["key"]: s["category"] for s in listed["items"]}
    assert categories["izin_penelitian"] == "non_perizinan" and categories["pbg"] == "perizinan"
    assert client.get("/api/v1/services/pengaduan").status_code == 200  # offered, only not listed


def test_service_standard_api_gives_procedure_product_and_complaint_channels(client):
    standard = client.get("/api/v1/services/pbg/standard").get_json()
    assert standard["sop_days"] == 14 and standard["fee_label"].startswith("Dihitung")
    assert any("berita acara" in step["step"] for step in standard["procedure"])
    assert standard["product"].startswith("Persetujuan Bangunan Gedung")
    assert {c["name"] for c in standard["complaint_channels"]} >= {"Formulir pengaduan SatuPintu", "SP4N-LAPOR!"}
    assert {r["key"] for r in standard["requirements"]} >= {"ktp", "npwp", "gambar_arsitektur", "foto_lokasi"}


def test_service_page_shows_the_six_elements_and_the_apply_button(client):
    page = unescape(client.get("/layanan/pbg").get_data(as_text=True))
    for heading in ("1. Persyaratan", "2. Sistem, mekanisme, dan prosedur", "3. Jangka waktu penyelesaian",
                    "4. Biaya/tarif", "5. Produk pelayanan", "6. Penanganan pengaduan"):
        assert heading in page
    assert "Gambar rencana arsitektur" in page and "14 hari kerja" in page
    assert "Hunian, 1–2 lantai: Rp 2.070 per m² luas lantai" in page
    assert 'href="/permohonan/baru/pbg"' in page and 'href="/pengaduan"' in page


def test_home_lists_every_service_with_its_fee_and_an_apply_link(client):
    page = unescape(client.get("/").get_data(as_text=True))
    for key in SERVICES:
        assert f'href="/permohonan/baru/{key}"' in page
    assert "Biaya: Gratis" in page and "Biaya: Dihitung: Retribusi Persetujuan Bangunan Gedung" in page
    assert "/permohonan/baru/pengaduan" not in page


def test_the_catalog_reads_every_service_with_its_version_in_one_statement(client, app):
    from tests.support.sql import recorded_statements

    with app.app_context(), recorded_statements() as statements:
        listed = client.get("/api/v1/services").get_json()
    assert len(listed["items"]) >= len(SERVICES) and all(s["version"] for s in listed["items"])
    assert len(statements) == 1, statements  # was 1 + one per service for its active version
    with app.app_context(), recorded_statements() as statements:
        assert client.get("/").status_code == 200
    assert len(statements) == 1, statements
