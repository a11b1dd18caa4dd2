"""Mentor status (taking, full, not active), the build date, and shared working hours."""

from __future__ import annotations

import datetime as dt

import pytest

from kbgen.directory.roster import load_roster
from kbgen.directory.status import LABELS, Status, build_date, mentor_status, shared_hours, utc_week
from kbgen.errors import ConfigError
from kbgen.models import Mentor, Window
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 22)


def mentor(**kw) -> Mentor:
    return Mentor(**{"id": "ana", "name": "Ana", "capacity": 2, **kw})


def weekdays(start: str, end: str) -> tuple[Window, ...]:
    return tuple(Window(d, start, end) for d in ("mon", "tue", "wed", "thu", "fri"))


# -- status ---------------------------------------------------------------------------------


def test_taking_full_and_labels():
    assert mentor_status(mentor(updated=dt.date(2026, 10, 1)), None, TODAY, 365) == Status(
        "taking", "Taking mentees", "2 open mentee slots")
    assert mentor_status(mentor(capacity=1), dt.date(2026, 5, 1), TODAY, 365).reason == "1 open mentee slot"
    assert mentor_status(mentor(capacity=0, updated=dt.date(2026, 10, 1)), None, TODAY, 365) == Status(
        "full", "Full", "not taking mentees (capacity 0)")
    assert LABELS == {"taking": "Taking mentees", "full": "Full", "inactive": "Not active"}


def test_available_until_passed_is_inactive_even_when_full_or_recent():
    gone = mentor(available_until=dt.date(2026, 6, 30), updated=dt.date(2026, 11, 1), capacity=0)
    assert mentor_status(gone, dt.date(2026, 11, 20), TODAY, 365) == Status(
        "inactive", "Not active", "available until 2026-06-30")
    # The last day itself still counts as available.
    last_day = mentor(available_until=TODAY, updated=dt.date(2026, 10, 1))
    status = mentor_status(last_day, None, TODAY, 365)
    assert status.kind == "taking" and status.reason == "2 open mentee slots; available until 2026-11-22"


def test_no_session_and_no_update_for_too_long_is_inactive():
    old = mentor(updated=dt.date(2025, 11, 21))  # 366 days before TODAY
    assert mentor_status(old, None, TODAY, 365) == Status(
        "inactive", "Not active",
        "no session or roster update for more than 365 days (last roster update 2025-11-21)")
    assert mentor_status(mentor(updated=dt.date(2025, 11, 22)), None, TODAY, 365).kind == "taking"  # 365 days
    # A recent session keeps an old entry active, and the other way round.
    assert mentor_status(old, dt.date(2026, 3, 1), TODAY, 365).kind == "taking"
    assert mentor_status(mentor(updated=dt.date(2026, 9, 1)), dt.date(2020, 1, 1), TODAY, 365).kind == "taking"
    assert mentor_status(mentor(), dt.date(2025, 1, 2), TODAY, 365).reason == (
        "no session or roster update for more than 365 days (last session 2025-01-02)")
    assert mentor_status(old, None, TODAY, 400).kind == "taking"
    # Inactive wins over full: a stale full mentor is not active.
    assert mentor_status(mentor(capacity=0, updated=dt.date(2024, 1, 1)), None, TODAY, 365).kind == "inactive"


def test_no_dates_at_all_is_taking_and_says_so():
    status = mentor_status(mentor(), None, TODAY, 30)
    assert status == Status(
        "taking", "Taking mentees", "2 open mentee slots; no session or roster update date on record")
    assert mentor_status(mentor(capacity=0), None, TODAY, 30).kind == "full"


def test_build_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782777599")  # 2026-06-29 23:59:59 UTC
    assert build_date() == dt.date(2026, 6, 29)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782777600")
    assert build_date() == dt.date(2026, 6, 30)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert build_date() == dt.datetime.now(tz=dt.timezone.utc).date()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.datetime.now(tz=dt.timezone.utc).date()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError) as info:
        build_date()
    assert info.value.message == (
        "SOURCE_DATE_EPOCH 'yesterday' is not a time; set it to whole seconds since 1970-01-01 UTC "
        "(e.g. `git log -1 --format=%ct`) or unset it")


@pytest.mark.parametrize("day", ["2026-11-01", "2027-01-15", "2027-06-30"])
def test_demo_statuses_are_stable_across_the_demo_window(monkeypatch, day):
    epoch = int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc).timestamp()) + 3600
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    today = build_date()
    assert today.isoformat() == day
    kinds = {m.id: mentor_status(m, None, today, 365).kind for m in load_roster(ROOT / "mentors.yaml", ROOT)}
    assert {k: v for k, v in kinds.items() if v != "taking"} == {"hannah-schmidt": "inactive",
                                                                  "rafael-torres": "full"}
    assert len(kinds) == 16


# -- shared hours ---------------------------------------------------------------------------


def test_madrid_and_new_york_office_hours_share_ten_hours():
    # Reference week 2026-01-05: Madrid is UTC+1, New York UTC-5. 09-17 local = 08-16 and
    # 14-22 UTC: 2 h a day, 5 days.
    madrid = ("Europe/Madrid", weekdays("09:00", "17:00"))
    new_york = ("America/New_York", weekdays("09:00", "17:00"))
    assert shared_hours(madrid, new_york) == 10.0
    assert shared_hours(new_york, madrid) == 10.0
    assert shared_hours(madrid, madrid) == 40.0


def test_across_the_date_line_and_the_week_wrap():
    # Sydney is UTC+11 in January (summer time), Los Angeles UTC-8. Sydney 09-17 is 22:00-06:00
    # UTC the day before; LA 09-17 is 17:00-01:00 UTC. LA Mon-Thu meet Sydney Tue-Fri: 3 h each.
    sydney = ("Australia/Sydney", weekdays("09:00", "17:00"))
    los_angeles = ("America/Los_Angeles", weekdays("09:00", "17:00"))
    assert shared_hours(sydney, los_angeles) == 12.0
    # Tokyo Monday 08:00-10:00 is Sunday 23:00 - Monday 01:00 UTC: it wraps round the week.
    assert utc_week("Asia/Tokyo", [Window("mon", "08:00", "10:00")]) == ((0, 60), (7 * 1440 - 60, 7 * 1440))
    utc_edges = ("UTC", [Window("sun", "23:30", "24:00"), Window("mon", "00:00", "00:30")])
    assert shared_hours(("Asia/Tokyo", [Window("mon", "08:00", "10:00")]), utc_edges) == 1.0


def test_half_hour_zones_overlaps_merged_and_mentors_accepted():
    india = Mentor(id="priya", name="Priya", timezone="Asia/Kolkata", availability=(Window("mon", "14:00", "15:00"),))
    # Kolkata 14:00-15:00 is 08:30-09:30 UTC.
    utc = ("UTC", [Window("mon", "09:00", "12:00"), Window("mon", "08:00", "10:00")])
    assert utc_week(*utc) == ((480, 720),)
    assert shared_hours(india, utc) == 1.0
    assert shared_hours(india, ("UTC", [Window("mon", "09:00", "10:00")])) == 0.5
    hours_only = Mentor(id="b", name="B", weekly_hours=3.0)
    assert shared_hours(india, hours_only) == 0.0  # weekly hours say nothing about when
    assert shared_hours(("UTC", []), ("UTC", weekdays("00:00", "24:00"))) == 0.0


def test_shared_hours_does_not_depend_on_the_season(monkeypatch):
    # The reference week is fixed: a build in July (summer time in both places) gives January's answer.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1783000000")
    madrid = ("Europe/Madrid", weekdays("09:00", "17:00"))
    assert shared_hours(madrid, ("America/New_York", weekdays("09:00", "17:00"))) == 10.0
    assert shared_hours(madrid, ("Europe/London", weekdays("09:00", "17:00"))) == 35.0
