"""Fixtures for permit tests that need no database: an app context for rendering documents."""
from __future__ import annotations

import pytest


@pytest.fixture
def office_ctx(tmp_path):
    """An application context with the test settings and no database (PDF layout only)."""
    from app import create_app
    from app.config import TestConfig

    app = create_app({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
                     | {"UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        yield app
