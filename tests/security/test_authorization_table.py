"""Every route × every role: who gets in, who is sent to log in, who is refused, and who may not even know.

`TABLE` classifies each registered route (``app.url_map``); a route missing from it fails
`test_every_route_is_in_the_table`, so a new route cannot ship unclassified. A request carries
the smallest body that passes the route's schema: an allowed caller then gets past the access
checks and stops at validation (400/422) or a state conflict (409), which counts as "ok" — the
table tests who may call, not what the call does. CSRF is off in this app only (tests/common
covers it), so a refused request is refused by the access rule, not by a missing token.

Outcomes: ``ok`` (2xx/3xx/400/409/422: past the access checks), ``login`` (redirect to the login
page), ``401``, ``403``, ``404`` (existence is private), ``refused`` (a page redirected back with
an access error in its message).

Roles run anonymous first and applicant A last, each with its GETs before its other methods, so
that A's own state changes (withdrawing the case) come after everyone else looked at it.

Runtime: the whole table runs on SQLite (~2,000 requests); on PostgreSQL it runs the rows that
touch applicant A's things (the IDOR rows) for applicant B, one officer group, the supervisor and
the admin — the database changes how rows are found, not who may see them.
"""
from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field

import pytest

from tests.security.authz import ROLES, World, build_world, classify, session_cookies
from tests.support.api import MINIMAL_PDF

ALL = set(ROLES)
USERS = ALL - {"anonymous"}
OFFICERS = {"loket", "teknis_dinkes", "teknis_pupr", "kabid", "kadis", "pengaduan"}
OFFICE = OFFICERS | {"supervisor", "admin"}            # officer pages: app.inbox.pages.OFFICER_ROLES
STAFF = OFFICE | {"analyst"}                           # app.accounts.service.is_staff
MODELERS = {"analyst", "admin"}
SUPERVISORS = {"supervisor", "admin"}
ADMIN = {"admin"}
A = {"applicant_a"}
ORDER = ["anonymous", "applicant_b", "loket", "teknis_dinkes", "teknis_pupr", "kabid", "kadis", "pengaduan",
         "supervisor", "analyst", "admin", "applicant_a"]


@dataclass
class Row:
    """Expected outcome per role, and what to send."""

    expect: dict[str, str]
    json: dict | None = None
    form: dict | None = None
    query: str = ""
    values: dict[str, str] = field(default_factory=dict)
    touches_a: bool = False  # names one of applicant A's things: run on PostgreSQL too


def _expect(ok: set[str], others: str, anonymous: str, special: dict[str, str]) -> dict[str, str]:
    expected = {role: "ok" if role in ok else anonymous if role == "anonymous" else others for role in ROLES}
    return expected | special


def page(ok: set[str], *, others: str = "403", anonymous: str = "login", special: dict | None = None,
         **kw) -> Row:
    """An HTML page or form: anonymous is sent to log in, other roles get `others`."""
    return Row(_expect(ok, others, anonymous, special or {}), **kw)


def api(ok: set[str], *, others: str = "403", anonymous: str = "401", special: dict | None = None, **kw) -> Row:
    """A JSON endpoint: anonymous gets 401, other roles `others`."""
    return Row(_expect(ok, others, anonymous, special or {}), **kw)


def public(**kw) -> Row:
    """Open to everyone, signed in or not."""
    return Row(_expect(ALL, "ok", "ok", {}), **kw)


def own_case_page(**kw) -> Row:
    """Applicant A's own application pages: nobody else learns that the case exists."""
    return page(A, others="404", touches_a=True, **kw)


# Case views: A and the office see A's case; B must not learn it exists.
A_CASE_READ = dict(others="404", special={}, touches_a=True)
# Applicant-only actions on A's case: B gets 404, the office is refused (403) after seeing it exists.
A_CASE_OWNER = dict(others="403", special={"applicant_b": "404"}, touches_a=True)
# Front-office task of A's case: its group, supervisors and admins; B and A must not see the office's task.
TASK_GROUP = {"loket", "supervisor", "admin"}
TASK = dict(others="403", special={"applicant_b": "404", "applicant_a": "404"}, touches_a=True)
TASK_PAGE = dict(others="403", touches_a=True)
TASK_FORM_REFUSED = {r: "refused" for r in OFFICERS - {"loket"}}

TABLE: dict[tuple[str, str], Row] = {
    # -- public pages and endpoints ------------------------------------------------------------
    ("GET", "/"): public(),
    ("GET", "/layanan/<key>"): public(),
    ("GET", "/lacak"): public(query="nomor=SIPA-2026-000001"),
    ("GET", "/masuk"): public(),
    ("POST", "/masuk"): Row({r: "401" for r in ROLES}),  # wrong credentials, whoever asks
    ("POST", "/keluar"): public(),
    ("GET", "/daftar"): public(),
    ("POST", "/daftar"): public(),
    ("GET", "/bahasa/<code>"): public(),
    ("GET", "/healthz"): public(),
    ("GET", "/static/<path:filename>"): public(),
    ("GET", "/transparansi"): public(),
    ("GET", "/verify/<token>"): public(),
    ("POST", "/verify/<token>"): public(form={"berkas": "pdf"}),  # PDF_FIELD: a presented file
    ("GET", "/api/v1/verify/<token>"): public(),
    ("GET", "/api/v1/track/<path:registration_number>"): public(),
    ("GET", "/api/v1/services"): public(),
    ("GET", "/api/v1/services/<key>"): public(),
    ("GET", "/api/v1/services/<key>/standard"): public(),
    ("GET", "/api/v1/openapi.json"): public(),
    ("GET", "/api/v1/docs"): public(),
    ("GET", "/pengaduan"): public(),
    ("POST", "/pengaduan"): public(),
    ("GET", "/pengaduan/cari"): public(query="tiket=ADU-0000-0000"),
    # A complaint's ticket is its capability (API.md): holders see the public view only, checked below.
    ("GET", "/pengaduan/tiket/<ticket>"): public(touches_a=True),
    ("GET", "/api/v1/complaints/<ticket>"): public(touches_a=True),
    ("POST", "/api/v1/complaints"): public(json={"name": "x", "contact": "x", "subject": "x", "body": "x"}),
    ("POST", "/api/v1/payments/callback"): Row({r: "401" for r in ROLES}),  # HMAC signature, not a login
    # -- accounts ------------------------------------------------------------------------------
    ("POST", "/akun/kirim-ulang"): public(),
    ("GET", "/akun/kode"): public(),
    ("POST", "/akun/kode"): public(),
    ("GET", "/akun/lupa-sandi"): public(),
    ("POST", "/akun/lupa-sandi"): public(),
    ("GET", "/akun/reset/<token>"): public(),
    ("POST", "/akun/reset/<token>"): public(),
    ("GET", "/akun/tautan/<token>"): public(),
    ("GET", "/akun/verifikasi/<token>"): public(),
    ("GET", "/akun/profil"): page(USERS),
    ("POST", "/akun/profil"): page(USERS),
    ("POST", "/api/v1/auth/token"): Row({r: "401" for r in ROLES}, json={"email": "x@x.id", "password": "x"}),
    ("POST", "/api/v1/auth/register"): public(json={}),
    ("DELETE", "/api/v1/auth/token"): api(USERS),
    ("DELETE", "/api/v1/auth/tokens"): api(USERS),
    ("POST", "/api/v1/auth/verify-email"): public(json={"token": "x"}),
    ("POST", "/api/v1/auth/verify-email/resend"): public(json={"email": "x@x.id"}),
    ("POST", "/api/v1/auth/password-reset"): public(json={"email": "x@x.id"}),
    ("POST", "/api/v1/auth/password-reset/confirm"): public(json={"token": "x", "password": "x"}),
    ("GET", "/api/v1/me"): api(USERS),
    ("PATCH", "/api/v1/me"): api(USERS, json={}),
    ("GET", "/admin/pengguna"): page(ADMIN),
    ("GET", "/admin/pengguna/<int:user_id>"): page(ADMIN),
    ("POST", "/admin/pengguna/<int:user_id>"): page(ADMIN),
    ("POST", "/admin/pengguna/<int:user_id>/verifikasi-email"): page(ADMIN),
    ("GET", "/admin/audit"): page(ADMIN),
    ("GET", "/api/v1/audit"): api(ADMIN),
    # -- the applicant's pages -----------------------------------------------------------------
    ("GET", "/permohonan"): page(USERS),
    ("GET", "/permohonan/baru/<key>"): page(USERS),
    ("POST", "/permohonan/baru/<key>"): page(USERS),
    ("GET", "/permohonan/<int:case_id>"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/ajukan"): own_case_page(),
    ("GET", "/permohonan/<int:case_id>/batal"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/batal"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/berkas"): own_case_page(form={"requirement": "ktp", "file": "pdf"}),
    ("GET", "/permohonan/<int:case_id>/dokumen"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/dokumen"): own_case_page(form={"requirement": "ktp", "file": "pdf"}),
    ("GET", "/permohonan/<int:case_id>/isi"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/isi"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/pakai-ulang"): page(A, others="404", touches_a=True,
                                                            special={"applicant_b": "refused"},
                                                            form={"document_id": "{document_id}"}),
    ("POST", "/permohonan/<int:case_id>/perbaikan"): own_case_page(),
    ("GET", "/permohonan/<int:case_id>/periksa"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/perpanjang"): own_case_page(),
    ("GET", "/permohonan/<int:case_id>/survei"): own_case_page(),
    ("POST", "/permohonan/<int:case_id>/survei"): own_case_page(),
    ("GET", "/permohonan/<int:case_id>/tanda-terima"): own_case_page(),
    ("GET", "/notifikasi"): page(USERS),
    ("POST", "/notifikasi/baca-semua"): page(USERS),
    ("POST", "/notifikasi/<int:notification_id>/baca"): page(A, others="refused", touches_a=True),
    # -- cases API -----------------------------------------------------------------------------
    ("GET", "/api/v1/cases"): api(USERS),
    ("POST", "/api/v1/cases"): api(USERS, json={"service": "sip_apoteker", "data": {}}),
    ("GET", "/api/v1/cases/<int:case_id>"): api(A | STAFF, **A_CASE_READ),
    ("PATCH", "/api/v1/cases/<int:case_id>"): api(A, json={"data": {}}, **A_CASE_OWNER),
    ("POST", "/api/v1/cases/<int:case_id>/documents"): api(A, **A_CASE_OWNER),
    ("GET", "/api/v1/cases/<int:case_id>/documents/<int:document_id>"): api(A | STAFF, **A_CASE_READ),
    ("POST", "/api/v1/cases/<int:case_id>/documents/reuse"): api(A, json={"document_id": "{document_id}"},
                                                                 **A_CASE_OWNER),
    ("GET", "/api/v1/cases/<int:case_id>/reusable-documents"): api(A, **A_CASE_OWNER),
    ("POST", "/api/v1/cases/<int:case_id>/submit"): api(A, **A_CASE_OWNER),
    ("POST", "/api/v1/cases/<int:case_id>/withdraw"): api(A, json={}, **A_CASE_OWNER),
    ("POST", "/api/v1/cases/<int:case_id>/renew"): api(A, **A_CASE_OWNER),
    # the survey is found among the caller's own cases: everyone else gets 404
    ("POST", "/api/v1/cases/<int:case_id>/survey"): api(A, json={"scores": {}}, others="404", touches_a=True),
    ("POST", "/api/v1/cases/<int:case_id>/retry"): api({"supervisor", "analyst", "admin"}, touches_a=True),
    ("GET", "/api/v1/cases/<int:case_id>/receipt.pdf"): api(A | STAFF, **A_CASE_READ),
    ("GET", "/api/v1/cases/<int:case_id>/bills"): api(A | STAFF, **A_CASE_READ),
    ("GET", "/api/v1/cases/<int:case_id>/bills/<int:bill_id>/skrd.pdf"): api(A | STAFF, **A_CASE_READ),
    ("GET", "/api/v1/sla/cases/<int:case_id>"): api(A | STAFF, **A_CASE_READ),
    ("POST", "/api/v1/sla/cases/<int:case_id>/extensions"): api(SUPERVISORS, json={"days": 1, "reason": "uji"},
                                                                special={"applicant_b": "404"}, touches_a=True),
    ("POST", "/api/v1/sla/cases/<int:case_id>/pause-approval"): api(SUPERVISORS, json={"approve": False},
                                                                    special={"applicant_b": "404"}, touches_a=True),
    # -- permits -------------------------------------------------------------------------------
    ("GET", "/api/v1/permits/<number>"): api(A | STAFF, **A_CASE_READ),
    ("GET", "/api/v1/permits/<number>.pdf"): api(A | STAFF, **A_CASE_READ),
    # the head of office only; the body passes the schema and stops at the service's reason check
    ("POST", "/api/v1/permits/<number>/revoke"): api({"kadis", "admin"}, json={"reason": " "}, touches_a=True),
    ("POST", "/api/v1/permits/<number>/reissue"): api({"kadis", "admin"}, json={"reason": " "}, touches_a=True),
    # -- complaints, notifications -------------------------------------------------------------
    ("GET", "/api/v1/complaints"): api(USERS),
    ("GET", "/api/v1/notifications"): api(USERS),
    ("POST", "/api/v1/notifications/read-all"): api(USERS, json={}),
    ("POST", "/api/v1/notifications/<int:notification_id>/read"): api(A, others="404", touches_a=True),
    ("POST", "/api/v1/notifications/<int:notification_id>/retry"): api(ADMIN),
    ("GET", "/api/v1/notifications/failures"): api(ADMIN),
    ("GET", "/admin/notifikasi"): page(ADMIN),
    ("GET", "/admin/kotak-keluar"): page(ADMIN),
    ("POST", "/admin/notifikasi/<int:notification_id>/ulang"): page(ADMIN),
    # -- officers' workspace -------------------------------------------------------------------
    ("GET", "/petugas/"): page(OFFICE),
    ("GET", "/petugas/tugas"): page(OFFICE),
    ("GET", "/petugas/tugas/<task_id>"): page(TASK_GROUP, **TASK_PAGE),
    ("POST", "/petugas/tugas/<task_id>/ambil"): page(TASK_GROUP, special=TASK_FORM_REFUSED, **TASK_PAGE),
    ("POST", "/petugas/tugas/<task_id>/lepas"): page(TASK_GROUP, special=TASK_FORM_REFUSED, **TASK_PAGE),
    ("POST", "/petugas/tugas/<task_id>/tunda"): page(TASK_GROUP, special=TASK_FORM_REFUSED, **TASK_PAGE),
    ("POST", "/petugas/tugas/<task_id>/selesai"): page(TASK_GROUP, **TASK_PAGE),
    # The draft permit of an approval or signing step: a verification task answers its group 409 ("ok" here).
    ("GET", "/petugas/tugas/<task_id>/draf-izin.pdf"): page(TASK_GROUP, **TASK_PAGE),
    ("POST", "/petugas/tugas/<task_id>/prioritas"): page(SUPERVISORS, touches_a=True),
    ("POST", "/petugas/tugas/<task_id>/tugaskan"): page(SUPERVISORS, touches_a=True),
    ("POST", "/petugas/tugas/alihkan"): page(SUPERVISORS),
    ("POST", "/petugas/filter"): page(OFFICE),
    ("GET", "/petugas/filter/<int:filter_id>"): page({"loket"}, special={r: "404" for r in OFFICE - {"loket"}}),
    ("POST", "/petugas/filter/<int:filter_id>/hapus"): page({"loket"},
                                                            special={r: "refused" for r in OFFICE - {"loket"}}),
    ("GET", "/petugas/ketidakhadiran"): page(OFFICE),
    ("POST", "/petugas/ketidakhadiran"): page(OFFICE),
    ("POST", "/petugas/ketidakhadiran/<int:absence_id>/akhiri"): page(
        {"loket"} | SUPERVISORS, special={r: "refused" for r in OFFICERS - {"loket"}}),
    ("GET", "/petugas/penugasan"): page(SUPERVISORS),
    ("POST", "/petugas/penugasan"): page(SUPERVISORS),
    ("GET", "/petugas/jemput-bola"): page(OFFICE),
    ("POST", "/petugas/jemput-bola"): page(OFFICE),
    # A's own application is not an intake draft of any officer.
    ("GET", "/petugas/jemput-bola/<int:case_id>"): page(set(), special={r: "404" for r in OFFICE}, touches_a=True),
    ("POST", "/petugas/jemput-bola/<int:case_id>/data"): page(set(), special={r: "404" for r in OFFICE},
                                                              touches_a=True),
    ("POST", "/petugas/jemput-bola/<int:case_id>/berkas"): page(set(), special={r: "refused" for r in OFFICE},
                                                                form={"file_ktp": "pdf"}, touches_a=True),
    ("POST", "/petugas/jemput-bola/<int:case_id>/ajukan"): page(set(), special={r: "refused" for r in OFFICE},
                                                                touches_a=True),
    ("GET", "/petugas/permohonan"): page(STAFF),
    ("GET", "/petugas/permohonan/<int:case_id>"): page(STAFF, touches_a=True),
    ("GET", "/petugas/permohonan/<int:case_id>/diagram.json"): page(STAFF, touches_a=True),
    ("POST", "/petugas/permohonan/<int:case_id>/catatan"): page(STAFF, touches_a=True),
    ("GET", "/api/v1/tasks"): api(USERS),
    ("GET", "/api/v1/tasks/<task_id>"): api(TASK_GROUP, **TASK),
    ("POST", "/api/v1/tasks/<task_id>/claim"): api({"loket"}, **TASK),
    ("POST", "/api/v1/tasks/<task_id>/release"): api(TASK_GROUP, **TASK),
    # only the task's group completes it (API.md): supervisors and admins assign, they do not decide
    ("POST", "/api/v1/tasks/<task_id>/complete"): api({"loket"}, json={"data": {}}, **TASK),
    ("GET", "/api/v1/tasks/<task_id>/draft-permit.pdf"): api(TASK_GROUP, **TASK),  # 409: not a signing step
    ("POST", "/api/v1/tasks/<task_id>/follow-up"): api(TASK_GROUP, json={"follow_up_on": None}, **TASK),
    ("POST", "/api/v1/tasks/<task_id>/priority"): api(SUPERVISORS, json={"priority": 1}, **TASK),
    ("POST", "/api/v1/tasks/<task_id>/assign"): api(SUPERVISORS, json={"user_id": 999999}, **TASK),
    # -- payments (officer confirmation of a bank slip; the revenue pages) ---------------------
    ("GET", "/petugas/pembayaran"): page({"loket"} | SUPERVISORS),
    ("GET", "/petugas/pembayaran/<int:bill_id>"): page({"loket"} | SUPERVISORS, touches_a=True),
    ("POST", "/petugas/pembayaran/<int:bill_id>"): page({"loket"} | SUPERVISORS, touches_a=True),
    ("POST", "/api/v1/payments/bills/<int:bill_id>/confirmations"): api({"loket"} | SUPERVISORS, touches_a=True),
    ("GET", "/api/v1/payments/outstanding"): api({"loket"} | SUPERVISORS),
    ("GET", "/api/v1/payments/revenue"): api(SUPERVISORS),
    ("GET", "/petugas/pendapatan-retribusi"): page(SUPERVISORS),
    ("GET", "/petugas/pendapatan-retribusi.csv"): page(SUPERVISORS),
    # -- supervisors: dashboards, SLA, reports -------------------------------------------------
    ("GET", "/dasbor"): page(SUPERVISORS),
    ("GET", "/dasbor/heatmap"): page(SUPERVISORS),
    ("GET", "/sla/pelanggaran"): page(SUPERVISORS),
    ("POST", "/sla/pelanggaran/<task_id>/eskalasi"): page(SUPERVISORS, touches_a=True),
    ("GET", "/api/v1/sla/breaches"): api(SUPERVISORS),
    ("GET", "/api/v1/dashboard/summary"): api(SUPERVISORS),
    ("GET", "/api/v1/dashboard/details"): api(SUPERVISORS),
    ("GET", "/api/v1/dashboard/heatmap"): api(SUPERVISORS),
    ("GET", "/api/v1/reports/cases.csv"): api(SUPERVISORS),
    ("GET", "/api/v1/reports/monthly.pdf"): api(SUPERVISORS),
    # -- calendar (admins edit; staff read) ----------------------------------------------------
    ("GET", "/admin/kalender"): page(ADMIN),
    ("POST", "/admin/kalender"): page(ADMIN),
    ("POST", "/admin/kalender/<day>/hapus"): page(ADMIN, values={"day": "2026-12-30"}),
    ("GET", "/api/v1/calendar/holidays"): api(STAFF),
    ("POST", "/api/v1/calendar/holidays"): api(ADMIN, json={"date": "2026-12-29", "name": "Uji", "kind": "local"}),
    ("DELETE", "/api/v1/calendar/holidays/<day>"): api(ADMIN),
    # -- analysts: models and incidents --------------------------------------------------------
    ("GET", "/analis/model"): page(MODELERS),
    ("GET", "/analis/model/<key>"): page(MODELERS),
    ("GET", "/analis/model/<key>/diff"): page(MODELERS),
    ("GET", "/analis/model/<key>/uji"): page(MODELERS),
    ("POST", "/analis/model/<key>/uji"): page(MODELERS),
    ("GET", "/analis/model/<key>/versi"): page(MODELERS),
    ("POST", "/analis/model/<key>/versi/<int:number>/aktifkan"): page(MODELERS, values={"number": "1"}),
    ("POST", "/analis/model/<key>/versi/<int:number>/setujui"): page(MODELERS, values={"number": "1"}),
    ("POST", "/analis/model/<key>/versi/<int:number>/tolak"): page(MODELERS, values={"number": "1"}),
    ("GET", "/analis/insiden"): page(MODELERS),
    ("POST", "/analis/insiden/<int:case_id>/coba-lagi"): page(MODELERS, touches_a=True),
    ("POST", "/analis/insiden/<int:case_id>/perbaiki"): page(MODELERS, touches_a=True),
    ("GET", "/api/v1/process-models"): api(MODELERS),
    ("GET", "/api/v1/process-models/<key>/versions"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/versions"): api(MODELERS),
    ("GET", "/api/v1/process-models/<key>/versions/<int:version>"): api(MODELERS),
    ("GET", "/api/v1/process-models/<key>/versions/<int:version>/bpmn"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/versions/<int:version>/deploy"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/versions/<int:version>/deploy/approve"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/versions/<int:version>/deploy/reject"): api(MODELERS),
    ("GET", "/api/v1/process-models/deploy-requests"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/validate"): api(MODELERS),
    ("GET", "/api/v1/process-models/<key>/diff"): api(MODELERS, query="from=1&to=1"),
    ("POST", "/api/v1/process-models/<key>/test-runs"): api(MODELERS, json={"scenario": {}}),
    ("GET", "/api/v1/process-models/<key>/test-runs/template"): api(MODELERS),
    ("POST", "/api/v1/process-models/<key>/tests"): api(MODELERS, json={"scenario": {}}),
    ("POST", "/api/v1/process-models/layout"): api(MODELERS, json={"bpmn": "<x/>"}),
    ("POST", "/api/v1/process-models/form-preview"): api(MODELERS, json={"schema": {}}),
}


# -- running the table ---------------------------------------------------------------------------

PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[a-z_]+)>")
PDF_FIELD = "pdf"  # a form value meaning "attach MINIMAL_PDF here"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One app per database with the table's world built once, and a session cookie per role."""
    from app import create_app
    from tests.conftest import _config, _restore, _truncate_all

    instance = tmp_path_factory.mktemp(f"authz-{request.param}")
    if request.param == "sqlite":
        path = instance / "authz.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url, rows = request.getfixturevalue("postgres_seeded")
        _restore(url, rows)
    app = create_app(_config(url, instance) | {"WTF_CSRF_ENABLED": False})
    built = build_world(app)
    cookies = session_cookies(app)
    yield request.param, app, built, cookies
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        _truncate_all(url)


def concrete(rule: str, row: Row, world: World) -> str:
    """The rule's path with the world's ids in it (and the row's query string)."""
    values = world.values() | row.values
    path = PARAM.sub(lambda m: values[m.group("name")], rule)
    return f"{path}?{row.query}" if row.query else path


def _fill(value, world: World):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return int(world.values()[value[1:-1]])
    return value


def call(app, cookie: str | None, method: str, rule: str, row: Row, world: World,
         remote: str = "127.0.0.1") -> tuple[str, object]:
    """Send one request as a role (from its own client address); returns the outcome class and the response."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote  # the login lockout counts per (account, client)
    if cookie:
        client.set_cookie("session", cookie)
    path = concrete(rule, row, world)
    kwargs: dict = {}
    if method != "GET":
        if row.json is not None or (path.startswith("/api/") and row.form is None):
            kwargs["json"] = {k: _fill(v, world) for k, v in (row.json or {}).items()}
        else:
            form = {k: (io.BytesIO(MINIMAL_PDF), "berkas.pdf") if v == PDF_FIELD else _fill(v, world)
                    for k, v in (row.form or {}).items()}
            kwargs["data"] = form
            kwargs["content_type"] = "multipart/form-data"
    response = client.open(path, method=method, **kwargs)
    with client.session_transaction() as session:
        flashes = list(session.get("_flashes", []))
    response.flashes = flashes
    return classify(response, flashes), response


def routes(app) -> set[tuple[str, str]]:
    """(method, rule) of every registered route."""
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_in_the_table(world):
    db, app, _, _ = world
    if db != "sqlite":
        pytest.skip("the route map does not depend on the database")
    registered = routes(app)
    missing = sorted(registered - set(TABLE))
    stale = sorted(set(TABLE) - registered)
    assert not missing, f"classify these routes in TABLE: {missing}"
    assert not stale, f"these TABLE rows name no route any more: {stale}"


HTML_SKIP = {"/static/<path:filename>", "/bahasa/<code>"}


def test_security_headers_on_every_page_each_role_reaches(world):
    """Each role's reachable HTML pages: CSP without inline scripts, frame-ancestors, nosniff, Referrer-Policy."""
    db, app, built, cookies = world
    if db != "sqlite":
        pytest.skip("headers do not depend on the database")
    problems, checked = [], 0
    for role in ORDER:
        for (method, rule), row in sorted(TABLE.items()):
            if method != "GET" or rule.startswith("/api/") or rule in HTML_SKIP or row.expect[role] != "ok":
                continue
            outcome, response = call(app, cookies[role], method, rule, row, built)
            if not response.mimetype == "text/html" or response.status_code != 200:
                continue
            checked += 1
            headers = response.headers
            csp = headers.get("Content-Security-Policy", "")
            script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
            if not script_src or "unsafe-inline" in script_src or "unsafe-eval" in script_src:
                problems.append(f"{role} {rule}: script-src {script_src!r}")
            if "frame-ancestors" not in csp:
                problems.append(f"{role} {rule}: no frame-ancestors")
            if headers.get("X-Content-Type-Options") != "nosniff":
                problems.append(f"{role} {rule}: no nosniff")
            if not headers.get("Referrer-Policy"):
                problems.append(f"{role} {rule}: no Referrer-Policy")
            for cookie in headers.getlist("Set-Cookie"):
                if cookie.startswith("session=") and ("HttpOnly" not in cookie or "SameSite" not in cookie):
                    problems.append(f"{role} {rule}: session cookie flags {cookie}")
    assert checked > 60, checked  # the scan really saw the pages
    assert not problems, "\n".join(problems)


def _rows_for(db: str):
    for (method, rule), row in TABLE.items():
        if db == "sqlite" or row.touches_a:
            yield method, rule, row


SESSION_ENDING = {("POST", "/keluar"), ("DELETE", "/api/v1/auth/token"), ("DELETE", "/api/v1/auth/tokens")}
PG_ROLES = ["applicant_b", "loket", "supervisor", "admin", "applicant_a"]


def test_authorization_table(world):
    """Every route answers each role as the table says (all on SQLite; A's things on PostgreSQL)."""
    db, app, built, cookies = world
    roles = ORDER if db == "sqlite" else [r for r in ORDER if r in PG_ROLES]
    rows = sorted(_rows_for(db), key=lambda item: (item[0] != "GET", item[1]))
    mismatches = []
    for role in roles:
        for method, rule, row in rows:
            outcome, response = call(app, cookies[role], method, rule, row, built, remote=f"10.0.{ORDER.index(role)}.1")
            if (method, rule) in SESSION_ENDING and cookies[role]:  # logged out for real: log in again
                cookies[role] = session_cookies(app, only=role)[role]
            if outcome != row.expect[role]:
                mismatches.append(f"{method:6} {rule} as {role}: expected {row.expect[role]}, got {outcome} "
                                  f"({response.status_code} {response.flashes})")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_applicant_b_sees_only_the_public_view_of_a_complaint(world):
    """A complaint's ticket shows its status to whoever holds it, never the complainant's identity."""
    _, app, built, cookies = world
    for role in ("anonymous", "applicant_b"):
        _, response = call(app, cookies[role], "GET", "/api/v1/complaints/<ticket>",
                           TABLE[("GET", "/api/v1/complaints/<ticket>")], built)
        body = response.get_json()
        assert body["ticket"] == built.ticket
        assert not {"name", "contact", "body", "case_id", "registration_number"} & set(body), body
    _, response = call(app, cookies["applicant_b"], "GET", "/api/v1/complaints", TABLE[("GET", "/api/v1/complaints")],
                       built)
    assert built.ticket not in {c["ticket"] for c in response.get_json()["items"]}
    _, response = call(app, cookies["applicant_b"], "GET", "/api/v1/cases", TABLE[("GET", "/api/v1/cases")], built)
    assert built.case_id not in {c["id"] for c in response.get_json()["items"]}
