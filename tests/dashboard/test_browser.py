"""In Chromium: the dashboard draws its charts and the heatmap colours and labels the steps on the diagrams."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import browser, live_server, log_in, new_page  # noqa: F401 - shared fixtures
from tests.dashboard.support import build_office

VENDOR = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (VENDOR / "chart.js" / "chart.umd.min.js").exists() or not (VENDOR / "bpmn-js").exists(),
                       reason="front-end libraries missing: run `make assets`"),
]
PAINTED = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted += 1; }
  return painted;
}"""


@pytest.fixture
def seeded(app):
    with app.app_context():
        build_office()
    return app


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_dashboard_draws_its_charts_and_the_heatmap_its_overlays(seeded, new_page):  # noqa: F811
    page = new_page(1400, 1000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, "supervisor@demo.local")

    page.goto("/dasbor?dari=2026-07-01&sampai=2026-09-30")
    for chart in ("chart-volume", "chart-lead", "chart-holders", "chart-breaches"):
        canvas = page.locator(f'#{chart}[data-rendered="true"]')
        canvas.wait_for()
        assert canvas.evaluate(PAINTED) > 500, chart

    page.goto("/dasbor/heatmap?layanan=sip_apoteker&dari=2026-08-01&sampai=2026-08-31")
    page.locator('.heat-canvas[data-rendered="true"]').nth(3).wait_for()  # four diagrams: main and three called
    assert page.locator(".djs-overlay .heat-badge").count() >= 8
    late = page.locator('.djs-overlay .heat-badge[data-element="rekomendasi_dinkes"]')
    assert "n=2" in late.inner_text() and "50% terlambat" in late.inner_text()
    assert page.locator('.djs-element.heat-high[data-element-id="rekomendasi_dinkes"]').count() == 1
    assert page.locator('.djs-element.heat-low[data-element-id="verifikasi"]').count() >= 1
    assert errors == []
