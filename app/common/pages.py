"""Helpers shared by the server-rendered pages: who may open a page, and reading its query arguments."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import Forbidden
from app.common.i18n import translate
from app.common.schemas import DATE_RANGE_MESSAGE, in_date_range
from app.extensions import login_manager


def page_for(*roles: str, check: Callable | None = None) -> Callable:
    """A page for signed-in users holding one of the roles (any role when none is given) and passing
    `check(user)`, which raises to refuse; anonymous visitors go to the login page, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                raise Forbidden(_("Halaman ini bukan untuk peran Anda."))
            if check is not None:
                check(current_user._get_current_object())
            return view(*args, **kwargs)

        return wrapper

    return decorator


def date_arg(name: str, errors: dict[str, list[str]], *, field: str | None = None) -> date | None:
    """A YYYY-MM-DD query argument; an unreadable one is reported under `field` (default: its name).

    The messages are in the reader's language: pages show them as they are.
    """
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[field or name] = [_("Tanggal tidak valid (gunakan format TTTT-BB-HH).")]
        return None
    if not in_date_range(day):  # year 1 or 9999 overflows the conversion to office time
        errors[field or name] = [translate(DATE_RANGE_MESSAGE)]
        return None
    return day
