"""The whole walkthrough in Chromium, in Indonesian and in English, on the port the app was started on.

A newcomer registers on a phone (360 px) and follows the verification link an administrator reads on the
local outbox page; applies for a SIPA with a phone number typed with spaces; the verifier flags the STRA;
the revision cannot be sent before the STRA is replaced; the verifier sees what changed; the head of
division and the signer see the draft permit, and the signer must confirm having read it; the applicant
downloads the permit, whose QR code opens the verification page on this app's port. In English, no page of
the walk shows an Indonesian word outside the applicant's own data.
"""
from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.browser.conftest import log_in
from tests.conftest import _config
from tests.permits.support import pdf_text, scanned_qr_codes
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient
from tests.support.data import requirements, sample_application
from tests.support.flow import complete_task, take_group_task

pytestmark = pytest.mark.browser

EMAIL = "sari.apoteker@contoh.id"
PASSWORD = "Apoteker#2026"
NAME = "apt. Sari Wulandari, S.Farm."
NIK = "3273014501900088"
PHONE_TYPED, PHONE = "0812 7777 9999", "081277779999"

# What the officers and the applicant type in the walk: people's words, shown as written.
STRA_NOTE, VERIFICATION_NOTE = "Legalisir tidak tampak.", "Mohon unggah STRA yang telah dilegalisir."
RESPONSE_NOTE = "STRA yang dilegalisir sudah diunggah."
TYPED_BY_PEOPLE = (STRA_NOTE, VERIFICATION_NOTE, RESPONSE_NOTE)

# Frequent Indonesian words of the interface (function words and the office's vocabulary). An English page
# containing one of them, outside what the applicant typed, shows an untranslated message.
INDONESIAN = set("""
    dan yang untuk dengan tidak atau dari pada ini itu akan sudah belum telah bila jika oleh dalam ke di
    anda kami harus dapat bisa tersebut setelah sebelum sampai hingga lagi juga hanya atas bagi
    permohonan berkas dokumen tugas izin petugas pemohon layanan simpan kirim unggah masuk keluar daftar
    nomor tanggal perbaikan selesai menunggu diajukan lengkap batal lihat cari semua hari kerja bulan
    tahun alamat nama lahir tempat sandi kata akun beranda katalog lacak pengaduan survei bayar pembayaran
    retribusi tagihan pengganti unduh buka tutup kembali lanjut lanjutkan berikutnya sebelumnya ubah
    hapus pilih periksa setuju tolak ditolak disetujui terbit diterbitkan berlaku sah draf tanda terima
    perkiraan waktu terlambat tenggat langkah riwayat catatan keterangan wajib diisi benar salah
    januari februari maret mei juni juli agustus oktober desember senin selasa rabu kamis jumat sabtu minggu
""".split())
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
URL = re.compile(r"https?://\S+")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(database_url, tmp_path, monkeypatch):
    """The app started as `make run` starts it (HOST/PORT, no PUBLIC_BASE_URL), on a port of its own."""
    port = _free_port()
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", str(port))
    app = create_app(_config(database_url, tmp_path) | {"PUBLIC_BASE_URL": ""})
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="walkthrough-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


class Walk:
    """The browser contexts of the walk, all in one language, and the English check of every page."""

    def __init__(self, browser, base_url: str, language: str):
        self.browser, self.base_url, self.language = browser, base_url, language
        self.contexts = []
        self.checked: list[str] = []
        self.own_data = [NAME, NIK, PHONE, PHONE_TYPED, EMAIL, *TYPED_BY_PEOPLE] + [
            str(v) for v in sample_application().values() if len(str(v)) > 3]

    def page(self, width: int = 1280, height: int = 900):
        context = self.browser.new_context(base_url=self.base_url, viewport={"width": width, "height": height})
        context.set_default_timeout(30000)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"/bahasa/{self.language}?next=/")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def read(self, page, *, skip: str | None = None) -> None:
        """In English, fail on an Indonesian word on the page (outside the applicant's data and `skip`)."""
        page.wait_for_load_state("domcontentloaded")
        self.checked.append(page.url)
        if self.language != "en":
            return
        assert page.locator("html").get_attribute("lang") == "en", page.url
        text = page.locator("body").inner_text()
        if skip:
            for part in page.locator(skip).all_inner_texts():
                text = text.replace(part, " ")
        text = URL.sub(" ", text)  # addresses are not words (their paths are the office's, e.g. /akun/...)
        for value in sorted(self.own_data, key=len, reverse=True):
            text = text.replace(value, " ")
        for attribute in ("placeholder", "title", "aria-label", "alt"):
            text += " " + " ".join(page.eval_on_selector_all(
                f"[{attribute}]", f"els => els.map(e => e.getAttribute('{attribute}'))"))
        found = [m for m in WORD.finditer(text) if m.group(0).lower() in INDONESIAN]
        assert not found, f"Indonesian on {page.url}: " + "; ".join(
            repr(text[max(0, m.start() - 30):m.end() + 30]) for m in found[:8])


@pytest.fixture
def walk(browser, served, request):
    app, base_url = served
    walker = Walk(browser, base_url, request.param)
    yield app, base_url, walker
    walker.close()


def _upload(page, key: str, name: str, mime: str, content: bytes) -> None:
    row = page.locator("ul.requirements > li", has=page.locator(f"#file-{key}"))
    page.set_input_files(f"#file-{key}", files=[{"name": name, "mimeType": mime, "buffer": content}])
    row.locator("form.upload button[type=submit]").click()
    row.locator(f'form[data-uploaded="{name}"]').wait_for(state="attached")


def _file_for(req: dict) -> tuple[str, str, bytes]:
    if ".pdf" in req["accept"]:
        return f"{req['key']}.pdf", "application/pdf", MINIMAL_PDF
    return f"{req['key']}.png", "image/png", MINIMAL_PNG


def _no_horizontal_overflow(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _register_and_verify(walk: Walk):
    phone = walk.page(360, 740)
    phone.goto("/daftar")
    walk.read(phone)
    for field, value in (("#f-name", NAME), ("#f-email", EMAIL), ("#f-phone", PHONE_TYPED), ("#f-nik", NIK),
                         ("#f-password", PASSWORD), ("#f-password2", PASSWORD)):
        phone.fill(field, value)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert EMAIL in phone.locator("main").inner_text()
    walk.read(phone)
    _no_horizontal_overflow(phone)

    # Without a mail server the administrator reads the message on the local outbox page.
    admin = walk.page()
    log_in(admin, "admin@demo.local")
    admin.goto(f"/admin/kotak-keluar?q={EMAIL}")
    message = admin.locator("ul.outbox > li.card").first
    link = message.locator("a[href*='/akun/verifikasi/']")
    href = link.get_attribute("href")
    assert href.startswith(walk.base_url + "/akun/verifikasi/"), href  # the port the app runs on
    walk.read(admin)
    phone.goto(href)
    walk.read(phone)
    assert phone.locator("h1").count() == 1
    return phone


def _apply(walk: Walk, phone) -> tuple[int, str]:
    log_in(phone, EMAIL, PASSWORD)
    walk.read(phone)
    phone.goto("/permohonan/baru/sip_apoteker")
    walk.read(phone)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.url.endswith("/isi")
    # The profile prefilled name, NIK and phone (normalised when registering).
    assert phone.input_value('[name="nama_lengkap"]') == NAME
    assert phone.input_value('[name="no_hp"]') == PHONE
    values = sample_application()
    for name in ("tempat_lahir", "tanggal_lahir", "alamat", "nomor_stra", "masa_berlaku_stra", "nama_sarana",
                 "alamat_sarana"):
        phone.fill(f'[name="{name}"]', str(values[name]))
    phone.fill('[name="no_hp"]', PHONE_TYPED)
    phone.check(f'input[name="sip_ke"][value="{values["sip_ke"]}"]')
    phone.select_option('select[name="jenis_sarana"]', values["jenis_sarana"])
    walk.read(phone)
    _no_horizontal_overflow(phone)
    with phone.expect_navigation():
        phone.click('button[name="next"][value="documents"]')
    assert phone.url.endswith("/dokumen")
    for req in requirements():
        if req["required"]:
            _upload(phone, req["key"], *_file_for(req))
    walk.read(phone)
    _no_horizontal_overflow(phone)
    with phone.expect_navigation():
        phone.click("main a.button[href$='/periksa']")
    walk.read(phone)
    assert phone.locator("main [role=alert]").count() == 0
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    walk.read(phone)
    case_id = int(re.search(r"/permohonan/(\d+)/tanda-terima", phone.url).group(1))
    registration = phone.locator("p.status strong").inner_text()
    assert re.fullmatch(r"SIPA-\d{4}-\d{6}", registration)
    return case_id, registration


def _verifier_flags_the_stra(walk: Walk, app, case_id: int) -> None:
    verifier = walk.page()
    log_in(verifier, "loket@demo.local")
    verifier.goto("/petugas/tugas?tab=group")
    walk.read(verifier)
    task = ApiClient(app.test_client(), "loket@demo.local")
    task_id = take_group_task(task, case_id)["id"]
    verifier.goto(f"/petugas/tugas/{task_id}")
    walk.read(verifier)
    for radio in verifier.locator('input[type=radio][name^="document_verdicts."][value="ok"]').all():
        radio.check()
    verifier.check('input[name="document_verdicts.stra.verdict"][value="revise"]')
    verifier.fill('input[name="document_verdicts.stra.note"]', STRA_NOTE)
    verifier.check('input[name="verification_outcome"][value="revision"]')
    verifier.fill("#f-verification_note", VERIFICATION_NOTE)
    with verifier.expect_navigation():
        verifier.click(".task-form button[type=submit]")
    walk.read(verifier)
    assert verifier.locator(".flash-error").count() == 0


def _revise(walk: Walk, phone, case_id: int) -> None:
    phone.goto(f"/permohonan/{case_id}")
    revision = phone.locator("section[aria-labelledby=perbaikan]")
    walk.read(phone)
    _no_horizontal_overflow(phone)
    # Sending without replacing the flagged STRA is refused, with a message at the STRA.
    phone.fill("#response_note", RESPONSE_NOTE)
    with phone.expect_navigation():
        revision.locator("textarea + button").click()
    assert phone.locator("#error-stra").is_visible()
    walk.read(phone)
    phone.set_input_files("#file-stra", files=[{"name": "stra-legalisir.pdf", "mimeType": "application/pdf",
                                                "buffer": MINIMAL_PDF}])
    with phone.expect_navigation():
        revision.locator("form[enctype] button[type=submit]").click()
    phone.fill("#response_note", RESPONSE_NOTE)
    with phone.expect_navigation():
        phone.locator("section[aria-labelledby=perbaikan] textarea + button").click()
    assert phone.locator("section[aria-labelledby=perbaikan]").count() == 0
    walk.read(phone)


def _verifier_sees_the_change(walk: Walk, app, case_id: int) -> None:
    verifier = walk.page()
    log_in(verifier, "loket@demo.local")
    task_id = take_group_task(ApiClient(app.test_client(), "loket@demo.local"), case_id)["id"]
    verifier.goto(f"/petugas/tugas/{task_id}")
    changes = verifier.locator("section.revision-changes")
    assert "stra-legalisir.pdf" in changes.inner_text()
    old = changes.locator("a", has_text="stra.pdf").first.get_attribute("href")
    assert verifier.request.get(old).status == 200  # the old version is still viewable
    walk.read(verifier)
    for radio in verifier.locator('input[type=radio][name^="document_verdicts."][value="ok"]').all():
        radio.check()
    verifier.check('input[name="verification_outcome"][value="complete"]')
    with verifier.expect_navigation():
        verifier.click(".task-form button[type=submit]")
    assert verifier.locator(".flash-error").count() == 0


def _signers_see_the_draft(walk: Walk, app, case_id: int) -> None:
    client = app.test_client()
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    complete_task(dinkes, take_group_task(dinkes, case_id)["id"],
              {"recommendation": "recommend", "recommendation_note": "Sarana layak."})

    for email, decide in (("kabid@demo.local", "approve"), ("kadis@demo.local", "sign")):
        officer = walk.page()
        log_in(officer, email)
        task_id = take_group_task(ApiClient(client, email), case_id)["id"]
        officer.goto(f"/petugas/tugas/{task_id}")
        walk.read(officer)
        draft_url = officer.locator("section.draft-permit a[target=_blank]").get_attribute("href")
        draft = officer.request.get(draft_url)
        assert draft.status == 200 and draft.body().startswith(b"%PDF")
        assert "DRAF" in pdf_text(draft.body())
        if decide == "approve":
            officer.check('input[name="approval_decision"][value="approve"]')
        else:
            officer.check('input[name="signing_decision"][value="sign"]')
            with officer.expect_navigation():  # not without the statement that the draft was read
                officer.click(".task-form button[type=submit]")
            assert officer.locator("#confirm-draft-error").is_visible()
            walk.read(officer)
            officer.check('input[name="signing_decision"][value="sign"]')
            officer.check("#confirm-draft")
        with officer.expect_navigation():
            officer.click(".task-form button[type=submit]")
        assert officer.locator(".flash-error").count() == 0
        walk.read(officer)


def _download_and_scan(walk: Walk, phone, case_id: int) -> None:
    phone.goto(f"/permohonan/{case_id}")
    walk.read(phone)
    permit = phone.locator("section[aria-labelledby=izin]")
    with phone.expect_download() as download:
        permit.locator("a.button").click()
    pdf = Path(download.value.path()).read_bytes()
    codes = [c for c in scanned_qr_codes(pdf) if "/verify/" in c]
    assert codes and codes[0].startswith(walk.base_url + "/verify/"), codes
    number = permit.locator("strong").first.inner_text()
    phone.goto(codes[0])  # what the phone's camera opens
    walk.read(phone)
    assert number in phone.locator("main").inner_text()
    _no_horizontal_overflow(phone)


@pytest.mark.parametrize("walk", ["id", "en"], indirect=True)
def test_the_walkthrough_from_registration_to_the_scanned_permit(walk):
    app, _base_url, walker = walk
    phone = _register_and_verify(walker)
    case_id, _registration = _apply(walker, phone)
    _verifier_flags_the_stra(walker, app, case_id)
    _revise(walker, phone, case_id)
    _verifier_sees_the_change(walker, app, case_id)
    _signers_see_the_draft(walker, app, case_id)
    _download_and_scan(walker, phone, case_id)
    assert len(walker.checked) >= 20
