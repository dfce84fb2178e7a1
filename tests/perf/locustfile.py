"""Locust workload for SatuPintu (tests/perf/bench_http.py drives it; docs/PERFORMANCE.md, HTTP section).

Users:
- `Visitor`: the public: the catalog (home, a service page, the API catalog) and case tracking
  (`/lacak?nomor=` page and `GET /api/v1/track/{number}`);
- `Applicant`: files an sip_apoteker application through the API: create (with Idempotency-Key),
  upload every required document (multipart), submit; each accepted step is appended to the client
  log (`LOAD_ACCEPTED_LOG`) so the bench can check the database against what clients were told. An
  answer lost on the way (connection cut or timed out) is asked again, as a careful client does: the
  same Idempotency-Key for a create or an upload, and a submit that answers 409 after a lost answer is
  confirmed by reading the case;
- `Officer`: the front office and Dinas Kesehatan: list their group's tasks, complete one;
- `Health`: `/healthz` only, the baseline.

Settings come from the environment: `LOAD_TOKENS` (JSON file of bearer tokens by account),
`LOAD_NUMBERS` (registration numbers to track), `LOAD_ACCEPTED_LOG`, `LOAD_WAIT_MIN`/`LOAD_WAIT_MAX`
(think time, seconds), `LOAD_SPIKE=1` (a refused request with Retry-After is counted as shed, and the
user waits as told, instead of failing the run).
"""
from __future__ import annotations

import json
import os
import random
import sys
import threading
import uuid
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant, task

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.api import MINIMAL_PDF, MINIMAL_PNG  # noqa: E402
from tests.support.data import requirements, sample_application  # noqa: E402

TOKENS = json.loads(Path(os.environ["LOAD_TOKENS"]).read_text()) if os.environ.get("LOAD_TOKENS") else {}
NUMBERS: list[str] = (json.loads(Path(os.environ["LOAD_NUMBERS"]).read_text())
                      if os.environ.get("LOAD_NUMBERS") else [])
ACCEPTED_LOG = os.environ.get("LOAD_ACCEPTED_LOG", "")
SPIKE = os.environ.get("LOAD_SPIKE") == "1"
WAIT = between(float(os.environ.get("LOAD_WAIT_MIN", "0.5")), float(os.environ.get("LOAD_WAIT_MAX", "1.5")))
SERVICES = ("sip_apoteker", "sip_dokter", "pbg", "reklame")
REQUIRED = [r for r in requirements() if r["required"]]
VERIFY = {"verification_outcome": "complete", "verification_note": "Lengkap.",
          "document_verdicts": {r["key"]: {"verdict": "ok"} for r in REQUIRED}}
RECOMMEND = {"recommendation": "recommend", "recommendation_note": "Sarana layak."}
_log_lock = threading.Lock()


def _accepted(kind: str, **fields) -> None:
    """Append one acknowledged step to the client log (one JSON object a line)."""
    if not ACCEPTED_LOG:
        return
    with _log_lock, open(ACCEPTED_LOG, "a") as log:
        log.write(json.dumps({"kind": kind, **fields}) + "\n")


def _multipart(requirement: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body with the `requirement` field and the `file` part."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\n{requirement}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class SatuPintuUser(FastHttpUser):
    """Shared request handling: shed answers (429/503 + Retry-After) are told apart from errors."""

    abstract = True
    wait_time = WAIT
    network_timeout = 60.0
    connection_timeout = 30.0
    _last_status: int | None = None  # of the last request: 0 when no answer came (cut or timed out)

    def call(self, method: str, path: str, *, name: str | None = None, ok=(200,), token: str | None = None,
             **kwargs):
        """One request; returns the response on an expected status, else None (recorded as a failure)."""
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self.client.request(method, path, name=name or path, headers=headers, catch_response=True,
                                 **kwargs) as response:
            status = response.status_code
            self._last_status = status
            if status in ok:
                response.success()
                return response
            retry_after = response.headers.get("Retry-After") if response.headers else None
            if status in (429, 503) and retry_after:
                response.failure(f"shed {status} with Retry-After")
                if SPIKE:
                    self._shed_wait = min(float(retry_after), 10.0)
            elif status in (429, 503):
                response.failure(f"refused {status} without Retry-After")
            elif status == 0:
                response.failure(f"connection error: {response.error!r}"[:200])
            else:
                response.failure(f"unexpected {status}: {response.text[:200] if response.text else ''}")
            return None

    def backoff(self) -> bool:
        """After a shed answer, wait as the server asked; True when the user should stop this journey."""
        wait = getattr(self, "_shed_wait", 0)
        if wait:
            self._shed_wait = 0
            gevent.sleep(wait)
            return True
        return False


class Health(SatuPintuUser):
    """The baseline: as many /healthz requests as the server answers."""

    wait_time = constant(0)
    weight = 1  # run alone: the bench names the classes of each phase

    @task
    def healthz(self):
        self.call("GET", "/healthz")


class Visitor(SatuPintuUser):
    """The public: catalog pages and case tracking."""

    weight = 6

    @task(3)
    def track_page(self):
        number = random.choice(NUMBERS)
        self.call("GET", f"/lacak?nomor={number}", name="/lacak?nomor=[number]", headers={"Accept": "text/html"})
        self.backoff()

    @task(3)
    def track_api(self):
        number = random.choice(NUMBERS)
        self.call("GET", f"/api/v1/track/{number}", name="/api/v1/track/[number]")
        self.backoff()

    @task(1)
    def home(self):
        self.call("GET", "/", headers={"Accept": "text/html"})
        self.backoff()

    @task(1)
    def service_page(self):
        key = random.choice(SERVICES)
        self.call("GET", f"/layanan/{key}", name="/layanan/[key]", headers={"Accept": "text/html"})
        self.backoff()

    @task(1)
    def catalog_api(self):
        self.call("GET", "/api/v1/services")
        self.backoff()


class Applicant(SatuPintuUser):
    """Files one application (create, uploads, submit) per journey; retries a shed step as told."""

    weight = 2

    def _step(self, method: str, path: str, *, name: str, ok: tuple, tries: int = 5, ok_after_lost: tuple = (),
              **kwargs):
        """One step of the journey, asked again after a refusal (as told) or a lost answer (same request)."""
        lost = False
        for _ in range(tries):
            response = self.call(method, path, name=name, ok=ok + (ok_after_lost if lost else ()),
                                 token=TOKENS["applicant"], **kwargs)
            if response is not None:
                return response
            if self._last_status == 0:  # no answer: the server may have done it; the same request is safe
                lost = True
                gevent.sleep(random.uniform(1.0, 3.0))
                continue
            if not self.backoff():
                return None  # an error, not a refusal: give up this journey
        return None

    @task
    def file_application(self):
        marker = uuid.uuid4().hex
        data = sample_application()
        data["alamat"] = f"Jl. Uji Beban {marker}, RT 01/RW 02, Kota Contoh"
        created = self._step("POST", "/api/v1/cases", name="/api/v1/cases", ok=(201,),
                             json={"service": "sip_apoteker", "data": data}, headers={"Idempotency-Key": marker})
        if created is None:
            return
        case_id = created.json()["id"]
        _accepted("created", marker=marker, case_id=case_id)
        for req in REQUIRED:
            content, ext, ctype = ((MINIMAL_PDF, "pdf", "application/pdf") if ".pdf" in req["accept"]
                                   else (MINIMAL_PNG, "png", "image/png"))
            body, content_type = _multipart(req["key"], f"{req['key']}.{ext}", content, ctype)
            uploaded = self._step("POST", f"/api/v1/cases/{case_id}/documents", name="/api/v1/cases/[id]/documents",
                                  ok=(201,), data=body,
                                  headers={"Idempotency-Key": f"{marker}-{req['key']}", "Content-Type": content_type})
            if uploaded is None:
                return
        submitted = self._step("POST", f"/api/v1/cases/{case_id}/submit", name="/api/v1/cases/[id]/submit",
                               ok=(200,), ok_after_lost=(409,))
        if submitted is not None and submitted.status_code == 409:  # submitted by the try whose answer was lost?
            submitted = self._step("GET", f"/api/v1/cases/{case_id}", name="/api/v1/cases/[id]", ok=(200,))
            if submitted is not None and submitted.json()["status"] == "draft":
                submitted = None
        if submitted is not None:
            number = submitted.json()["registration_number"]
            _accepted("submitted", marker=marker, case_id=case_id, registration_number=number)
            NUMBERS.append(number)


class Officer(SatuPintuUser):
    """Front-office verifiers and Dinas Kesehatan reviewers: list the group's tasks, complete one."""

    weight = 2

    @task
    def work_inbox(self):
        role, data = random.choice((("loket", VERIFY), ("loket", VERIFY), ("dinkes", RECOMMEND)))
        token = TOKENS[role]
        listed = self.call("GET", "/api/v1/tasks?scope=group&per_page=20", name="/api/v1/tasks?scope=group",
                           token=token)
        if listed is None:
            self.backoff()
            return
        items = listed.json()["items"]
        if not items:
            return
        chosen = random.choice(items)
        # 409: another officer took or finished it first, an answer the API promises, not an error.
        done = self.call("POST", f"/api/v1/tasks/{chosen['id']}/complete", name="/api/v1/tasks/[id]/complete",
                         ok=(200, 409), token=token, json={"data": data})
        if done is None:
            self.backoff()
        elif done.status_code == 200:
            _accepted("completed", task_id=chosen["id"])
