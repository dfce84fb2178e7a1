"""Submission receipt (tanda terima): what was filed, when, with each file's SHA-256 and a tracking QR."""
from __future__ import annotations

from urllib.parse import quote

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from sqlalchemy import or_, select

from app.accounts.models import User
from app.cases import service as cases
from app.cases.models import Case, Document
from app.common.errors import Conflict
from app.extensions import db

from .layout import Office, angka, build_pdf, mask_nik, paragraph, qr_code, styles, tanggal_jam, text


def get_for_receipt(user: User, case_id: int) -> Case:
    """A submitted case the user may see (its applicant or office staff; 404 for anyone else)."""
    case = cases.get_visible(user, case_id)
    if case.submitted_at is None or not case.registration_number:
        raise Conflict(_("Tanda terima tersedia setelah permohonan diajukan."))
    return case


def submitted_documents(case: Case) -> list[Document]:
    """The files that were current at the moment of submission (later revisions are not on the receipt)."""
    return list(db.session.scalars(select(Document).where(
        Document.case_id == case.id, Document.created_at <= case.submitted_at,
        or_(Document.superseded_at.is_(None), Document.superseded_at > case.submitted_at),
    ).order_by(Document.requirement, Document.id)))


def tracking_url(office: Office, case: Case) -> str:
    """The public tracking page of the case, as the receipt's QR code encodes it."""
    return office.url(f"/lacak?nomor={quote(case.registration_number or '', safe='')}")


def _size(size: int) -> str:
    return f"{angka(size)} bita"


def _requirement_labels(case: Case) -> dict[str, str]:
    from app.catalog import service as catalog

    model = catalog.model_for_version(case.process_version)
    return {r["key"]: r.get("label", r["key"]) for r in catalog.requirements_of(model)}


def render_receipt(case: Case) -> bytes:
    """The receipt PDF of a submitted case."""
    office = Office.from_config()
    st = styles()
    mono = ParagraphStyle("mono", parent=st["small"], fontName="Courier", fontSize=7, leading=9)
    applicant = case.applicant
    nik = (case.data or {}).get("nik") or applicant.nik
    facts = [("Nomor registrasi", f"<b>{text(case.registration_number)}</b>"),
             ("Layanan", text(case.service.name)),
             ("Pemohon", text((case.data or {}).get("nama_lengkap") or applicant.name)),
             ("NIK", text(mask_nik(nik))),
             ("Waktu pengajuan", text(tanggal_jam(case.submitted_at))),
             ("Standar waktu layanan", f"{case.service.sop_days} hari kerja"),
             ("Perkiraan selesai", text(tanggal_jam(case.estimated_completion)))]
    if case.entered_by is not None:
        facts.append(("Diajukan melalui petugas", text(case.entered_by.name)))
    fact_table = Table([[paragraph(label, st["label"]), paragraph(":", st["label"]), paragraph(value, st["body"])]
                        for label, value in facts], colWidths=[45 * mm, 4 * mm, None], hAlign="LEFT")
    fact_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))

    labels = _requirement_labels(case)
    rows = [[paragraph("<b>No</b>", st["small"]), paragraph("<b>Persyaratan</b>", st["small"]),
             paragraph("<b>Berkas, ukuran dan SHA-256</b>", st["small"])]]
    for i, doc in enumerate(submitted_documents(case), start=1):
        rows.append([paragraph(str(i), st["small"]), paragraph(text(labels.get(doc.requirement, doc.requirement)),
                                                                st["small"]),
                     [paragraph(f"{text(doc.filename)} ({_size(doc.size)})", st["small"]),
                      paragraph(text(doc.sha256), mono)]])
    doc_table = Table(rows, colWidths=[9 * mm, 50 * mm, None], repeatRows=1)
    doc_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5"))]))

    url = tracking_url(office, case)
    qr_block = Table([[qr_code(url, 28 * mm), [
        paragraph("Pantau status permohonan Anda dengan memindai kode QR ini atau membuka:", st["small"]),
        paragraph(text(url), st["small"]),
        Spacer(1, 2 * mm),
        paragraph("Tanda terima ini bukan izin. Simpan untuk keperluan penelusuran dan pengaduan. "
                  "Nilai SHA-256 memastikan berkas yang diterima sama dengan berkas yang Anda kirim.", st["small"]),
    ]]], colWidths=[34 * mm, None])
    qr_block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))

    story = [paragraph("TANDA TERIMA PERMOHONAN", st["title"]),
             paragraph(text(case.service.name), st["subtitle"]),
             fact_table, paragraph("Berkas persyaratan yang diterima", st["heading"]), doc_table,
             Spacer(1, 6 * mm), KeepTogether(qr_block)]
    return build_pdf(story, office=office, title=f"Tanda terima {case.registration_number}",
                     subject=f"Tanda terima permohonan {case.registration_number}",
                     footer_note=f"Dicetak oleh sistem SatuPintu {office.name}.")
