"""IKM per PermenPAN-RB 14/2017: NRR per element, IKM = sum(NRR x 1/9) x 25, categories A-D."""
from __future__ import annotations

import pytest

from app.surveys import service
from app.surveys.models import ELEMENTS


@pytest.mark.parametrize("score, letter", [(100, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"),
                                           (65.00, "C"), (64.99, "D"), (25, "D")])
def test_category_bounds(score, letter):
    assert service.category(score)[0] == letter


def _answer(ctx, scores_by_case):
    from app.accounts.service import get_by_email
    from app.cases import service as cases
    from app.extensions import db

    user = get_by_email("pemohon@demo.local")
    for scores in scores_by_case:
        case = cases.create_draft(actor=user, service_key="sip_apoteker", data={})
        case.status = "issued"
        db.session.flush()
        service.submit(case=case, user_id=user.id, scores=dict(zip([k for k, _ in ELEMENTS], scores, strict=True)),
                       comment=None)
    db.session.commit()


def test_ikm_of_known_answers(ctx):
    # Two respondents: all 4s and all 3s -> NRR 3.5 for every element -> IKM 87.5 (B).
    _answer(ctx, [[4] * 9, [3] * 9])
    result = service.ikm()
    assert result["responses"] == 2 and result["score"] == 87.5 and result["category"] == "B"
    assert {e["nrr"] for e in result["elements"]} == {3.5}


def test_ikm_weights_every_element_equally(ctx):
    # One respondent: 4,4,4,4,4,4,4,4,1 -> sum NRR = 33 -> 33/9*25 = 91.67 (A).
    _answer(ctx, [[4, 4, 4, 4, 4, 4, 4, 4, 1]])
    assert service.ikm(service="sip_apoteker")["score"] == 91.67
    assert service.ikm(service="pbg")["responses"] == 0


def test_survey_only_once_and_only_when_finished(ctx):
    from app.accounts.service import get_by_email
    from app.cases import service as cases
    from app.common.errors import Conflict, ValidationFailed

    user = get_by_email("pemohon@demo.local")
    case = cases.create_draft(actor=user, service_key="sip_apoteker", data={})
    scores = {k: 4 for k, _ in ELEMENTS}
    with pytest.raises(Conflict):
        service.submit(case=case, user_id=user.id, scores=scores, comment=None)
    case.status = "issued"
    with pytest.raises(ValidationFailed):
        service.submit(case=case, user_id=user.id, scores={**scores, "u3": 5}, comment=None)
    service.submit(case=case, user_id=user.id, scores=scores, comment="Cepat")
    with pytest.raises(Conflict):
        service.submit(case=case, user_id=user.id, scores=scores, comment=None)
