"""Refuse uploads that are small on disk but huge once opened: PDF bombs and image decompression bombs.

Runs on the stored file after its type was confirmed by content, before anyone opens it. A PDF
is measured by `pdf_scan.py` in a child process (pypdf parses it, so name escapes, indirect
filters and object streams count as a viewer reads them) that caps its own CPU time and address
space before reading the file and is killed after a wall-clock timeout: however the file is
built, the web process spends no CPU on it and the child's cost is bounded. Streams are
inflated in bounded chunks and counted, never kept. Images are measured from their header only;
no pixel is decoded.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.common.errors import PayloadTooLarge, ValidationFailed
from app.common.i18n import N_, format_number

SCANNER = Path(__file__).with_name("pdf_scan.py")


@dataclass(frozen=True)
class Limits:
    """How big an upload may become once opened, and what measuring it may cost."""

    pdf_max_pages: int = 500
    pdf_max_objects: int = 50_000
    pdf_max_nesting: int = 64
    pdf_max_inflated_bytes: int = 256 * 1024 * 1024  # all streams together (scans with Flate images are big)
    pdf_seconds: float = 3.0  # CPU seconds of the scanning child (RLIMIT_CPU)
    pdf_memory_bytes: int = 768 * 1024 * 1024  # address space of the scanning child (RLIMIT_AS)
    pdf_wall_seconds: float = 20.0  # the child is killed after this, whatever it is doing
    pdf_max_file_bytes: int = 512 * 1024 * 1024
    image_max_pixels: int = 40_000_000  # e.g. 8000 x 5000, more than any phone camera
    image_max_side: int = 20_000


LIMITS = Limits()

TOO_COMPLEX = N_("Berkas PDF terlalu rumit untuk diperiksa. Simpan ulang sebagai PDF biasa "
                  "(mis. \"Print to PDF\") lalu unggah kembali.")  # translated when raised


@dataclass(frozen=True)
class PdfReport:
    """What the scanning child measured (counts up to the limit that stopped it)."""

    verdict: str
    pid: int
    cpu_limit: int
    memory_limit: int
    objects: int
    pages: int
    declared_pages: int
    max_nesting: int
    inflated_bytes: int
    streams: int


def _refuse(message: str, *, too_large: bool = True):
    error = PayloadTooLarge if too_large else ValidationFailed
    return error(message, fields={"file": [message]})


def _verdict_error(verdict: str, limits: Limits):
    messages = {
        "pages": (_("Berkas PDF terlalu banyak halaman (maksimal %(count)s).",
                    count=format_number(limits.pdf_max_pages)), True),
        "objects": (_("Berkas PDF memuat terlalu banyak objek (lebih dari %(count)s).",
                      count=format_number(limits.pdf_max_objects)), True),
        "inflated": (_("Isi berkas PDF terlalu besar setelah dibuka (kemungkinan \"PDF bomb\")."), True),
        "nesting": (_("Struktur berkas PDF bersarang terlalu dalam; berkas tidak dapat diterima."), False),
        "unreadable": (_("Berkas PDF rusak atau tidak dapat dibaca. Simpan ulang sebagai PDF biasa "
                         "(mis. \"Print to PDF\") lalu unggah kembali."), False),
        "encrypted": (_("Berkas PDF dilindungi kata sandi. Unggah berkas PDF tanpa kata sandi."), False),
    }
    message, too_large = messages.get(verdict, (_(TOO_COMPLEX), True))
    return _refuse(message, too_large=too_large)


def scan_pdf(path: Path, limits: Limits = LIMITS) -> PdfReport:
    """Measure a PDF in a confined child process; raise 413 when the child runs out of time or memory."""
    budget = {"max_pages": limits.pdf_max_pages, "max_objects": limits.pdf_max_objects,
              "max_nesting": limits.pdf_max_nesting, "max_inflated_bytes": limits.pdf_max_inflated_bytes,
              "cpu_seconds": limits.pdf_seconds, "memory_bytes": limits.pdf_memory_bytes,
              "max_file_bytes": limits.pdf_max_file_bytes}
    try:
        with open(path, "rb") as source:
            done = subprocess.run([sys.executable, "-I", str(SCANNER), json.dumps(budget)], stdin=source,
                                  capture_output=True, timeout=limits.pdf_wall_seconds, check=False,
                                  env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        raise _refuse(_(TOO_COMPLEX)) from exc
    try:
        answer = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        report = PdfReport(verdict=answer["verdict"], **answer["report"])
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # killed by RLIMIT_CPU/AS, or it crashed
        raise _refuse(_(TOO_COMPLEX)) from exc
    return report


def check_pdf(path: Path, limits: Limits = LIMITS) -> PdfReport:
    """Refuse a PDF whose pages, objects, nesting or inflated streams exceed the limits (413/422)."""
    report = scan_pdf(path, limits)
    if report.verdict != "ok":
        raise _verdict_error(report.verdict, limits)
    return report


def check_image(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse an image whose header declares more pixels than the limits (read without decoding)."""
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:  # lazy: reads the header, not the pixels
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width = height = None
        except (OSError, SyntaxError, ValueError) as exc:
            raise _refuse(_("Gambar rusak atau tidak dapat dibaca."), too_large=False) from exc
    if width is None or height is None or width > limits.image_max_side or height > limits.image_max_side \
            or width * height > limits.image_max_pixels:
        # Pixel dimensions are written as cameras and editors show them (7000 x 6000), without grouping.
        values = {"megapixels": limits.image_max_pixels // 1_000_000, "side": limits.image_max_side}
        if width:
            message = _("Ukuran gambar terlalu besar (%(width)s x %(height)s piksel). Maksimal %(megapixels)s "
                        "megapiksel dan %(side)s piksel per sisi; perkecil gambar lalu unggah kembali.",
                        width=width, height=height, **values)
        else:
            message = _("Ukuran gambar terlalu besar. Maksimal %(megapixels)s megapiksel dan %(side)s piksel per "
                        "sisi; perkecil gambar lalu unggah kembali.", **values)
        raise _refuse(message)


def check(path: Path, content_type: str, limits: Limits = LIMITS) -> None:
    """Run the check for the file's (already confirmed) content type."""
    if content_type == "application/pdf":
        check_pdf(path, limits)
    elif content_type in ("image/png", "image/jpeg"):
        check_image(path, limits)
