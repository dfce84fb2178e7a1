"""Billing codes: the local generator's format and check digit, and a configured adapter class."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.payments import service as payments
from app.payments.billing import LocalBillingCodes, luhn_digit, luhn_valid
from tests.processes.support import applicant


class FixedPrefixCodes:
    """An adapter as an office would plug in (e.g. codes from Bapenda's system)."""

    def __init__(self, config):
        self.prefix = config["BILLING_CODE_PREFIX"]

    def new_code(self, *, case_id: int, amount: int, expires_at: datetime) -> str:
        return f"{self.prefix}{case_id:06d}{amount % 1000:03d}"


def _draft_case():
    return cases.create_draft(actor=applicant(), service_key="pbg", data={})


def test_luhn_check_digit_catches_a_mistyped_digit():
    assert luhn_digit("7992739871") == "3"  # the textbook example
    code = "3200260000001" + luhn_digit("3200260000001")
    assert luhn_valid(code)
    assert not luhn_valid(code[:-2] + str((int(code[-2]) + 1) % 10) + code[-1])


def test_local_codes_follow_the_format_and_number_the_year_without_gaps(ctx):
    case = _draft_case()
    with clock.frozen_at(datetime.fromisoformat("2026-11-24T10:00:00+07:00")):
        first = payments.issue_bill(case, amount=248_400, element_id="a")
        second = payments.issue_bill(case, amount=100_000, element_id="b")
    assert first.billing_code[:-1] == "3200" + "26" + "0000001"
    assert second.billing_code[:-1] == "3200" + "26" + "0000002"
    assert luhn_valid(first.billing_code) and luhn_valid(second.billing_code)


def test_a_configured_adapter_class_supplies_the_codes(ctx):
    ctx.config["BILLING_CODE_ADAPTER"] = "tests.payments.test_billing:FixedPrefixCodes"
    case = _draft_case()
    bill = payments.issue_bill(case, amount=248_400, element_id="a")
    db.session.flush()
    assert bill.billing_code == f"3200{case.id:06d}400"


def test_a_format_without_a_sequence_is_refused_at_start():
    with pytest.raises(RuntimeError):
        LocalBillingCodes({"BILLING_CODE_FORMAT": "{prefix}{yy}", "BILLING_CODE_PREFIX": "3200"})
