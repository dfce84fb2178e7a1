"""Tests for the SLA working-day calendar (app.sla.calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sla.calendar import WorkingCalendar

JKT = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkingCalendar()
NO_CUTI = WorkingCalendar(include_cuti_bersama=False)
DAY = 8 * 3600


def jkt(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """Return an aware Asia/Jakarta datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=JKT)


# --------------------------------------------------------------- concrete days


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # Tahun Baru Masehi
        date(2026, 3, 19),  # Nyepi
        date(2026, 3, 21),  # Idul Fitri (Saturday)
        date(2026, 8, 17),  # Hari Kemerdekaan
        date(2026, 12, 25),  # Natal
    ],
)
def test_national_holidays_2026(day: date) -> None:
    """Known 2026 national holidays are non-working and named."""
    assert CAL.holiday_name(day)
    assert not CAL.is_working_day(day)
    assert not NO_CUTI.is_working_day(day)


def test_holiday_names_are_indonesian() -> None:
    """Holiday names default to Indonesian."""
    assert CAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert CAL.holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"


def test_cuti_bersama_toggle() -> None:
    """Cuti bersama (e.g. 24 Dec 2026, 23-24 Mar 2026) only counts when enabled."""
    for day in (date(2026, 12, 24), date(2026, 3, 23), date(2026, 3, 24)):
        assert CAL.holiday_name(day) is not None
        assert not CAL.is_working_day(day)
        assert NO_CUTI.holiday_name(day) is None
        assert NO_CUTI.is_working_day(day)


def test_weekend_and_ordinary_day() -> None:
    """Weekends are non-working; an ordinary Tuesday is working."""
    assert not CAL.is_working_day(date(2026, 7, 4))  # Saturday
    assert not CAL.is_working_day(date(2026, 7, 5))  # Sunday
    assert CAL.is_working_day(date(2026, 7, 7))
    assert CAL.holiday_name(date(2026, 7, 7)) is None


def test_deadline_thursday_before_christmas_long_weekend() -> None:
    """5 working days from Thu 17 Dec 2026 skip 24 (cuti) and 25 Dec."""
    t = jkt(2026, 12, 17, 10)
    # Fri 18, Mon 21, Tue 22, Wed 23, [Thu 24 cuti, Fri 25 Natal], Mon 28
    assert CAL.add_working_days(t, 5) == jkt(2026, 12, 28, 16)
    # Without cuti bersama, Thu 24 Dec is the 5th working day.
    assert NO_CUTI.add_working_days(t, 5) == jkt(2026, 12, 24, 16)


def test_deadline_across_idul_fitri_2026() -> None:
    """5 working days from Thu 12 Mar 2026 cross Nyepi and Idul Fitri."""
    t = jkt(2026, 3, 12, 9)
    # Fri 13, Mon 16, Tue 17, [18 cuti .. 24 cuti], Wed 25, Thu 26
    assert CAL.add_working_days(t, 5) == jkt(2026, 3, 26, 16)
    # Without cuti: Fri 13, Mon 16, Tue 17, Wed 18, [Thu 19 Nyepi], Fri 20
    assert NO_CUTI.add_working_days(t, 5) == jkt(2026, 3, 20, 16)


def test_deadline_across_new_year() -> None:
    """Counting crosses the year boundary and skips 1 Jan 2027."""
    t = jkt(2026, 12, 30, 11)
    # Thu 31, [Fri 1 Jan], Mon 4 Jan
    assert CAL.add_working_days(t, 2) == jkt(2027, 1, 4, 16)


def test_add_working_days_receipt_rule() -> None:
    """Before/during hours count from that day; after hours/weekends from the next."""
    assert CAL.add_working_days(jkt(2026, 7, 6, 7), 1) == jkt(2026, 7, 7, 16)
    assert CAL.add_working_days(jkt(2026, 7, 6, 15, 59), 1) == jkt(2026, 7, 7, 16)
    assert CAL.add_working_days(jkt(2026, 7, 6, 16), 1) == jkt(2026, 7, 8, 16)
    assert CAL.add_working_days(jkt(2026, 7, 4, 12), 1) == jkt(2026, 7, 7, 16)
    assert CAL.add_working_days(jkt(2026, 7, 6, 10), 0) == jkt(2026, 7, 6, 16)
    assert CAL.add_working_days(jkt(2026, 7, 4, 10), 0) == jkt(2026, 7, 6, 16)
    with pytest.raises(ValueError):
        CAL.add_working_days(jkt(2026, 7, 6, 10), -1)


def test_extra_holidays_honoured() -> None:
    """A local day (e.g. Hari Jadi Kabupaten) pushes the deadline."""
    cal = WorkingCalendar(extra_holidays={date(2026, 12, 18): "Hari Jadi Kabupaten"})
    assert cal.holiday_name(date(2026, 12, 18)) == "Hari Jadi Kabupaten"
    assert not cal.is_working_day(date(2026, 12, 18))
    assert cal.add_working_days(jkt(2026, 12, 17, 10), 5) == jkt(2026, 12, 29, 16)


def test_removed_holidays_honoured() -> None:
    """A decree correction turns a listed cuti bersama back into a working day."""
    cal = WorkingCalendar(removed_holidays={date(2026, 12, 24)})
    assert cal.holiday_name(date(2026, 12, 24)) is None
    assert cal.is_working_day(date(2026, 12, 24))
    assert cal.add_working_days(jkt(2026, 12, 17, 10), 5) == jkt(2026, 12, 24, 16)
    # Removing a date does not turn a weekend into a working day.
    cal = WorkingCalendar(removed_holidays={date(2026, 3, 21)})
    assert not cal.is_working_day(date(2026, 3, 21))


def test_extra_wins_over_removed() -> None:
    """A date in both extra_holidays and removed_holidays is a holiday."""
    cal = WorkingCalendar(
        extra_holidays={date(2026, 12, 24): "Libur daerah"},
        removed_holidays={date(2026, 12, 24)},
    )
    assert cal.holiday_name(date(2026, 12, 24)) == "Libur daerah"


def test_next_working_moment_cases() -> None:
    """Inside hours returns t; otherwise the next 08:00 on a working day."""
    assert CAL.next_working_moment(jkt(2026, 7, 6, 10)) == jkt(2026, 7, 6, 10)
    assert CAL.next_working_moment(jkt(2026, 7, 6, 8)) == jkt(2026, 7, 6, 8)
    assert CAL.next_working_moment(jkt(2026, 7, 6, 6)) == jkt(2026, 7, 6, 8)
    assert CAL.next_working_moment(jkt(2026, 7, 6, 16)) == jkt(2026, 7, 7, 8)
    assert CAL.next_working_moment(jkt(2026, 7, 4, 10)) == jkt(2026, 7, 6, 8)
    assert CAL.next_working_moment(jkt(2026, 12, 23, 17)) == jkt(2026, 12, 28, 8)
    # UTC input is converted: 02:00 UTC = 09:00 WIB.
    out = CAL.next_working_moment(datetime(2026, 7, 6, 2, tzinfo=UTC))
    assert out == jkt(2026, 7, 6, 9)
    assert out.tzinfo == JKT


def test_naive_datetimes_rejected() -> None:
    """Naive datetimes raise ValueError everywhere."""
    naive = datetime(2026, 7, 6, 10)
    with pytest.raises(ValueError):
        CAL.next_working_moment(naive)
    with pytest.raises(ValueError):
        CAL.add_working_days(naive, 1)
    with pytest.raises(ValueError):
        CAL.working_seconds_between(naive, jkt(2026, 7, 6, 12))
    with pytest.raises(ValueError):
        CAL.project(naive, 1)


def test_working_seconds_and_days_between() -> None:
    """Durations count office hours on working days only."""
    assert CAL.working_seconds_between(jkt(2026, 7, 6, 7), jkt(2026, 7, 6, 17)) == DAY
    assert CAL.working_days_between(jkt(2026, 7, 6, 12), jkt(2026, 7, 7, 12)) == 1.0
    # Fri 12:00 -> Mon 12:00 is one working day.
    assert CAL.working_days_between(jkt(2026, 7, 3, 12), jkt(2026, 7, 6, 12)) == 1.0
    # Whole week of 17-21 Aug 2026 has Monday 17 off: 4 days.
    assert CAL.working_days_between(jkt(2026, 8, 17), jkt(2026, 8, 22)) == 4.0
    assert CAL.working_days_between(jkt(2026, 8, 22), jkt(2026, 8, 17)) == -4.0


def test_working_days_used() -> None:
    """Paused clocks: only running segments count."""
    segments = [
        (jkt(2026, 7, 6, 8), jkt(2026, 7, 6, 12)),  # 0.5
        (jkt(2026, 7, 8, 14), jkt(2026, 7, 9, 10)),  # 0.25 + 0.25
    ]
    assert CAL.working_days_used(segments) == pytest.approx(1.0)
    assert CAL.working_days_used([]) == 0.0
    with pytest.raises(ValueError):
        CAL.working_days_used([(jkt(2026, 7, 9), jkt(2026, 7, 8))])


def test_project_cases() -> None:
    """Projection of fractional working days, skipping holidays."""
    assert CAL.project(jkt(2026, 7, 4, 10), 0) == jkt(2026, 7, 6, 8)
    assert CAL.project(jkt(2026, 7, 6, 8), 1) == jkt(2026, 7, 6, 16)
    assert CAL.project(jkt(2026, 7, 6, 12), 1) == jkt(2026, 7, 7, 12)
    assert CAL.project(jkt(2026, 7, 6, 8), 1.5) == jkt(2026, 7, 7, 12)
    assert CAL.project(jkt(2026, 12, 23, 12), 1) == jkt(2026, 12, 28, 12)
    with pytest.raises(ValueError):
        CAL.project(jkt(2026, 7, 6, 8), -0.5)


def test_working_days_in_range() -> None:
    """Inclusive range listing, across the new year."""
    days = CAL.working_days_in_range(date(2026, 12, 23), date(2027, 1, 5))
    assert days[:3] == [date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 29)]
    assert date(2027, 1, 1) not in days
    assert all(CAL.is_working_day(d) for d in days)
    assert CAL.working_days_in_range(date(2026, 7, 7), date(2026, 7, 6)) == []


def test_custom_office_week_and_hours() -> None:
    """Six-day offices with other hours are supported."""
    cal = WorkingCalendar(
        office_days={0, 1, 2, 3, 4, 5}, office_hours=(time(7, 30), time(14, 30))
    )
    assert cal.is_working_day(date(2026, 7, 4))
    assert cal.add_working_days(jkt(2026, 7, 3, 10), 1) == jkt(2026, 7, 4, 14, 30)
    assert cal.office_day_seconds == 7 * 3600
    with pytest.raises(ValueError):
        WorkingCalendar(office_hours=(time(16), time(8)))
    with pytest.raises(ValueError):
        WorkingCalendar(office_days=())


# ---------------------------------------------------------------- properties

ZONES = st.sampled_from([JKT, UTC, WITA])
MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=ZONES
)
PROPS = settings(max_examples=200, deadline=None)


@PROPS
@given(MOMENTS, MOMENTS, st.integers(0, 30))
def test_add_monotonic(t1: datetime, t2: datetime, n: int) -> None:
    """t1 <= t2 implies add(t1, n) <= add(t2, n)."""
    t1, t2 = min(t1, t2), max(t1, t2)
    assert CAL.add_working_days(t1, n) <= CAL.add_working_days(t2, n)


@PROPS
@given(MOMENTS, st.integers(0, 30))
def test_add_lands_on_working_day_end(t: datetime, n: int) -> None:
    """Deadlines are at office end on a working day, in the calendar tz, after t."""
    due = CAL.add_working_days(t, n)
    assert due.tzinfo == JKT
    assert due.time() == time(16, 0)
    assert due.weekday() < 5
    assert CAL.is_working_day(due.date())
    assert CAL.holiday_name(due.date()) is None
    assert due > t
    # Exactly n whole working days lie after the receipt day up to the deadline.
    receipt = CAL.next_working_moment(t).date()
    assert len(CAL.working_days_in_range(receipt + timedelta(days=1), due.date())) == n


@PROPS
@given(MOMENTS, st.integers(0, 30))
def test_add_strictly_increasing_in_n(t: datetime, n: int) -> None:
    """add(t, n + 1) > add(t, n)."""
    assert CAL.add_working_days(t, n + 1) > CAL.add_working_days(t, n)


@PROPS
@given(MOMENTS, st.floats(0, 40, allow_nan=False))
def test_project_roundtrip(t: datetime, x: float) -> None:
    """working_days_between(t, project(t, x)) == x (to microsecond precision)."""
    end = CAL.project(t, x)
    assert end.tzinfo == JKT
    assert end >= t
    assert CAL.working_days_between(t, end) == pytest.approx(x, abs=1e-9)


@PROPS
@given(MOMENTS, MOMENTS)
def test_seconds_antisymmetric(a: datetime, b: datetime) -> None:
    """working_seconds_between(a, b) == -working_seconds_between(b, a)."""
    assert CAL.working_seconds_between(a, b) == -CAL.working_seconds_between(b, a)


@PROPS
@given(MOMENTS, MOMENTS, MOMENTS)
def test_seconds_additive(a: datetime, b: datetime, c: datetime) -> None:
    """For a <= b <= c the durations add up."""
    a, b, c = sorted((a, b, c))
    ab = CAL.working_seconds_between(a, b)
    bc = CAL.working_seconds_between(b, c)
    assert ab >= 0 and bc >= 0
    assert ab + bc == pytest.approx(CAL.working_seconds_between(a, c), abs=1e-6)


@PROPS
@given(MOMENTS)
def test_next_working_moment_idempotent(t: datetime) -> None:
    """next_working_moment is idempotent, not earlier than t, and inside hours."""
    m = CAL.next_working_moment(t)
    assert CAL.next_working_moment(m) == m
    assert m >= t
    assert CAL.is_working_day(m.date())
    assert time(8) <= m.time() < time(16)
    assert CAL.working_seconds_between(t, m) == 0


@PROPS
@given(MOMENTS, MOMENTS)
def test_seconds_bounded_by_elapsed(a: datetime, b: datetime) -> None:
    """Working seconds never exceed wall-clock seconds."""
    a, b = min(a, b), max(a, b)
    assert 0 <= CAL.working_seconds_between(a, b) <= (b - a).total_seconds()
