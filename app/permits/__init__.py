"""Issued permits: signed PDFs with QR verification, revocation and re-issue, receipts, expiry reminders."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _

from app.common.i18n import N_


def _check_settings(app: Flask) -> None:
    """Fail at start, not at the first issuance, when a configured file is missing."""
    cfg = app.config
    for name in ("SIGNING_P12_PATH", "OFFICE_LOGO_PATH"):
        if cfg.get(name) and not Path(cfg[name]).is_file():
            raise RuntimeError(f"{name} points to {cfg[name]!r}, which is not a readable file")
    base = cfg.get("PUBLIC_BASE_URL", "")
    if not base.startswith(("http://", "https://")):
        raise RuntimeError(f"PUBLIC_BASE_URL must be an absolute http(s) URL, got {base!r}")


def _register_cli(app: Flask) -> None:
    @app.cli.command("dev-certificate")
    def dev_certificate():
        """Create the local development CA and signer certificate (unless SIGNING_P12_PATH is set)."""
        from . import signing

        if app.config.get("SIGNING_P12_PATH"):
            click.echo("  " + _("sertifikat kantor dipakai: %(path)s (tidak membuat CA pengembangan)",
                                path=app.config["SIGNING_P12_PATH"]))
            return
        directory, outcome = signing.ensure_dev_certificate(
            organization=app.config["OFFICE_NAME"], signer_name=app.config.get("OFFICE_HEAD_NAME") or "Kepala Dinas")
        said = {"created": N_("sertifikat pengembangan dibuat: %(path)s"),
                "renewed": N_("sertifikat pengembangan diperbarui: %(path)s"),
                "exists": N_("sertifikat pengembangan sudah ada: %(path)s")}[outcome]
        click.echo("  " + _(said, path=str(directory)))


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, CLI command and template helpers."""
    from app.common.i18n import format_day
    from app.extensions import api
    from app.notifications import service as notifications

    from . import service
    from .api import bp as api_bp
    from .views import bp as web_bp

    _check_settings(app)
    api.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    _register_cli(app)
    # Notification templates about a case reach its current permit. `tanggal` is the older name of `sp_date`
    # (a date in the page's, or a message's recipient's, language); documents use layout.tanggal instead.
    app.add_template_global(lambda case: service.for_case(case.id), "permit_of")
    app.add_template_filter(format_day, "tanggal")
    notifications.SUBJECTS.setdefault("permit_expiring", N_("Izin Anda (permohonan %(reg)s) akan segera berakhir"))
