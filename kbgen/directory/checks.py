"""Checks shared by the roster (mentors.yaml) and the cohort file (mentees.yaml).

:class:`FieldChecker` walks a loaded file of entries, one check per kind of field, and
collects every problem with its line, entry and field. Each file's checker subclasses it
and sets what differs: the noun in messages, the top-level key, the fields and the required
ones, and how a lone string or an empty list is read.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Generic, TypeVar

from ..errors import Problem
from ..models import Window
from ..site.i18n import N_
from ..yamlio import LocatedYaml
from .places import country_code, language_tag, split_languages

Keys = tuple[str | int, ...]
T = TypeVar("T")

#: The session formats every roster may name, with how each reads after "meets" (kbgen.yml's
#: ``directory.formats`` adds more, which stay as written). ``async``: messages or e-mail answered
#: later. The words are English msgids: the site says them in its language (kbgen.site.i18n).
FORMAT_WORDS: dict[str, str] = {
    # TRANSLATORS: how a mentor meets, after "meets" ("meets by video").
    "video": N_("by video"), "phone": N_("by phone"), "chat": N_("by chat"), "in-person": N_("in person"),
    "async": N_("asynchronously (messages answered later)"), "email": N_("by e-mail"), "group": N_("in a group"),
}
FORMATS = tuple(FORMAT_WORDS)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {name: day for day in DAYS for name in (day, {
    "mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
    "sat": "saturday", "sun": "sunday"}[day])}
_WINDOW = re.compile(r"([a-z]+)(?:\s*-\s*([a-z]+))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_WEEKLY_HOURS = 168


class FieldChecker(Generic[T]):
    """Walks a loaded file of entries, building one object per valid entry and collecting problems.

    Subclasses set the class attributes below and define :meth:`entry`.
    """

    #: Every key an entry may have, with what it holds.
    FIELDS: dict[str, str] = {}
    #: Keys every entry must have.
    REQUIRED: tuple[str, ...] = ()
    #: The key of the top-level list ('mentors', 'mentees').
    TOP_KEY = ""
    #: What one entry is called in messages ('mentor', 'mentee').
    NOUN = ""
    #: What the file is called in messages ('the roster').
    FILE = ""
    #: Whether an unknown top-level key is reported with its field name.
    TOP_FIELD = False
    #: Ids an entry may not take (they name another page).
    RESERVED_IDS: tuple[str, ...] = ()
    #: The key that holds the session formats ('formats', 'format').
    FORMAT_KEY = "formats"
    #: Appended to the message for weekly hours out of range.
    HOURS_HINT = ""
    #: Whether an empty availability list is called "an empty list" (else "a list").
    SAY_EMPTY_LIST = False

    def __init__(self, doc: LocatedYaml, formats: Mapping[str, str] | None = None):
        self.doc = doc
        self.problems: list[Problem] = []
        #: The formats an entry may name (id -> words after "meets"): the built-in ones and kbgen.yml's.
        self.known_formats = {**FORMAT_WORDS, **(formats or {})}

    def add(self, keys: Keys, message: str, label: str = "", field: str = "") -> None:
        line = self.doc.line(*keys)
        parts = (f"line {line}" if line else "", label, f"field '{field}'" if field else "")
        self.problems.append(Problem(self.doc.shown, ", ".join(x for x in parts if x), message))

    def entry(self, keys: Keys, index: int, entry: Any) -> T | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self) -> list[T]:
        data = self.doc.data
        prefix: Keys = ()
        if data is None:
            return []
        top, noun = self.TOP_KEY, self.NOUN
        if isinstance(data, dict):
            extra = sorted(str(k) for k in data if k != top)
            for key in extra:
                self.add((key,), f"unknown top-level key '{key}'; {self.FILE} holds only a '{top}:' list",
                         field=key if self.TOP_FIELD else "")
            if top not in data:
                if not extra:
                    self.add((), f"expected a '{top}:' list of {noun} entries")
                return []
            entries, prefix = data[top], (top,)
            if entries is None:
                return []
        else:
            entries = data
        if not isinstance(entries, list):
            self.add(prefix, f"expected a list of {noun} entries (each starting with '- id: ...'), "
                     f"got {_kind(entries)}", field=top if prefix else "")
            return []
        out: list[T] = []
        first_line: dict[str, int | None] = {}
        for index, entry in enumerate(entries):
            keys = (*prefix, index)
            item = self.entry(keys, index, entry)
            raw_id = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(raw_id, str) and raw_id.strip():
                raw_id = raw_id.strip()
                if raw_id in first_line:
                    self.add((*keys, "id"), f"id '{raw_id}' is already used by the entry at line "
                             f"{first_line[raw_id]}; give each {noun} a different id", f"{noun} '{raw_id}'", "id")
                    continue
                first_line[raw_id] = self.doc.line(*keys, "id")
            if item is not None:
                out.append(item)
        return out

    def label(self, keys: Keys, index: int, entry: Any) -> str | None:
        """The entry's label in messages ("mentor 'ada'", "mentor #3"), or None when it is not a mapping."""
        label = f"{self.NOUN} #{index + 1}"
        if not isinstance(entry, dict):
            self.add(keys, f"expected a mapping of fields such as 'id:' and 'name:', got {_kind(entry)}", label)
            return None
        if isinstance(entry.get("id"), str) and entry["id"].strip():
            label = f"{self.NOUN} '{entry['id'].strip()}'"
        return label

    def check_keys(self, keys: Keys, entry: dict, label: str) -> None:
        """Unknown keys (with the closest known one) and missing required ones."""
        for key in entry:
            if str(key) not in self.FIELDS:
                close = difflib.get_close_matches(str(key), self.FIELDS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add((*keys, str(key)), f"unknown key '{key}'; {hint}valid keys: {', '.join(self.FIELDS)}",
                         label, str(key))
        for key in self.REQUIRED:
            if entry.get(key) is None:
                self.add(keys, f"missing required field '{key}': add the {self.FIELDS[key]}", label, key)

    # -- one check per kind of field -------------------------------------------------

    def text(self, keys: Keys, key: str, value: Any, label: str) -> str | None:
        if isinstance(value, str):
            value = value.strip()
            if not value and key in self.REQUIRED:
                self.add((*keys, key), f"'{key}' is empty; give the {self.FIELDS[key]}", label, key)
                return None
            return value
        hint = "; put it in quotes" if isinstance(value, (int, float)) else ""
        self.add((*keys, key), f"expected text, got {_kind(value)}{hint}", label, key)
        return None

    def split(self, value: str) -> list[str]:
        """A lone string given for a list: its comma-separated parts."""
        return value.split(",")

    def strings(self, keys: Keys, key: str, value: Any, label: str) -> tuple[str, ...] | None:
        """A list of strings; a lone string is accepted, split on commas ("en, de")."""
        if isinstance(value, str):
            value = self.split(value)
        if not isinstance(value, list):
            self.add((*keys, key), f"expected a list of text such as [a, b], got {_kind(value)}", label, key)
            return None
        out, ok = [], True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                ok = False
                self.add((*keys, key, i), f"item {i + 1} should be text, got {_kind(item)}"
                         + ("; put it in quotes" if isinstance(item, (int, float)) else ""), label, key)
            elif not item.strip():
                ok = False
                self.add((*keys, key, i), f"item {i + 1} is empty; remove it", label, key)
            else:
                out.append(item.strip())
        return tuple(out) if ok else None

    def check_id(self, keys: Keys, value: str | None, label: str) -> None:
        if value and not _SLUG.fullmatch(value):
            suggestion = slugify(value)
            hint = f", e.g. '{suggestion}'" if suggestion else ""
            self.add((*keys, "id"), f"id '{value}' is not a slug; use lower-case letters, digits and single "
                     f"hyphens{hint}", label, "id")
        elif value in self.RESERVED_IDS:
            self.add((*keys, "id"), f"id '{value}' is taken by the directory page; choose another id", label, "id")

    def check_timezone(self, keys: Keys, value: str | None, label: str) -> None:
        if value is None or value in _timezones():
            return
        close = difflib.get_close_matches(value, _timezones(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        self.add((*keys, "timezone"), f"unknown time zone '{value}'; {hint}use an IANA name such as "
                 "'Europe/Berlin' or 'UTC'", label, "timezone")

    def formats(self, keys: Keys, value: tuple[str, ...] | None, label: str) -> tuple[str, ...] | None:
        """Formats lower-cased, 'in person' and 'in_person' read as 'in-person'."""
        if value is None:
            return None
        key = self.FORMAT_KEY
        out = []
        for i, item in enumerate(value):
            norm = format_id(item)
            if norm not in self.known_formats:
                close = difflib.get_close_matches(norm, self.known_formats, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add((*keys, key, i), f"unknown format '{item}'; {hint}use any of {', '.join(self.known_formats)}"
                         " (kbgen.yml's directory.formats can add more)", label, key)
            out.append(norm)
        return _unique(out)

    def languages(self, keys: Keys, key: str, value: tuple[str, ...] | None, label: str) -> tuple[str, ...] | None:
        """Languages as BCP 47 tags ('English', 'english', 'en' -> 'en'); what cannot be read is reported."""
        if value is None:
            return None
        out = []
        for i, item in enumerate(value):
            for part in split_languages(item):  # "English & Spanish": both
                tag, close = language_tag(part)
                if tag is None:
                    hint = f"did you mean '{close}'? " if close else ""
                    self.add((*keys, key, i), f"unknown language '{part}'; {hint}write a language name such as "
                             "'English' or a code such as 'en' or 'pt-BR'", label, key)
                    continue
                out.append(tag)
        # "English" beside "English (United States)" says nothing more: the more precise one stays.
        return _unique(t for t in out if not any(o.startswith(t + "-") for o in out))

    def country(self, keys: Keys, value: str | None, location: str | None, label: str) -> str | None:
        """An ISO 3166-1 alpha-2 code; without one, a country at the end of ``location`` ('Lagos, Nigeria')."""
        if not value:
            if location and "," in location:  # "Lagos, Nigeria"; not "Boston, MA" (a state, not Morocco)
                code, _ = country_code(location.rsplit(",", 1)[1], names_only=True)
                return code
            return None
        code, close = country_code(value)
        if code is None:
            hint = f"did you mean '{close}'? " if close else ""
            self.add((*keys, "country"), f"unknown country '{value}'; {hint}write an ISO code such as 'DE' or a "
                     "name such as 'Germany' (a city or region goes in 'location')", label, "country")
        return code

    def availability(self, keys: Keys, value: Any, label: str) -> tuple[tuple[Window, ...] | None, float | None]:
        """Weekly hours (a number) or weekly windows ('mon 09:00-11:00', 'mon-fri 17:00-18:00')."""
        where = (*keys, "availability")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not 0 < value <= MAX_WEEKLY_HOURS:
                self.add(where, f"weekly hours must be more than 0 and at most {MAX_WEEKLY_HOURS}, got {value}"
                         f"{self.HOURS_HINT}", label, "availability")
                return None, None
            return (), float(value)
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not value:
            got = "an empty list" if self.SAY_EMPTY_LIST and value == [] else _kind(value)
            self.add(where, "expected hours a week (a number such as 2) or a list of windows such as "
                     f"['mon 09:00-11:00'], got {got}", label, "availability")
            return None, None
        windows: list[Window] = []
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                ok = False
                self.add((*where, i), f"item {i + 1} should be a window such as 'mon 09:00-11:00', "
                         f"got {_kind(item)}", label, "availability")
                continue
            found, problem = parse_window(item)
            if problem:
                ok = False
                self.add((*where, i), f"item {i + 1}: {problem}", label, "availability")
            else:
                windows.extend(found)
        if not ok:
            return None, None
        return tuple(sorted(set(windows), key=lambda w: (DAYS.index(w.day), w.start, w.end))), None


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


def format_id(text: str) -> str:
    """A format as written -> its id: lower case, 'in person' and 'in_person' -> 'in-person', 'e-mail' -> 'email'."""
    norm = "-".join(re.split(r"[\s_-]+", text.strip().lower()))
    return {"e-mail": "email", "asynchronous": "async", "in-group": "group"}.get(norm, norm)


def _hhmm(t: str) -> str:
    hour, minute = t.split(":")
    return f"{int(hour):02d}:{minute}"


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens: 'Ada Lovelace!' -> 'ada-lovelace'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def _unique(items: Iterable[str]) -> tuple[str, ...]:
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


__all__ = ["DAYS", "FORMAT_WORDS", "FORMATS", "MAX_WEEKLY_HOURS", "FieldChecker", "Keys", "format_id", "parse_window",
           "slugify"]
