"""Fault tests: tests marked `faults` (they restart the local PostgreSQL server) run only with RUN_FAULTS=1."""
from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):  # noqa: ARG001 - pytest's hook signature
    if os.environ.get("RUN_FAULTS") == "1":
        return
    skip = pytest.mark.skip(reason="restarts the local PostgreSQL server: run with `make test-faults`")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)
