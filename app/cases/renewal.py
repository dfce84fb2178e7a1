"""Renewal: a permit nearing expiry is renewed by a new application pre-filled from the old one."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from app.accounts.models import User
from app.common import clock
from app.common.errors import Conflict
from app.extensions import db

from . import events, service
from .models import Case

RENEWAL_WINDOW_DAYS = 180


def renewable(case: Case) -> bool:
    """An issued case whose permit expires within the renewal window (or has expired)."""
    from app.permits import service as permits

    if case.status != "issued":
        return False
    permit = permits.for_case(case.id)
    if permit is None or permit.valid_until is None or permit.status == "revoked":
        return False
    today = clock.now().astimezone(clock.JAKARTA).date()
    return permit.valid_until - timedelta(days=RENEWAL_WINDOW_DAYS) <= today


def renew(*, case: Case, actor: User) -> Case:
    """Start a draft of the same service (its active version), pre-filled with the old application's valid data."""
    if not renewable(case):
        raise Conflict(_("Perpanjangan dapat diajukan mulai %(days)s hari sebelum izin berakhir.",
                         days=RENEWAL_WINDOW_DAYS))
    from app.catalog import service as catalog

    model = catalog.active_model(catalog.get(case.service_key))[1]
    schema = catalog.application_form(model)["schema"]
    known = set((schema.get("properties") or {}).keys())
    data = {k: v for k, v in (case.data or {}).items() if not known or k in known}
    from app.jsonforms.parse import valid_part
    from app.jsonforms.validation import validate

    # What no longer holds (an STRA expired since, a field the new version reads differently) is asked again.
    data = valid_part(schema, data, validate(schema, data, partial=True))
    draft = service.create_draft(actor=actor, service_key=case.service_key, data=data)
    draft.renewal_of_id = case.id
    db.session.flush()
    events.record(draft, "renewal_started", actor_id=actor.id, note=case.registration_number,
                  data={"renewal_of": case.id})
    events.record(case, "renewal_requested", actor_id=actor.id, data={"draft_id": draft.id})
    return draft
