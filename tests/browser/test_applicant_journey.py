"""An applicant's whole journey in a real browser, with real mail: register and verify the address, apply
for a SIPA through the wizard (uploads with progress), revise one flagged document after returning through
the emailed single-use link, follow the case on the public tracking page, and download the issued permit
whose bytes match its public verification record."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient
from tests.support.data import requirements, sample_application
from tests.support.flow import all_ok, complete_task, take_group_task

pytestmark = pytest.mark.browser

EMAIL = "rina.apoteker@contoh.id"
PASSWORD = "Apoteker#2026"
NAME = "apt. Rina Kusumawati, S.Farm."
NIK = "3273014501900077"
PHONE = "081277778888"
DATA_FIELDS = ("nama_lengkap", "nik", "tempat_lahir", "tanggal_lahir", "alamat", "no_hp", "nomor_stra",
               "masa_berlaku_stra", "nama_sarana", "alamat_sarana")


def _deliver_outbox(app) -> dict:
    """One tick of the real scheduler: it sends the outbox through the configured SMTP server."""
    from workers.scheduler import tick

    with app.app_context():
        result = tick(app)
    assert result["notifications"]["failed"] == 0 and result["notifications"]["dead"] == 0, result
    return result


def _link_in_mail(smtp_server, subject_part: str, path: str) -> str:
    mails = [m for m in smtp_server.to(EMAIL) if subject_part in m["subject"]]
    assert len(mails) == 1, [m["subject"] for m in smtp_server.to(EMAIL)]
    match = re.search(rf"http://\S+{re.escape(path)}\S+", mails[0]["body"])
    assert match, mails[0]["body"]
    return match.group(0)


def _fill_application(page) -> None:
    values = sample_application()
    for name in DATA_FIELDS:
        page.fill(f'[name="{name}"]', str(values[name]))
    page.fill('[name="nama_lengkap"]', NAME)
    page.fill('[name="nik"]', NIK)
    page.check(f'input[name="sip_ke"][value="{values["sip_ke"]}"]')
    page.select_option('select[name="jenis_sarana"]', values["jenis_sarana"])


def _file_for(req: dict) -> tuple[str, str, bytes]:
    if ".pdf" in req["accept"]:
        return f"{req['key']}.pdf", "application/pdf", MINIMAL_PDF
    return f"{req['key']}.png", "image/png", MINIMAL_PNG


def _choose(page, key: str, name: str, mime: str, content: bytes):
    """Pick a file for a requirement's row and press its upload button; returns the row."""
    row = page.locator("ul.requirements > li", has=page.locator(f"#file-{key}"))
    page.set_input_files(f"#file-{key}", files=[{"name": name, "mimeType": mime, "buffer": content}])
    row.locator("form.upload button[type=submit]").click()
    return row


def _upload_documents(page) -> None:
    """Upload each required file with the page's script: progress, pre-checks, and no page reload."""
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/dokumen" in r.url else None)
    page.evaluate("() => { window.samePage = 'yes'; }")

    # The browser refuses what the server would refuse, with the server's words, before sending anything.
    photo = _choose(page, "pas_foto", "foto.pdf", "application/pdf", MINIMAL_PDF)
    assert photo.locator("[data-upload-error]").inner_text() == \
        "Jenis berkas .pdf tidak diizinkan. Gunakan: .jpg, .jpeg, .png."
    big = MINIMAL_PNG + b"\0" * (1024 * 1024)
    photo = _choose(page, "pas_foto", "foto.png", "image/png", big)
    assert photo.locator("[data-upload-error]").inner_text() == "Berkas melebihi batas 1 MB."
    assert posts == []
    # A file whose content does not match its name passes the pre-check; the server's refusal shows in the row.
    ktp = _choose(page, "ktp", "ktp.pdf", "application/pdf", MINIMAL_PNG)
    ktp.locator("[data-upload-error]").wait_for(state="visible")
    assert ktp.locator("[data-upload-error]").inner_text() == "Isi berkas tidak sesuai dengan jenisnya."
    assert len(posts) == 1

    for req in requirements():
        if not req["required"]:
            continue
        name, mime, content = _file_for(req)
        row = _choose(page, req["key"], name, mime, content)
        row.locator(f'form[data-uploaded="{name}"]').wait_for(state="attached")
        assert row.locator("[data-upload-done]").inner_text().endswith(f": {name}")
        assert row.locator("[data-upload-error]").is_hidden()
        assert row.locator("progress").evaluate("p => p.value") == 100
        assert row.locator("[data-upload-percent]").inner_text().startswith("100%")
        assert row.locator("[data-upload-percent]").get_attribute("aria-live") == "polite"
    assert page.evaluate("() => window.samePage") == "yes"  # every row was updated in place
    assert len(posts) == 1 + sum(1 for r in requirements() if r["required"])

    # When the script's request fails (here: the connection drops), the form is submitted the plain way.
    dropped = []

    def drop_first(route):
        if route.request.headers.get("accept") == "application/json" and not dropped:
            dropped.append(route.request.url)
            return route.abort("connectionreset")
        return route.continue_()

    page.route("**/dokumen", drop_first)
    with page.expect_navigation():
        _choose(page, "persetujuan_pimpinan", "persetujuan.pdf", "application/pdf", MINIMAL_PDF)
    page.unroute("**/dokumen")
    assert len(dropped) == 1 and "Berkas tersimpan." in page.locator(".flash").inner_text()
    assert page.evaluate("() => window.samePage") is None  # a full page load this time
    optional = page.locator("ul.requirements > li", has=page.locator("#file-persetujuan_pimpinan"))
    assert optional.locator("[data-upload-done]").inner_text().endswith(": persetujuan.pdf")


def test_an_applicant_registers_applies_revises_by_magic_link_and_downloads_the_permit(
        app, client, live_server, new_page, smtp_server):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, PUBLIC_BASE_URL=live_server)
    page = new_page()

    # Register; the verification link arrives by SMTP once the scheduler delivers the outbox.
    page.goto("/daftar")
    page.fill("#f-name", NAME)
    page.fill("#f-email", EMAIL)
    page.fill("#f-phone", PHONE)
    page.fill("#f-nik", NIK)
    page.fill("#f-password", PASSWORD)
    page.fill("#f-password2", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert EMAIL in page.locator("main").inner_text()
    _deliver_outbox(app)
    page.goto(_link_in_mail(smtp_server, "Verifikasi email", "/akun/verifikasi/"))
    assert page.locator("h1").inner_text() == "Email terverifikasi"

    # Apply through the wizard.
    log_in(page, EMAIL, PASSWORD)
    page.goto("/permohonan/baru/sip_apoteker")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/isi")
    _fill_application(page)
    with page.expect_navigation():
        page.click('button[name="next"][value="documents"]')
    assert page.url.endswith("/dokumen")
    _upload_documents(page)
    with page.expect_navigation():
        page.click("main a.button[href$='/periksa']")
    assert page.locator("main [role=alert]").count() == 0  # nothing missing
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    case_id = int(re.search(r"/permohonan/(\d+)/tanda-terima", page.url).group(1))
    registration = page.locator("p.status strong").inner_text()
    assert re.fullmatch(r"SIPA-\d{4}-\d{6}", registration)

    # The front office flags one document (the STRA) for revision.
    officers = app.test_client()
    loket = ApiClient(officers, "loket@demo.local")
    task = take_group_task(loket, case_id)
    case = complete_task(loket, task["id"], {
        "verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
        "document_verdicts": {**all_ok(), "stra": {"verdict": "revise", "note": "Legalisir tidak tampak."}}})
    assert case["status"] == "waiting_applicant"
    _deliver_outbox(app)
    magic_link = _link_in_mail(smtp_server, f"{registration}: tindakan Anda diperlukan", "/akun/tautan/")

    # Signed out, the emailed link alone opens the case at its revision step; only the STRA is open.
    with page.expect_navigation():
        page.click("header form button[type=submit]")
    page.goto("/permohonan")
    assert "/masuk" in page.url
    page.goto(magic_link)
    assert page.url.endswith(f"/permohonan/{case_id}")
    revision = page.locator("section[aria-labelledby=perbaikan]")
    assert "Legalisir tidak tampak." in revision.inner_text()
    assert [i.get_attribute("id") for i in page.locator("input[type=file]").all()] == ["file-stra"]
    page.set_input_files("#file-stra", files=[{"name": "stra-legalisir.pdf", "mimeType": "application/pdf",
                                               "buffer": MINIMAL_PDF}])
    with page.expect_navigation():
        revision.locator("form[enctype] button[type=submit]").click()
    assert "Berkas tersimpan." in page.locator(".flash").inner_text()
    page.fill("#response_note", "STRA yang dilegalisir sudah diunggah.")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=perbaikan] textarea + button").click()
    assert "Perbaikan terkirim" in page.locator(".flash").inner_text()
    assert page.locator("p.meta").first.inner_text() == registration  # the same registration number
    documents = page.locator("section[aria-labelledby=dokumen]").inner_text()
    assert "stra-legalisir.pdf" in documents and "stra.pdf" not in documents and "ktp.pdf" in documents

    # Public tracking shows the step the case is at, and nothing personal.
    task = take_group_task(loket, case_id)
    tracking = new_page()
    tracking.goto(f"/lacak?nomor={registration}")
    facts = tracking.locator("dl.facts").inner_text()
    assert registration in facts and task["name"] in facts
    shown = tracking.content()
    assert all(secret not in shown for secret in (NAME, NIK, EMAIL, PHONE, "Rina"))

    # The officers finish: verification, technical recommendation, approval, signing. SIPA has no fee.
    assert officers.get("/api/v1/services/sip_apoteker").get_json()["fee"]["kind"] == "free"
    complete_task(loket, task["id"], {"verification_outcome": "complete", "verification_note": "Lengkap.",
                                  "document_verdicts": all_ok()})
    for email, data in (("teknis.dinkes@demo.local", {"recommendation": "recommend",
                                                      "recommendation_note": "Sarana layak."}),
                        ("kabid@demo.local", {"approval_decision": "approve", "approval_note": "Setuju."}),
                        ("kadis@demo.local", {"signing_decision": "sign"})):
        officer = ApiClient(officers, email)
        case = complete_task(officer, take_group_task(officer, case_id)["id"], data)
    assert case["status"] == "issued"

    # The applicant's case page offers the permit; its bytes are the ones the verification record names.
    page.goto(f"/permohonan/{case_id}")
    permit = page.locator("section[aria-labelledby=izin]")
    assert case["permit"]["number"] in permit.inner_text()
    with page.expect_download() as download:
        permit.locator("a.button").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    token = permit.locator("a[href*='/verify/']").get_attribute("href").rsplit("/", 1)[1]
    record = page.request.get(f"/api/v1/verify/{token}").json()
    assert record["valid"] is True and record["number"] == case["permit"]["number"]
    assert record["sha256"] == hashlib.sha256(pdf).hexdigest()
