"""Domain events other rooms subscribe to, so the case flow does not import them.

Senders pass keyword arguments; receivers run inside the sender's transaction (they must
flush, never commit). Connect in a domain's ``init_app``.
"""
from blinker import Namespace

_events = Namespace()

#: case=, old=, new=, actor_id= — after a case's status changed (the clock pauses/resumes on it)
case_status_changed = _events.signal("case-status-changed")
#: case=, task= — a human task row was created (ready)
task_opened = _events.signal("task-opened")
#: case=, task=, outcome= ("completed" | "cancelled"), actor_id=
task_closed = _events.signal("task-closed")
#: case=, outcome= — the case reached a final status
case_finished = _events.signal("case-finished")
#: case=, action=, element_id=, properties=, data= — a model element with property hostAction
#: asked the host to act (e.g. issue_bill); receivers act inside the same transaction
host_action = _events.signal("host-action")
_HOST_ACTIONS: set[str] = set()


def handles_host_actions(*names: str) -> None:
    """A domain declares the host actions its `host_action` receiver carries out (the modeler allows only these)."""
    _HOST_ACTIONS.update(names)


def host_action_names() -> frozenset[str]:
    """Every host action some domain carries out."""
    return frozenset(_HOST_ACTIONS)
#: kind=, actor_id=, subject=, detail=, ok= — a security-relevant action (login success or
#: failure, role change, model deploy, permit revoke, payment confirmation); the audit
#: room stores it. ``subject`` names what was acted on ("user:12", "permit:503/2026", ...);
#: ``detail`` is a small dict without personal data beyond ids.
security_event = _events.signal("security-event")
#: user=, locale= — a signed-in user chose the interface language (accounts remembers it for their messages)
language_chosen = _events.signal("language-chosen")
