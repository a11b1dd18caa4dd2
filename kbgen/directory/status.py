"""A mentor's status in the directory (taking mentees, full, not active) and shared hours.

Both are pure functions of their inputs: the build date comes from the caller
(:func:`build_date` honours ``SOURCE_DATE_EPOCH``), and availability windows are placed on a
fixed reference week, so the same roster gives the same directory on any day of the year.

A status's label and reason are kbgen's words (msgids of the site's catalogue,
:mod:`kbgen.site.i18n`): :class:`Status` has them in English, and :meth:`Status.said` in a
site's language.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..errors import ConfigError
from ..models import Mentor, Window
from ..site.i18n import N_
from .roster import DAYS

StatusKind = Literal["taking", "full", "inactive"]
#: Each kind's label, in English (a msgid: :meth:`Status.said` gives it in a site's language).
LABELS: dict[str, str] = {"taking": N_("Taking mentees"), "full": N_("Full"), "inactive": N_("Not active")}

#: Monday of the week that windows are placed on when converting time zones. Early January:
#: no time zone changes clocks that week, so the result never depends on when kbgen runs.
REFERENCE_MONDAY = dt.date(2026, 1, 5)
WEEK_MINUTES = 7 * 24 * 60


class Words(Protocol):
    """kbgen's words in a language (:class:`kbgen.site.i18n.Messages`)."""

    def _(self, message: str, **variables: object) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> str: ...


@dataclass(frozen=True)
class Phrase:
    """A part of a status's reason as kbgen's words: a msgid and its variables (a plural msgid
    also has ``plural`` and its count ``n``, which is ``%(num)s``)."""

    msgid: str
    variables: tuple[tuple[str, object], ...] = ()
    plural: str = ""
    n: int = 0

    def said(self, t: Words | None = None) -> str:
        """The phrase in ``t``'s language; in English (the msgid filled in) without ``t``."""
        variables = dict(self.variables)
        if self.plural:
            if t is not None:
                return t.ngettext(self.msgid, self.plural, self.n, **variables)
            return (self.msgid if self.n == 1 else self.plural) % {"num": self.n, **variables}
        if t is not None:
            return t._(self.msgid, **variables)
        return self.msgid % variables if variables else self.msgid


@dataclass(frozen=True)
class Status:
    """What the directory shows for a mentor: a kind, its label and the reason behind it (in
    English; ``phrases``: the reason as kbgen's words, joined by '; ', for :meth:`said`)."""

    kind: StatusKind
    label: str
    reason: str
    phrases: tuple[Phrase, ...] = field(default=(), compare=False)

    def said(self, t: Words) -> Status:
        """This status with its label and reason in ``t``'s language (kbgen's words: a label or
        reason given otherwise stays as it is)."""
        label = t._(self.label) if self.label and self.label == LABELS.get(self.kind) else self.label
        reason = "; ".join(p.said(t) for p in self.phrases) if self.phrases else self.reason
        return Status(self.kind, label, reason, self.phrases)


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
    until = mentor.available_until
    if until is not None and until < today:
        return _status("inactive", _("available until %(date)s", date=until.isoformat()))
    known = [d for d in (last_session, mentor.updated) if d is not None]
    latest = max(known) if known else None
    if latest is not None and (today - latest).days > inactive_after_days:
        days, date = inactive_after_days, latest.isoformat()
        if latest == last_session:
            return _status("inactive", _("no session or roster update for more than %(days)s days "
                                         "(last session %(date)s)", days=days, date=date))
        return _status("inactive", _("no session or roster update for more than %(days)s days "
                                     "(last roster update %(date)s)", days=days, date=date))
    open_slots = mentor.open_slots
    if open_slots is None:
        slots = _("capacity not stated")
    elif mentor.capacity == 0:
        return _status("full", _("not taking mentees (capacity 0)"))
    elif open_slots == 0:
        return _status("full", ngettext("all %(num)s mentee slot taken", "all %(num)s mentee slots taken",
                                        mentor.capacity))
    elif mentor.mentees:
        slots = ngettext("%(num)s open mentee slot of %(capacity)s", "%(num)s open mentee slots of %(capacity)s",
                         open_slots, capacity=mentor.capacity)
    else:
        slots = ngettext("%(num)s open mentee slot", "%(num)s open mentee slots", open_slots)
    phrases = [slots]
    if latest is None:
        phrases.append(_("no session or roster update date on record"))
    if until is not None:
        phrases.append(_("available until %(date)s", date=until.isoformat()))
    return _status("taking", *phrases)


# gettext's names, deferred: a reason's phrases are marked as kbgen's words (``pybabel extract``
# finds them) and said later, in English here and in a site's language by Status.said().
def _(msgid: str, **variables: object) -> Phrase:
    return Phrase(msgid, tuple(variables.items()))


def ngettext(singular: str, plural: str, n: int, **variables: object) -> Phrase:
    return Phrase(singular, tuple(variables.items()), plural, n)


def _status(kind: StatusKind, *phrases: Phrase) -> Status:
    return Status(kind, LABELS[kind], "; ".join(p.said() for p in phrases), phrases)


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


__all__ = ["LABELS", "REFERENCE_MONDAY", "Phrase", "Status", "build_date", "mentor_status", "shared_hours", "utc_week"]
