"""The office's A4 document frame: letterhead, logo, QR codes, "Halaman x dari y", Indonesian dates and numbers."""
from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from flask import current_app
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from app.common.i18n import format_day_in, format_moment_in, format_number_in

# Permits, SKRDs and receipts are legal documents of an Indonesian government office: they are issued in
# Indonesian whatever language the person who triggers or downloads them reads the site in (see `tanggal`).
DOCUMENT_LOCALE = "id"
DOCUMENT_MOMENT = "d MMMM y 'pukul' HH.mm 'WIB'"  # 23 November 2026 pukul 09.05 WIB
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
LETTERHEAD_HEIGHT = 34 * mm
FOOTER_HEIGHT = 14 * mm


@dataclass(frozen=True)
class Office:
    """Who issues the document: letterhead lines, city and logo (from settings)."""

    government: str
    name: str
    address: str
    city: str
    logo_path: str
    head_name: str
    head_nip: str
    public_base_url: str

    @classmethod
    def from_config(cls) -> Office:
        """The office as app.config describes it."""
        cfg = current_app.config
        return cls(government=cfg.get("OFFICE_GOVERNMENT", ""), name=cfg["OFFICE_NAME"],
                   address=cfg.get("OFFICE_ADDRESS", ""), city=cfg.get("OFFICE_CITY", ""),
                   logo_path=cfg.get("OFFICE_LOGO_PATH", ""), head_name=cfg.get("OFFICE_HEAD_NAME", ""),
                   head_nip=cfg.get("OFFICE_HEAD_NIP", ""),
                   public_base_url=cfg.get("PUBLIC_BASE_URL", "").rstrip("/"))

    def url(self, path: str) -> str:
        """An absolute public URL of a path on this site."""
        return f"{self.public_base_url}{path}"


def tanggal(value: date | datetime | None) -> str:
    """A date on an office document: 23 November 2026 (datetimes are read in Jakarta time).

    Always Indonesian (DOCUMENT_LOCALE, through the one Babel formatter of app/common/i18n.py), never the
    reader's language: the permit, the SKRD and the receipt are legal documents issued in the office's
    language, a signed permit is stored once and must read the same for everyone who verifies it, and a
    downloaded SKRD must match the one the bank and the revenue agency see.
    """
    return "-" if value is None else format_day_in(value, DOCUMENT_LOCALE)


def tanggal_jam(value: datetime | None) -> str:
    """A moment on an office document, always Indonesian (see `tanggal`): 23 November 2026 pukul 09.05 WIB."""
    return "-" if value is None else format_moment_in(value, DOCUMENT_LOCALE, DOCUMENT_MOMENT)


def angka(value: int | float) -> str:
    """A number on an office document, always Indonesian (see `tanggal`): 1.250.000, 12,5."""
    return format_number_in(value, DOCUMENT_LOCALE)


def rupiah(amount: int) -> str:
    """An amount of rupiah on an office document, always Indonesian (see `tanggal`): Rp 1.250.000."""
    return f"Rp {angka(int(amount))}"


def mask_nik(nik: str | None) -> str:
    """A NIK with its middle hidden: the region code (6 digits) and the last 4 stay readable."""
    digits = (nik or "").strip()
    if len(digits) < 10:
        return "*" * len(digits) if digits else "-"
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def text(value: object) -> str:
    """Escape a value for a ReportLab Paragraph (user data may hold <, > and &)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of office documents."""
    base = getSampleStyleSheet()["Normal"]
    return {
        "body": ParagraphStyle("body", parent=base, fontName="Helvetica", fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", parent=base, fontName="Helvetica", fontSize=8.5, leading=11),
        "label": ParagraphStyle("label", parent=base, fontName="Helvetica", fontSize=10.5, leading=14),
        "title": ParagraphStyle("title", parent=base, fontName="Helvetica-Bold", fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName="Helvetica", fontSize=11, leading=14,
                                   alignment=TA_CENTER, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                                  spaceBefore=8, spaceAfter=3),
        "center": ParagraphStyle("center", parent=base, fontName="Helvetica", fontSize=10.5, leading=14,
                                 alignment=TA_CENTER),
    }


class QrCode(Flowable):
    """A QR code (error correction M or better, four-module quiet zone) drawn straight on the canvas.

    segno encodes it once, when the flowable is made (choosing the mask that scans best, and raising the error
    correction where the same size allows), about three times faster than ReportLab's encoder; it is drawn as
    one filled path, so a document built twice (for "Halaman x dari y") does not encode it twice and no
    graphics shape is made per module.
    """

    QUIET_ZONE = 4

    def __init__(self, value: str, size: float):
        super().__init__()
        self.modules = [[bool(module) for module in row] for row in segno.make_qr(value, error="m").matrix]
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self.modules)
        box = self.width / (count + 2 * self.QUIET_ZONE)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            column = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((column + self.QUIET_ZONE) * box, self.height - (r + self.QUIET_ZONE + 1) * box,
                              length * box, box)
                column += length
        self.canv.drawPath(path, stroke=0, fill=1)


def qr_code(url: str, size: float = 30 * mm) -> QrCode:
    """A QR code flowable encoding `url`."""
    return QrCode(url, size)


def draw_default_logo(c: rl_canvas.Canvas, x: float, y: float, size: float) -> None:
    """The built-in emblem (a shield with a star and "SP") used when no OFFICE_LOGO_PATH is set."""
    c.saveState()
    w, h = size * 0.84, size
    left = x + (size - w) / 2
    path = c.beginPath()
    path.moveTo(left, y + h)
    path.lineTo(left + w, y + h)
    path.lineTo(left + w, y + h * 0.45)
    path.curveTo(left + w, y + h * 0.18, left + w * 0.7, y + h * 0.06, left + w / 2, y)
    path.curveTo(left + w * 0.3, y + h * 0.06, left, y + h * 0.18, left, y + h * 0.45)
    path.close()
    c.setFillColor(colors.HexColor("#0b4f8a"))
    c.setStrokeColor(colors.HexColor("#d4a017"))
    c.setLineWidth(size * 0.04)
    c.drawPath(path, fill=1, stroke=1)
    # five-pointed star
    cx, cy, r_out = left + w / 2, y + h * 0.72, h * 0.14
    star = c.beginPath()
    for i in range(10):
        r = r_out if i % 2 == 0 else r_out * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        px, py = cx + r * math.cos(angle), cy + r * math.sin(angle)
        star.moveTo(px, py) if i == 0 else star.lineTo(px, py)
    star.close()
    c.setFillColor(colors.HexColor("#d4a017"))
    c.drawPath(star, fill=1, stroke=0)
    c.setFillColor(colors.white)
    c.setFont("Helvetica-Bold", h * 0.26)
    c.drawCentredString(left + w / 2, y + h * 0.28, "SP")
    c.restoreState()


def _draw_logo(c: rl_canvas.Canvas, office: Office, x: float, y: float, size: float) -> None:
    if office.logo_path and Path(office.logo_path).is_file():
        c.drawImage(ImageReader(office.logo_path), x, y, width=size, height=size, preserveAspectRatio=True,
                    anchor="c", mask="auto")
    else:
        draw_default_logo(c, x, y, size)


def draw_letterhead(c: rl_canvas.Canvas, office: Office) -> None:
    """Logo, government and office name, address, and the double rule under them."""
    top = PAGE_HEIGHT - 14 * mm
    logo = 24 * mm
    _draw_logo(c, office, MARGIN, top - logo, logo)
    centre = (PAGE_WIDTH + MARGIN + logo) / 2
    c.setFillColor(colors.black)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(centre, top - 6 * mm, office.government.upper())
    c.setFont("Helvetica-Bold", 13)
    c.drawCentredString(centre, top - 12 * mm, office.name.upper())
    c.setFont("Helvetica", 8.5)
    c.drawCentredString(centre, top - 17.5 * mm, office.address)
    rule = top - logo - 2.5 * mm
    c.setLineWidth(1.6)
    c.line(MARGIN, rule, PAGE_WIDTH - MARGIN, rule)
    c.setLineWidth(0.5)
    c.line(MARGIN, rule - 1.2 * mm, PAGE_WIDTH - MARGIN, rule - 1.2 * mm)


def draw_watermark(c: rl_canvas.Canvas, label: str) -> None:
    """A large translucent diagonal label across the page (e.g. a draft's "DRAF — belum berlaku")."""
    c.saveState()
    c.setFillColor(colors.HexColor("#c00000"))
    c.setFillAlpha(0.18)
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    c.rotate(50)
    size = 64
    while size > 24 and c.stringWidth(label, "Helvetica-Bold", size) > PAGE_HEIGHT * 0.9:
        size -= 4
    c.setFont("Helvetica-Bold", size)
    c.drawCentredString(0, -size / 3, label)
    c.restoreState()


PAGE_OF = "Halaman %(number)s dari %(total)s"  # documents are Indonesian; a report passes its reader's words


def _numbered_canvas(office: Office, footer_note: str, watermark: str = "",
                     page_of: str = PAGE_OF) -> type[rl_canvas.Canvas]:
    """A canvas that draws the letterhead on every page and 'Halaman x dari y' once the count is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            draw_letterhead(self, office)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#444444"))
            if footer_note:
                self.drawString(MARGIN, 12 * mm, footer_note)
            self.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, page_of % {"number": number, "total": total})
            if watermark:
                draw_watermark(self, watermark)

    return NumberedCanvas


def build_pdf(story: list, *, office: Office, title: str, subject: str, footer_note: str = "",
              watermark: str = "", page_of: str = PAGE_OF) -> bytes:
    """Lay out `story` on A4 pages inside the office frame (with a watermark on each page, if given);
    `page_of` is the page footer with %(number)s and %(total)s."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=LETTERHEAD_HEIGHT + 12 * mm, bottomMargin=FOOTER_HEIGHT + 6 * mm,
                            title=title, subject=subject, author=office.name, creator="SatuPintu")
    doc.build(story, canvasmaker=_numbered_canvas(office, footer_note, watermark, page_of))
    return buffer.getvalue()


def paragraph(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of already-escaped markup."""
    return Paragraph(value, style)
