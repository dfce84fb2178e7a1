"""Plausibility rules of a form, written as data in its JSON Schema (`x-rules`), checked with the schema.

JSON Schema checks one value at a time; these rules compare a field with another field of the same
object or with today's date (Asia/Jakarta), so that "the research ends after it starts" or "the STRA
has not expired" is part of the service's form, not code per service:

    "x-rules": [
      {"field": "tanggal_lahir", "before": "today", "message": "Tanggal lahir tidak boleh hari ini atau sesudahnya."},
      {"field": "masa_berlaku_stra", "notBefore": "today"},
      {"field": "tanggal_selesai", "notBefore": "tanggal_mulai"}
    ]

A rule names its `field` and one comparison, `before` (<), `notAfter` (<=), `after` (>) or `notBefore`
(>=), against a sibling field's name, `today`, or `today` moved by whole days, months or years
(`today+30d`, `today-17y`). Dates (`YYYY-MM-DD`) compare as dates, numbers as numbers. A rule is
silent while either side is empty or not yet of the right type (the schema reports that). Its error
is reported under `field` with the rule's `message` as written, else a generic message. `x-rules`
may stand on any object of the schema.

`x-validUntilNotAfter` (root of an application form) names the date field that caps the validity of
the permit issued for it, e.g. a SIPA ends no later than the STRA it rests on (`valid_until_cap`).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext

from app.common import clock
from app.common.i18n import N_

RULES = "x-rules"
VALID_UNTIL_NOT_AFTER = "x-validUntilNotAfter"
COMPARISONS = {
    "before": (lambda a, b: a < b, N_("Harus sebelum %(other)s.")),
    "notAfter": (lambda a, b: a <= b, N_("Tidak boleh sesudah %(other)s.")),
    "after": (lambda a, b: a > b, N_("Harus sesudah %(other)s.")),
    "notBefore": (lambda a, b: a >= b, N_("Tidak boleh sebelum %(other)s.")),
}
TODAY = re.compile(r"^today(?:([+-])([0-9]{1,4})([dmy]))?$")


def today() -> date:
    """Today's date in office time."""
    return clock.now().astimezone(clock.JAKARTA).date()


def _shift(day: date, sign: str, amount: int, unit: str) -> date:
    amount = amount if sign == "+" else -amount
    if unit == "d":
        return date.fromordinal(day.toordinal() + amount)
    months = day.year * 12 + day.month - 1 + (amount if unit == "m" else amount * 12)
    year, month = divmod(months, 12)
    for last in (day.day, 30, 29, 28):  # the 31st moved to a shorter month lands on its last day
        try:
            return date(year, month + 1, last)
        except ValueError:
            continue
    raise ValueError(day)


def _value(raw: Any) -> date | float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def _operand(ref: str, schema: dict, data: dict) -> tuple[date | float | None, str]:
    """The value a rule compares with, and how its message names it."""
    match = TODAY.match(ref)
    if match:
        day = today() if not match.group(1) else _shift(today(), match.group(1), int(match.group(2)),
                                                         match.group(3))
        return day, (gettext(N_("hari ini")) if not match.group(1) else day.isoformat())
    prop = (schema.get("properties") or {}).get(ref) or {}
    return _value(data.get(ref)), str(prop.get("title") or ref)


def rule_problems(schema: Any, path: str = "") -> list[str]:
    """What is malformed in the rules of a schema (for model checks and tests); [] when they are usable."""
    if not isinstance(schema, dict):
        return []
    problems: list[str] = []
    props = schema.get("properties") or {}
    rules = schema.get(RULES, [])
    if not isinstance(rules, list):
        return [gettext("%(where)s: %(key)s harus berupa daftar", where=path or "/", key=RULES)]
    for index, rule in enumerate(rules):
        where = f"{path or '/'} {RULES}[{index}]"
        kinds = [k for k in COMPARISONS if isinstance(rule, dict) and k in rule]
        if not isinstance(rule, dict) or rule.get("field") not in props:
            problems.append(gettext("%(where)s: 'field' harus nama isian objek ini", where=where))
        elif len(kinds) != 1:
            problems.append(gettext("%(where)s: tepat satu dari %(choices)s", where=where,
                                    choices=", ".join(COMPARISONS)))
        elif not isinstance(rule[kinds[0]], str) or not (TODAY.match(rule[kinds[0]]) or rule[kinds[0]] in props):
            problems.append(gettext("%(where)s: pembanding harus nama isian, 'today' atau 'today+N(d|m|y)'",
                                    where=where))
    for key, sub in props.items():
        problems.extend(rule_problems(sub, f"{path}/{key}"))
    return problems


def rule_errors(schema: Any, data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(field path, message) for each rule of `schema` that `data` breaks, at any object level."""
    if not isinstance(schema, dict) or not isinstance(data, dict):
        return []
    found: list[tuple[str, str]] = []
    rules = schema.get(RULES)
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
            continue
        for kind, (holds, default) in COMPARISONS.items():
            ref = rule.get(kind)
            if not isinstance(ref, str):
                continue
            value = _value(data.get(rule["field"]))
            other, other_label = _operand(ref, schema, data)
            if value is None or other is None or type(value) is not type(other):
                continue
            if not holds(value, other):
                message = rule.get("message") if isinstance(rule.get("message"), str) else None
                path = f"{prefix}.{rule['field']}" if prefix else rule["field"]
                found.append((path, message or gettext(default, other=other_label)))
    for key, sub in (schema.get("properties") or {}).items():
        if isinstance(data.get(key), dict):
            found.extend(rule_errors(sub, data[key], f"{prefix}.{key}" if prefix else key))
    return found


def date_bounds(schema: Any) -> dict[str, dict[str, str]]:
    """{field: {"min"/"max": ISO date}} from the rules that compare a field with today: hints for date inputs."""
    bounds: dict[str, dict[str, str]] = {}
    rules = schema.get(RULES) if isinstance(schema, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
            continue
        for kind, edge, step in (("before", "max", -1), ("notAfter", "max", 0), ("after", "min", 1),
                                 ("notBefore", "min", 0)):
            ref = rule.get(kind)
            day, _label = _operand(ref, {}, {}) if isinstance(ref, str) and TODAY.match(ref) else (None, "")
            if isinstance(day, date):
                bounds.setdefault(rule["field"], {})[edge] = date.fromordinal(day.toordinal() + step).isoformat()
    return bounds


def valid_until_cap(schema: dict | None, data: Any) -> date | None:
    """The latest date a permit for this application may be valid until (`x-validUntilNotAfter`), or None."""
    field = (schema or {}).get(VALID_UNTIL_NOT_AFTER)
    value = _value(data.get(field)) if isinstance(field, str) and isinstance(data, dict) else None
    return value if isinstance(value, date) else None
