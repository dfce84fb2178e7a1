"""Interface language: Bahasa Indonesia by default, English on request (flask-babel).

Indonesian is the source language of every message; English lives in
``app/translations/en/LC_MESSAGES/messages.po``. The choice is a cookie set by the language
switch, never guessed from the browser, so a phone set to English still gets the office's
language until the applicant asks otherwise.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user

from app.common.urls import safe_next

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LOCALE = "id"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a constant for extraction; it is translated where shown (the ``translate`` filter)."""
    return message


def translate(message: str | None) -> str | None:
    """Translate a marked constant at display time; unknown text passes through unchanged."""
    return gettext(message) if message else message


MOMENT_PATTERN = "d MMMM y HH.mm"  # 16 Desember 2026 16.00 / 16 December 2026 16.00
DAY_PATTERN = "d MMMM y"
NOTHING = "—"


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


def format_moment(value: datetime | str | None) -> str:
    """A moment in office time (Asia/Jakarta) in the page's language: `16 Desember 2026 16.00`.

    The one way pages write a deadline or an estimate, so every screen shows the same date and time.
    ISO 8601 strings (API views) are read too; anything else is "—".
    """
    moment = _as_datetime(value)
    return format_datetime(moment, MOMENT_PATTERN) if moment is not None else NOTHING


def format_number(value, pattern: str = "#,##0.##") -> str:
    """A number in the page's language: `1.250.000`, `3,4` in Indonesian; `1,250,000`, `3.4` in English."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return NOTHING if value is None else str(value)
    return format_decimal(value, format=pattern)


def format_day(value: date | datetime | str | None) -> str:
    """A date in the page's language (`16 Desember 2026`); a moment is read in office time."""
    if isinstance(value, str):
        value = _as_datetime(value) or (date.fromisoformat(value) if len(value) == 10 else None)
    if isinstance(value, datetime):
        return format_datetime(value, DAY_PATTERN)
    return format_date(value, DAY_PATTERN) if isinstance(value, date) else NOTHING


# -- the same formats in a language chosen by the caller ----------------------------------------------------------
# For what must not follow the page's language: documents issued in one language (app/permits/layout.py), and
# texts rendered for someone else than the person whose request runs (a message in its recipient's language).


def format_moment_in(value: datetime | str | None, locale: str, pattern: str = MOMENT_PATTERN) -> str:
    """`format_moment` in the given language (`"id"`, `"en"`), in office time; `pattern` is a Babel pattern."""
    from babel.dates import format_datetime as babel_datetime

    from app.common.clock import JAKARTA

    moment = _as_datetime(value)
    return babel_datetime(moment, pattern, tzinfo=JAKARTA, locale=locale) if moment is not None else NOTHING


def format_day_in(value: date | datetime | str | None, locale: str) -> str:
    """`format_day` in the given language: `16 Desember 2026` for `"id"`; a moment is read in office time."""
    from babel.dates import format_date as babel_date

    if isinstance(value, str):
        moment = _as_datetime(value)
        if moment is not None:
            return format_moment_in(moment, locale, DAY_PATTERN)
        try:
            value = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            value = None
    if isinstance(value, datetime):
        return format_moment_in(value, locale, DAY_PATTERN)
    return babel_date(value, DAY_PATTERN, locale=locale) if isinstance(value, date) else NOTHING


def format_number_in(value, locale: str, pattern: str = "#,##0.##") -> str:
    """`format_number` in the given language: `1.250.000` and `3,4` for `"id"`."""
    from babel.numbers import format_decimal as babel_decimal

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return NOTHING if value is None else str(value)
    return babel_decimal(value, format=pattern, locale=locale)


def locale_of(user) -> str:
    """The language a person reads messages in: their stored choice when it is one we speak, else Indonesian."""
    chosen = getattr(user, "locale", None)
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The applicant's chosen language, else Indonesian."""
    chosen = request.cookies.get(COOKIE) if request else None
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


@bp.get("/bahasa/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back to the page the switch was clicked on."""
    response = redirect(safe_next(request.args.get("next")) or url_for("web.index"))
    if code in LANGUAGES:
        remember_language(response, code)
        if current_user.is_authenticated:
            from app.common.signals import language_chosen
            from app.extensions import db

            language_chosen.send(current_app._get_current_object(), user=current_user._get_current_object(),
                                 locale=code)
            db.session.commit()
    return response


def remember_language(response, code: str) -> None:
    """Set the language cookie on a response (the switch; signing in with a stored choice)."""
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def _template_globals() -> dict:
    return {"current_locale": lambda: str(get_locale() or DEFAULT_LOCALE), "LANGUAGES": LANGUAGES,
            "js_messages": js_messages}


def js_messages(page: str | None = None) -> dict[str, str]:
    """The browser scripts' messages (app/common/js_messages.py) in the page's language, by key: those of the
    scripts the rendered `page` loads, or all of them."""
    from app.common.js_messages import catalog, groups_of

    return catalog(None if page is None else groups_of(str(page)))


MONTH_PATTERN = "MMMM y"  # November 2026


def format_month(value: date | str | None) -> str:
    """A month in the page's language (`November 2026`), from a date or a `YYYY-MM` key."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value + "-01") if len(value) == 7 else None
        except ValueError:
            value = None
    return format_date(value, MONTH_PATTERN) if isinstance(value, date) else NOTHING


def init_app(app: Flask) -> None:
    """Bind flask-babel with the cookie-based selector and register the switch route."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale, default_timezone="Asia/Jakarta")
    app.register_blueprint(bp)
    app.context_processor(_template_globals)
    app.add_template_filter(translate, "t")
    app.add_template_filter(format_moment, "sp_datetime")
    app.add_template_filter(format_day, "sp_date")
    app.add_template_filter(format_number, "sp_number")
    app.add_template_filter(format_month, "sp_month")
