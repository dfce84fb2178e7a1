"""Every notification the code or a model can send has an Indonesian template, and each renders."""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from app.cases.models import Case
from app.common import clock
from app.extensions import db
from app.notifications import service as notifications
from tests.sla.flow import jkt, open_task, submit_case, user

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "app" / "templates" / "notifications"
CALL = re.compile(r'notify_(?:case|user|staff)\(\s*[^,()]+,\s*"([a-z_]+)"')
CONSTANT = re.compile(r'^TEMPLATE\s*=\s*"([a-z_]+)"', re.M)
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def keys_used() -> set[str]:
    keys = set(notifications.SUBJECTS)
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text("utf-8")
        keys.update(CALL.findall(text))
        keys.update(CONSTANT.findall(text))
    for path in (ROOT / "processes").glob("*.bpmn"):
        root = etree.parse(str(path)).getroot()
        for prop in root.iter(f"{{{SPIFF}}}property"):
            owner = prop.getparent().getparent().getparent()
            if prop.get("name") == "notify":
                keys.add(prop.get("value"))
            if prop.get("name") == "caseStatus" and owner.tag == f"{{{BPMN}}}endEvent":
                keys.add(f"case_{prop.get('value')}")  # the outcome message of a finished case
    return keys


def test_every_template_key_in_code_and_models_has_a_template():
    missing = sorted(k for k in keys_used() if not (TEMPLATES / f"{k}.txt").exists())
    assert missing == []
    assert {"task_reminder", "task_breach", "task_escalated", "daily_digest", "case_withdrawn"} <= keys_used()


def test_case_templates_render_in_indonesian_for_a_real_case(ctx):
    case = db.session.get(Case, submit_case(jkt(2026, 7, 6, 9)))
    task = open_task(case.id)
    context = {"case": case, "task": task, "applicant": case.applicant, "reg": case.registration_number,
               "office": "DPMPTSP Kota Contoh", "local": clock.to_local}
    for name in ("case_submitted", "action_required", "revision_reminder", "payment_reminder", "case_issued",
                 "case_rejected", "case_expired", "case_withdrawn", "case_approved", "case_extended",
                 "case_deemed_approved", "complaint_received"):
        body = ctx.jinja_env.get_template(f"notifications/{name}.txt").render(**context)
        assert case.registration_number in body and "Yth." in body, name


def test_staff_templates_render_with_their_context(ctx):
    case = db.session.get(Case, submit_case(jkt(2026, 7, 6, 9)))
    task = open_task(case.id)
    officer = user("loket@demo.local")
    base = {"user": officer, "case": case, "task": task, "reg": case.registration_number, "office": "DPMPTSP"}
    ladder = {"percent": 150, "late_days": 1.5, "due_at": clock.to_local(task.due_at), "released": True,
              "holder_names": officer.name}
    for name, extra in (("task_reminder", ladder), ("task_breach", ladder), ("task_escalated", ladder),
                        ("sla_lapsed", {"action": "auto_approve"}), ("sla_pause_approval", {"reason": "menunggu_pemohon"})):
        body = ctx.jinja_env.get_template(f"notifications/{name}.txt").render(**base, **extra)
        assert case.registration_number in body and officer.name in body, name
    digest = ctx.jinja_env.get_template("notifications/daily_digest.txt").render(
        user=officer, office="DPMPTSP", day=jkt(2026, 7, 6).date(), late_count=1,
        tasks=[{"name": task.name, "reg": case.registration_number, "due_at": clock.to_local(task.due_at),
                "late": True}])
    assert "TERLAMBAT" in digest and case.registration_number in digest
