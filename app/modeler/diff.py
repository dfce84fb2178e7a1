"""What changed between two versions of a model: elements, properties, flows, forms and decision tables."""
from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _
from lxml import etree

from app.engine import ModelError
from app.engine.specs import BPMN_NS, FLOW_NODE_TAGS, NS, parse_xml, read_properties

MAX_VALUE_CHARS = 300
ELEMENT_TAGS = (*FLOW_NODE_TAGS, "lane")


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return (el.text or "").strip() or None


def _element_facts(el: etree._Element, lane: str | None) -> dict[str, Any]:
    ext = el.find("bpmn:extensionElements", NS)

    def ext_text(tag: str) -> str | None:
        return _text(ext.find(f"spiffworkflow:{tag}", NS)) if ext is not None else None

    timer = None
    definition = el.find("bpmn:timerEventDefinition", NS)
    if definition is not None:
        timer = " ".join(f"{etree.QName(c).localname}={_text(c)}" for c in definition if isinstance(c.tag, str))
    facts = {
        "kind": etree.QName(el).localname, "name": el.get("name"), "lane": lane,
        "properties": read_properties(el), "script": _text(el.find("bpmn:script", NS)),
        "preScript": ext_text("preScript"), "postScript": ext_text("postScript"),
        "instructionsForEndUser": ext_text("instructionsForEndUser"),
        "calledDecisionId": ext_text("calledDecisionId"), "calledElement": el.get("calledElement"),
        "attachedToRef": el.get("attachedToRef"), "default": el.get("default"), "timer": timer,
        "documentation": _text(el.find("bpmn:documentation", NS)),
    }
    return {k: v for k, v in facts.items() if v not in (None, {}, "")}


def _bpmn_facts(files: dict[str, str]) -> tuple[dict, dict, dict, str]:
    """Elements and flows keyed by (process id, element id), process facts, and the diagram text."""
    elements: dict[tuple[str, str], dict] = {}
    flows: dict[tuple[str, str], dict] = {}
    processes: dict[str, dict] = {}
    diagrams = []
    for name in sorted(files):
        try:
            root = parse_xml(files[name], name)
        except ModelError:
            continue
        for diagram in root.findall("bpmndi:BPMNDiagram", NS):
            diagrams.append(etree.tostring(diagram, method="c14n"))
        for proc in root.findall("bpmn:process", NS):
            pid = proc.get("id")
            processes[pid] = {k: v for k, v in {
                "name": proc.get("name"), "properties": read_properties(proc),
                "documentation": _text(proc.find("bpmn:documentation", NS)), "file": name}.items() if v}
            lane_of = {}
            for lane in proc.iterfind(".//bpmn:lane", NS):
                for ref in lane.findall("bpmn:flowNodeRef", NS):
                    lane_of[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
            for el in proc.iter():
                if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN_NS}}}"):
                    continue
                tag = etree.QName(el).localname
                if tag in ELEMENT_TAGS and el.get("id"):
                    elements[(pid, el.get("id"))] = _element_facts(el, lane_of.get(el.get("id")))
                elif tag == "sequenceFlow" and el.get("id"):
                    flows[(pid, el.get("id"))] = {k: v for k, v in {
                        "name": el.get("name"), "source": el.get("sourceRef"), "target": el.get("targetRef"),
                        "condition": _text(el.find("bpmn:conditionExpression", NS))}.items() if v}
    return elements, flows, processes, b"".join(diagrams).decode("utf-8", "replace")


def _short(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    return value


def _field_changes(old: dict, new: dict, prefix: str = "") -> list[dict]:
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key), new.get(key)
        path = f"{prefix}{key}"
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changes.extend(_field_changes(a, b, f"{path}."))
        else:
            changes.append({"field": path, "old": _short(a), "new": _short(b)})
    return changes


def _keyed_diff(old: dict, new: dict, describe) -> dict[str, list]:
    added = [describe(k, new[k]) for k in sorted(set(new) - set(old))]
    removed = [describe(k, old[k]) for k in sorted(set(old) - set(new))]
    changed = []
    for k in sorted(set(old) & set(new)):
        if old[k] != new[k]:
            changed.append({**describe(k, new[k]), "changes": _field_changes(old[k], new[k])})
    return {"added": added, "removed": removed, "changed": changed}


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return text


def _files_diff(old: dict[str, str], new: dict[str, str], facts) -> dict[str, list]:
    result = {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)), "changed": []}
    for name in sorted(set(old) & set(new)):
        if old[name] != new[name]:
            a, b = facts(old[name]), facts(new[name])
            changes = _field_changes(a, b) if isinstance(a, dict) and isinstance(b, dict) else [
                {"field": _("(isi)"), "old": _short(a), "new": _short(b)}]
            result["changed"].append({"name": name, "changes": changes or [
                {"field": "(format)", "old": None, "new": _("hanya tata letak/format berkas")}]})
    return result


def _dmn_facts(text: str) -> dict:
    """Decision tables as {decision: {inputs, outputs, rules: {rule id: {inputs, outputs}}}}."""
    try:
        root = parse_xml(text)
    except ModelError:
        return {_("(tidak terbaca)"): text[:MAX_VALUE_CHARS]}
    ns = etree.QName(root).namespace
    found: dict = {}
    for decision in root.iter(f"{{{ns}}}decision"):
        table = decision.find(f"{{{ns}}}decisionTable")
        if table is None:
            found[decision.get("id")] = {"name": decision.get("name")}
            continue
        inputs = [_text(i.find(f"{{{ns}}}inputExpression/{{{ns}}}text")) or i.get("label")
                  for i in table.findall(f"{{{ns}}}input")]
        outputs = [o.get("name") or o.get("label") for o in table.findall(f"{{{ns}}}output")]
        rules = {}
        for index, rule in enumerate(table.findall(f"{{{ns}}}rule")):
            rules[rule.get("id") or f"aturan_{index + 1}"] = {
                **{f"masukan[{n}]": _text(e.find(f"{{{ns}}}text")) or "-"
                   for n, e in enumerate(rule.findall(f"{{{ns}}}inputEntry"))},
                **{f"keluaran[{n}]": _text(e.find(f"{{{ns}}}text"))
                   for n, e in enumerate(rule.findall(f"{{{ns}}}outputEntry"))}}
        found[decision.get("id")] = {"name": decision.get("name"), "hit_policy": table.get("hitPolicy", "UNIQUE"),
                                     "inputs": inputs, "outputs": outputs, "rules": rules}
    return found


def diff_versions(old_files: dict[str, dict[str, str]], new_files: dict[str, dict[str, str]]) -> dict:
    """The differences between two versions' files."""
    old_el, old_flows, old_proc, old_di = _bpmn_facts(old_files.get("bpmn", {}))
    new_el, new_flows, new_proc, new_di = _bpmn_facts(new_files.get("bpmn", {}))

    def element(key, facts):
        return {"process_id": key[0], "id": key[1], "kind": facts.get("kind"), "name": facts.get("name")}

    def flow(key, facts):
        return {"process_id": key[0], "id": key[1], "name": facts.get("name"), "source": facts.get("source"),
                "target": facts.get("target"), "condition": facts.get("condition")}

    def process(key, facts):
        return {"process_id": key, "name": facts.get("name")}

    result = {
        "processes": _keyed_diff(old_proc, new_proc, process),
        "elements": _keyed_diff(old_el, new_el, element),
        "flows": _keyed_diff(old_flows, new_flows, flow),
        "forms": _files_diff(old_files.get("forms", {}), new_files.get("forms", {}), _json_or_none),
        "dmn": _files_diff(old_files.get("dmn", {}), new_files.get("dmn", {}), _dmn_facts),
        "layout_changed": old_di != new_di,
    }
    result["unchanged"] = not result["layout_changed"] and not any(
        part[k] for part in (result["processes"], result["elements"], result["flows"], result["forms"], result["dmn"])
        for k in ("added", "removed", "changed"))
    return result
