"""Public catalog API."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.common.openapi import public

from . import service, texts
from .schemas import ServiceDetailSchema, ServiceListSchema

bp = Blueprint("catalog_api", __name__, url_prefix="/api/v1", description="Katalog layanan (publik)")


def service_view(svc) -> dict:
    """A service as the catalog shows it, its model's texts in the reader's language."""
    tr = texts.translator(svc) or (lambda text: text)
    return {"key": svc.key, "name": tr(svc.name), "category": svc.category, "description": tr(svc.description),
            "sop_days": svc.sop_days, "fee": texts.localized_fee(svc.fee, svc),
            "requirements": texts.localized(svc.requirements, svc),
            "version": svc.active_version.version if svc.active_version else None}


@bp.get("/services")
@bp.response(200, ServiceListSchema)
@public
def list_services():
    """Services open to applicants."""
    items = [service_view(s) for s in service.list_public()]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.get("/services/<key>")
@bp.response(200, ServiceDetailSchema)
@public
def get_service(key: str):
    """One service with its application form."""
    svc = service.get(key)
    _, model = service.active_model(svc)
    form = service.application_form(model)
    return {**service_view(svc), "form": {part: texts.localized(value) for part, value in form.items()}}
