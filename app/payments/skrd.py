"""The SKRD (Surat Ketetapan Retribusi Daerah): the fee assessment letter of a bill, as an A4 PDF.

Rendered on request from the bill row (amount, fee rows fixed at issuance, billing code, due
date, status), inside the office frame of app/permits/layout.py; not stored, not signed. Like every
legal document of the office it is written in Indonesian whatever the reader's language: its dates and
amounts come from layout's document formatters (`tanggal`, `tanggal_jam`, `angka`, `rupiah`).
"""
from __future__ import annotations

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.accounts.models import User
from app.cases import service as cases
from app.cases.models import Case
from app.common.errors import NotFound
from app.extensions import db
from app.permits.layout import (
    Office,
    angka,
    build_pdf,
    paragraph,
    qr_code,
    rupiah,
    styles,
    tanggal,
    tanggal_jam,
    text,
)
from app.permits.receipts import tracking_url

from . import service
from .models import Bill
from .terbilang import rupiah_words

HOW_TO_PAY = (
    "Bayar di teller bank persepsi daerah, ATM, mobile/internet banking, kantor pos atau kanal pembayaran "
    "daerah lain dengan memilih menu pembayaran pajak/retribusi daerah dan memasukkan kode billing di atas.",
    "Pastikan nama wajib retribusi dan jumlah yang tampil sama dengan SKRD ini; bayar tepat sebesar jumlah "
    "tagihan sebelum batas waktu pembayaran.",
    "Simpan bukti pembayaran. Status permohonan berubah otomatis setelah pembayaran diterima kas daerah; bila "
    "dalam satu hari kerja belum berubah, bawa bukti pembayaran ke loket pelayanan.",
    "SKRD yang tidak dibayar sampai batas waktu tidak berlaku lagi dan permohonan ditutup.",
)


def get_for_download(user: User, case_id: int, bill_id: int) -> Bill:
    """A bill of a case the user may see: its applicant or office staff (404 for anyone else)."""
    case = cases.get_visible(user, case_id)
    bill = db.session.get(Bill, bill_id)
    if bill is None or bill.case_id != case.id:
        raise NotFound(_("Tagihan tidak ditemukan."))
    return bill


def mask_nik(nik: str | None) -> str:
    """A NIK with every digit hidden but the last four: ************0001."""
    digits = "".join((nik or "").split())
    if not digits:
        return "-"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def taxpayer(case: Case) -> list[tuple[str, str]]:
    """Who owes the fee: name (the business, if the applicant files for one), masked NIK, address."""
    data = case.data or {}
    applicant = case.applicant
    name = data.get("nama_lengkap") or applicant.name
    business = data.get("nama_badan_usaha") if data.get("status_pemohon") not in (None, "perorangan") else None
    rows = [("Nama", f"{business} (u.p. {name})" if business else name),
            ("NIK", mask_nik(data.get("nik") or applicant.nik)),
            ("Alamat", data.get("alamat") or applicant.address or "-")]
    return [(label, str(value)) for label, value in rows]


def fee_rows(bill: Bill) -> list[dict]:
    """The assessed rows (item, basis, calculation, amount); a bill issued before rows were kept gets one row."""
    rows = (bill.fee_details or {}).get("rows") or []
    if rows:
        return rows
    return [{"item": f"Retribusi {bill.case.service.name}", "basis": bill.basis or "", "calculation": None,
             "amount": bill.amount}]


STATUS_NOTES = {
    "paid": "LUNAS",
    "expired": "TIDAK BERLAKU: batas waktu pembayaran terlewati",
    "cancelled": "TIDAK BERLAKU: tagihan dibatalkan",
}


def _facts(rows: list[tuple[str, str]], st: dict, label_width: float = 45 * mm) -> Table:
    table = Table([[paragraph(text(label), st["label"]), paragraph(":", st["label"]), paragraph(value, st["body"])]
                   for label, value in rows], colWidths=[label_width, 4 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _fee_table(bill: Bill, st: dict) -> Table:
    small = st["small"]
    right = ParagraphStyle("right", parent=small, alignment=2)
    rows = [[paragraph("<b>No</b>", small), paragraph("<b>Uraian retribusi</b>", small),
             paragraph("<b>Dasar pengenaan</b>", small), paragraph("<b>Jumlah (Rp)</b>", right)]]
    for number, row in enumerate(fee_rows(bill), start=1):
        basis = text(row.get("basis") or "-")
        if row.get("calculation"):
            basis += f"<br/>Perhitungan: {text(row['calculation'])}"
        rows.append([paragraph(str(number), small), paragraph(text(row.get("item")), small), paragraph(basis, small),
                     paragraph(text(angka(row.get("amount") or 0)), right)])
    rows.append(["", paragraph("<b>Jumlah ketetapan</b>", small), "",
                 paragraph(f"<b>{text(angka(bill.amount))}</b>", right)])
    table = Table(rows, colWidths=[9 * mm, 52 * mm, None, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                               ("SPAN", (1, -1), (2, -1)),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f4f4"))]))
    return table


def _billing_box(bill: Bill, st: dict) -> Table:
    big = ParagraphStyle("code", parent=st["body"], fontName="Courier-Bold", fontSize=16, leading=20)
    rows = [[paragraph("Kode billing", st["label"]), paragraph(text(bill.billing_code), big)],
            [paragraph("Jumlah yang harus dibayar", st["label"]),
             paragraph(f"<b>{text(rupiah(bill.amount))}</b>", st["body"])],
            [paragraph("Batas waktu pembayaran", st["label"]),
             paragraph(f"<b>{text(tanggal_jam(bill.expires_at))}</b>", st["body"])]]
    table = Table(rows, colWidths=[55 * mm, None])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#0b4f8a")),
                               ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f7fb")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _status_line(bill: Bill) -> str | None:
    note = STATUS_NOTES.get(bill.status)
    if note is None:
        return None
    if bill.status == "paid":
        note += f" pada {tanggal_jam(bill.paid_at)}, referensi {bill.reference or '-'}"
    return note


def render_skrd(bill: Bill) -> bytes:
    """The SKRD PDF of a bill."""
    office = Office.from_config()
    st = styles()
    case = bill.case
    details = bill.fee_details or {}
    number = service.skrd_number_of(bill)
    story: list = [paragraph("SURAT KETETAPAN RETRIBUSI DAERAH", st["title"]),
                   paragraph(f"(SKRD) Nomor: {text(number)}", st["subtitle"])]
    status = _status_line(bill)
    if status:
        story += [paragraph(f"<b>{text(status)}</b>", st["center"]), Spacer(1, 2 * mm)]
    story.append(_facts([("Nomor registrasi", f"<b>{text(case.registration_number or '-')}</b>"),
                         ("Layanan", text(case.service.name)),
                         ("Tanggal penetapan", text(tanggal(bill.issued_at))),
                         ("Jatuh tempo", text(tanggal_jam(bill.expires_at)))], st))
    story += [paragraph("Wajib retribusi", st["heading"]),
              _facts([(label, text(value)) for label, value in taxpayer(case)], st)]
    legal = details.get("legal_basis") or []
    if legal:
        story.append(paragraph("Dasar hukum", st["heading"]))
        story += [paragraph(f"{i}. {text(line)}", st["small"]) for i, line in enumerate(legal, start=1)]
    story += [paragraph("Rincian ketetapan retribusi", st["heading"]), _fee_table(bill, st), Spacer(1, 2 * mm),
              paragraph(f"<b>Terbilang:</b> <i>{text(rupiah_words(bill.amount))}</i>", st["body"])]
    url = tracking_url(office, case)
    steps = [paragraph("<b>Cara pembayaran</b>", st["body"])]
    steps += [paragraph(f"{i}. {text(step)}", st["small"]) for i, step in enumerate(HOW_TO_PAY, start=1)]
    steps += [Spacer(1, 2 * mm),
              paragraph(f"Ditetapkan di {text(office.city)} pada tanggal {tanggal(bill.issued_at)} oleh "
                        f"<b>{text(office.name)}</b>. SKRD ini diterbitkan secara elektronik dan sah tanpa tanda "
                        "tangan basah.", st["small"])]
    qr_cell = [qr_code(url, 30 * mm), paragraph("Pantau status permohonan dan pembayaran:", st["small"]),
               paragraph(text(url), st["small"])]
    closing = Table([[steps, qr_cell]], colWidths=[None, 40 * mm])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0),
                                 ("RIGHTPADDING", (-1, 0), (-1, -1), 0)]))
    story += [Spacer(1, 4 * mm), KeepTogether([_billing_box(bill, st)]), Spacer(1, 3 * mm), KeepTogether(closing)]
    return build_pdf(story, office=office, title=f"SKRD {number}",
                     subject=f"SKRD {number} permohonan {case.registration_number or case.id}",
                     footer_note=f"SKRD {number} · kode billing {bill.billing_code} · {office.name}")
