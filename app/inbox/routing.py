"""Who gets a task: absences with a delegate, and automatic assignment per group.

An officer's absence hands their open tasks to the delegate when it begins (at once, or on its
first day through `jobs.run_due`), and any assignment to them meanwhile goes to the delegate.
A group may assign new tasks automatically (round-robin or least-loaded) so that officers do not
pick applicants; `on_task_opened` is the receiver of `signals.task_opened`.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Group, User, UserRole, user_groups
from app.cases import events
from app.common import clock
from app.common.errors import Forbidden, NotFound, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

from .deadlines import mark_risk, office_today
from .models import OPEN_STATES, ROUTING_MODES, Absence, GroupRouting, Task
from .service import APPLICANT_GROUP, is_supervisor

ROUTING_LABELS = {"manual": N_("Manual (petugas mengambil sendiri)"), "round_robin": N_("Otomatis bergiliran"),
                  "least_loaded": N_("Otomatis ke petugas dengan beban paling sedikit")}
# History notes the system writes (stored in Indonesian, translated where shown).
DELEGATED_NOTE = N_("dialihkan kepada petugas pengganti selama pemegang tidak di tempat")
RETURNED_NOTE = N_("dikembalikan ke kelompok selama pemegang tidak di tempat")
AUTO_ASSIGNED_NOTES = {"round_robin": N_("penugasan otomatis (bergiliran)"),
                       "least_loaded": N_("penugasan otomatis (beban terendah)")}
MAX_DELEGATION_HOPS = 5


# -- absences ---------------------------------------------------------------------------------


def _active_absences(user_ids: list[int], day: date) -> dict[int, Absence]:
    rows = db.session.scalars(select(Absence).where(
        Absence.user_id.in_(user_ids or [-1]), Absence.cancelled_at.is_(None),
        Absence.starts_on <= day, Absence.ends_on >= day))
    return {row.user_id: row for row in rows}


def active_absence(user: User, *, day: date | None = None) -> Absence | None:
    """The user's absence covering the day (today by default), if any."""
    return _active_absences([user.id], day or office_today()).get(user.id)


def resolve_assignee(user: User, *, day: date | None = None) -> User:
    """Whoever works for the user on the day: the user, or the delegate of their absence (followed)."""
    day = day or office_today()
    seen = {user.id}
    current = user
    for _hop in range(MAX_DELEGATION_HOPS):
        absence = active_absence(current, day=day)
        if absence is None or absence.delegate_id in seen:
            return current
        seen.add(absence.delegate_id)
        current = absence.delegate
    return current


def list_absences(user: User) -> list[Absence]:
    """The user's current and coming absences, and those where they are the delegate."""
    today = office_today()
    return list(db.session.scalars(select(Absence).where(
        (Absence.user_id == user.id) | (Absence.delegate_id == user.id),
        Absence.cancelled_at.is_(None), Absence.ends_on >= today).order_by(Absence.starts_on, Absence.id)))


def delegate_candidates(user: User) -> list[User]:
    """Active officers sharing a group with the user (who may stand in for them)."""
    keys = user.group_keys
    if not keys:
        return []
    query = (select(User).join(user_groups, user_groups.c.user_id == User.id)
             .join(Group, Group.id == user_groups.c.group_id)
             .where(Group.key.in_(keys), User.id != user.id, User.is_active_account.is_(True),
                    User.id.in_(select(UserRole.user_id).where(UserRole.role == "officer")))
             .order_by(User.name).distinct())
    return list(db.session.scalars(query))


def create_absence(*, user: User, actor: User, delegate: User | None, starts_on: date | None,
                   ends_on: date | None, note: str | None = None) -> Absence:
    """Record an absence; when it has begun, the user's open tasks move to the delegate at once."""
    if actor.id != user.id and not is_supervisor(actor):
        raise Forbidden(_("Anda hanya dapat mengatur ketidakhadiran Anda sendiri."))
    errors: dict[str, list[str]] = {}
    today = office_today()
    if starts_on is None:
        errors["starts_on"] = [_("Wajib diisi.")]
    if ends_on is None:
        errors["ends_on"] = [_("Wajib diisi.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("Tanggal selesai tidak boleh sebelum tanggal mulai.")]
    elif ends_on and ends_on < today:
        errors["ends_on"] = [_("Tanggal selesai sudah lewat.")]
    if delegate is None:
        errors["delegate_id"] = [_("Pilih petugas pengganti.")]
    elif delegate.id not in {u.id for u in delegate_candidates(user)}:
        errors["delegate_id"] = [_("Pengganti harus petugas aktif dari kelompok yang sama.")]
    if errors:
        raise ValidationFailed(fields=errors)
    overlapping = db.session.scalar(select(Absence).where(
        Absence.cancelled_at.is_(None), Absence.starts_on <= ends_on, Absence.ends_on >= starts_on,
        ((Absence.user_id == user.id)
         | ((Absence.user_id == delegate.id) & (Absence.delegate_id == user.id)))).limit(1))
    if overlapping is not None:
        field = "starts_on" if overlapping.user_id == user.id else "delegate_id"
        message = (_("Sudah ada ketidakhadiran pada rentang tanggal ini.") if field == "starts_on"
                   else _("Pengganti tidak hadir pada rentang ini dan mendelegasikan kepada Anda."))
        raise ValidationFailed(fields={field: [message]})
    absence = Absence(user_id=user.id, delegate_id=delegate.id, starts_on=starts_on, ends_on=ends_on,
                      note=(note or "").strip()[:500] or None, created_at=clock.now())
    db.session.add(absence)
    db.session.flush()
    if starts_on <= today:
        hand_over(absence, now=clock.now())
    return absence


def end_absence(*, absence_id: int, actor: User) -> Absence:
    """End (or cancel) an absence now; tasks already handed over stay with the delegate."""
    absence = db.session.get(Absence, absence_id)
    if absence is None or (absence.user_id != actor.id and not is_supervisor(actor)):
        raise NotFound(_("Data ketidakhadiran tidak ditemukan."))
    absence.cancelled_at = clock.now()
    db.session.flush()
    return absence


def hand_over(absence: Absence, *, now: datetime) -> int:
    """Move the absent officer's open tasks to the delegate (or back to the group); returns how many."""
    delegate = resolve_assignee(absence.delegate, day=now.astimezone(clock.JAKARTA).date())
    moved = 0
    tasks = db.session.scalars(select(Task).where(Task.assignee_id == absence.user_id,
                                                  Task.state.in_(OPEN_STATES), Task.group_key != APPLICANT_GROUP))
    for task in tasks:
        if delegate.id != absence.user_id and task.group_key in delegate.group_keys:
            task.assignee_id = delegate.id
            task.state = "claimed"
            task.claimed_at = now
            events.record(task.case, "task_delegated", actor_id=None, step=task.name, bpmn_id=task.bpmn_id,
                          note=DELEGATED_NOTE, note_values={},
                          data={"from_id": absence.user_id, "assignee_id": delegate.id})
        else:
            task.assignee_id = None
            task.state = "ready"
            task.claimed_at = None
            events.record(task.case, "task_released", actor_id=None, step=task.name, bpmn_id=task.bpmn_id,
                          note=RETURNED_NOTE, note_values={},
                          data={"from_id": absence.user_id})
        moved += 1
    absence.applied_at = now
    db.session.flush()
    return moved


def absences_to_hand_over(day: date) -> list[Absence]:
    """Absences that have begun but whose tasks were not handed over yet."""
    return list(db.session.scalars(select(Absence).where(
        Absence.applied_at.is_(None), Absence.cancelled_at.is_(None),
        Absence.starts_on <= day, Absence.ends_on >= day).order_by(Absence.id)))


# -- automatic assignment ------------------------------------------------------------------------


def routing_modes() -> dict[str, str]:
    """Each group's assignment mode (groups without a row are manual)."""
    return {row.group_key: row.mode for row in db.session.scalars(select(GroupRouting))}


def set_routing(*, group_key: str, mode: str, actor: User) -> GroupRouting:
    """A supervisor chooses how new tasks of a group are assigned."""
    if not is_supervisor(actor):
        raise Forbidden(_("Hanya supervisor yang dapat mengatur penugasan kelompok."))
    if mode not in ROUTING_MODES:
        raise ValidationFailed(fields={"mode": [_("Pilihan tidak valid.")]})
    if group_key == APPLICANT_GROUP or db.session.scalar(select(Group).where(Group.key == group_key)) is None:
        raise ValidationFailed(fields={"group": [_("Kelompok tidak dikenal.")]})
    row = db.session.get(GroupRouting, group_key)
    if row is None:
        row = GroupRouting(group_key=group_key)
        db.session.add(row)
    row.mode = mode
    row.updated_at = clock.now()
    row.updated_by_id = actor.id
    db.session.flush()
    return row


def _group_officers(group_key: str) -> list[User]:
    query = (select(User).join(user_groups, user_groups.c.user_id == User.id)
             .join(Group, Group.id == user_groups.c.group_id)
             .where(Group.key == group_key, User.is_active_account.is_(True),
                    User.id.in_(select(UserRole.user_id).where(UserRole.role == "officer")))
             .order_by(User.id))
    return list(db.session.scalars(query))


def pick_assignee(group_key: str) -> tuple[User | None, str]:
    """The officer who gets the group's next task under its mode (None when manual or nobody is in)."""
    # Who may get it does not depend on the caller's pending work: read without flushing it (the loads of
    # least_loaded below do, and see tasks assigned earlier in the same transaction).
    with db.session.no_autoflush:
        routing = db.session.get(GroupRouting, group_key)
        if routing is None or routing.mode == "manual":
            return None, "manual"
        officers = _group_officers(group_key)
        away = _active_absences([u.id for u in officers], office_today())
    pool = [u for u in officers if u.id not in away]
    if not pool:
        return None, routing.mode
    if routing.mode == "least_loaded":
        loads = dict(db.session.execute(
            select(Task.assignee_id, func.count()).where(Task.assignee_id.in_([u.id for u in pool]),
                                                         Task.state.in_(OPEN_STATES))
            .group_by(Task.assignee_id)).all())
        lowest = min(loads.get(u.id, 0) for u in pool)
        pool = [u for u in pool if loads.get(u.id, 0) == lowest]
    # Rotate after the last officer picked, so ties and round-robin never favour the same person.
    after = [u for u in pool if routing.last_user_id is not None and u.id > routing.last_user_id]
    chosen = after[0] if after else pool[0]
    routing.last_user_id = chosen.id
    return chosen, routing.mode


def on_task_opened(sender, *, case, task: Task, **_: object) -> None:
    """Receiver of `task_opened`: note when the task becomes at risk, and assign it when the group says so."""
    mark_risk(task)
    if task.group_key == APPLICANT_GROUP or task.assignee_id is not None:
        return
    chosen, mode = pick_assignee(task.group_key)
    if chosen is None:
        return
    task.assignee_id = chosen.id
    task.state = "claimed"
    task.claimed_at = clock.now()
    events.record(case, "task_assigned", actor_id=None, step=task.name, bpmn_id=task.bpmn_id,
                  note=AUTO_ASSIGNED_NOTES.get(mode, AUTO_ASSIGNED_NOTES["least_loaded"]), note_values={},
                  data={"assignee_id": chosen.id, "mode": mode})


def delegate_candidates_of_group(group_key: str) -> list[User]:
    """Active officers of a group, by name (whom a supervisor may assign its tasks to)."""
    return sorted(_group_officers(group_key), key=lambda u: u.name)
