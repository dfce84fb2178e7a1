"""Uploads: bombs are refused with a field message, files live outside the web root, downloads are attachments."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from app.cases import upload_checks
from app.common.errors import AppError
from tests.security import bombs
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient
from tests.support.data import sample_application

PDF_BOMBS = {
    "many_pages": bombs.many_pages,
    "lying_page_count": bombs.lying_page_count,
    "inflation": bombs.inflation_bomb,
    "deep_nesting": bombs.deep_nesting,
    "many_objects": bombs.many_objects,
    "pages_in_object_stream": bombs.pages_hidden_in_object_stream,
    # PDF syntax the first scan misread: accepted with 201 before pdf_scan.py
    "escaped_filter_name": bombs.escaped_filter_name_bomb,
    "escaped_filter_key": bombs.escaped_filter_key_bomb,
    "indirect_filter": bombs.indirect_filter_bomb,
    "hex_wrapped_inflation": bombs.hex_wrapped_bomb,
    "escaped_page_type": bombs.escaped_page_type,
}
# What these tests measure is a byte or object count, never speed: the scan gets all the time a loaded
# machine may need, so the CPU cap (3 s by default) cannot decide the verdict instead.
UNHURRIED = upload_checks.Limits(pdf_seconds=120, pdf_wall_seconds=240)
IMAGE_BOMBS = {"png": (bombs.huge_png, "image/png"), "jpeg": (bombs.huge_jpeg, "image/jpeg")}


# -- the checks themselves (no database) -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PDF_BOMBS))
def test_pdf_bomb_is_refused_with_a_field_message(tmp_path, name):
    path = tmp_path / "bom.pdf"
    path.write_bytes(PDF_BOMBS[name]())
    with pytest.raises(AppError) as refused:
        upload_checks.check(path, "application/pdf")
    assert refused.value.status in (413, 422)
    assert refused.value.fields["file"] == [refused.value.message]
    assert "PDF" in refused.value.message


@pytest.mark.parametrize("name", sorted(IMAGE_BOMBS))
def test_image_with_huge_declared_size_is_refused(tmp_path, name):
    make, content_type = IMAGE_BOMBS[name]
    path = tmp_path / "bom"
    path.write_bytes(make())
    with pytest.raises(AppError) as refused:
        upload_checks.check(path, content_type)
    assert refused.value.status == 413
    assert "Ukuran gambar terlalu besar" in refused.value.fields["file"][0]


def test_image_just_over_the_pixel_cap_is_refused_below_pillows_own_limit(tmp_path):
    # 7000 x 6000 = 42 MP: under Pillow's default bomb limit (89 MP), over ours (40 MP).
    path = tmp_path / "big.png"
    path.write_bytes(bombs.huge_png(7000, 6000))
    with pytest.raises(AppError, match=r"7000 x 6000 piksel"):
        upload_checks.check(path, "image/png")


def test_the_pdf_is_measured_in_a_child_process_with_cpu_and_memory_limits(tmp_path):
    """The web process never parses attacker PDF syntax; the child caps itself before reading the file."""
    path = tmp_path / "ok.pdf"
    path.write_bytes(bombs.small_pdf(3))
    report = upload_checks.scan_pdf(path)
    assert report.verdict == "ok" and report.pages == 3
    assert report.pid != os.getpid()
    assert report.cpu_limit == upload_checks.LIMITS.pdf_seconds
    assert report.memory_limit == upload_checks.LIMITS.pdf_memory_bytes


def test_the_cpu_burn_file_is_only_counted_and_refused_by_its_byte_count(tmp_path):
    """~15 KB inflating to 4 MB that cost the regex scan seconds: now inflated in bounded chunks and counted."""
    path = tmp_path / "burn.pdf"
    path.write_bytes(bombs.cpu_burn())
    assert path.stat().st_size < 20_000
    report = upload_checks.scan_pdf(path, UNHURRIED)
    assert report.verdict == "ok" and report.pid != os.getpid()
    assert report.inflated_bytes > 4_000_000  # every byte was inflated and counted
    with pytest.raises(AppError, match="PDF bomb"):
        upload_checks.check(path, "application/pdf", upload_checks.Limits(pdf_max_inflated_bytes=1024 * 1024))


def test_inflation_stops_at_the_byte_cap(tmp_path):
    """The 300 MB bomb is inflated only until the budget is spent, then refused."""
    path = tmp_path / "bom.pdf"
    path.write_bytes(bombs.inflation_bomb())
    cap = 8 * 1024 * 1024
    report = upload_checks.scan_pdf(path, dataclasses.replace(UNHURRIED, pdf_max_inflated_bytes=cap))
    assert report.verdict == "inflated"
    assert cap < report.inflated_bytes <= cap + 1


def test_a_scan_killed_by_its_wall_clock_refuses_the_file(tmp_path):
    """A scan that does not finish in time is killed and the file refused (fail closed)."""
    path = tmp_path / "ok.pdf"
    path.write_bytes(bombs.small_pdf(3))
    with pytest.raises(AppError, match="terlalu rumit") as refused:
        upload_checks.check(path, "application/pdf", upload_checks.Limits(pdf_wall_seconds=0.001))
    assert refused.value.status == 413


def test_a_scan_that_runs_out_of_memory_refuses_the_file(tmp_path):
    """A child stopped by its address-space limit gives no verdict: the file is refused, never let through."""
    path = tmp_path / "ok.pdf"
    path.write_bytes(bombs.small_pdf(3))
    with pytest.raises(AppError, match="terlalu rumit"):
        upload_checks.check(path, "application/pdf", upload_checks.Limits(pdf_memory_bytes=16 * 1024 * 1024))


def test_a_file_that_is_not_a_pdf_inside_is_refused_readably(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    with pytest.raises(AppError) as refused:
        upload_checks.check(path, "application/pdf")
    assert refused.value.status == 422 and "rusak" in refused.value.fields["file"][0]


@pytest.mark.parametrize("content, content_type", [
    (MINIMAL_PDF, "application/pdf"), (bombs.small_pdf(20), "application/pdf"),
    (bombs.reportlab_pdf(), "application/pdf"),
    (MINIMAL_PNG, "image/png"), (bombs.normal_jpeg(), "image/jpeg"),
])
def test_ordinary_files_pass(tmp_path, content, content_type):
    path = tmp_path / "ok"
    path.write_bytes(content)
    upload_checks.check(path, content_type)  # no exception


# -- through the API, on both databases ---------------------------------------------------------


def _draft(client) -> tuple[ApiClient, dict]:
    applicant = ApiClient(client, "pemohon@demo.local")
    created = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()})
    assert created.status_code == 201, created.get_json()
    return applicant, created.get_json()


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_pdf_bomb_upload_is_413_with_a_field_message_and_leaves_nothing(app, client):
    applicant, case = _draft(client)
    before = _stored_files(app)
    response = applicant.upload(case["id"], "ktp", bombs.inflation_bomb(), "ktp.pdf")
    assert response.status_code == 413
    body = response.get_json()["error"]
    assert body["code"] == "payload_too_large"
    assert "PDF bomb" in body["fields"]["file"][0]
    assert _stored_files(app) == before
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["documents"] == []


@pytest.mark.parametrize("make", [bombs.escaped_filter_name_bomb, bombs.indirect_filter_bomb,
                                  bombs.escaped_page_type], ids=["escaped_filter", "indirect_filter", "escaped_page"])
def test_pdf_syntax_tricks_are_refused_through_the_api(app, client, make):
    """Name escapes and indirect filters were accepted with 201; a parser that reads PDF syntax refuses them."""
    applicant, case = _draft(client)
    response = applicant.upload(case["id"], "ktp", make(), "ktp.pdf")
    assert response.status_code == 413, response.get_json()
    assert response.get_json()["error"]["fields"]["file"]
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["documents"] == []


def test_huge_image_upload_is_413_in_indonesian(client):
    applicant, case = _draft(client)
    response = applicant.upload(case["id"], "pas_foto", bombs.huge_png(), "foto.png")
    assert response.status_code == 413
    assert "perkecil gambar" in response.get_json()["error"]["fields"]["file"][0]


def test_many_page_pdf_through_the_applicant_page_is_refused_readably(client):
    from tests.support.pages import login

    _, case = _draft(client)
    login(client, "pemohon@demo.local")
    from tests.support.pages import csrf_token

    token = csrf_token(client, f"/permohonan/{case['id']}")
    import io

    response = client.post(f"/permohonan/{case['id']}/berkas", data={
        "csrf_token": token, "requirement": "ktp", "file": (io.BytesIO(bombs.many_pages()), "ktp.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "terlalu banyak halaman" in response.get_data(as_text=True)


def test_files_are_stored_outside_the_web_root_under_random_names(app, client):
    applicant, case = _draft(client)
    uploaded = applicant.upload(case["id"], "ktp", MINIMAL_PDF, "KTP Siti <script>.pdf")
    assert uploaded.status_code == 201
    files = _stored_files(app)
    assert len(files) == 1
    stored = files[0]
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents
    assert Path(app.root_path).resolve() not in stored.resolve().parents
    assert "KTP" not in stored.name and "script" not in stored.name
    assert len(stored.name) == 32 and stored.name.isalnum()
    assert stored.read_bytes() == MINIMAL_PDF


@pytest.mark.parametrize("content, filename, content_type", [
    (MINIMAL_PDF, "ktp.pdf", "application/pdf"), (MINIMAL_PNG, "ktp.png", "image/png")])
def test_download_is_an_attachment_with_its_type_and_nosniff(client, content, filename, content_type):
    applicant, case = _draft(client)
    document = applicant.upload(case["id"], "ktp", content, filename).get_json()
    response = applicant.get(f"/api/v1/cases/{case['id']}/documents/{document['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == content


def test_html_renamed_to_pdf_is_refused_by_content(client):
    applicant, case = _draft(client)
    response = applicant.upload(case["id"], "ktp", b"<html><script>alert(1)</script></html>", "ktp.pdf")
    assert response.status_code == 415
    assert response.get_json()["error"]["fields"]["file"]


# -- uploaded model XML: the DOCTYPE check reads the whole document -----------------------------

_BPMN = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>'


@pytest.mark.parametrize("document", [
    ('<?xml version="1.0"?><!--' + "x" * 5000 + '--><!DOCTYPE definitions SYSTEM "http://evil.example/x.dtd">'
     + _BPMN).encode(),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE definitions [<!ENTITY a "b">]>' + _BPMN).encode("utf-16"),
], ids=["after_4kb_of_comment", "utf16"])
def test_a_doctype_anywhere_in_a_model_is_refused(document):
    """The check read the first 4 KB of bytes only: a comment or another encoding pushed the DOCTYPE past it."""
    from app.engine.specs import ModelError, parse_xml

    with pytest.raises(ModelError, match="DOCTYPE"):
        parse_xml(document, "model.bpmn")
    assert parse_xml(_BPMN.encode(), "model.bpmn").get("id") == "d"  # an ordinary model still parses
