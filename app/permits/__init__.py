"""Issued permits: signed PDFs with QR verification, revocation and re-issue, receipts, expiry reminders."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask


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
            click.echo(f"  sertifikat kantor dipakai: {app.config['SIGNING_P12_PATH']} (tidak membuat CA pengembangan)")
            return
        directory, outcome = signing.ensure_dev_certificate(
            organization=app.config["OFFICE_NAME"], signer_name=app.config.get("OFFICE_HEAD_NAME") or "Kepala Dinas")
        label = {"created": "dibuat", "renewed": "diperbarui", "exists": "sudah ada"}[outcome]
        click.echo(f"  sertifikat pengembangan {label}: {directory}")


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, CLI command and template helpers."""
    from app.extensions import api
    from app.notifications import service as notifications

    from . import service
    from .api import bp as api_bp
    from .layout import tanggal
    from .views import bp as web_bp

    _check_settings(app)
    api.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    _register_cli(app)
    # Notification templates about a case reach its current permit and write dates the Indonesian way.
    app.add_template_global(lambda case: service.for_case(case.id), "permit_of")
    app.add_template_filter(tanggal, "tanggal")
    notifications.SUBJECTS.setdefault("permit_expiring", "Izin Anda (permohonan {reg}) akan segera berakhir")
