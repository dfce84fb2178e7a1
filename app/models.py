"""Imports every domain's models so the metadata (and Alembic) sees all tables."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import app as _app_package
from app.common import health, transaction  # noqa: F401 - tables defined in common

for _info in pkgutil.iter_modules([str(Path(_app_package.__file__).parent)]):
    if _info.ispkg and (Path(_app_package.__file__).parent / _info.name / "models.py").exists():
        importlib.import_module(f"app.{_info.name}.models")
