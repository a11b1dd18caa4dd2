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
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import IngestError, Problem, rel
from ..models import Mentor
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
}
REQUIRED = ("id", "name")
FORMATS = ("video", "phone", "chat", "in-person")
TOP_KEY = "mentors"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_UNSAFE_URL_CHARS = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")

Keys = tuple[str | int, ...]


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
        for key in ("id", "name", "title", "organization", "timezone", "bio", "contact"):
            if entry.get(key) is not None:
                values[key] = self.text(keys, key, entry[key], label)
        for key in ("languages", "expertise", "formats"):
            if entry.get(key) is not None:
                values[key] = self.strings(keys, key, entry[key], label)
        if entry.get("capacity") is not None:
            values["capacity"] = self.capacity(keys, entry["capacity"], label)

        self.check_id(keys, values.get("id"), label)
        self.check_timezone(keys, values.get("timezone"), label)
        self.check_contact(keys, values.get("contact"), label)
        values["formats"] = self.formats(keys, values.get("formats"), label)
        if values.get("languages"):
            values["languages"] = _unique(x.lower() for x in values["languages"])
        if values.get("expertise"):
            values["expertise"] = _unique(" ".join(x.split()).lower() for x in values["expertise"])

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

    def check_contact(self, keys: Keys, value: str | None, label: str) -> None:
        if not value:
            return
        problem = contact_problem(value)
        if problem:
            self.add((*keys, "contact"), problem, label, "contact")

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


def contact_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable contact (https:// URL or mailto:), or None."""
    lowered = value.lower()
    if _UNSAFE_URL_CHARS.search(value):
        return (f"contact '{value}' contains spaces, quotes or angle brackets; "
                "use a plain https:// URL or mailto: address")
    if lowered.startswith("https://"):
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            host = None
        if not host or "." not in host.strip("."):
            return f"contact '{value}' has no host name; use a full URL such as 'https://example.org/ada'"
        return None
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


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens: 'Ada Lovelace!' -> 'ada-lovelace'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    names = set(zoneinfo.available_timezones())
    names.add("UTC")
    return frozenset(names)


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


__all__ = ["FIELDS", "FORMATS", "load_roster", "contact_problem", "slugify"]
