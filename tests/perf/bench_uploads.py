"""Upload scan worst case: ms to measure each PDF bomb vs an ordinary PDF of about the same size.

Every PDF upload is measured by `app/cases/pdf_scan.py` in a child process with RLIMIT_CPU and RLIMIT_AS
(`app/cases/upload_checks.py`), so the web process spends no CPU on attacker syntax; what a bomb can still
cost is the child's time, bounded by its limits. Figures: the median wall time of `check_pdf` (child start,
pypdf parse, bounded inflation, verdict) for the ~15 KB "CPU burn" file (an object stream inflating to
4 MB, 5 s of regex under the first scan) against an ordinary one-page ReportLab PDF of similar size; the
300 MB inflation bomb (refused once 256 MB are counted) against an ordinary PDF of a few hundred KB; and the
slowest of all generated bombs against the small ordinary PDF. The child's CPU seconds are logged too.
The database is not used: the figures are the same on both kinds.
"""
from __future__ import annotations

import io
import os
import resource
import tempfile
import time
from pathlib import Path

TARGET_RATIO_SMALL = 3.0  # a bomb may cost a few ordinary scans, never seconds
TARGET_RATIO_INFLATION = 6.0


def ordinary_pdf(target_bytes: int) -> bytes:
    """A one-page ReportLab PDF of about `target_bytes`: text plus an incompressible image."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    side = max(8, int((max(target_bytes - 3000, 0) / 3) ** 0.5))
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    for line in range(40):
        sheet.drawString(50, 800 - 18 * line, f"Baris {line + 1}: surat keterangan domisili usaha, berkas uji.")
    sheet.drawImage(ImageReader(image), 50, 50, width=200, height=200)
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def _timed(path: Path, data: bytes, repeats: int) -> tuple[float, float]:
    """Median wall ms of check_pdf on the file, and the children's CPU seconds per scan."""
    from app.cases import upload_checks
    from app.common.errors import AppError

    path.write_bytes(data)
    samples = []
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(repeats):
        started = time.perf_counter()
        try:
            upload_checks.check_pdf(path)
        except AppError:
            pass
        samples.append((time.perf_counter() - started) * 1000)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime) / repeats
    return sorted(samples)[len(samples) // 2], cpu


def run(ctx) -> list[dict]:
    """Scan time of each bomb and of ordinary PDFs of similar size."""
    from tests.security import bombs

    repeats = 3 if ctx.quick else 7
    generated = {"cpu_burn": bombs.cpu_burn(), "inflation": bombs.inflation_bomb(),
                 "escaped_filter": bombs.escaped_filter_name_bomb(), "hex_wrapped": bombs.hex_wrapped_bomb(),
                 "many_pages": bombs.many_pages(), "many_objects": bombs.many_objects(),
                 "deep_nesting": bombs.deep_nesting(), "pages_in_object_stream": bombs.pages_hidden_in_object_stream(),
                 "escaped_page_type": bombs.escaped_page_type()}
    small = ordinary_pdf(len(generated["cpu_burn"]))
    large = ordinary_pdf(len(generated["inflation"]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan.pdf"
        small_ms, small_cpu = _timed(path, small, repeats)
        large_ms, large_cpu = _timed(path, large, repeats)
        ctx.log(f"ordinary {len(small):,} B: {small_ms:.0f} ms ({small_cpu:.2f} s CPU); "
                f"{len(large):,} B: {large_ms:.0f} ms ({large_cpu:.2f} s CPU)")
        timings = {}
        for name, data in generated.items():
            timings[name], cpu = _timed(path, data, repeats)
            ctx.log(f"{name} {len(data):,} B: {timings[name]:.0f} ms ({cpu:.2f} s CPU in the child)")
    worst = max(timings, key=timings.get)
    return [
        ctx.result(f"upload scan: CPU-burn PDF ({len(generated['cpu_burn']) // 1024} KB -> 4 MB) vs ordinary "
                   f"{len(small) // 1024} KB PDF", timings["cpu_burn"], unit="ms", baseline=small_ms,
                   target_ratio=TARGET_RATIO_SMALL),
        ctx.result(f"upload scan: 300 MB inflation bomb vs ordinary {len(large) // 1024} KB PDF",
                   timings["inflation"], unit="ms", baseline=large_ms, target_ratio=TARGET_RATIO_INFLATION),
        ctx.result(f"upload scan: slowest bomb ({worst}) vs ordinary {len(small) // 1024} KB PDF", timings[worst],
                   unit="ms", baseline=small_ms, target_ratio=TARGET_RATIO_INFLATION),
    ]
