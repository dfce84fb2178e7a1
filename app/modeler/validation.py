"""What a model must pass before it is stored as a version.

`validate_files` takes every file of a candidate version ({"bpmn", "dmn", "forms"}: name →
text) and returns problems (blocking) and warnings. Each problem is
``{message, element_id, line, column, file}``. XML is read with the engine's safe parser
(no DTD, no entities, no network); SpiffWorkflow parses the bundle (XSD included); then the
rules the office relies on are checked: lanes are existing groups, user tasks have a form
and an SLA, gateways have conditions, scripts and expressions pass the sandbox, and every
process carries its diagram.

Problems are written in the language of the analyst who asked (`check`, `save` run in their request);
outside a request (the CLI) they are Indonesian.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from app.catalog.texts import translation_problems
from app.common import signals
from app.common.i18n import N_, translate
from app.engine import Bundle, Library, ModelError, parse_bundle
from app.engine import properties as P
from app.engine.sandbox import SandboxViolation, check
from app.engine.specs import BPMN_NS, DMN_NAMESPACES, NS, parse_xml, read_properties
from app.jsonforms.rules import rule_problems

APPLICANT_LANE = "pemohon"
FEE_KINDS = ("free", "fixed", "computed")
TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
# What a piece of code is, in "<what> tidak sah: ..." (translated with the problem).
SCRIPT_LABEL, CONDITION_LABEL, TIMER_LABEL = N_("skrip"), N_("kondisi"), N_("ekspresi timer")
INPUT_EXPRESSION_LABEL, RULE_OUTPUT_LABEL = N_("ekspresi masukan"), N_("keluaran aturan")
_jinja = SandboxedEnvironment()


def problem(message: str, *, element_id: str | None = None, line: int | None = None, column: int | None = None,
            file: str | None = None) -> dict:
    """One problem in the shape the API and the editor show."""
    return {"message": message, "element_id": element_id, "line": line, "column": column, "file": file}


@dataclass
class ValidationResult:
    """Problems block saving; warnings are shown but do not."""

    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    bundle: Bundle | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and self.bundle is not None


def notification_templates() -> list[str]:
    """The messages a model may send with `notify`: the templates under templates/notifications/."""
    from app.notifications.service import template_names

    return template_names()


def validate_files(key: str, files: dict[str, dict[str, str]], groups: Iterable[str]) -> ValidationResult:
    """Check every rule on the files of a candidate version of service `key`."""
    result = ValidationResult()
    trees = _parse_all(files, result.problems)
    if result.problems:
        return result
    try:
        library = Library.from_files(files["bpmn"], files["dmn"], files["forms"])
    except ModelError as exc:
        result.problems.extend(_normalized(exc.problems))
        return result
    if key not in library.processes:
        result.problems.append(problem(_("proses dengan id '%(key)s' tidak ditemukan dalam berkas BPMN", key=key),
                                       element_id=key))
        return result
    if P.truthy(library.processes[key].properties.get(P.SHARED)):
        result.problems.append(problem(_("'%(key)s' adalah proses bersama (shared), bukan layanan", key=key),
                                       element_id=key))
        return result
    try:
        bundle = library.bundle(key)
    except ModelError as exc:
        result.problems.extend(_normalized(exc.problems))
        return result
    engine_problems: list[dict] = []
    try:
        parse_bundle(bundle)
    except ModelError as exc:
        engine_problems = _normalized(exc.problems)
    checker = _RuleChecker(bundle, set(groups), result)
    for name in bundle.files["bpmn"]:
        checker.check_bpmn(name, trees[("bpmn", name)], main=key)
    for name in bundle.files["dmn"]:
        checker.check_dmn(name, trees[("dmn", name)])
    result.problems.extend(translation_problems(bundle))
    # The engine's message about an element our rules already explain (with a line) adds nothing.
    explained = {p["element_id"] for p in result.problems if p["element_id"]}
    result.problems[:0] = [p for p in engine_problems if not p["element_id"] or p["element_id"] not in explained]
    result.bundle = bundle if not result.problems else None
    return result


def _normalized(problems: list[dict]) -> list[dict]:
    return [problem(translate(p.get("message")) or _("model tidak sah"), element_id=p.get("element_id") or None,
                    line=p.get("line") or None, column=p.get("column") or None, file=p.get("file") or None)
            for p in problems]


def _parse_all(files: dict[str, dict[str, str]], problems: list[dict]) -> dict[tuple[str, str], etree._Element]:
    trees: dict[tuple[str, str], etree._Element] = {}
    for kind in ("bpmn", "dmn"):
        for name, text in files[kind].items():
            try:
                root = parse_xml(text, name)
            except ModelError as exc:
                problems.extend({**p, "file": name} for p in _normalized(exc.problems))
                continue
            namespace = etree.QName(root).namespace
            expected = (BPMN_NS,) if kind == "bpmn" else DMN_NAMESPACES
            if etree.QName(root).localname != "definitions" or namespace not in expected:
                label = "BPMN 2.0" if kind == "bpmn" else "DMN"
                problems.append(problem(_("bukan berkas %(kind)s: elemen akar %(tag)s", kind=label, tag=root.tag),
                                        line=root.sourceline, file=name))
                continue
            trees[(kind, name)] = root
    for name, text in files["forms"].items():
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(problem(_("JSON tidak sah: %(error)s", error=exc.msg), line=exc.lineno, column=exc.colno,
                                    file=name))
    return trees


class _RuleChecker:
    """The office's rules over one bundle's XML."""

    def __init__(self, bundle: Bundle, groups: set[str], result: ValidationResult):
        self.bundle = bundle
        self.groups = groups
        self.result = result
        self._checked_forms: dict[str, str | None] = {}

    def fail(self, message: str, el: etree._Element | None = None, file: str | None = None, **kw) -> None:
        self.result.problems.append(problem(
            message, element_id=kw.pop("element_id", el.get("id") if el is not None else None),
            line=kw.pop("line", el.sourceline if el is not None else None), file=file, **kw))

    def warn(self, message: str, el: etree._Element | None = None, file: str | None = None) -> None:
        self.result.warnings.append(problem(message, element_id=el.get("id") if el is not None else None,
                                            line=el.sourceline if el is not None else None, file=file))

    # -- BPMN ----------------------------------------------------------------------------------------

    def check_bpmn(self, name: str, root: etree._Element, *, main: str) -> None:
        drawn = {plane.get("bpmnElement") for plane in root.iterfind(".//bpmndi:BPMNPlane", NS)}
        drawn_processes = set(drawn)
        for collaboration in root.iterfind("bpmn:collaboration", NS):
            for participant in collaboration.iterfind("bpmn:participant", NS):
                if collaboration.get("id") in drawn or participant.get("id") in drawn:
                    drawn_processes.add(participant.get("processRef"))
        for proc in root.findall("bpmn:process", NS):
            pid = proc.get("id")
            if pid not in drawn_processes:
                self.fail(_("proses '%(id)s' tidak memiliki diagram (BPMNDI); gunakan 'Susun otomatis'", id=pid),
                          proc, name)
            if pid == main:
                self._check_service_properties(name, proc)
            lanes = _lanes_of(proc)
            for el in proc.iter():
                if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN_NS}}}"):
                    continue
                self._check_element(name, proc, el, lanes)

    def _check_element(self, file: str, proc: etree._Element, el: etree._Element, lanes: dict[str, str]) -> None:
        tag = etree.QName(el).localname
        props = read_properties(el) if tag not in ("process", "lane") else {}
        status = props.get(P.CASE_STATUS)
        if status and status not in P.CASE_STATUSES:
            self.fail(_("caseStatus '%(status)s' tidak dikenal (pilihan: %(choices)s)", status=status,
                        choices=", ".join(P.CASE_STATUSES)), el, file)
        if props.get(P.PRIORITY) and not _is_int(props[P.PRIORITY]):
            self.fail(_("priority harus bilangan bulat"), el, file)
        action = props.get(P.HOST_ACTION)
        if action and action not in signals.host_action_names():
            # A typo would silently do nothing (no bill issued): only actions some domain carries out are allowed.
            self.fail(_("hostAction '%(action)s' tidak dikenal (pilihan: %(choices)s)", action=action,
                        choices=", ".join(sorted(signals.host_action_names()))), el, file)
        template = props.get(P.NOTIFY)
        if template and template not in notification_templates():
            self.fail(_("notify '%(name)s' tidak dikenal (pilihan: %(choices)s)", name=template,
                        choices=", ".join(notification_templates())), el, file)
        if tag == "userTask":
            self._check_user_task(file, el, props, lanes.get(el.get("id")))
        elif tag == "exclusiveGateway":
            self._check_gateway(file, proc, el)
        elif tag == "scriptTask":
            script = el.find("bpmn:script", NS)
            if script is None or not (script.text or "").strip():
                self.fail(_("script task tanpa skrip"), el, file)
            else:
                self._check_code(file, el, script, script.text, "exec", SCRIPT_LABEL)
        elif tag == "sequenceFlow":
            condition = el.find("bpmn:conditionExpression", NS)
            if condition is not None and (condition.text or "").strip():
                self._check_code(file, el, condition, condition.text, "eval", CONDITION_LABEL)
        elif tag in TIMER_TAGS:
            owner = el.getparent().getparent() if el.getparent() is not None else None
            if not (el.text or "").strip():
                self.fail(_("ekspresi timer kosong"), owner, file)
            else:
                self._check_code(file, owner, el, el.text, "eval", TIMER_LABEL)
        ext = el.find("bpmn:extensionElements", NS)
        if ext is None:
            return
        for script_tag, label in (("preScript", "preScript"), ("postScript", "postScript")):
            node = ext.find(f"spiffworkflow:{script_tag}", NS)
            if node is not None and (node.text or "").strip():
                self._check_code(file, el, node, node.text, "exec", label)
        instructions = ext.find("spiffworkflow:instructionsForEndUser", NS)
        if instructions is not None and instructions.text:
            try:
                _jinja.parse(instructions.text)
            except TemplateSyntaxError as exc:
                self.fail(_("instruksi (templat Jinja) tidak sah: %(error)s", error=exc.message), el, file,
                          line=instructions.sourceline + (exc.lineno or 1) - 1)

    def _check_user_task(self, file: str, el: etree._Element, props: dict[str, str], lane: str | None) -> None:
        label = el.get("name") or el.get("id")
        if not el.get("name"):
            self.warn(_("tugas pengguna '%(id)s' tidak bernama", id=el.get("id")), el, file)
        if lane is None:
            self.fail(_("tugas pengguna '%(task)s' tidak berada di lajur (lane) mana pun; "
                        "nama lajur menentukan kelompok penerima tugas", task=label), el, file)
        elif lane not in self.groups and lane != APPLICANT_LANE:
            self.fail(_("lajur '%(lane)s' dari tugas '%(task)s' bukan kelompok yang terdaftar", lane=lane, task=label),
                      el, file)
        schema_name = props.get(P.FORM_SCHEMA)
        if not schema_name:
            self.fail(_("tugas pengguna '%(task)s' tidak memiliki formulir (%(property)s)", task=label,
                        property=P.FORM_SCHEMA), el, file)
        else:
            self._check_form_schema(schema_name, el, file)
        ui_name = props.get(P.FORM_UI_SCHEMA)
        if ui_name:
            self._check_json_object(ui_name, el, file)
        if lane != APPLICANT_LANE:
            sla = props.get(P.SLA_WORKING_DAYS)
            if not sla:
                self.fail(_("tugas pengguna '%(task)s' tidak memiliki SLA (%(property)s)", task=label,
                            property=P.SLA_WORKING_DAYS), el, file)
            elif not _is_int(sla) or int(sla) <= 0:
                self.fail(_("%(property)s harus bilangan bulat positif (hari kerja)", property=P.SLA_WORKING_DAYS),
                          el, file)

    def _check_form_schema(self, filename: str, el: etree._Element, file: str) -> None:
        if filename not in self._checked_forms:
            text = self.bundle.files["forms"].get(filename)
            message = None
            if text is None:
                message = _("berkas formulir %(file)s tidak ada", file=filename)
            else:
                try:
                    schema = json.loads(text)
                    if not isinstance(schema, dict):
                        raise SchemaError(_("skema harus berupa objek JSON"))
                    Draft202012Validator.check_schema(schema)
                    broken = rule_problems(schema)  # x-rules the form validator would ignore
                    if broken:
                        message = _("%(file)s: aturan x-rules tidak sah: %(problems)s", file=filename,
                                    problems="; ".join(broken[:3]))
                except json.JSONDecodeError as exc:
                    message = _("%(file)s: JSON tidak sah: %(error)s", file=filename, error=exc.msg)
                except SchemaError as exc:
                    message = _("%(file)s: JSON Schema tidak sah: %(error)s", file=filename, error=exc.message)
            self._checked_forms[filename] = message
        if self._checked_forms[filename]:
            self.fail(self._checked_forms[filename], el, file)

    def _check_json_object(self, filename: str, el: etree._Element, file: str) -> None:
        text = self.bundle.files["forms"].get(filename)
        try:
            ok = text is not None and isinstance(json.loads(text), dict)
        except json.JSONDecodeError:
            ok = False
        if not ok:
            self.fail(_("%(file)s: harus berupa objek JSON", file=filename), el, file)

    def _check_gateway(self, file: str, proc: etree._Element, el: etree._Element) -> None:
        gid = el.get("id")
        outgoing = [f for f in proc.iter(f"{{{BPMN_NS}}}sequenceFlow") if f.get("sourceRef") == gid]
        default = el.get("default")
        if default and default not in {f.get("id") for f in outgoing}:
            self.fail(_("alur bawaan '%(flow)s' bukan alur keluar gerbang ini", flow=default), el, file)
        if len(outgoing) < 2:
            return
        for flow in outgoing:
            if flow.get("id") == default:
                continue
            condition = flow.find("bpmn:conditionExpression", NS)
            if condition is None or not (condition.text or "").strip():
                self.fail(_("alur '%(flow)s' dari gerbang '%(gateway)s' tidak memiliki kondisi (dan bukan alur bawaan)",
                            flow=flow.get("name") or flow.get("id"), gateway=el.get("name") or gid), flow, file)

    def _check_code(self, file: str, el: etree._Element | None, node: etree._Element, source: str, mode: str,
                    label: str) -> None:
        text = source.strip() if mode == "eval" else _dedent(source)
        try:
            check(text, mode)
        except SyntaxError as exc:
            self.fail(_("%(what)s tidak sah: %(error)s", what=translate(label), error=exc.msg), el, file,
                      line=_line(node, exc.lineno), column=exc.offset)
        except SandboxViolation as exc:
            self.fail(_("%(what)s ditolak sandbox: %(error)s", what=translate(label), error=translate(str(exc))),
                      el, file, line=_line(node, exc.lineno))

    def _check_service_properties(self, file: str, proc: etree._Element) -> None:
        props = read_properties(proc)
        for key in (P.SOP_WORKING_DAYS, P.PERMIT_VALIDITY_YEARS):
            if props.get(key) and (not _is_int(props[key]) or int(props[key]) <= 0):
                self.fail(_("%(property)s harus bilangan bulat positif", property=key), proc, file)
        if not props.get(P.SOP_WORKING_DAYS):
            self.warn(_("layanan tanpa %(property)s: standar pelayanan dianggap 5 hari kerja",
                        property=P.SOP_WORKING_DAYS), proc, file)
        prefix = props.get(P.REGISTRATION_PREFIX)
        if prefix and not (prefix.isascii() and prefix.replace("-", "").isalnum() and len(prefix) <= 16):
            self.fail(_("%(property)s hanya huruf/angka, paling panjang 16", property=P.REGISTRATION_PREFIX),
                      proc, file)
        kind = props.get(P.FEE_KIND, "free")
        if kind not in FEE_KINDS:
            self.fail(_("%(property)s harus salah satu dari %(choices)s", property=P.FEE_KIND,
                        choices=", ".join(FEE_KINDS)), proc, file)
        if kind == "fixed" and not _is_int(props.get(P.FEE_AMOUNT, "")):
            self.fail(_("%(property)s=fixed memerlukan %(amount)s (rupiah, bilangan bulat)", property=P.FEE_KIND,
                        amount=P.FEE_AMOUNT), proc, file)
        if kind == "computed" and not props.get(P.FEE_DECISION):
            self.fail(_("%(property)s=computed memerlukan %(decision)s (id tabel keputusan DMN)", property=P.FEE_KIND,
                        decision=P.FEE_DECISION), proc, file)
        if props.get(P.APPLICATION_FORM_SCHEMA):
            self._check_form_schema(props[P.APPLICATION_FORM_SCHEMA], proc, file)
        requirements = props.get(P.REQUIREMENTS_FILE)
        if requirements:
            try:
                items = json.loads(self.bundle.files["forms"].get(requirements) or "null")
                ok = isinstance(items, list) and all(isinstance(i, dict) and i.get("key") for i in items)
            except json.JSONDecodeError:
                ok = False
            if not ok:
                self.fail(_("%(file)s: harus daftar objek dengan 'key'", file=requirements), proc, file)

    # -- DMN -----------------------------------------------------------------------------------------

    def check_dmn(self, name: str, root: etree._Element) -> None:
        namespace = etree.QName(root).namespace
        for expression in root.iter(f"{{{namespace}}}inputExpression"):
            text = expression.find(f"{{{namespace}}}text")
            if text is not None and (text.text or "").strip():
                self._check_dmn_code(name, expression, text, INPUT_EXPRESSION_LABEL)
        for entry in root.iter(f"{{{namespace}}}outputEntry"):
            text = entry.find(f"{{{namespace}}}text")
            if text is not None and (text.text or "").strip():
                self._check_dmn_code(name, entry, text, RULE_OUTPUT_LABEL)

    def _check_dmn_code(self, file: str, el: etree._Element, text: etree._Element, label: str) -> None:
        owner = el
        while owner is not None and etree.QName(owner).localname not in ("rule", "decision"):
            owner = owner.getparent()
        self._check_code(file, owner if owner is not None else el, text, text.text, "eval", label)


def _lanes_of(proc: etree._Element) -> dict[str, str]:
    lane_of: dict[str, str] = {}
    for lane in proc.iterfind(".//bpmn:lane", NS):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
    return lane_of


def _is_int(value: str | None) -> bool:
    text = (value or "").strip()
    return text.lstrip("-").isdigit()


def _dedent(source: str) -> str:
    import textwrap

    return textwrap.dedent(source.strip("\n"))


def _line(node: etree._Element, lineno: int | None) -> int | None:
    if node.sourceline is None:
        return None
    first = node.sourceline
    leading = len(node.text or "") - len((node.text or "").lstrip("\n"))
    return first + leading + (lineno or 1) - 1
