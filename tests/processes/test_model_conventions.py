"""Every model in processes/ follows docs/MODELS.md: diagram, lanes, SLA per officer task, complete forms."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.engine import Library, SpecCache
from app.engine.specs import NS, parse_xml

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library.from_dirs(ROOT / "processes", ROOT / "forms")
CACHE = SpecCache()


@pytest.mark.parametrize("service", LIBRARY.services())
def test_service_bundle_parses_and_carries_its_catalog_facts(service):
    model = CACHE.get(LIBRARY.bundle(service))
    props = model.main.properties
    assert props["serviceCategory"] in ("perizinan", "non_perizinan")
    assert int(props["sopWorkingDays"]) > 0 and props["registrationPrefix"]
    assert props["feeKind"] in ("free", "fixed", "computed")
    assert model.form(props["serviceStandardFile"])["procedure"]
    assert model.main.documentation


@pytest.mark.parametrize("pid", sorted(LIBRARY.processes))
def test_every_process_has_a_diagram_and_every_officer_task_an_sla_and_a_form(pid):
    info = LIBRARY.processes[pid]
    root = parse_xml(LIBRARY.bpmn[LIBRARY.process_file[pid]])
    drawn = {shape.get("bpmnElement") for shape in root.iterfind(".//bpmndi:BPMNShape", NS)}
    assert set(info.elements) <= drawn, set(info.elements) - drawn
    for element in info.elements.values():
        if element.kind != "userTask":
            continue
        assert element.lane, element.bpmn_id
        assert element.properties.get("formJsonSchemaFilename") in LIBRARY.forms, element.bpmn_id
        if element.lane != "pemohon":
            assert int(element.properties["slaWorkingDays"]) > 0, element.bpmn_id


@pytest.mark.parametrize("name", sorted(n for n in LIBRARY.forms if n.endswith(".schema.json")))
def test_every_form_field_has_an_indonesian_title_and_an_example(name):
    schema = json.loads(LIBRARY.forms[name])
    ui = json.loads(LIBRARY.forms[name.replace(".schema.json", ".uischema.json")])
    for key, prop in schema["properties"].items():
        assert prop.get("title"), (name, key)
        assert prop.get("examples"), (name, key)
    assert set(ui.get("ui:order", schema["properties"])) == set(schema["properties"]), name
