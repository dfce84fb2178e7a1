"""The service standard (standar pelayanan) of each service, in the shape SIPPN publishes.

Requirements, SOP and fee come from the catalog row (copied from the active model on deploy);
product, procedure and legal basis from the version's `serviceStandardFile`; the complaint
channels are the office's. One function, used by the catalog pages and the API.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _

from app.catalog import service as catalog
from app.catalog import texts
from app.catalog.models import Service
from app.common.i18n import N_, format_number
from app.engine import properties as P

CATEGORY_LABELS = {"perizinan": N_("Perizinan"), "non_perizinan": N_("Non-perizinan")}


def standard_of(service: Service) -> dict:
    """Persyaratan, prosedur, waktu, biaya, produk and pengaduan of a service's active version.

    The model's texts (name, description, requirements, procedure, product, legal basis, fee table) come in
    the reader's language from the version's translations (app/catalog/texts.py).
    """
    _, model = catalog.active_model(service)
    standard = texts.localized(model.form(model.main.properties.get(P.SERVICE_STANDARD_FILE)) or {}, model)
    tr = texts.translator(model) or (lambda text: text)
    fee = texts.localized_fee(dict(service.fee or {"kind": "free"}), model)
    return {
        "key": service.key,
        "name": tr(service.name),
        "category": service.category,
        "category_label": CATEGORY_LABELS.get(service.category, service.category),
        "description": tr(service.description),
        "requirements": texts.localized(service.requirements or [], model),
        "sop_days": service.sop_days,
        "procedure": standard.get("procedure") or [],
        "fee": fee,
        "fee_label": fee_label(fee),
        "product": standard.get("product") or "",
        "legal_basis": standard.get("legal_basis") or [],
        "complaint_channels": complaint_channels(),
    }


def fee_label(fee: dict) -> str:
    """Gratis, Rp 50.000, or "Dihitung: <the fee table>" (its name as the caller gives it)."""
    if fee.get("kind") == "fixed":
        return "Rp " + format_number(int(fee.get("amount") or 0))
    if fee.get("kind") == "computed":
        table = fee.get("table") or {}
        return _("Dihitung: %(table)s", table=table.get("name") or _("sesuai tabel tarif"))
    return N_("Gratis")


def complaint_channels() -> list[dict]:
    """Where applicants complain about a service."""
    channels = [{"name": N_("Formulir pengaduan SatuPintu"), "url": url_for("complaints.complaint_form"),
                 "note": N_("tanpa perlu masuk; status dapat dipantau dengan nomor tiket")},
                {"name": "SP4N-LAPOR!", "url": "https://www.lapor.go.id", "note": N_("atau SMS 1708")}]
    contact = current_app.config.get("COMPLAINT_CONTACT")
    if contact:
        channels.append({"name": N_("Kontak pengaduan kantor"), "url": None, "note": contact})
    return channels
