"""Applicant pages on a cheap phone: 360 px wide without horizontal scrolling, and light on first load."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

PUBLIC = ["/", "/layanan/sip_apoteker", "/lacak", "/masuk", "/daftar", "/pengaduan", "/transparansi"]
APPLICANT = ["/permohonan", "/permohonan/baru/sip_apoteker", "/akun/profil"]
PAGE_BUDGET = 150 * 1024


def _check(page, path, tmp_path, name):
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body()) if r.ok and r.request.method == "GET" else 0))
    page.goto(path)
    page.wait_for_load_state("load")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert width[0] <= width[1], f"{path} scrolls sideways at 360 px: {width}"
    assert sum(sizes) < PAGE_BUDGET, f"{path} weighs {sum(sizes)} bytes on first load"


def test_public_pages_fit_a_phone(new_page, tmp_path):
    for index, path in enumerate(PUBLIC):
        page = new_page(width=360, height=740)
        _check(page, path, tmp_path, f"public-{index}")


def test_applicant_pages_fit_a_phone(new_page, tmp_path):
    page = new_page(width=360, height=740)
    page.goto("/masuk")
    page.fill("#email", "pemohon@demo.local")
    page.fill("#password", "Demo#2026")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")
    for index, path in enumerate(APPLICANT):
        _check(page, path, tmp_path, f"applicant-{index}")
    page.goto("/permohonan/baru/sip_apoteker")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/isi")
    _check(page, page.url, tmp_path, "wizard-data")


def test_transparency_charts_load_when_opened(new_page):
    page = new_page(width=360, height=740)
    page.goto("/transparansi")
    assert page.locator("canvas[data-rendered]").count() == 0  # nothing heavy before the visitor asks
    page.click("details[data-lazy-charts] summary")
    page.wait_for_selector("canvas[data-rendered]", state="attached")
    assert page.locator("canvas[data-rendered]").count() == 2
