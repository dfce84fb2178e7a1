"""Flask CLI commands: sync-processes, seed-demo, worker."""
from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("sync-processes")
    @with_appcontext
    def sync_processes():
        """Load processes/ and forms/ into versions; changed models become active (audited as the operator's)."""
        from app.extensions import db
        from app.modeler import deploys

        report = deploys.sync_from_disk()
        db.session.commit()
        failed = False
        for line in report:
            if "error" in line:
                failed = True
                click.echo(f"  {line['service']}: GAGAL {line['error']}", err=True)
            else:
                state = "versi baru" if line["created"] else "tidak berubah"
                click.echo(f"  {line['service']}: versi {line['version']} ({state})")
        if failed:
            raise SystemExit(1)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
    @click.option("--cases", "cases_count", default=0, type=click.IntRange(min=0),
                  help="Also create this many demo cases over the last twelve months (docs/DASHBOARD.md).")
    @click.option("--seed", default=2026, type=int, help="Random seed of the demo cases.")
    @with_appcontext
    def seed_demo(if_empty: bool, cases_count: int, seed: int):
        """Create the demo accounts (password Demo#2026) and, with --cases N, a demo history."""
        from app.accounts import demo
        from app.extensions import db

        created = demo.seed(if_empty=if_empty)
        db.session.commit()
        click.echo(f"  akun demo: {created} dibuat" if created else "  akun demo sudah ada")
        if cases_count > 0:
            from app.dashboard import demo as history

            report = history.generate(cases_count=cases_count, seed=seed)
            click.echo(f"  riwayat demo: {report['cases']} permohonan, {report['complaints']} pengaduan, "
                       f"{report['surveys']} survei; status: {report['by_status']}")

    @app.cli.group("worker")
    def worker():
        """The scheduler: timers, escalations, notification delivery."""

    @worker.command("run")
    @with_appcontext
    def worker_run():
        """Run the scheduler until stopped."""
        from workers.scheduler import run_forever

        run_forever(app)

    @worker.command("run-once")
    @click.option("--now", "now_iso", default=None, help="Run the tick as of this ISO-8601 moment.")
    @with_appcontext
    def worker_run_once(now_iso: str | None):
        """Run one scheduler tick and print what it did."""
        from workers.scheduler import tick

        moment = None
        if now_iso:
            moment = datetime.fromisoformat(now_iso)
            if moment.tzinfo is None:
                raise click.BadParameter("--now needs an offset, e.g. 2026-11-23T09:00:00+07:00")
        result = tick(app, now=moment)
        for key, value in result.items():
            click.echo(f"  {key}: {value}")
