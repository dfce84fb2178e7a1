"""Reporting periods: office-day date ranges (Asia/Jakarta), months and quarters, and SQL month keys."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from app.common import clock
from app.common.errors import ValidationFailed
from app.common.i18n import format_day_in
from app.extensions import db

from .formats import language

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_DAYS = 3 * 366  # a longer range is refused: reports of several years are made year by year
MONTH_PATTERN = "LLLL y"  # November 2026 (the month's own name, in the reader's language)
SHORT_MONTH_PATTERN = "LLL y"  # Nov 2026, for chart axes


@dataclass(frozen=True)
class Period:
    """An inclusive range of office dates; moments are compared against [start_at, end_at)."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """The first moment of the period (UTC)."""
        return datetime.combine(self.start, time(0), tzinfo=clock.JAKARTA).astimezone(UTC)

    @property
    def end_at(self) -> datetime:
        """The moment just after the period (UTC, exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=clock.JAKARTA).astimezone(UTC)

    def months(self) -> list[str]:
        """The months the period touches, as YYYY-MM."""
        keys = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return keys

    def quarters(self) -> list[str]:
        """The quarters the period touches, as YYYY-Qn."""
        return list(dict.fromkeys(quarter_of(m) for m in self.months()))

    def label(self) -> str:
        """The period in words in the reader's language: `1 Agustus 2026 s.d. 31 Agustus 2026`."""
        return _("%(start)s s.d. %(end)s", start=long_date(self.start), end=long_date(self.end))

    def as_dict(self) -> dict:
        """JSON form: from/to dates."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def today(now: datetime | None = None) -> date:
    """The office date of a moment (now by default)."""
    return (now or clock.now()).astimezone(clock.JAKARTA).date()


def default_period(now: datetime | None = None) -> Period:
    """The current month and the eleven before it, up to today."""
    return build(None, None, now)


def last_twelve_months(now: datetime | None = None) -> Period:
    """The 365 days up to today (the public transparency window)."""
    end = today(now)
    return Period(end - timedelta(days=364), end)


def build(start: date | None, end: date | None, now: datetime | None = None) -> Period:
    """A period from optional dates (a missing end is today, a missing start twelve months back); 422 when invalid."""
    end = end or today(now)
    if start is None:
        year, month = end.year, end.month - 11
        if month < 1:
            year, month = year - 1, month + 12
        start = date(year, month, 1)
    errors: dict[str, list[str]] = {}
    if start > end:
        errors["from"] = [_("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")]
    elif (end - start).days > MAX_DAYS:
        errors["to"] = [_("Rentang paling panjang %(days)s hari.", days=MAX_DAYS)]
    if errors:
        raise ValidationFailed(fields=errors)
    return Period(start, end)


def parse_month(text: str | None, now: datetime | None = None) -> Period:
    """The period of a month written YYYY-MM (422 when malformed or in the future)."""
    found = MONTH.match((text or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise ValidationFailed(fields={"month": [_("Gunakan format YYYY-MM, misalnya 2026-11.")]})
    year, month = int(found.group(1)), int(found.group(2))
    first = date(year, month, 1)
    current = today(now)
    if first > current:
        raise ValidationFailed(fields={"month": [_("Bulan ini belum dimulai.")]})
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(first, following - timedelta(days=1))


def month_of(moment: datetime) -> str:
    """YYYY-MM of a moment in office time."""
    return moment.astimezone(clock.JAKARTA).strftime("%Y-%m")


def quarter_of(month_key: str) -> str:
    """YYYY-Qn of a YYYY-MM key."""
    year, month = month_key.split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def month_label(month_key: str, locale: str | None = None, *, short: bool = False) -> str:
    """'November 2026' for 2026-11 in the reader's language (`short`: 'Nov 2026'; Agustus/August, Agu/Aug)."""
    year, month = month_key.split("-")
    return format_date(date(int(year), int(month), 1), SHORT_MONTH_PATTERN if short else MONTH_PATTERN,
                       locale=locale or language())


def long_date(day: date, locale: str | None = None) -> str:
    """'3 November 2026' in the reader's language."""
    return format_day_in(day, locale or language())


def month_key_sql(column) -> ColumnElement:
    """SQL giving YYYY-MM of a UTC timestamp column in office time (Asia/Jakarta, UTC+7 all year)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Jakarta", func.timezone("UTC", column)), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+7 hours")  # Indonesia keeps no daylight saving time
