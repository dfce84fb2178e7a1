"""Server-rendered pages: home and catalog, login/logout, tracking (permit verification: app/permits/views.py)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import service as accounts
from app.catalog import service as catalog
from app.common import i18n
from app.common.errors import NotFound
from app.common.urls import safe_next
from app.extensions import db, limiter

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    """Home: the service catalog."""
    return render_template("index.html", services=catalog.list_public())


@bp.get("/layanan/<key>")
def service_page(key: str):
    """One service: requirements, SOP, fee."""
    svc = catalog.get(key)
    return render_template("service.html", service=svc)


@bp.route("/masuk", methods=["GET", "POST"], endpoint="login")
@limiter.limit("30/minute", methods=["POST"])
def login():
    """Log in with email and password."""
    error = None
    if request.method == "POST":
        try:
            user = accounts.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        except accounts.AccountLocked as exc:
            db.session.commit()
            error = _("Terlalu banyak percobaan masuk yang gagal. Demi keamanan, akun dikunci sementara. "
                      "Coba lagi dalam %(minutes)s menit, atau atur ulang kata sandi.", minutes=exc.minutes)
            return render_template("login.html", error=error), 429
        if user is None:
            db.session.commit()  # keep the failure count
            error = _("Email atau kata sandi salah.")
        else:
            login_user(user)
            db.session.commit()
            response = redirect(safe_next(request.args.get("next")) or landing_url(user))
            if request.cookies.get(i18n.COOKIE) not in i18n.LANGUAGES and user.locale != i18n.DEFAULT_LOCALE:
                i18n.remember_language(response, i18n.locale_of(user))  # a new device speaks their language
            return response
    return render_template("login.html", error=error), (401 if error else 200)


# Where each role works, first match wins: a supervisor who is also an officer lands on the dashboard.
LANDING = (("admin", "accounts_admin.users_page"), ("supervisor", "dashboard.index"), ("analyst", "modeler.models"),
           ("officer", "inbox.index"), ("applicant", "portal.my_cases"))


def landing_url(user) -> str:
    """The page a user starts on after signing in: where their role works, else the catalog."""
    for role, endpoint in LANDING:
        if user.has_role(role):
            return url_for(endpoint)
    return url_for("web.index")


@bp.post("/keluar")
def logout():
    """Log out: every page session of the account ends, copied cookies included."""
    if current_user.is_authenticated:
        accounts.end_sessions(user=current_user._get_current_object())
    logout_user()
    db.session.commit()  # the security log's logout event
    flash(_("Anda telah keluar."))
    return redirect(url_for("web.index"))


@bp.get("/lacak")
@limiter.limit("60/minute")
def track_page():
    """Public tracking by registration number."""
    from app.cases import service as cases
    from app.complaints import service as complaints

    number = (request.args.get("nomor") or "").strip()
    result, error = None, None
    if number:
        try:
            result = complaints.in_complaint_states(cases.track(number))  # a complaint in its own states
        except NotFound:
            error = _("Nomor registrasi tidak ditemukan.")
    complaint = result is not None and result["service"] == complaints.SERVICE_KEY
    return render_template("track.html", number=number, result=result, complaint=complaint, error=error), (
        404 if error else 200)


@bp.app_context_processor
def inject_user():
    return {"current_user": current_user}
