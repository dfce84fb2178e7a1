"""Model tests: scenarios saved by analysts (table) or kept with the models (processes/tests/<service>/*.json)."""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.catalog import service as catalog
from app.catalog.models import ProcessVersion
from app.common import clock
from app.common.errors import NotFound, ValidationFailed
from app.extensions import db

from .models import ModelTest
from .service import require_analyst
from .simulation import RunResult, ScenarioError, check_scenario, run_scenario


def scenario_dir() -> Path:
    """Where scenario files live: processes/tests/<service>/*.json."""
    return Path(current_app.config["PROCESSES_DIR"]) / "tests"


def file_scenarios(root: Path, service: str | None = None) -> list[tuple[str, Path]]:
    """(service, path) of every scenario file under `root`."""
    if not root.exists():
        return []
    folders = [root / service] if service else sorted(p for p in root.iterdir() if p.is_dir())
    return [(folder.name, path) for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.json"))]


def load_file(path: Path) -> dict:
    """A scenario file, checked."""
    return check_scenario(json.loads(path.read_text("utf-8")))


def list_tests(key: str) -> list[ModelTest]:
    """Saved model tests of a service, by name."""
    return list(db.session.scalars(select(ModelTest).where(ModelTest.service_key == key).order_by(ModelTest.name)))


def get_test(key: str, test_id: int) -> ModelTest:
    """One saved model test, or 404."""
    test = db.session.get(ModelTest, test_id)
    if test is None or test.service_key != key:
        raise NotFound(_("Tes model tidak ditemukan."))
    return test


def save_test(*, key: str, scenario: dict, author) -> ModelTest:
    """Save (or replace, by name) a scenario as a model test of the service."""
    require_analyst(author)
    try:
        check_scenario(scenario)
    except ScenarioError as exc:
        raise ValidationFailed(fields={"scenario": [str(exc)]}) from exc
    name = str(scenario.get("name") or "").strip()[:200]
    if not name:
        raise ValidationFailed(fields={"scenario.name": [_("Beri nama skenario.")]})
    test = db.session.scalar(select(ModelTest).where(ModelTest.service_key == key, ModelTest.name == name))
    if test is None:
        test = ModelTest(service_key=key, name=name, scenario=scenario, created_by_id=author.id)
        db.session.add(test)
    else:
        test.scenario = scenario
    db.session.flush()
    return test


def delete_test(*, key: str, test_id: int, actor) -> None:
    """Remove a saved model test."""
    require_analyst(actor)
    db.session.delete(get_test(key, test_id))
    db.session.flush()


def run_test(test: ModelTest, version: ProcessVersion) -> RunResult:
    """Run a saved test on a version and remember the result."""
    result = run_scenario(catalog.model_for_version(version), test.scenario)
    test.last_run_at = clock.now()
    test.last_run_version = version.version
    test.last_passed = result.passed
    test.last_result = {"status": result.status, "outcome": result.outcome, "failures": result.failures}
    db.session.flush()
    return result


def run_suite(key: str, version: ProcessVersion) -> list[dict]:
    """Every saved and file scenario of a service, run on a version (failures in the reader's language)."""
    model = catalog.model_for_version(version)
    report = []
    for test in list_tests(key):
        result = run_test(test, version)
        report.append({"source": _("tersimpan"), "name": test.name, **result.as_dict()})
    for _service, path in file_scenarios(scenario_dir(), key):
        try:
            scenario = load_file(path)
            result = run_scenario(model, scenario)
            report.append({"source": f"processes/tests/{key}/{path.name}", "name": scenario.get("name", path.stem),
                           **result.as_dict()})
        except (ScenarioError, json.JSONDecodeError) as exc:
            report.append({"source": f"processes/tests/{key}/{path.name}", "name": path.stem, "passed": False,
                           "failures": [str(exc)], "status": "invalid_scenario", "outcome": None, "path": []})
    return report
