"""Only app/engine imports SpiffWorkflow: an engine upgrade stays in one room."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORT = re.compile(r"^\s*(from|import)\s+SpiffWorkflow", re.MULTILINE)


def test_nothing_outside_app_engine_imports_spiffworkflow():
    offenders = []
    for folder in ("app", "workers"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(ROOT / "app" / "engine"):
                continue
            if IMPORT.search(path.read_text("utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
