"""Fuzzing the JSON API against its own OpenAPI spec (schemathesis over WSGI, no server).

Every /api/v1 operation of GET /api/v1/openapi.json is called with inputs generated from its
documented parameters and bodies, as one of the demo users (applicant, officer, supervisor, admin)
or anonymously. Each response must not be a server error, must have a documented status code and
content type, and must match the documented schema (errors included).

Bounded and reproducible: hypothesis derandomized, a few examples per operation, a per-example
deadline, and a wall-clock budget for the whole run. Half of the examples carry a hostile input class
that once caused 500s (a lone surrogate in a JSON string, a date at year 1 or 9999, a null inside a
list), so those classes stay closed. Path parameters are drawn half the time from
real rows (a draft, a submitted case with its task and documents, the service key, ...) so the
calls reach past the 404s into the handlers.
"""
from __future__ import annotations

import json
import re
import time
import warnings
from collections import Counter
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks

from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.flow import submit_application

EXAMPLES_PER_OPERATION = 10
DEADLINE = timedelta(seconds=10)  # one call (a generous bound: test machines are shared)
# Per database: 20-30 s on a quiet machine, so a loaded one still reaches every operation; past the budget
# the rest is left, and the test fails when fewer than FLOOR of the operations were exercised.
BUDGET_SECONDS = 240
FLOOR = 0.9
USERS = {"applicant": "pemohon@demo.local", "officer": "loket@demo.local",
         "supervisor": "supervisor@demo.local", "admin": "admin@demo.local"}
SKIPPED = {
    # Revokes every token of the caller, ending the run's sessions: exercised in tests/accounts.
    ("POST", "/api/v1/auth/password-reset/confirm"),
    # Sign the caller out (its token, or all its tokens): exercised in tests/security/test_sessions.py.
    ("DELETE", "/api/v1/auth/token"),
    ("DELETE", "/api/v1/auth/tokens"),
}
CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance, st_checks.content_type_conformance,
          st_checks.response_schema_conformance]


def _known_values(client) -> dict[str, list]:
    """Real identifiers for path parameters: a draft, a submitted case with its open task, and so on."""
    applicant = ApiClient(client, USERS["applicant"])
    submitted = submit_application(applicant)
    draft = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    complaint = client.post("/api/v1/complaints", json={
        "name": "Warga Contoh", "contact": "warga@contoh.local", "subject": "Antrean loket",
        "body": "Antrean di loket terlalu panjang pada hari Senin pagi.",
        "registration_number": submitted["registration_number"]})
    assert complaint.status_code == 201, complaint.get_json()
    documents = [d["id"] for d in submitted["documents"]]
    tasks = [s["task_id"] for s in submitted["current_steps"]]
    return {
        "case_id": [submitted["id"], draft["id"]],
        "document_id": documents[:2],
        "task_id": tasks,
        "key": ["sip_apoteker"],
        "version": [1],
        "registration_number": [submitted["registration_number"]],
        "day": ["2026-12-25"],
        "ticket": [complaint.get_json()["ticket"]],
    }


# Input classes that once turned into 500s (issue 18): a lone surrogate in any JSON string, dates at
# year 1 or 9999, nulls inside lists. Half of the examples get one of them layered on the generated input.
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
EXTREME_DATES = ["0001-01-01", "9999-12-31"]
EXTREME_MOMENTS = ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00"]
HOSTILE = ["surrogate", "extreme_date", "null_in_list"]


def _hostile(value, kind: str, draw):
    """The value with the hostile class applied to its strings, dates or lists (recursively)."""
    if isinstance(value, dict):
        return {key: _hostile(item, kind, draw) for key, item in value.items()}
    if isinstance(value, list):
        items = [_hostile(item, kind, draw) for item in value]
        return [*items, None] if kind == "null_in_list" else items
    if isinstance(value, str):
        if kind == "surrogate":
            return value + "\ud800"
        if kind == "extreme_date" and DATE.match(value):
            return draw(st.sampled_from(EXTREME_DATES))
        if kind == "extreme_date" and DATE_TIME.match(value):
            return draw(st.sampled_from(EXTREME_MOMENTS))
    return value


def _make_hostile(case, data) -> None:
    """Maybe layer one hostile input class on a generated case: JSON bodies get all three, queries dates."""
    kind = data.draw(st.sampled_from([None, *HOSTILE]), label="hostile")
    if kind is None:
        return
    draw = data.draw
    if isinstance(case.body, dict | list):
        case.body = _hostile(case.body, kind, draw)
        if kind == "surrogate":  # sent as JSON text with the "\\ud800" escape, as a client would write it
            case.body = json.dumps(case.body).encode()
    if kind == "extreme_date" and case.query:
        case.query = {key: _hostile(value, kind, draw) for key, value in case.query.items()}


def _operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        yield operation


@pytest.fixture
def fuzz_setup(app, client):
    known = _known_values(client)
    tokens = {role: ApiClient(client, email).token for role, email in USERS.items()}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, known, tokens


def _fuzz(operation, known: dict, tokens: dict, seen: dict) -> None:
    """Call one operation with generated inputs as random demo users; raise on the first failed check."""
    roles = [None, *tokens]
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=DEADLINE, database=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=operation.as_strategy(), data=st.data())
    def run(case, data):
        for name in list(case.path_parameters or {}):
            if known.get(name) and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known[name]), label=name)
        _make_hostile(case, data)
        role = data.draw(st.sampled_from(roles), label="as")
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        response = case.call(headers=headers)
        seen.setdefault(label, []).append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_api_conforms_to_its_spec(fuzz_setup):
    schema, known, tokens = fuzz_setup
    operations = list(_operations(schema))
    assert len(operations) > 50, "the spec lists the API's operations"
    failures: list[str] = []
    seen: dict[str, list[int]] = {}
    started = time.monotonic()
    done = 0
    for operation in operations:
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        try:
            _fuzz(operation, known, tokens, seen)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - collect every operation's failures, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
        done += 1
    elapsed = time.monotonic() - started
    statuses = Counter(status for codes in seen.values() for status in codes)
    print(f"fuzzed {done}/{len(operations)} operations, {sum(statuses.values())} calls in {elapsed:.1f}s: "
          f"{dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures)
    exercised = sum(1 for codes in seen.values() if codes)
    left = [f"{o.method.upper()} {o.path}" for o in operations[done:]]
    assert exercised >= FLOOR * len(operations), (
        f"only {exercised}/{len(operations)} operations exercised in {BUDGET_SECONDS}s; not reached: {left}")
    if left:
        warnings.warn(f"fuzzing budget of {BUDGET_SECONDS}s ran out; not reached: {left}", stacklevel=1)
