"""A permit is issued only when a member of the signer group signed the case: an analyst's model cannot skip it.

The attack (issue 18, item 5): a deployed model going start → end with `caseStatus=issued` produced a signed permit
that verified as valid. Even with deploys approved by a second person, the permits domain itself checks the case's
task rows: a completed task in lane `penandatangan` whose form said "sign", by a user who was and still is in that
group, after the last change to what was signed. Otherwise no permit, and the case becomes an incident.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.modeler.conftest import deploy, model_text, upload
from tests.processes import http
from tests.processes.support import verified
from tests.support.api import ApiClient

SERVICE = "izin_penelitian"
SECOND_ANALYST = "analis2@demo.local"
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _second_analyst(app) -> None:
    from app.accounts import service as accounts
    from app.accounts.demo import DEMO_PASSWORD
    from app.extensions import db

    with app.app_context():
        accounts.create_user(email=SECOND_ANALYST, name="Rudi Analis Kedua", password=DEMO_PASSWORD,
                             roles=("analyst",), groups=(), verified=True)
        db.session.commit()


def _signing_in_lane(lane: str) -> str:
    """izin_penelitian with its signing step moved into another group's lane, whose members are no signers."""
    return model_text(f"{SERVICE}.bpmn").replace('<bpmn:lane id="lane_penandatangan" name="penandatangan">',
                                                 f'<bpmn:lane id="lane_penandatangan" name="{lane}">')


def _start_to_end_issued() -> str:
    """izin_penelitian reduced to start → end `issued`: the catalog facts kept, every step removed."""
    text = model_text(f"{SERVICE}.bpmn")
    head = text[:text.index("<bpmn:laneSet")]
    process = head + """<bpmn:startEvent id="start_permohonan" name="Permohonan diajukan">
      <bpmn:outgoing>flow_langsung</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end_terbit" name="Terbit">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="caseStatus" value="issued"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_langsung</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_langsung" sourceRef="start_permohonan" targetRef="end_terbit"/>
  </bpmn:process>
</bpmn:definitions>
"""
    process = re.sub(r"<bpmn:collaboration.*?</bpmn:collaboration>\s*", "", process, flags=re.S)
    from app.modeler.layout import add_diagram

    return add_diagram(process.encode("utf-8")).decode("utf-8")


def _deploy_by_two(app, client, bpmn: str) -> None:
    """The analyst stores the model; a second analyst approves its deploy (the four-eyes rule is satisfied)."""
    _second_analyst(app)
    stored = upload(ApiClient(client, "analis@demo.local"), SERVICE, {f"{SERVICE}.bpmn": bpmn}, comment="ringkas")
    assert stored.status_code == 201, stored.get_json()
    number = stored.get_json()["version"]
    approved = deploy(client, SERVICE, number, approver=SECOND_ANALYST)
    assert approved.status_code == 200 and approved.get_json()["active_version"] == number


def _refused(app, case_id: int) -> None:
    """No permit exists for the case, it is an incident saying why, and the refusal is in the security log."""
    from sqlalchemy import select

    from app.audit.models import SecurityEvent
    from app.cases.models import Case
    from app.extensions import db
    from app.permits import service as permits
    from app.permits.models import Permit

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "incident" and "penandatangan" in case.incident_message
        assert db.session.scalars(select(Permit).where(Permit.case_id == case_id)).all() == []
        assert permits.for_case(case_id) is None
        refused = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "permit_refused")).all()
        assert [e.subject for e in refused] == [f"case:{case_id}"]


def test_a_start_to_end_issued_model_deployed_by_two_people_yields_no_permit(app, client):
    """The whole attack: approved model, applicant submits, the case 'ends issued' without anyone signing."""
    _deploy_by_two(app, client, _start_to_end_issued())
    applicant = ApiClient(client, "pemohon@demo.local")
    case = http.submit(applicant, SERVICE)
    assert case["status"] == "incident" and not case.get("permit")
    _refused(app, case["id"])
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json().get("permit") is None


def test_a_signing_task_in_another_groups_lane_does_not_count(app, client):
    """The signing step moved into the verifiers' lane: a verifier completes it with 'sign', which signs nothing."""
    _deploy_by_two(app, client, _signing_in_lane("verifikator"))
    loket = ApiClient(client, "loket@demo.local")
    case = http.submit(ApiClient(client, "pemohon@demo.local"), SERVICE)
    http.finish(loket, case["id"], verified(SERVICE), bpmn_id="verifikasi")
    done = http.finish(loket, case["id"], {"signing_decision": "sign"}, bpmn_id="penandatanganan")
    assert done["status"] == "incident" and not done.get("permit")
    _refused(app, case["id"])


def test_the_shipped_flow_signed_by_the_head_of_office_still_issues(client):
    """The same service as shipped: verified, then signed by kadis (group penandatangan): a valid permit."""
    applicant = ApiClient(client, "pemohon@demo.local")
    case = http.submit(applicant, SERVICE)
    http.finish(ApiClient(client, "loket@demo.local"), case["id"], verified(SERVICE))
    case = http.finish(ApiClient(client, "kadis@demo.local"), case["id"], {"signing_decision": "sign"})
    assert case["status"] == "issued"
    assert http.verified_permit(applicant, case)["status"] == "valid"


# -- the rule itself, on case rows written as the inbox writes them ---------------------------------------


def _issue(case):
    from app.permits import service as permits

    return permits.issue_for_case(case, {}, actor_id=None)


def test_a_signer_who_sent_the_draft_back_did_not_sign(ctx):
    """A completed signing task whose decision was 'return' is no signature."""
    from tests.permits.support import draft_case, sign

    case = draft_case(signed=False)
    sign(case, decision="return")
    assert _issue(case) is None and case.status == "incident"


def test_a_signature_by_someone_no_longer_in_the_signer_group_does_not_count(ctx):
    """Membership is checked now too: the signer left group penandatangan before issuance."""
    from app.accounts import service as accounts
    from tests.permits.support import draft_case

    admin, kadis = accounts.get_by_email("admin@demo.local"), accounts.get_by_email("kadis@demo.local")
    case = draft_case()
    accounts.change_access(user=kadis, actor=admin, roles=kadis.roles, groups=[], active=True)
    assert _issue(case) is None and case.status == "incident"


def test_a_signature_by_someone_who_joined_the_signer_group_only_afterwards_does_not_count(ctx):
    """Membership at completion time: the completing user was put in the group after completing the task."""
    from app.accounts import service as accounts
    from app.common import clock
    from tests.permits.support import draft_case, sign

    admin, loket = accounts.get_by_email("admin@demo.local"), accounts.get_by_email("loket@demo.local")
    with clock.frozen_at(T0):
        case = draft_case(signed=False)
        sign(case, signer_email="loket@demo.local")
    with clock.frozen_at(T0 + timedelta(minutes=5)):
        accounts.change_access(user=loket, actor=admin, roles=loket.roles, groups=[*loket.group_keys, "penandatangan"],
                               active=True)
        assert _issue(case) is None and case.status == "incident"


def test_a_signature_made_before_the_applicants_revision_does_not_cover_it(ctx):
    """The applicant changed the application after the signature: it has to be signed again."""
    from app.accounts import service as accounts
    from app.cases import events
    from tests.permits.support import draft_case

    case = draft_case()
    events.record(case, "task_completed", actor_id=accounts.get_by_email("pemohon@demo.local").id,
                  actor_role="pemohon", data={"task_id": "perbaikan"})
    assert _issue(case) is None and case.status == "incident"


def test_a_valid_signature_issues_with_the_signers_name(ctx):
    """The control case: signed by kadis, the permit names kadis as its signer."""
    from tests.permits.support import draft_case

    permit = _issue(draft_case())
    assert permit is not None and permit.signer_name == "H. Ahmad Kepala Dinas"


def test_an_admin_cannot_reissue_a_permit_that_nobody_signed(ctx):
    """A permit issued unsigned before the fix is not laundered by an admin's re-issue; the head of office may."""
    from app.accounts import service as accounts
    from app.common.errors import Forbidden
    from app.permits import service as permits
    from tests.permits.support import draft_case

    case = draft_case(signed=False)
    legacy = permits._new_permit(case, valid_until=None, signer=(None, "Kepala Dinas", None), conditions=None)
    with pytest.raises(Forbidden):
        permits.reissue(permit=legacy, actor=accounts.get_by_email("admin@demo.local"), reason="Koreksi alamat.")
    new = permits.reissue(permit=legacy, actor=accounts.get_by_email("kadis@demo.local"), reason="Koreksi alamat.")
    assert new.signer_name == "H. Ahmad Kepala Dinas" and legacy.status == "revoked"
