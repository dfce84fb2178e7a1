"""Server-rendered pages: home and catalog, login/logout, tracking, permit verification."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.accounts import service as accounts
from app.catalog import service as catalog
from app.common.errors import NotFound
from app.extensions import db

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
def login():
    """Log in with email and password."""
    error = None
    if request.method == "POST":
        user = accounts.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if user is None:
            error = "Email atau kata sandi salah."
        else:
            login_user(user)
            db.session.commit()
            target = request.args.get("next") or ""
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("web.index")
            return redirect(target)
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/keluar")
def logout():
    """Log out."""
    logout_user()
    flash("Anda telah keluar.")
    return redirect(url_for("web.index"))


@bp.get("/lacak")
def track_page():
    """Public tracking by registration number."""
    from app.cases import service as cases

    number = (request.args.get("nomor") or "").strip()
    result, error = None, None
    if number:
        try:
            result = cases.track(number)
        except NotFound:
            error = "Nomor registrasi tidak ditemukan."
    return render_template("track.html", number=number, result=result, error=error), (404 if error else 200)


@bp.get("/verify/<token>")
def verify_page(token: str):
    """The page a permit's QR code opens."""
    from app.permits import service as permits
    from app.permits.api import verification_view

    permit = permits.get_by_token(token)
    if permit is None:
        return render_template("verify.html", result=None), 404
    return render_template("verify.html", result=verification_view(permit))


@bp.app_context_processor
def inject_user():
    return {"current_user": current_user}
