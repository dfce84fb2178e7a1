"""A permit's validity: the model's years, never past the date the form names (a SIPA ends with its STRA)."""
from __future__ import annotations

from datetime import date

from tests.permits.support import issue_through_api


def test_a_sipa_ends_no_later_than_the_stra_it_rests_on(client):
    """The example STRA ends 2029-06-30, before the five years of sip_apoteker: the permit ends with the STRA."""
    view = issue_through_api(client)
    assert view["permit"]["valid_until"] == "2029-06-30"


def test_the_models_years_hold_when_the_stra_outlasts_them(client, app):
    view = issue_through_api(client)
    with app.app_context():
        from app.cases.models import Case
        from app.extensions import db
        from app.permits import service as permits

        case = db.session.get(Case, view["id"])
        issued = date(2026, 12, 8)
        case.data = {**case.data, "masa_berlaku_stra": "2040-01-31"}
        assert permits.validity_end(case, issued) == date(2031, 12, 8)
        case.data = {**case.data, "masa_berlaku_stra": "2027-03-01"}
        assert permits.validity_end(case, issued) == date(2027, 3, 1)
        db.session.rollback()
