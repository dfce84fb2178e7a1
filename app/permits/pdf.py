"""The permit document (SK/izin) as an A4 PDF: what it says per service, and how it is laid out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from .layout import Office, build_pdf, mask_nik, paragraph, qr_code, styles, tanggal, text

# Contact details stay off the permit even when the application form asks for them.
PRIVATE_FIELDS = frozenset({"no_hp", "telepon", "no_telepon", "email", "nik"})
NAME_FIELDS = ("nama_lengkap", "nama_pemohon", "nama")


@dataclass(frozen=True)
class ServiceLayout:
    """What a service's permit names: the holder's particulars, the permitted activity and its place.

    Entries are form field keys; a tuple (label, key, key, ...) joins several fields on one line.
    """

    activity: str
    holder_fields: tuple = ()
    place_fields: tuple = ()


LAYOUTS: dict[str, ServiceLayout] = {
    "sip_apoteker": ServiceLayout(
        activity="Menjalankan praktik kefarmasian sebagai Apoteker pada sarana berikut",
        holder_fields=("nama_lengkap", "nik", ("Tempat, tanggal lahir", "tempat_lahir", "tanggal_lahir"), "alamat",
                       "nomor_stra", "masa_berlaku_stra"),
        place_fields=("nama_sarana", "jenis_sarana", "alamat_sarana"),
    ),
    "sip_dokter": ServiceLayout(
        activity="Menjalankan praktik kedokteran pada tempat praktik berikut",
        holder_fields=("nama_lengkap", "nik", ("Tempat, tanggal lahir", "tempat_lahir", "tanggal_lahir"), "alamat",
                       "jenis_dokter", "spesialisasi", "nomor_str"),
        place_fields=("nama_fasyankes", "jenis_fasyankes", "alamat_fasyankes", "jadwal_praktik"),
    ),
    "sip_perawat": ServiceLayout(
        activity="Menjalankan praktik keperawatan pada tempat praktik berikut",
        holder_fields=("nama_lengkap", "nik", ("Tempat, tanggal lahir", "tempat_lahir", "tanggal_lahir"), "alamat",
                       "pendidikan_terakhir", "nomor_str"),
        place_fields=("jenis_praktik", "nama_fasyankes", "nama_praktik_mandiri", "alamat_tempat_praktik",
                      "jadwal_praktik"),
    ),
}


@dataclass
class PermitContent:
    """Everything printed on one permit."""

    number: str
    service_name: str
    registration_number: str | None
    submitted_at: datetime | None
    holder_rows: list[tuple[str, str]]
    activity: str
    place_rows: list[tuple[str, str]]
    issued_at: datetime
    valid_until: date | None
    signer_name: str
    signer_nip: str | None
    verify_url: str
    conditions: list[str] = field(default_factory=list)
    replaces_number: str | None = None
    draft: bool = False  # a preview before signing: watermarked, no QR code, no verification address


DRAFT_WATERMARK = "DRAF — belum berlaku"


def format_value(key: str, prop: dict, value: Any) -> str:
    """A form value as people read it: dates in Indonesian, choices by their title, NIK masked."""
    if value is None or value == "":
        return "-"
    if key == "nik":
        return mask_nik(str(value))
    for option in prop.get("oneOf") or []:
        if option.get("const") == value:
            return str(option.get("title", value))
    if prop.get("format") == "date" and isinstance(value, str):
        try:
            return tanggal(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, list):
        return ", ".join(format_value(key, prop.get("items") or {}, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _row(entry: str | tuple, schema: dict, data: dict) -> tuple[str, str] | None:
    props = schema.get("properties") or {}
    if isinstance(entry, tuple):
        label, *keys = entry
        parts = [format_value(k, props.get(k) or {}, data.get(k)) for k in keys if data.get(k) not in (None, "")]
        return (label, ", ".join(parts)) if parts else None
    if data.get(entry) in (None, ""):
        return None
    prop = props.get(entry) or {}
    return str(prop.get("title") or entry), format_value(entry, prop, data.get(entry))


def form_rows(schema: dict, data: dict, entries: tuple | list | None = None,
              exclude: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """Label/value rows from the form schema's titles, in the given order (default: the schema's order)."""
    if entries is None:
        entries = [k for k in (schema.get("properties") or {}) if k not in exclude]
    rows = [_row(entry, schema, data) for entry in entries]
    return [r for r in rows if r is not None]


def describe_case_data(service_key: str, service_name: str, schema: dict, data: dict) -> tuple[
        list[tuple[str, str]], str, list[tuple[str, str]]]:
    """(holder rows, activity, place rows) of a service's permit; services without a layout get a generic table."""
    layout = LAYOUTS.get(service_key)
    if layout is not None:
        return (form_rows(schema, data, layout.holder_fields), layout.activity,
                form_rows(schema, data, layout.place_fields))
    name_key = next((k for k in NAME_FIELDS if data.get(k)), None)
    holder_keys = [k for k in (name_key, "nik") if k and data.get(k)]
    holder = form_rows(schema, data, holder_keys)
    rest = form_rows(schema, data, exclude=PRIVATE_FIELDS | set(holder_keys))
    return holder, f"Kegiatan sebagaimana dimaksud dalam {service_name}, dengan data berikut", rest


def _facts_table(rows: list[tuple[str, str]], st: dict) -> Table:
    data = [[paragraph(text(label), st["label"]), paragraph(":", st["label"]), paragraph(text(value), st["body"])]
            for label, value in rows]
    table = Table(data, colWidths=[52 * mm, 4 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _signature_block(content: PermitContent, office: Office, st: dict) -> Table:
    if content.draft:
        left = [paragraph("<b>DRAF — BELUM BERLAKU</b>", st["body"]),
                paragraph("Kode QR dan alamat verifikasi dibuat saat izin ditandatangani dan diterbitkan.",
                          st["small"])]
    else:
        qr = qr_code(content.verify_url, 32 * mm)
        left = [qr, paragraph("Pindai untuk memeriksa keaslian izin ini:", st["small"]),
                paragraph(text(content.verify_url), st["small"])]
    nip = f"NIP. {text(content.signer_nip)}" if content.signer_nip else ""
    right = [
        paragraph(f"Ditetapkan di {text(office.city)}", st["body"]),
        paragraph(f"pada tanggal {tanggal(content.issued_at)}", st["body"]),
        Spacer(1, 3 * mm),
        paragraph(f"<b>KEPALA {text(office.name.upper())}</b>", st["body"]),
        Spacer(1, 2 * mm),
        paragraph("<i>Belum ditandatangani</i>" if content.draft else "<i>Ditandatangani secara elektronik</i>",
                  st["small"]),
        Spacer(1, 8 * mm),
        paragraph(f"<b><u>{text(content.signer_name)}</u></b>", st["body"]),
        paragraph(nip, st["body"]),
    ]
    table = Table([[left, right]], colWidths=[62 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def render_permit(content: PermitContent, office: Office) -> bytes:
    """The unsigned permit PDF."""
    st = styles()
    story: list = [
        paragraph(text(content.service_name.upper()), st["title"]),
        paragraph(f"Nomor: {text(content.number)}", st["subtitle"]),
    ]
    basis = f"permohonan nomor registrasi {text(content.registration_number or '-')}"
    if content.submitted_at is not None:
        basis += f" tanggal {tanggal(content.submitted_at)}"
    story.append(paragraph(
        f"Berdasarkan {basis}, hasil verifikasi berkas dan rekomendasi teknis instansi terkait, "
        f"Kepala {text(office.name)} memberikan izin kepada:", st["body"]))
    story += [Spacer(1, 2 * mm), _facts_table(content.holder_rows, st), Spacer(1, 3 * mm),
              paragraph(f"untuk {text(content.activity)}:", st["body"]), Spacer(1, 1 * mm)]
    if content.place_rows:
        story.append(_facts_table(content.place_rows, st))
    valid = (f"{tanggal(content.issued_at)} sampai dengan {tanggal(content.valid_until)}"
             if content.valid_until else f"{tanggal(content.issued_at)}, tanpa batas waktu")
    story += [paragraph("Masa berlaku", st["heading"]), paragraph(f"Izin ini berlaku sejak {valid}.", st["body"])]
    conditions = list(content.conditions) + [
        "Izin ini wajib diperlihatkan apabila diminta oleh petugas yang berwenang.",
        "Izin ini batal apabila data yang disampaikan pemohon terbukti tidak benar, "
        "atau dicabut sesuai ketentuan peraturan perundang-undangan.",
    ]
    story.append(paragraph("Ketentuan", st["heading"]))
    story += [paragraph(f"{i}. {text(c)}", st["body"]) for i, c in enumerate(conditions, start=1)]
    if content.replaces_number:
        story.append(paragraph(f"Izin ini menggantikan izin nomor {text(content.replaces_number)} yang "
                               "dinyatakan tidak berlaku sejak tanggal penerbitan izin ini.", st["body"]))
    story += [Spacer(1, 6 * mm), KeepTogether(_signature_block(content, office, st))]
    if content.draft:
        footer = (f"Draf izin permohonan {content.registration_number or '-'}: belum ditandatangani, "
                  "belum berlaku, dan tidak dapat diverifikasi.")
        return build_pdf(story, office=office, title=f"DRAF {content.service_name}",
                         subject=f"Draf izin permohonan {content.registration_number or '-'}", footer_note=footer,
                         watermark=DRAFT_WATERMARK)
    footer = (f"Izin nomor {content.number}. Dokumen ini ditandatangani secara elektronik; "
              "periksa keasliannya dengan memindai kode QR.")
    return build_pdf(story, office=office, title=f"{content.service_name} {content.number}",
                     subject=f"Izin nomor {content.number}", footer_note=footer)
