"""Survey API: the applicant rates a finished case."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.cases import service as cases
from app.common.auth import require_user
from app.common.errors import NotFound
from app.common.schemas import BaseSchema
from app.common.transaction import transactional

from . import service
from .models import ELEMENTS

bp = Blueprint("surveys_api", __name__, url_prefix="/api/v1", description="Survei kepuasan (IKM)")


class SurveyInSchema(BaseSchema):
    scores = fields.Dict(keys=fields.String(validate=validate.OneOf([k for k, _ in ELEMENTS])),
                         values=fields.Integer(validate=validate.Range(min=1, max=4)), required=True)
    comment = fields.String(load_default=None, validate=validate.Length(max=2000))


class SurveyOutSchema(Schema):
    case_id = fields.Integer()
    scores = fields.Dict()
    comment = fields.String(allow_none=True)


@bp.post("/cases/<int:case_id>/survey")
@bp.arguments(SurveyInSchema)
@bp.response(201, SurveyOutSchema)
@transactional
def answer(args, case_id: int):
    """Rate a finished case on the nine IKM elements (1-4), once."""
    user = require_user()
    case = cases.get_visible(user, case_id)
    if case.applicant_id != user.id:
        raise NotFound(_("Permohonan tidak ditemukan."))
    response = service.submit(case=case, user_id=user.id, scores=args["scores"], comment=args.get("comment"))
    return {"case_id": case.id, "scores": {k: getattr(response, k) for k, _ in ELEMENTS},
            "comment": response.comment}
