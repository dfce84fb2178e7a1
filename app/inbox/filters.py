"""Saved inbox filters: an officer keeps a set of filter parameters, optionally shared with a group."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.accounts.models import User
from app.common import clock
from app.common.errors import NotFound, ValidationFailed
from app.common.i18n import format_number
from app.extensions import db

from .models import SavedFilter

FILTER_PARAMS = ("tab", "service", "step", "due", "q", "sort", "deferred")
MAX_FILTERS_PER_USER = 50


def clean_params(params: dict) -> dict[str, str]:
    """Only the inbox's own filter parameters, as short strings, empty ones left out."""
    cleaned = {}
    for key in FILTER_PARAMS:
        value = params.get(key)
        if value is None:
            continue
        value = str(value).strip()[:200]
        if value:
            cleaned[key] = value
    return cleaned


def visible_to(user: User) -> list[SavedFilter]:
    """The user's own filters and those shared with one of their groups, by name."""
    condition = SavedFilter.owner_id == user.id
    if user.group_keys:
        condition = or_(condition, SavedFilter.group_key.in_(user.group_keys))
    return list(db.session.scalars(select(SavedFilter).where(condition).order_by(SavedFilter.name, SavedFilter.id)))


def save(*, owner: User, name: str, params: dict, group_key: str | None = None) -> SavedFilter:
    """Save filter parameters under a name; `group_key` shares them with one of the owner's groups."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Beri nama filter.")]
    elif len(name) > 100:
        errors["name"] = [_("Paling banyak %(count)s karakter.", count=format_number(100))]
    if group_key and group_key not in owner.group_keys:
        errors["group_key"] = [_("Filter hanya dapat dibagikan ke kelompok Anda sendiri.")]
    cleaned = clean_params(params)
    if not cleaned:
        errors["params"] = [_("Pilih setidaknya satu filter sebelum menyimpan.")]
    count = len([f for f in visible_to(owner) if f.owner_id == owner.id])
    if count >= MAX_FILTERS_PER_USER:
        errors["name"] = [_("Paling banyak %(count)s filter tersimpan.", count=format_number(MAX_FILTERS_PER_USER))]
    if errors:
        raise ValidationFailed(fields=errors)
    row = SavedFilter(owner_id=owner.id, name=name, params=cleaned, group_key=group_key or None,
                      created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    return row


def delete(*, filter_id: int, actor: User) -> None:
    """Delete one of the actor's own saved filters."""
    row = db.session.get(SavedFilter, filter_id)
    if row is None or row.owner_id != actor.id:
        raise NotFound(_("Filter tidak ditemukan."))
    db.session.delete(row)
    db.session.flush()
