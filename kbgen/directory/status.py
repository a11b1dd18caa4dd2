"""A mentor's status in the directory (taking mentees, full, not active) and shared hours.

Both are pure functions of their inputs: the build date comes from the caller
(:func:`build_date` honours ``SOURCE_DATE_EPOCH``), and availability windows are placed on a
fixed reference week, so the same roster gives the same directory on any day of the year.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError
from ..models import Mentor, Window
from .roster import DAYS

StatusKind = Literal["taking", "full", "inactive"]
LABELS: dict[str, str] = {"taking": "Taking mentees", "full": "Full", "inactive": "Not active"}

#: Monday of the week that windows are placed on when converting time zones. Early January:
#: no time zone changes clocks that week, so the result never depends on when kbgen runs.
REFERENCE_MONDAY = dt.date(2026, 1, 5)
WEEK_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Status:
    """What the directory shows for a mentor: a kind, its label and the reason behind it."""

    kind: StatusKind
    label: str
    reason: str


def build_date() -> dt.date:
    """The date of this build: ``SOURCE_DATE_EPOCH`` (UTC) when set, else today in UTC."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return dt.datetime.now(tz=dt.timezone.utc).date()
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH '{raw}' is not a time; set it to whole seconds since 1970-01-01 UTC "
            "(e.g. `git log -1 --format=%ct`) or unset it"
        ) from None


def mentor_status(mentor: Mentor, last_session: dt.date | None, today: dt.date, inactive_after_days: int) -> Status:
    """The mentor's status on ``today``.

    Not active: ``available_until`` has passed, or the latest of the last session and the
    roster's ``updated`` date is more than ``inactive_after_days`` ago. A mentor with neither
    date is given the benefit of the doubt (a roster without dates is not punished). Full:
    capacity 0, or every slot taken (``mentees`` at least ``capacity``). Otherwise taking
    mentees, a roster that states no capacity included.
    """
    if mentor.available_until is not None and mentor.available_until < today:
        return _status("inactive", f"available until {mentor.available_until.isoformat()}")
    known = [d for d in (last_session, mentor.updated) if d is not None]
    latest = max(known) if known else None
    if latest is not None and (today - latest).days > inactive_after_days:
        what = "session" if latest == last_session else "roster update"
        return _status(
            "inactive",
            f"no session or roster update for more than {inactive_after_days} days "
            f"(last {what} {latest.isoformat()})",
        )
    open_slots = mentor.open_slots
    if open_slots is None:
        slots = "capacity not stated"
    elif mentor.capacity == 0:
        return _status("full", "not taking mentees (capacity 0)")
    elif open_slots == 0:
        return _status("full", f"all {_slots(mentor.capacity, '')} taken")
    else:
        slots = _slots(open_slots, "open ") + (f" of {mentor.capacity}" if mentor.mentees else "")
    if latest is None:
        slots += "; no session or roster update date on record"
    if mentor.available_until is not None:
        slots += f"; available until {mentor.available_until.isoformat()}"
    return _status("taking", slots)


def _slots(n: int, kind: str) -> str:
    return f"1 {kind}mentee slot" if n == 1 else f"{n} {kind}mentee slots"


def _status(kind: StatusKind, reason: str) -> Status:
    return Status(kind, LABELS[kind], reason)


# -- shared working hours ---------------------------------------------------------------

Availability = Mentor | tuple[str, Sequence[Window]]


def utc_week(timezone: str, windows: Iterable[Window]) -> tuple[tuple[int, int], ...]:
    """Windows as minutes from Monday 00:00 UTC of the reference week: merged, sorted, half-open.

    The week wraps: a Monday 08:00 window in Asia/Tokyo is Sunday 23:00 UTC. Unknown time zones
    raise ``zoneinfo.ZoneInfoNotFoundError`` (the roster has already refused them).
    """
    zone = zoneinfo.ZoneInfo(timezone)
    origin = dt.datetime.combine(REFERENCE_MONDAY, dt.time(0), tzinfo=dt.timezone.utc)
    spans: list[tuple[int, int]] = []
    for w in windows:
        day = REFERENCE_MONDAY + dt.timedelta(days=DAYS.index(w.day))
        start = _minutes(_local(day, w.start, zone), origin)
        length = _minutes(_local(day, w.end, zone), origin) - start
        if length <= 0:
            continue
        start %= WEEK_MINUTES
        end = start + length
        if end > WEEK_MINUTES:  # wraps past Sunday 24:00 UTC
            spans += [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]
        else:
            spans.append((start, end))
    return _merge(spans)


def shared_hours(a: Availability, b: Availability) -> float:
    """Hours a week that two people's availability windows overlap, across time zones.

    Each side is a :class:`Mentor` (its ``timezone`` and ``availability``) or a pair
    ``(timezone, windows)``. 0.0 when either side has no windows (weekly hours alone say
    nothing about when). Rounded to 2 decimals.
    """
    first, second = utc_week(*_pair(a)), utc_week(*_pair(b))
    minutes, i, j = 0, 0, 0
    while i < len(first) and j < len(second):
        lo, hi = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        minutes += max(0, hi - lo)
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return round(minutes / 60, 2)


def _pair(side: Availability) -> tuple[str, Sequence[Window]]:
    if isinstance(side, Mentor):
        return side.timezone, side.availability
    return side


def _local(day: dt.date, hhmm: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    extra = dt.timedelta(days=1) if hour == 24 else dt.timedelta(0)
    return dt.datetime.combine(day + extra, dt.time(hour % 24, minute), tzinfo=zone)


def _minutes(moment: dt.datetime, origin: dt.datetime) -> int:
    return int((moment.astimezone(dt.timezone.utc) - origin).total_seconds() // 60)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


__all__ = ["LABELS", "REFERENCE_MONDAY", "Status", "build_date", "mentor_status", "shared_hours", "utc_week"]
