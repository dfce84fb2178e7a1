"""Working-day calendar for SLA clocks (pure: no Flask, no database).

Working time is office hours (default 08:00-16:00) on office days (default
Monday-Friday) in the office time zone (default Asia/Jakarta), minus:

* Indonesian national holidays (``holidays`` package, category ``public``);
* *cuti bersama* (category ``government``) when ``include_cuti_bersama``;
* local days passed as ``extra_holidays`` (e.g. rows of an admin-edited table);

and plus ``removed_holidays``: dates listed by the package that a correcting
decree turned back into working days.  ``extra_holidays`` win over
``removed_holidays`` when a date is in both.

Office periods are half-open ``[start, end)``: 16:00 itself is outside office
hours, so the next working moment of 16:00 is 08:00 on the next working day.
The office hours are assumed not to straddle a DST transition (Indonesia has
no DST).

Every datetime argument must be timezone-aware (``ValueError`` otherwise);
every datetime returned is expressed in the calendar's time zone.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import holidays

__all__ = ["JAKARTA", "WorkingCalendar"]

JAKARTA = ZoneInfo("Asia/Jakarta")

_MON_FRI = frozenset({0, 1, 2, 3, 4})


class WorkingCalendar:
    """Office days and office hours of one permit office, with holidays."""

    def __init__(
        self,
        *,
        tz: tzinfo = JAKARTA,
        office_days: Collection[int] = _MON_FRI,
        office_hours: tuple[time, time] = (time(8, 0), time(16, 0)),
        include_cuti_bersama: bool = True,
        extra_holidays: Mapping[date, str] | None = None,
        removed_holidays: Collection[date] | None = None,
        language: str = "id",
    ) -> None:
        """Build a calendar; ``office_days`` are ``date.weekday()`` numbers (Mon=0)."""
        days = frozenset(office_days)
        if not days or not days <= set(range(7)):
            raise ValueError("office_days must be a non-empty set of weekdays 0..6")
        start, end = office_hours
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("office_hours must be naive times (wall clock in tz)")
        if not start < end:
            raise ValueError("office_hours start must be before end")
        self.tz: tzinfo = tz
        self.office_days: frozenset[int] = days
        self.office_start: time = start
        self.office_end: time = end
        self.include_cuti_bersama: bool = include_cuti_bersama
        self.extra_holidays: dict[date, str] = {
            _as_date(d): name for d, name in (extra_holidays or {}).items()
        }
        self.removed_holidays: frozenset[date] = frozenset(
            _as_date(d) for d in (removed_holidays or ())
        )
        self.language = language
        self._day_seconds: float = (
            datetime.combine(date.min, end) - datetime.combine(date.min, start)
        ).total_seconds()
        self._national: dict[int, dict[date, str]] = {}
        self._working: dict[int, list[date]] = {}

    # ------------------------------------------------------------------ days

    @property
    def office_day_seconds(self) -> float:
        """Length of one office day in seconds (8 h = 28800 by default)."""
        return self._day_seconds

    def _national_holidays(self, year: int) -> dict[date, str]:
        """Return the package's national holidays (and cuti bersama) for ``year``."""
        cached = self._national.get(year)
        if cached is None:
            categories = (
                ("public", "government") if self.include_cuti_bersama else ("public",)
            )
            found = holidays.country_holidays(
                "ID", years=year, categories=categories, language=self.language
            )
            cached = {d: str(name) for d, name in found.items() if d.year == year}
            self._national[year] = cached
        return cached

    def holiday_name(self, d: date) -> str | None:
        """Return the holiday name of ``d`` (local, then national), or None."""
        d = self._local_date(d)
        if d in self.extra_holidays:
            return self.extra_holidays[d]
        if d in self.removed_holidays:
            return None
        return self._national_holidays(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """Return True if ``d`` is an office day that is not a holiday."""
        d = self._local_date(d)
        return d.weekday() in self.office_days and self.holiday_name(d) is None

    def _working_days_of_year(self, year: int) -> list[date]:
        """Return the sorted working days of ``year`` (cached)."""
        cached = self._working.get(year)
        if cached is None:
            day = date(year, 1, 1)
            cached = []
            while day.year == year:
                if self.is_working_day(day):
                    cached.append(day)
                if day == date.max:
                    break
                day += timedelta(days=1)
            self._working[year] = cached
        return cached

    def working_days_in_range(self, start: date, end: date) -> list[date]:
        """Return the working days from ``start`` to ``end``, both inclusive."""
        start, end = self._local_date(start), self._local_date(end)
        result: list[date] = []
        for year in range(start.year, end.year + 1):
            days = self._working_days_of_year(year)
            lo = bisect.bisect_left(days, start)
            hi = bisect.bisect_right(days, end)
            result.extend(days[lo:hi])
        return result

    def _count_working_days(self, start: date, end: date) -> int:
        """Return how many working days lie in ``[start, end]``."""
        if end < start:
            return 0
        count = 0
        for year in range(start.year, end.year + 1):
            days = self._working_days_of_year(year)
            count += bisect.bisect_right(days, end) - bisect.bisect_left(days, start)
        return count

    def _nth_working_day_after(self, d: date, n: int) -> date:
        """Return the ``n``-th working day strictly after ``d`` (n >= 1)."""
        year = d.year
        days = self._working_days_of_year(year)
        idx = bisect.bisect_right(days, d) + n - 1
        while idx >= len(days):
            idx -= len(days)
            year += 1
            if year > date.max.year:
                raise OverflowError("no such working day before date.max")
            days = self._working_days_of_year(year)
        return days[idx]

    # --------------------------------------------------------------- moments

    def _local(self, t: datetime) -> datetime:
        """Return aware ``t`` converted to the calendar tz; reject naive values."""
        if not isinstance(t, datetime):
            raise TypeError(f"expected datetime, got {type(t).__name__}")
        if t.tzinfo is None or t.tzinfo.utcoffset(t) is None:
            raise ValueError("datetime must be timezone-aware")
        return t.astimezone(self.tz)

    def _local_date(self, d: date) -> date:
        """Return ``d`` as a plain date (aware datetimes are taken in the calendar tz)."""
        if isinstance(d, datetime):
            return self._local(d).date()
        return d

    def _at(self, d: date, wall: time) -> datetime:
        """Return the aware moment of wall-clock ``wall`` on ``d`` in the calendar tz."""
        return datetime.combine(d, wall, tzinfo=self.tz)

    def next_working_moment(self, t: datetime) -> datetime:
        """Return ``t`` if inside office hours on a working day, else the next period start."""
        local = self._local(t)
        d = local.date()
        if self.is_working_day(d) and local.time() < self.office_end:
            if local.time() >= self.office_start:
                return local
            return self._at(d, self.office_start)
        return self._at(self._nth_working_day_after(d, 1), self.office_start)

    def add_working_days(self, t: datetime, n: int) -> datetime:
        """Return the deadline N working days after ``t`` (end of office hours).

        Rule: a file is *received* on the working day of
        ``next_working_moment(t)`` (the same day if ``t`` is before or during
        office hours on a working day; otherwise the next working day).  It is
        due at the end of office hours (16:00) of the N-th working day after
        that receipt day; ``n == 0`` gives the end of the receipt day itself.
        E.g. received Monday 10:00 (or 07:00), n=1 -> Tuesday 16:00; received
        Monday 17:00 or Saturday, n=1 -> Wednesday/Tuesday 16:00 respectively.
        The result is monotonic in ``t`` and strictly increasing in ``n``.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        receipt = self.next_working_moment(t).date()
        due = receipt if n == 0 else self._nth_working_day_after(receipt, n)
        return self._at(due, self.office_end)

    # -------------------------------------------------------------- durations

    def _office_seconds_on(self, d: date, a: datetime, b: datetime) -> float:
        """Return office seconds of working day ``d`` that fall inside ``[a, b]``."""
        if not self.is_working_day(d):
            return 0.0
        lo = max(a, self._at(d, self.office_start))
        hi = min(b, self._at(d, self.office_end))
        if hi <= lo:
            return 0.0
        return (hi.astimezone(UTC) - lo.astimezone(UTC)).total_seconds()

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Return office-hour seconds on working days from ``a`` to ``b`` (negative if b < a)."""
        la, lb = self._local(a), self._local(b)
        if lb < la:
            return -self.working_seconds_between(lb, la)
        da, db = la.date(), lb.date()
        if da == db:
            return self._office_seconds_on(da, la, lb)
        full = self._count_working_days(da + timedelta(days=1), db - timedelta(days=1))
        return (
            self._office_seconds_on(da, la, lb)
            + full * self._day_seconds
            + self._office_seconds_on(db, la, lb)
        )

    def working_days_between(self, a: datetime, b: datetime) -> float:
        """Return working seconds between ``a`` and ``b`` divided by the office-day length."""
        return self.working_seconds_between(a, b) / self._day_seconds

    def working_days_used(self, segments: Iterable[tuple[datetime, datetime]]) -> float:
        """Return the working days summed over running ``(start, end)`` segments."""
        total = 0.0
        for start, end in segments:
            if self._local(end) < self._local(start):
                raise ValueError("segment ends before it starts")
            total += self.working_seconds_between(start, end)
        return total / self._day_seconds

    def project(self, t: datetime, working_days: float) -> datetime:
        """Return the moment when ``working_days`` of office time have elapsed after ``t``."""
        if not math.isfinite(working_days) or working_days < 0:
            raise ValueError("working_days must be a finite number >= 0")
        start = self.next_working_moment(t)
        remaining = working_days * self._day_seconds
        if remaining == 0:
            return start
        d = start.date()
        available = (
            self._at(d, self.office_end).astimezone(UTC) - start.astimezone(UTC)
        ).total_seconds()
        if remaining <= available:
            return _plus(start, remaining, self.tz)
        remaining -= available
        k = max(1, math.ceil(remaining / self._day_seconds))
        rest = remaining - (k - 1) * self._day_seconds
        day = self._nth_working_day_after(d, k)
        return _plus(self._at(day, self.office_start), rest, self.tz)


def _plus(t: datetime, seconds: float, tz: tzinfo) -> datetime:
    """Return ``t`` plus elapsed ``seconds`` (absolute time), expressed in ``tz``."""
    return (t.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(tz)


def _as_date(d: date) -> date:
    """Return ``d`` as a plain date (a datetime key is truncated to its date)."""
    return d.date() if isinstance(d, datetime) else d
