"""The mentor roster (mentors.yaml): read it, check every entry, report every problem at once.

The file is either a mapping with a ``mentors:`` list or a bare list of entries::

    mentors:
      - id: ada-lovelace          # required; lower-case letters, digits and hyphens
        name: Ada Lovelace        # required
        title: Staff Engineer
        organization: Analytical Engines Ltd
        timezone: Europe/London   # IANA name; default UTC
        languages: [en, fr]       # or a single string "en" / "en, fr"
        expertise: [negotiation, career change]
        formats: [video, chat]    # video, phone, chat, in-person
        capacity: 2               # mentees at a time, >= 0
        bio: Writes programs for machines that do not exist yet.
        contact: mailto:ada@example.org   # https:// URL or mailto: address
        wants_to_learn: [machine learning]      # for reverse mentoring
        offers:                   # short calls on one topic, 5-120 minutes
          - {topic: negotiation, minutes: 20}
        availability: ["mon-fri 09:00-10:00", "sat 10:00-12:00"]  # or hours a week: 2
        available_until: 2027-06-30   # YYYY-MM-DD; after it the mentor shows as not active
        updated: 2026-10-01           # YYYY-MM-DD: when the entry was last confirmed
        industry: software
        pronouns: she/her
        photo: https://example.org/ada.jpg     # https:// only
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import IngestError, Problem, rel
from ..models import Mentor, Offer, Window
from ..yamlio import LocatedYaml, YamlProblem, load_yaml

#: Every key a roster entry may have, with what it holds (used in error messages and docs).
FIELDS: dict[str, str] = {
    "id": "slug that names the mentor's page: lower-case letters, digits and hyphens",
    "name": "full name as shown in the directory",
    "title": "job title",
    "organization": "employer or affiliation",
    "timezone": "IANA time zone such as 'Europe/Berlin' (default UTC)",
    "languages": "languages spoken, e.g. [en, de]",
    "expertise": "topics the mentor can help with, e.g. [negotiation, career change]",
    "formats": "how sessions can happen: any of video, phone, chat, in-person",
    "capacity": "how many mentees the mentor can take at once (a whole number, 0 or more)",
    "bio": "a short biography (plain text; HTML is shown escaped)",
    "contact": "an https:// URL or a mailto: address",
    "wants_to_learn": "topics the mentor would like to learn (reverse mentoring), e.g. [machine learning]",
    "offers": "short calls on one topic, a list of {topic: negotiation, minutes: 20} (5 to 120 minutes)",
    "availability": "weekly hours as a number (e.g. 2), or a list of windows in the mentor's time zone "
    "such as ['mon 09:00-11:00', 'mon-fri 17:00-18:00']",
    "available_until": "last day the mentor is available, YYYY-MM-DD; after it the mentor shows as not active",
    "updated": "when the entry was last confirmed, YYYY-MM-DD (a mentor with no session and no update "
    "for directory.inactive_after_days shows as not active)",
    "industry": "the industry the mentor works in",
    "pronouns": "pronouns as the mentor wants them shown, e.g. she/her",
    "photo": "an https:// URL of a portrait",
}
REQUIRED = ("id", "name")
FORMATS = ("video", "phone", "chat", "in-person")
TOP_KEY = "mentors"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_UNSAFE_URL_CHARS = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")

Keys = tuple[str | int, ...]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {name: day for day in DAYS for name in (day, {
    "mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
    "sat": "saturday", "sun": "sunday"}[day])}
_WINDOW = re.compile(r"([a-z]+)(?:\s*-\s*([a-z]+))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OFFER_MINUTES = (5, 120)
MAX_WEEKLY_HOURS = 168


def load_roster(path: Path, root: Path | None = None) -> list[Mentor]:
    """Read and validate the roster at ``path``; mentors sorted by id.

    Raises :class:`~kbgen.errors.IngestError` listing every problem found (paths shown
    relative to ``root``). An empty file or an empty ``mentors:`` list is an empty roster.
    """
    path = Path(path)
    shown = rel(path, root)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "file not found"
        raise IngestError(
            [Problem(shown, "", f"{what}; create the roster or point 'roster:' in kbgen.yml at it")],
            what="roster",
        )
    try:
        doc = load_yaml(path, root)
    except YamlProblem as exc:
        raise IngestError([exc.problem], what="roster") from None

    checker = _Checker(doc)
    mentors = checker.run()
    if checker.problems:
        raise IngestError(checker.problems, what="roster")
    return sorted(mentors, key=lambda m: m.id)


class _Checker:
    """Walks a loaded roster, building mentors and collecting problems."""

    def __init__(self, doc: LocatedYaml):
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, keys: Keys, message: str, label: str = "", field: str = "") -> None:
        line = self.doc.line(*keys)
        parts = (f"line {line}" if line else "", label, f"field '{field}'" if field else "")
        where = ", ".join(x for x in parts if x)
        self.problems.append(Problem(self.doc.shown, where, message))

    def run(self) -> list[Mentor]:
        data = self.doc.data
        prefix: Keys = ()
        if data is None:
            return []
        if isinstance(data, dict):
            extra = sorted(str(k) for k in data if k != TOP_KEY)
            for key in extra:
                self.add(
                    (key,),
                    f"unknown top-level key '{key}'; the roster holds only a '{TOP_KEY}:' list",
                )
            if TOP_KEY not in data:
                if not extra:
                    self.add((), f"expected a '{TOP_KEY}:' list of mentor entries")
                return []
            entries, prefix = data[TOP_KEY], (TOP_KEY,)
            if entries is None:
                return []
        else:
            entries = data
        if not isinstance(entries, list):
            self.add(
                prefix,
                f"expected a list of mentor entries (each starting with '- id: ...'), got {_kind(entries)}",
                field=TOP_KEY if prefix else "",
            )
            return []

        mentors: list[Mentor] = []
        first_line: dict[str, int | None] = {}
        for index, entry in enumerate(entries):
            keys = (*prefix, index)
            mentor = self.entry(keys, index, entry)
            raw_id = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(raw_id, str) and raw_id.strip():
                raw_id = raw_id.strip()
                if raw_id in first_line:
                    self.add(
                        (*keys, "id"),
                        f"id '{raw_id}' is already used by the entry at line {first_line[raw_id]}; "
                        "give each mentor a different id",
                        f"mentor '{raw_id}'",
                        "id",
                    )
                    continue
                first_line[raw_id] = self.doc.line(*keys, "id")
            if mentor is not None:
                mentors.append(mentor)
        return mentors

    def entry(self, keys: Keys, index: int, entry: Any) -> Mentor | None:
        """Check one entry; a Mentor when it is valid, else None (problems recorded)."""
        label = f"mentor #{index + 1}"
        if not isinstance(entry, dict):
            self.add(keys, f"expected a mapping of fields such as 'id:' and 'name:', got {_kind(entry)}",
                     label)
            return None
        if isinstance(entry.get("id"), str) and entry["id"].strip():
            label = f"mentor '{entry['id'].strip()}'"
        before = len(self.problems)

        for key in entry:
            if str(key) not in FIELDS:
                close = difflib.get_close_matches(str(key), FIELDS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(
                    (*keys, str(key)),
                    f"unknown key '{key}'; {hint}valid keys: {', '.join(FIELDS)}",
                    label,
                    str(key),
                )
        for key in REQUIRED:
            if entry.get(key) is None:
                self.add(keys, f"missing required field '{key}': add the {FIELDS[key]}", label, key)

        values: dict[str, Any] = {}
        for key in ("id", "name", "title", "organization", "timezone", "bio", "contact", "industry", "pronouns",
                    "photo"):
            if entry.get(key) is not None:
                values[key] = self.text(keys, key, entry[key], label)
        for key in ("languages", "expertise", "formats", "wants_to_learn"):
            if entry.get(key) is not None:
                values[key] = self.strings(keys, key, entry[key], label)
        if entry.get("capacity") is not None:
            values["capacity"] = self.capacity(keys, entry["capacity"], label)
        for key in ("available_until", "updated"):
            if entry.get(key) is not None:
                values[key] = self.date(keys, key, entry[key], label)
        if entry.get("offers") is not None:
            values["offers"] = self.offers(keys, entry["offers"], label)
        if entry.get("availability") is not None:
            values["availability"], values["weekly_hours"] = self.availability(keys, entry["availability"], label)

        self.check_id(keys, values.get("id"), label)
        self.check_timezone(keys, values.get("timezone"), label)
        self.check_link(keys, "contact", values.get("contact"), label)
        self.check_link(keys, "photo", values.get("photo"), label)
        values["formats"] = self.formats(keys, values.get("formats"), label)
        if values.get("languages"):
            values["languages"] = _unique(x.lower() for x in values["languages"])
        for key in ("expertise", "wants_to_learn"):
            if values.get(key):
                values[key] = _unique(_term(x) for x in values[key])

        if len(self.problems) > before:
            return None
        return Mentor(**{k: v for k, v in values.items() if v is not None})

    # -- one check per kind of field -------------------------------------------------

    def text(self, keys: Keys, key: str, value: Any, label: str) -> str | None:
        if isinstance(value, str):
            value = value.strip()
            if not value and key in REQUIRED:
                self.add((*keys, key), f"'{key}' is empty; give the {FIELDS[key]}", label, key)
                return None
            return value
        hint = "; put it in quotes" if isinstance(value, (int, float)) else ""
        self.add((*keys, key), f"expected text, got {_kind(value)}{hint}", label, key)
        return None

    def strings(self, keys: Keys, key: str, value: Any, label: str) -> tuple[str, ...] | None:
        """A list of strings; a lone string is accepted, split on commas ("en, de")."""
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            self.add(
                (*keys, key),
                f"expected a list of text such as [a, b], got {_kind(value)}",
                label,
                key,
            )
            return None
        out, ok = [], True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                ok = False
                self.add(
                    (*keys, key, i),
                    f"item {i + 1} should be text, got {_kind(item)}"
                    + ("; put it in quotes" if isinstance(item, (int, float)) else ""),
                    label,
                    key,
                )
            elif not item.strip():
                ok = False
                self.add((*keys, key, i), f"item {i + 1} is empty; remove it", label, key)
            else:
                out.append(item.strip())
        return tuple(out) if ok else None

    def capacity(self, keys: Keys, value: Any, label: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add((*keys, "capacity"), f"expected a whole number, got {_kind(value)}", label, "capacity")
            return None
        if value < 0:
            self.add((*keys, "capacity"), f"must be 0 or more, got {value}", label, "capacity")
            return None
        return value

    def check_id(self, keys: Keys, value: str | None, label: str) -> None:
        if value and not _SLUG.fullmatch(value):
            suggestion = slugify(value)
            hint = f", e.g. '{suggestion}'" if suggestion else ""
            self.add(
                (*keys, "id"),
                f"id '{value}' is not a slug; use lower-case letters, digits and single hyphens{hint}",
                label,
                "id",
            )
        elif value == "index":
            self.add((*keys, "id"), "id 'index' is taken by the directory page; choose another id", label, "id")

    def check_timezone(self, keys: Keys, value: str | None, label: str) -> None:
        if value is None or value in _timezones():
            return
        close = difflib.get_close_matches(value, _timezones(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        self.add(
            (*keys, "timezone"),
            f"unknown time zone '{value}'; {hint}use an IANA name such as 'Europe/Berlin' or 'UTC'",
            label,
            "timezone",
        )

    def check_link(self, keys: Keys, key: str, value: str | None, label: str) -> None:
        if not value:
            return
        problem = contact_problem(value) if key == "contact" else photo_problem(value)
        if problem:
            self.add((*keys, key), problem, label, key)

    def date(self, keys: Keys, key: str, value: Any, label: str) -> dt.date | None:
        """A calendar date written YYYY-MM-DD (the YAML loader leaves dates as text)."""
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                self.add((*keys, key), f"'{value.strip()}' is not a real date; write it as YYYY-MM-DD", label, key)
                return None
        shown = f"'{value}'" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else _kind(value)
        self.add((*keys, key), f"{shown} is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30", label, key)
        return None

    def offers(self, keys: Keys, value: Any, label: str) -> tuple[Offer, ...] | None:
        """A list of {topic, minutes} mappings; every bad item is reported."""
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.add((*keys, "offers"), f"expected a list of {{topic: ..., minutes: ...}} items, got {_kind(value)}",
                     label, "offers")
            return None
        out: list[Offer] = []
        ok = True
        lo, hi = OFFER_MINUTES
        for i, item in enumerate(value):
            where = (*keys, "offers", i)
            if isinstance(item, str):
                ok = False
                m = re.fullmatch(r"\s*(.+?)\s*\(\s*(\d+)\s*min(?:utes?|s)?\s*\)\s*", item)
                topic, minutes = (m.group(1), m.group(2)) if m else ("negotiation", "20")
                example = f"{{topic: {topic}, minutes: {minutes}}}"
                self.add(where, f"item {i + 1} is text ('{item}'); write it as {example}", label, "offers")
                continue
            if not isinstance(item, dict):
                ok = False
                self.add(where, f"item {i + 1} should be {{topic: ..., minutes: ...}}, got {_kind(item)}",
                         label, "offers")
                continue
            before = len(self.problems)
            for extra in item:
                if extra not in ("topic", "minutes"):
                    self.add((*where, str(extra)), f"item {i + 1} has an unknown key '{extra}'; "
                             "an offer holds only 'topic' and 'minutes'", label, "offers")
            topic, minutes = item.get("topic"), item.get("minutes")
            if topic is None:
                self.add(where, f"item {i + 1} has no 'topic'", label, "offers")
            elif not isinstance(topic, str) or not topic.strip():
                what = "is empty" if isinstance(topic, str) else f"should be text, got {_kind(topic)}"
                self.add((*where, "topic"), f"item {i + 1}: the topic {what}", label, "offers")
            if minutes is None:
                self.add(where, f"item {i + 1} has no 'minutes' (a whole number from {lo} to {hi})", label, "offers")
            elif isinstance(minutes, bool) or not isinstance(minutes, int):
                self.add((*where, "minutes"), f"item {i + 1}: minutes should be a whole number from {lo} to {hi}, "
                         f"got {_kind(minutes)}", label, "offers")
            elif not lo <= minutes <= hi:
                self.add((*where, "minutes"), f"item {i + 1}: minutes must be from {lo} to {hi}, got {minutes}",
                         label, "offers")
            if len(self.problems) > before:
                ok = False
            else:
                out.append(Offer(_term(topic), minutes))
        return tuple(out) if ok else None

    def availability(
        self, keys: Keys, value: Any, label: str
    ) -> tuple[tuple[Window, ...] | None, float | None]:
        """Weekly hours (a number) or weekly windows ('mon 09:00-11:00', 'mon-fri 17:00-18:00')."""
        where = (*keys, "availability")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not 0 < value <= MAX_WEEKLY_HOURS:
                self.add(where, f"weekly hours must be more than 0 and at most {MAX_WEEKLY_HOURS}, got {value}; "
                         "to pause mentoring set capacity: 0 or available_until", label, "availability")
                return None, None
            return (), float(value)
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not value:
            got = "an empty list" if value == [] else _kind(value)
            self.add(where, "expected hours a week (a number such as 2) or a list of windows such as "
                     f"['mon 09:00-11:00'], got {got}", label, "availability")
            return None, None
        windows: list[Window] = []
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                ok = False
                self.add((*where, i), f"item {i + 1} should be a window such as 'mon 09:00-11:00', got {_kind(item)}",
                         label, "availability")
                continue
            found, problem = parse_window(item)
            if problem:
                ok = False
                self.add((*where, i), f"item {i + 1}: {problem}", label, "availability")
            else:
                windows.extend(found)
        if not ok:
            return None, None
        ordered = sorted(set(windows), key=lambda w: (DAYS.index(w.day), w.start, w.end))
        return tuple(ordered), None

    def formats(self, keys: Keys, value: tuple[str, ...] | None, label: str) -> tuple[str, ...] | None:
        """Formats lower-cased, 'in person' and 'in_person' read as 'in-person'."""
        if value is None:
            return None
        out = []
        for i, item in enumerate(value):
            norm = re.sub(r"[\s_]+", "-", item.lower())
            if norm not in FORMATS:
                self.add(
                    (*keys, "formats", i),
                    f"unknown format '{item}'; use any of {', '.join(FORMATS)}",
                    label,
                    "formats",
                )
            out.append(norm)
        return _unique(out)


def parse_window(text: str) -> tuple[tuple[Window, ...], str | None]:
    """'mon 09:00-11:00' (or a day range, 'mon-fri 09:00-11:00') -> windows, or a problem."""
    shown = text.strip()
    m = _WINDOW.fullmatch(" ".join(shown.lower().split()))
    if not m:
        return (), f"'{shown}' is not a window; write a day and a time range such as 'mon 09:00-11:00'"
    first, last, start, end = m.groups()
    for name in (first, last):
        if name is not None and name not in _DAY_NAMES:
            return (), f"'{name}' in '{shown}' is not a day; use mon, tue, wed, thu, fri, sat or sun"
    for t in (start, end):
        hour, minute = (int(x) for x in t.split(":"))
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            return (), f"'{t}' in '{shown}' is not a time; use the 24-hour clock, 00:00 to 24:00"
    start, end = _hhmm(start), _hhmm(end)
    if start == "24:00":
        return (), f"'{shown}' starts at 24:00; start at 00:00 of the next day"
    if start >= end:
        return (), (f"'{shown}' ends before it starts; a window ends on its day (24:00 at the latest), "
                    "so split one past midnight in two")
    i = DAYS.index(_DAY_NAMES[first])
    j = DAYS.index(_DAY_NAMES[last]) if last else i
    if j < i:
        return (), f"'{shown}': the day range runs backwards; write it as '{DAYS[j]}-{DAYS[i]} ...'"
    return tuple(Window(DAYS[d], start, end) for d in range(i, j + 1)), None


def _hhmm(t: str) -> str:
    hour, minute = t.split(":")
    return f"{int(hour):02d}:{minute}"


def photo_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable photo link (an https:// URL with a host), or None."""
    if _UNSAFE_URL_CHARS.search(value):
        return f"photo '{value}' contains spaces, quotes or angle brackets; use a plain https:// URL"
    if value.lower().startswith("http://"):
        return f"photo '{value}' uses http://; use https://"
    if not value.lower().startswith("https://"):
        return f"photo '{value}' must be an https:// URL of an image"
    return _host_problem(value, "photo")


def contact_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable contact (https:// URL or mailto:), or None."""
    lowered = value.lower()
    if _UNSAFE_URL_CHARS.search(value):
        return (f"contact '{value}' contains spaces, quotes or angle brackets; "
                "use a plain https:// URL or mailto: address")
    if lowered.startswith("https://"):
        return _host_problem(value, "contact")
    if lowered.startswith("mailto:"):
        address = value[len("mailto:"):].split("?", 1)[0]
        if _EMAIL.fullmatch(address):
            return None
        return f"contact '{value}' is not a mailto: address; write it as 'mailto:name@example.org'"
    if _EMAIL.fullmatch(value):
        return f"contact '{value}' needs a scheme; write it as 'mailto:{value}'"
    if lowered.startswith("http://"):
        return f"contact '{value}' uses http://; use https:// (or a mailto: address)"
    return f"contact '{value}' must be an https:// URL or a mailto: address"


def _host_problem(value: str, what: str) -> str | None:
    try:
        host = urlsplit(value).hostname
    except ValueError:
        host = None
    if not host or "." not in host.strip("."):
        return f"{what} '{value}' has no host name; use a full URL such as 'https://example.org/ada'"
    return None


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens: 'Ada Lovelace!' -> 'ada-lovelace'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    names = set(zoneinfo.available_timezones())
    names.add("UTC")
    return frozenset(names)


def _term(text: str) -> str:
    return " ".join(text.split()).lower()


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value}')"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


__all__ = ["DAYS", "FIELDS", "FORMATS", "load_roster", "contact_problem", "parse_window", "photo_problem", "slugify"]
