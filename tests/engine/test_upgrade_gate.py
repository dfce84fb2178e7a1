"""The upgrade gate: every stored state of every shipped model restores with the current engine and runs to an end.

`tests/engine/fixtures/states/` keeps, per service and version, the state a case stores at each wait point its
normal paths reach (each user task, each waiting timer and message), as the SpiffWorkflow version named by its
folder wrote it (`make_state_fixtures.py` generates them and says when to). Each test here restores one with
the current engine, checks it waits where it was saved, then replays one continuation recorded with it:
completing user tasks with data valid for their forms, firing timers by moving the application clock to their
due moment, delivering messages; the case saved and restored after every step, as the application does. It must
reach the end event it reached when recorded. Run it before and after changing the SpiffWorkflow version.

Library state migrations are never trusted. SpiffWorkflow 3.2.0's own 1.4→1.5 migration
(`SpiffWorkflow/bpmn/serializer/migration/version_1_5.py`, `update_event_gateway_children`) loops over the
subprocesses as `up` but reads `sp` in the body, so it raises `NameError: name 'sp' is not defined` for any
instance saved inside a call activity or subprocess: states written by 3.1 must never be handed to it
unpatched. `Engine.load` never runs library migrations: it reads only our own `satupintu-1` format through
`from_dict` and refuses a state in any other format (a library state of version 1.4 among them) as
`UnreadableState` with a message naming the format, so the case goes to incident for an analyst instead of
crashing or being half-migrated (tests below).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from app.engine import Library, UnreadableState, serialization
from tests.engine import state_walk as walk

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = ".venv/bin/python -m tests.engine.make_state_fixtures"


def _cases() -> list:
    cases = []
    for path in walk.fixture_files():
        point = json.loads(path.read_text("utf-8"))
        for index, continuation in enumerate(point["continuations"]):
            first = continuation["actions"][0]
            label = first.get("choice") or first.get("bpmn_id") or first.get("name")
            version, library = path.parents[1].name, path.parent.name
            cases.append(pytest.param(path, index, id=f"{point['service']}/{version}/{library}/{path.stem}/{label}"))
    return cases


@pytest.fixture(autouse=True)
def _office_calendar():
    with walk.office_calendar():
        yield


@pytest.mark.parametrize(("path", "index"), _cases())
def test_stored_state_restores_and_runs_to_an_end_event(path: Path, index: int):
    point = json.loads(path.read_text("utf-8"))
    bundle = walk.read_bundle(path.parents[1])
    assert bundle.content_hash == point["version"]
    model = walk.parsed(bundle)
    engine = walk.engine()

    run = engine.load(model, point["state"])
    assert [list(item) for item in walk.signature(run)] == point["wait_point"], "restored waiting elsewhere"

    continuation = point["continuations"][index]
    moment = datetime.fromisoformat(point["saved_at"])
    ends: set[str] = set()
    for number, action in enumerate(continuation["actions"], 1):
        assert not run.completed, f"ended before step {number}"
        moment = walk.apply(run, action, moment)
        ends.update(run.log.reached_ends)
        run = engine.load(model, run.serialize())  # saved and restored between steps, as a case is
    assert run.completed, f"still waiting at {walk.signature(run)}"
    assert sorted(ends) == continuation["ends"]
    assert run.outcome() == continuation["outcome"]


def test_every_shipped_service_has_stored_states_for_its_current_version():
    library = Library.from_dirs(ROOT / "processes", ROOT / "forms")
    missing = []
    for service in library.services():
        folder = walk.version_dir(library.bundle(service))
        if not any(folder.glob("*/*.json")):
            missing.append(f"{service} ({folder.relative_to(ROOT)})")
    assert missing == [], f"no stored states for the current version of {missing}: run {REGENERATE}"


def test_satupintu_1_states_are_in_the_library_format_they_were_defined_on():
    """`satupintu-1` is the library's `to_dict` format 1.5: a library writing another needs a new version of ours."""
    assert serialization.LIBRARY_FORMAT == serialization.SATUPINTU_1_LIBRARY_FORMAT, (
        f"SpiffWorkflow now writes format {serialization.LIBRARY_FORMAT}: states tagged "
        f"{serialization.SERIALIZER_VERSION} are {serialization.SATUPINTU_1_LIBRARY_FORMAT}; add a new serializer "
        "version with a tested migration of stored states in app/engine/serialization.py")


def _fixture(service: str, stem_part: str) -> Path:
    return next(p for p in walk.fixture_files() if p.parts[-4] == service and stem_part in p.stem)


def _fixture_state(service: str, stem_part: str) -> str:
    return json.loads(_fixture(service, stem_part).read_text("utf-8"))["state"]


def _library_state_inside_a_call_activity(version: str) -> tuple:
    """A state as SpiffWorkflow's own serializer writes it, waiting inside a call activity, tagged `version`."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    path = _fixture("sip_apoteker", "verifikasi")
    model = walk.parsed(walk.read_bundle(path.parents[1]))
    run = walk.engine().load(model, json.loads(path.read_text("utf-8"))["state"])
    assert run.wf.subprocesses, "the fixture waits inside the verifikasi_berkas call activity"
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    dct = json.loads(serializer.serialize_json(run.wf))
    dct[serializer.VERSION_KEY] = version
    return model, json.dumps(dct), serializer


def test_a_state_in_an_older_library_format_is_refused_and_never_migrated(monkeypatch):
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.serializer.migration import version_migration

    def never(*args, **kwargs):
        raise AssertionError("a library migration ran")

    monkeypatch.setattr(BpmnWorkflowSerializer, "migrate", never)
    for version in list(version_migration.MIGRATIONS):
        monkeypatch.setitem(version_migration.MIGRATIONS, version, never)
    model, state, _ = _library_state_inside_a_call_activity("1.4")
    engine = walk.engine()

    with pytest.raises(UnreadableState) as refused:
        engine.load(model, state)
    assert "format 1.4" in refused.value.message and "tidak dimigrasi" in refused.value.message
    with pytest.raises(UnreadableState):
        engine.repair(model, state)  # an analyst's lenient repair refuses it too

    own = json.loads(engine.load(model, _fixture_state("sip_apoteker", "verifikasi")).serialize())
    for tag in ("1.4", "1.5"):
        with pytest.raises(UnreadableState) as retagged:
            engine.load(model, json.dumps({**own, BpmnWorkflowSerializer.VERSION_KEY: tag}))
        assert f"format {tag}" in retagged.value.message
    for tag in (None, "satupintu-0"):
        with pytest.raises(UnreadableState) as unknown:
            engine.load(model, json.dumps({**own, BpmnWorkflowSerializer.VERSION_KEY: tag}))
        assert "tidak dikenal" in unknown.value.message


@pytest.mark.skipif(walk.library_version() != "3.2.0", reason="the migration bug is verified on SpiffWorkflow 3.2.0")
def test_the_library_own_migration_from_1_4_fails_inside_a_call_activity():
    """Why `Engine.load` refuses library states: 3.2.0's 1.4→1.5 migration breaks on them."""
    _, state, serializer = _library_state_inside_a_call_activity("1.4")
    with pytest.raises(NameError, match="'sp' is not defined"):
        serializer.deserialize_json(state)
