"""The mentor roster (mentors.yaml): read it, check every entry, report every problem at once.

The file is either a mapping with a ``mentors:`` list or a bare list of entries::

    mentors:
      - id: ada-lovelace          # required; lower-case letters, digits and hyphens
        name: Ada Lovelace        # required
        title: Staff Engineer
        organization: Analytical Engines Ltd
        timezone: Europe/London   # IANA name; default UTC
        languages: [en, French]   # codes or names; or a single string "en" / "English, French"
        country: GB               # ISO code or name ("United Kingdom"); or location: "London, UK"
        expertise: [negotiation, career change]
        formats: [video, chat]    # video, phone, chat, in-person, async, email, group (+ kbgen.yml's)
        capacity: 2               # mentees at a time, >= 0; not stated: taking mentees
        mentees: 1                # mentees now; capacity 0 or all slots used shows as Full
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
        photo: photos/ada.jpg     # an image file in the project, or an https:// URL
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import IngestError, Problem, rel
from ..models import Mentor, Offer
from ..yamlio import YamlProblem, load_yaml
from .checks import DAYS, FORMATS, FieldChecker, Keys, _kind, _unique, parse_window, slugify
from .photos import PhotoError, check_photo_file, photo_allowed, photo_note

#: Every key a roster entry may have, with what it holds (used in error messages and docs).
FIELDS: dict[str, str] = {
    "id": "slug that names the mentor's page: lower-case letters, digits and hyphens",
    "name": "full name as shown in the directory",
    "title": "job title",
    "organization": "employer or affiliation",
    "timezone": "IANA time zone such as 'Europe/Berlin' (default UTC)",
    "languages": "languages spoken, as names or codes, e.g. [English, de, pt-BR]",
    "country": "the country the mentor lives in: an ISO code or a name, e.g. DE or Germany",
    "location": "where the mentor is, as text, e.g. 'Lagos, Nigeria' (a country at the end is read as 'country')",
    "expertise": "topics the mentor can help with, e.g. [negotiation, career change]",
    "formats": "how sessions can happen: any of video, phone, chat, in-person, async (messages answered "
    "later), email, group, and those kbgen.yml's directory.formats adds",
    "capacity": "how many mentees the mentor can take at once (a whole number, 0 or more); "
    "not stated: the mentor is taking mentees",
    "mentees": "how many mentees the mentor has now (a whole number); with capacity, all slots used shows as Full",
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
    "experience_years": "years of experience in that industry or field (a whole number, 0 to 70): weighs in "
    "Find a mentor and kbgen match",
    "pronouns": "pronouns as the mentor wants them shown, e.g. she/her",
    "accepts_questions": "false: no 'Ask about this' link on the mentor's session pages (default true)",
    "photo": "a portrait: an image file in the project (JPEG, PNG, GIF or WebP, path relative to the "
    "project) or an https:// URL (shown when its host is in kbgen.yml's allowed_hosts)",
}
REQUIRED = ("id", "name")
TOP_KEY = "mentors"
MAX_YEARS = 70

_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_UNSAFE_URL_CHARS = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OFFER_MINUTES = (5, 120)
PHOTO_DIGEST = 12  # hex digits of a local photo's sha256 in its name in the site


@dataclass(frozen=True)
class RosterRead:
    """What reading a roster gave: the valid mentors, every problem, and every id it names.

    ``ids`` holds the id of every entry, valid or not (None when the file could not be read as
    entries at all), so sidecars can be checked against a roster that still has problems.
    """

    mentors: list[Mentor]
    problems: list[Problem]
    ids: frozenset[str] | None


def read_roster(path: Path, root: Path | None = None, formats: Mapping[str, str] | None = None,
                protected: Mapping[str, Path] | None = None) -> RosterRead:
    """Read and check the roster at ``path``, collecting every problem (see :func:`load_roster`).

    ``protected``: folders a local photo may not come from, by name (the recordings, the cache,
    the site): what is in them is not meant to be published.
    """
    path = Path(path)
    shown = rel(path, root)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "file not found"
        return RosterRead([], [Problem(shown, "", f"{what}; create the roster or point 'roster:' in kbgen.yml at it")],
                          None)
    try:
        doc = load_yaml(path, root)
    except YamlProblem as exc:
        return RosterRead([], [exc.problem], None)
    checker = _Checker(doc, formats, base=Path(root) if root is not None else path.parent, protected=protected)
    mentors = checker.run()
    return RosterRead(sorted(mentors, key=lambda m: m.id), checker.problems, frozenset(checker.ids))


def load_roster(path: Path, root: Path | None = None, formats: Mapping[str, str] | None = None) -> list[Mentor]:
    """Read and validate the roster at ``path``; mentors sorted by id.

    Raises :class:`~kbgen.errors.IngestError` listing every problem found (paths shown
    relative to ``root``; a local photo's path is relative to ``root``, else to the roster's
    folder). An empty file or an empty ``mentors:`` list is an empty roster. ``formats``:
    kbgen.yml's ``directory.formats`` (more formats an entry may name).
    """
    read = read_roster(path, root, formats)
    if read.problems:
        raise IngestError(read.problems, what="roster")
    return read.mentors


class _Checker(FieldChecker[Mentor]):
    """Walks a loaded roster, building mentors and collecting problems."""

    FIELDS = FIELDS
    REQUIRED = REQUIRED
    TOP_KEY = TOP_KEY
    NOUN = "mentor"
    FILE = "the roster"
    RESERVED_IDS = ("index",)
    HOURS_HINT = "; to pause mentoring set capacity: 0 or available_until"
    SAY_EMPTY_LIST = True

    def __init__(self, doc, formats: Mapping[str, str] | None, base: Path,
                 protected: Mapping[str, Path] | None = None) -> None:
        super().__init__(doc, formats)
        self.base = base  # what a local photo's path is relative to (the project)
        self.protected = protected or {}  # folders a photo may not come from (recordings, cache, site)
        self.ids: set[str] = set()

    def entry(self, keys: Keys, index: int, entry: Any) -> Mentor | None:
        """Check one entry; a Mentor when it is valid, else None (problems recorded)."""
        label = self.label(keys, index, entry)
        if label is None:
            return None
        before = len(self.problems)
        self.check_keys(keys, entry, label)

        if isinstance(entry.get("id"), str) and entry["id"].strip():
            self.ids.add(entry["id"].strip())
        values: dict[str, Any] = {}
        for key in ("id", "name", "title", "organization", "timezone", "bio", "contact", "industry", "pronouns",
                    "photo", "country", "location"):
            if entry.get(key) is not None:
                values[key] = self.text(keys, key, entry[key], label)
        for key in ("languages", "expertise", "formats", "wants_to_learn"):
            if entry.get(key) is not None:
                values[key] = self.strings(keys, key, entry[key], label)
        for key in ("capacity", "mentees", "experience_years"):
            if entry.get(key) is not None:
                values[key] = self.count(keys, key, entry[key], label)
        if (values.get("experience_years") or 0) > MAX_YEARS:
            self.add((*keys, "experience_years"), f"{values['experience_years']} years is more than a working life "
                     f"(at most {MAX_YEARS}); check the number", label, "experience_years")
        if entry.get("accepts_questions") is not None:
            if isinstance(entry["accepts_questions"], bool):
                values["accepts_questions"] = entry["accepts_questions"]
            else:
                got = _kind(entry["accepts_questions"])
                self.add((*keys, "accepts_questions"), f"expected true or false, got {got}", label, "accepts_questions")
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
        if values.get("photo"):
            values["photo"], values["photo_file"] = self.photo(keys, values["photo"], values.get("id"), label)
        values["formats"] = self.formats(keys, values.get("formats"), label)
        values["languages"] = self.languages(keys, "languages", values.get("languages"), label)
        values["country"] = self.country(keys, values.get("country"), values.get("location"), label)
        for key in ("expertise", "wants_to_learn"):
            if values.get(key):
                values[key] = _unique(_term(x) for x in values[key])

        if len(self.problems) > before:
            return None
        return Mentor(**{k: v for k, v in values.items() if v is not None})

    # -- one check per kind of field -------------------------------------------------

    def count(self, keys: Keys, key: str, value: Any, label: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add((*keys, key), f"expected a whole number, got {_kind(value)}", label, key)
            return None
        if value < 0:
            self.add((*keys, key), f"must be 0 or more, got {value}", label, key)
            return None
        return value

    def check_link(self, keys: Keys, key: str, value: str | None, label: str) -> None:
        if not value:
            return
        problem = contact_problem(value)
        if problem:
            self.add((*keys, key), problem, label, key)

    def photo(self, keys: Keys, value: str, mentor_id: str | None, label: str) -> tuple[str | None, str | None]:
        """(an https URL or the absolute path of a checked image, its file name in the site or None)."""
        where = (*keys, "photo")
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+:", value):  # a URL (two letters at least: not a drive letter)
            problem = photo_problem(value)
            if problem:
                self.add(where, problem, label, "photo")
                return None, None
            return value, None
        try:
            path, suffix, digest = check_photo_file(value, self.base, self.protected)
        except PhotoError as exc:
            self.add(where, str(exc), label, "photo")
            return None, None
        return str(path), f"{mentor_id or 'mentor'}-{digest[:PHOTO_DIGEST]}{suffix}"

    def date(self, keys: Keys, key: str, value: Any, label: str) -> dt.date | None:
        """A calendar date written YYYY-MM-DD (the YAML loader leaves dates as text)."""
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                self.add((*keys, key), f"'{value.strip()}' is not a real date; check the month and the day",
                         label, key)
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


def photo_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable photo link (an https:// URL with a host), or None."""
    if _UNSAFE_URL_CHARS.search(value):
        return f"photo '{value}' contains spaces, quotes or angle brackets; use a plain https:// URL"
    if value.lower().startswith("http://"):
        return f"photo '{value}' uses http://; use https://"
    if not value.lower().startswith("https://"):
        return f"photo '{value}' must be an image file in the project (such as photos/ada.jpg) or an https:// URL"
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


def _term(text: str) -> str:
    return " ".join(text.split()).lower()


__all__ = ["DAYS", "FIELDS", "FORMATS", "RosterRead", "check_photo_file", "contact_problem", "load_roster",
           "parse_window", "photo_allowed", "photo_note", "photo_problem", "read_roster", "slugify"]
