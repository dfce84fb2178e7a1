"""Billing codes: a pluggable adapter, and the built-in local generator.

An office that gets its billing codes from the revenue agency (Bapenda) or a bank's
billing system sets ``BILLING_CODE_ADAPTER`` to ``"package.module:ClassName"``; the class
is built with the application config and must implement `BillingCodeAdapter`. The default,
``"local"``, numbers codes itself: ``BILLING_CODE_FORMAT`` (default
``{prefix}{yy}{seq:07d}``, with ``BILLING_CODE_PREFIX``, the two-digit year ``yy``, the
four-digit ``year`` and a gap-free yearly ``seq``) followed by a Luhn check digit, so a
mistyped code is refused at the bank counter.
"""
from __future__ import annotations

import importlib
import string
from datetime import datetime
from typing import Any, Protocol

from flask import current_app

from app.common import clock
from app.common.sequences import next_value


class BillingCodeAdapter(Protocol):
    """Gives a new, unique billing code for a bill about to be issued."""

    def new_code(self, *, case_id: int, amount: int, expires_at: datetime) -> str:
        """A billing code the payment channels will accept."""
        ...


def luhn_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit of a string of digits."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled: every second digit from the right, counting the check digit as first
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(code: str) -> bool:
    """Whether a code of digits ends in its Luhn check digit."""
    return code.isdigit() and len(code) > 1 and luhn_digit(code[:-1]) == code[-1]


class LocalBillingCodes:
    """Codes numbered by this office: format fields, then a Luhn check digit."""

    def __init__(self, config: dict[str, Any]):
        self.format = config.get("BILLING_CODE_FORMAT") or "{prefix}{yy}{seq:07d}"
        self.prefix = str(config.get("BILLING_CODE_PREFIX") or "")
        fields = {name for _, name, _, _ in string.Formatter().parse(self.format) if name}
        unknown = fields - {"prefix", "yy", "year", "seq"}
        if unknown or "seq" not in fields:
            raise RuntimeError(f"BILLING_CODE_FORMAT must use {{seq}} and only prefix, yy, year, seq: {self.format!r}")

    def new_code(self, *, case_id: int, amount: int, expires_at: datetime) -> str:  # noqa: ARG002
        """Next code of the year, e.g. 3273 26 0000001 + check digit."""
        year = clock.now().astimezone(clock.JAKARTA).year
        seq = next_value(f"billing_code:{year}")
        body = self.format.format(prefix=self.prefix, yy=f"{year % 100:02d}", year=year, seq=seq)
        if not body.isdigit():
            raise RuntimeError("BILLING_CODE_FORMAT and BILLING_CODE_PREFIX must produce digits only")
        return body + luhn_digit(body)


def adapter() -> BillingCodeAdapter:
    """The configured billing code adapter."""
    config = current_app.config
    name = config.get("BILLING_CODE_ADAPTER") or "local"
    if name == "local":
        return LocalBillingCodes(config)
    module_name, _, class_name = name.partition(":")
    if not class_name:
        raise RuntimeError(f"BILLING_CODE_ADAPTER must be 'local' or 'package.module:ClassName', got {name!r}")
    return getattr(importlib.import_module(module_name), class_name)(config)
