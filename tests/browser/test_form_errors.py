"""The applicant's form in a real browser: a conditional field is hidden until its condition holds, and a form
that comes back with errors puts focus on its styled error summary, whose link moves focus to the field."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


def test_conditional_fields_hide_and_the_error_summary_takes_focus(new_page):
    page = new_page()
    log_in(page, "pemohon@demo.local")
    page.goto("/permohonan/baru/sip_apoteker")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/isi")
    previous_sipa = page.locator('[data-field="nomor_sipa_sebelumnya"]')
    page.check('input[name="sip_ke"][value="1"]')
    assert previous_sipa.is_hidden()  # not merely greyed out
    page.check('input[name="sip_ke"][value="2"]')
    assert previous_sipa.is_visible()

    page.fill("#app-no_hp", "0812 3456 789x")
    page.click('button[name="next"][value="data"]')
    page.wait_for_selector("[data-error-summary-ready]")
    focused = page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    border = page.evaluate("() => getComputedStyle(document.querySelector('[data-error-summary]')).borderTopColor")
    assert focused and border == "rgb(164, 0, 0)"
    page.click('[data-error-summary] a[href="#app-no_hp"]')
    assert page.evaluate("() => document.activeElement.id") == "app-no_hp"
