"""`flask --app wsgi model-tests`: run the model tests of every service's active version."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.catalog import service as catalog
from app.extensions import db

from . import scenarios, service


@click.command("model-tests")
@click.option("--service", "service_key", default=None, help="only this service")
@with_appcontext
def model_tests(service_key: str | None) -> None:
    """Run saved and file scenarios on the active versions; exit 1 when one fails."""
    keys = [service_key] if service_key else [row["key"] for row in service.list_models() if row["active_version"]]
    failed = 0
    for key in keys:
        version = catalog.get(key).active_version
        for line in scenarios.run_suite(key, version):
            mark = "ok " if line["passed"] else "GAGAL"
            click.echo(f"{mark} {key} v{version.version} · {line['name']} ({line['source']}): {line.get('outcome')}")
            for failure in line.get("failures", []):
                click.echo(f"      {failure}")
            failed += 0 if line["passed"] else 1
    db.session.commit()  # remembers each saved test's last result
    if failed:
        raise SystemExit(1)
