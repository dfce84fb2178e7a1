"""Fixtures of the dashboard tests: the office with known answers (tests/dashboard/support.py).

`office` builds it in the test's own database (for tests that change it); `shared_office` builds it
once per module and database kind, for the many tests that only read it.
"""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import _config, _truncate_all
from tests.dashboard.support import build_office


@pytest.fixture
def office(ctx):
    """The office's cases by letter, committed."""
    return build_office()


@pytest.fixture
def supervisor(ctx):
    from app.accounts import service as accounts

    return accounts.get_by_email("supervisor@demo.local")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_app(request, tmp_path_factory):
    """An app whose database holds the office, built once for a module's read-only tests."""
    from app import create_app

    base = tmp_path_factory.mktemp("office")
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), base / "office.db")
        url = f"sqlite:///{base / 'office.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        _truncate_all(url)
    application = create_app(_config(url, base))
    with application.app_context():
        from app.accounts import demo
        from app.catalog import service as catalog
        from app.extensions import db

        catalog.sync_from_disk()
        demo.seed()
        db.session.commit()
        cases = {letter: case.id for letter, case in build_office().items()}
        db.session.remove()
    application.config["OFFICE_CASE_IDS"] = cases
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        _truncate_all(url)


@pytest.fixture
def shared_office(shared_app):
    """An application context on the shared office; yields {letter: case}."""
    from app.cases.models import Case
    from app.extensions import db

    with shared_app.app_context():
        yield {letter: db.session.get(Case, case_id) for letter, case_id in shared_app.config["OFFICE_CASE_IDS"].items()}
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def shared_supervisor(shared_office):
    from app.accounts import service as accounts

    return accounts.get_by_email("supervisor@demo.local")
