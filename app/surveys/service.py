"""Taking the survey and computing the IKM as PermenPAN-RB 14/2017 defines it."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.cases import events
from app.cases.models import Case
from app.common.errors import Conflict, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

from .models import ELEMENTS, SurveyResponse

SURVEY_STATUSES = ("issued", "rejected")
CATEGORIES = (  # (lower bound of the converted score, letter, label: translated where shown)
    (88.31, "A", N_("Sangat Baik")),
    (76.61, "B", N_("Baik")),
    (65.00, "C", N_("Kurang Baik")),
    (25.00, "D", N_("Tidak Baik")),
)


def can_take(case: Case) -> bool:
    """A finished case without a response yet."""
    return case.status in SURVEY_STATUSES and get_for_case(case.id) is None


def get_for_case(case_id: int) -> SurveyResponse | None:
    """The response of a case, if any."""
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.case_id == case_id))


def submit(*, case: Case, user_id: int, scores: dict, comment: str | None) -> SurveyResponse:
    """Record the applicant's nine scores (1-4) for a finished case, once."""
    if case.status not in SURVEY_STATUSES:
        raise Conflict(_("Survei dapat diisi setelah permohonan selesai."))
    if get_for_case(case.id) is not None:
        raise Conflict(_("Survei untuk permohonan ini sudah diisi. Terima kasih."))
    errors = {}
    values = {}
    for key, _label in ELEMENTS:
        try:
            value = int(scores.get(key))
        except (TypeError, ValueError):
            value = 0
        if value not in (1, 2, 3, 4):
            errors[key] = [_("Pilih nilai 1 sampai 4.")]
        values[key] = value
    if errors:
        raise ValidationFailed(fields=errors)
    response = SurveyResponse(case_id=case.id, service_key=case.service_key, user_id=user_id,
                              comment=(comment or "").strip()[:2000] or None, **values)
    db.session.add(response)
    db.session.flush()
    events.record(case, "survey_answered", actor_id=user_id)
    return response


def category(score: float) -> tuple[str, str]:
    """The quality letter and label of a converted IKM score (25-100)."""
    for lower, letter, label in CATEGORIES:
        if score >= lower:
            return letter, label
    return CATEGORIES[-1][1], CATEGORIES[-1][2]


def ikm(*, service: str | None = None, start: datetime | None = None, end: datetime | None = None) -> dict:
    """IKM over a period: per-element NRR, IKM = sum(NRR x 1/9) x 25, and its category (one SQL query)."""
    columns = [func.avg(getattr(SurveyResponse, key)) for key, _ in ELEMENTS]
    query = select(func.count(SurveyResponse.id), *columns)
    if service:
        query = query.where(SurveyResponse.service_key == service)
    if start is not None:
        query = query.where(SurveyResponse.created_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.created_at < end)
    row = db.session.execute(query).one()
    responses = int(row[0] or 0)
    if responses == 0:
        return {"score": None, "category": None, "label": None, "responses": 0, "elements": []}
    nrr = [float(v) for v in row[1:]]
    score = round(sum(value / len(ELEMENTS) for value in nrr) * 25, 2)
    letter, label = category(score)
    return {"score": score, "category": letter, "label": label, "responses": responses,
            "elements": [{"key": key, "name": name, "nrr": round(value, 3)}
                         for (key, name), value in zip(ELEMENTS, nrr, strict=True)]}
