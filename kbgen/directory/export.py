"""The mentor directory as one compact JSON file for the browser (``mentors/directory.json``).

The directory page's script (``kbgen-assets/directory.js``) filters and ranks mentors from
this file alone, with no server. Only published data goes in: the caller passes the
audience's sessions, and no bio or contact (they are on each mentor's page).

Format (version 2). Repeated strings are interned into lookup tables, and a mentor is an
object with one- or two-letter keys; empty fields are left out::

    {
      "v": 2,
      "url": "{}/",                      # a mentor's page relative to the directory page ("{}" = id)
      "week": "2026-01-05",              # the reference Monday the windows were placed on (status.py)
      "topics": [["negotiation", "negotiation"], ["mentoring", ""]],  # [label, page slug or ""]
      "orgs": ["Harbor Health", ...], "tzs": ["Europe/Madrid", ...],
      "langs": [["en", "English"], ["es", "Spanish"]],     # base languages (BCP 47) and their names
      "countries": [["DE", "Germany"], ...],               # ISO 3166-1 alpha-2 codes and names
      "formats": [["chat", "by chat"], ["video", "by video"]],  # [id, how it reads after "meets"]
      "status": [["taking", "Taking mentees"], ["full", "Full"]],
      "bands": [[-720, -360, "UTC-12 to -6"], ...],   # [lowest, highest offset in minutes, label]
      "m": [{
        "i": "ana", "n": "Ana Lopez", "t": "Engineering Manager",
        "o": 0, "z": 1, "u": 60, "b": 2,             # org, time zone, UTC offset (minutes), band
        "l": [0, 1], "f": [1], "y": 0,               # languages, formats, country
        "e": [0, 2], "w": [5], "x": [[0, 20]],       # expertise, wants to learn, offers [topic, minutes]
        "a": [480, 960, ...],                        # availability: UTC minute-of-week ranges [start, end)
        "h": 4.0,                                    # weekly hours (only when no windows)
        "c": 2, "s": 0,                              # open slots (only when the roster states a capacity), status
        "k": [[0, 3]], "r": 3,                       # recorded sessions per topic, and in all
        "g": [[1, 2]],                               # recorded sessions per language: evidence of it
        "q": [0.55, 0.75],                           # experience and performance in [0, 1] (merit.py)
        "qr": ["12 years in software", "4.7 of 5 over 3 rated sessions"]  # what they come from, as said
      }, ...],
      "wt": [0.8, 0.1, 0.1]                          # kbgen.yml's matching shares: fit, experience, performance
    }

The names and words (languages, countries, formats, status labels, bands) are in the site's
language where :func:`directory_json` is given its words (``t``), else in English; formats that
kbgen.yml names stay as written there.

Minute of week 0 is Monday 00:00 UTC. The file holds no raw ``<``, ``>`` or ``&``: they are
written as ``\\u003c``, ``\\u003e``, ``\\u0026``, the same data to any JSON parser.

Offline builds (pages opened from disk, where browsers refuse fetch()) also write the same data
as ``mentors/directory-data.js``, a script that sets ``window.kbgenDirectory`` (:func:`directory_script`);
the directory page loads it with a script tag and the directory script uses it when present.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zoneinfo
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..models import Mentor
from ..site.i18n import N_
from .checks import FORMAT_WORDS
from .merit import rating_reason, years_reason
from .places import base_language, country_name, language_name
from .status import LABELS, REFERENCE_MONDAY, Status, utc_week

if TYPE_CHECKING:
    from ..site.i18n import Messages

VERSION = 2
#: Time zone bands for the filter: (lowest, highest UTC offset in minutes, label; a msgid).
BANDS = (
    # TRANSLATORS: a range of UTC offsets in the mentor directory's time zone filter.
    (-720, -360, N_("UTC-12 to -6")),
    (-359, -1, N_("UTC-5 to -1")),
    (0, 239, N_("UTC+0 to +3")),
    (240, 479, N_("UTC+4 to +7")),
    (480, 840, N_("UTC+8 to +14")),
)

TopicRef = tuple[str, str]  # (label, page slug; "" when the topic has no page)
SessionRef = tuple[str, str, Sequence[str], str]  # (session id, title, topic labels, spoken language or "")


def utc_offset(tz: str, monday: dt.date = REFERENCE_MONDAY) -> int:
    """Minutes east of UTC of ``tz`` at noon UTC on ``monday`` (0 for an unknown zone)."""
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    noon = dt.datetime.combine(monday, dt.time(12), dt.timezone.utc)
    delta = noon.astimezone(zone).utcoffset() or dt.timedelta()
    return int(delta.total_seconds() // 60)


def band_of(offset: int) -> int:
    """Index in :data:`BANDS` of a UTC offset in minutes."""
    for i, (low, high, _) in enumerate(BANDS):
        if low <= offset <= high:
            return i
    return 0 if offset < BANDS[0][0] else len(BANDS) - 1


class _Table:
    """Interns strings (or tuples) into a list; same input, same indices."""

    def __init__(self) -> None:
        self.items: list = []
        self.index: dict = {}

    def __call__(self, value) -> int:
        if value not in self.index:
            self.index[value] = len(self.items)
            self.items.append(value)
        return self.index[value]


def html_safe(text: str) -> str:
    """JSON text with ``<``, ``>``, ``&`` (and the JS line separators) as ``\\u`` escapes."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def directory_json(
    mentors: Sequence[Mentor],
    sessions_by_mentor: Mapping[str, Sequence[SessionRef]],
    status: Mapping[str, object] | None,
    topics: Mapping[str, TopicRef | str],
    directory_urls: bool = True,
    format_words: Mapping[str, str] | None = None,
    t: Messages | None = None,
    merit: Mapping[str, object] | None = None,
    shares: tuple[float, float, float] = (1.0, 0.0, 0.0),
) -> str:
    """The directory file's text (see the module docstring for the format).

    ``sessions_by_mentor`` holds only the audience's published sessions; ``status`` maps a
    mentor id to a :class:`~kbgen.directory.status.Status` or a (kind, label) pair, kind one of
    taking / full / inactive (a mentor missing from it is 'taking' with open capacity, else
    'full'); ``format_words``: how each format reads after "meets" (the built-in formats' words
    and kbgen.yml's ``directory.formats``); ``topics`` maps every term (expertise, wants,
    offers, session topic labels) to its topic's (label, slug). Terms it lacks stay as written,
    with no page. Mentors and every table come out in a stable order.

    ``t``: kbgen's words in the site's language (:func:`kbgen.site.i18n.messages`): the names of
    languages and countries, the built-in formats' words, the status labels and the bands are
    said in it; English without it. ``merit``: mentor id -> :class:`~kbgen.directory.merit.Merit`
    (experience and performance, weighed by ``shares`` in Find a mentor).
    """
    status = status or {}
    if t is None:
        said: Callable[[str], str] = str
        language_name_in, country_name_in = language_name, country_name
    else:
        from ..site import i18n

        said = t._
        language_name_in = functools.cache(language_name if t.english else lambda b: i18n.language_name(b, t))
        country_name_in = functools.cache(lambda code: i18n.country_name(code, t))
    words = {**{k: said(v) for k, v in FORMAT_WORDS.items()}, **(format_words or {})}
    topic_table, orgs, langs, tzs, formats, kinds, countries = (_Table() for _ in range(7))

    def topic(term: str) -> int:
        ref = topics.get(term)
        if ref is None:
            ref = topics.get(" ".join(term.lower().split()))
        if ref is None:
            ref = (" ".join(term.split()), "")
        elif isinstance(ref, str):
            ref = (ref, "")
        return topic_table((ref[0], ref[1] or ""))

    # Tables in sorted order, so the file does not depend on the roster's order of terms.
    terms = sorted({t for m in mentors for t in (*m.expertise, *m.wants_to_learn, *(o.topic for o in m.offers))}
                   | {t for refs in sessions_by_mentor.values() for ref in refs for t in ref[2]},
                   key=lambda t: (str(t).lower(), t))
    for term in terms:
        topic(term)
    for value in sorted({m.organization for m in mentors}):
        orgs(value)
    spoken = {base_language(x) for m in mentors for x in m.languages}
    spoken |= {base_language(lang) for refs in sessions_by_mentor.values() for lang in map(_spoken, refs) if lang}
    for value in sorted(spoken):
        langs((value, language_name_in(value)))
    for value in sorted({m.timezone for m in mentors}):
        tzs(value)
    for value in sorted({x for m in mentors for x in m.formats}):
        formats((value, words.get(value, value)))
    for value in sorted({m.country for m in mentors if m.country}):
        countries((value, country_name_in(value)))

    rows = []
    for m in sorted(mentors, key=lambda m: m.id):
        st = status.get(m.id) or (("full", LABELS["full"]) if m.open_slots == 0 else ("taking", LABELS["taking"]))
        kind, label = (st.kind, st.label) if hasattr(st, "kind") else st
        if t is not None:
            label = Status(kind, label, "").said(t).label
        offset = utc_offset(m.timezone)
        row: dict[str, object] = {"i": m.id, "n": m.name}
        if m.title:
            row["t"] = m.title
        row.update(o=orgs(m.organization), z=tzs(m.timezone), u=offset, b=band_of(offset))
        refs = sessions_by_mentor.get(m.id, ())
        recorded = Counter(base_language(lang) for lang in map(_spoken, refs) if lang)
        # A language the mentor has recorded sessions in is one they speak, listed or not.
        if m.languages or recorded:
            row["l"] = list(dict.fromkeys(langs.index[(b, language_name_in(b))]
                                          for b in [*(base_language(x) for x in m.languages), *sorted(recorded)]))
        if m.formats:
            row["f"] = [formats.index[(x, words.get(x, x))] for x in m.formats]
        if m.country:
            row["y"] = countries.index[(m.country, country_name_in(m.country))]
        if m.expertise:
            row["e"] = list(dict.fromkeys(topic(x) for x in m.expertise))
        if m.wants_to_learn:
            row["w"] = list(dict.fromkeys(topic(x) for x in m.wants_to_learn))
        if m.offers:
            row["x"] = [[topic(o.topic), o.minutes] for o in m.offers]
        if m.availability:
            row["a"] = [x for r in utc_week(m.timezone, m.availability) for x in r]
        elif m.weekly_hours:
            row["h"] = m.weekly_hours
        if m.open_slots is not None:
            row["c"] = m.open_slots
        row["s"] = kinds((kind, label))
        counts = Counter(i for ref in refs for i in {topic(x) for x in ref[2]})
        if counts:
            row["k"] = [[i, n] for i, n in sorted(counts.items())]
        if refs:
            row["r"] = len(refs)
        if recorded:
            row["g"] = sorted([langs.index[(b, language_name_in(b))], n] for b, n in recorded.items())
        standing = (merit or {}).get(m.id)
        if standing is not None:
            row["q"] = [standing.experience, standing.performance]
            reasons = [years_reason(m, t), rating_reason(standing, t)]
            if any(reasons):
                row["qr"] = reasons
        rows.append(row)

    data = {
        "v": VERSION,
        "url": "{}/" if directory_urls else "{}.html",
        "week": REFERENCE_MONDAY.isoformat(),
        "topics": [list(t) for t in topic_table.items],
        "orgs": orgs.items,
        "langs": [list(x) for x in langs.items],
        "countries": [list(x) for x in countries.items],
        "tzs": tzs.items,
        "formats": [list(x) for x in formats.items],
        "status": [list(s) for s in kinds.items],
        "bands": [[low, high, said(label)] for low, high, label in BANDS],
        "m": rows,
        "wt": [round(x, 4) for x in shares],
    }
    return html_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


#: The global the offline data script sets (read by site/assets/directory.js).
GLOBAL = "kbgenDirectory"


def directory_script(json_text: str) -> str:
    """The directory data as a script for pages opened from disk: ``window.kbgenDirectory = {...};``.

    ``json_text`` is :func:`directory_json`'s output: HTML-safe JSON (no ``<``, ``>``, ``&``, no raw
    line separators), which is also a valid JavaScript expression.
    """
    return f"window.{GLOBAL} = {html_safe(json_text.strip())};\n"


def _spoken(ref: SessionRef) -> str:
    """A session's spoken language, "" when not known (or not given: an older caller's ref)."""
    return ref[3] if len(ref) > 3 else ""


def directory_inputs(docs: Sequence, mentors: Sequence[Mentor], find_topic: Callable) -> tuple[dict, dict]:
    """(sessions_by_mentor, topics) for :func:`directory_json` from the renderer's records.

    ``docs`` are the published SessionDocs; ``find_topic(term, tid=None)`` is the renderer's
    term -> Topic finder (a Topic has ``label`` and ``slug``).
    """
    topics: dict[str, TopicRef] = {}

    def ref(term: str, tid: str | None = None) -> str | None:
        t = find_topic(term, tid) if tid else find_topic(term)
        if t is None:
            return None
        topics[term] = topics[t.label] = (t.label, t.slug)
        return t.label

    for m in mentors:
        for term in (*m.expertise, *m.wants_to_learn, *(o.topic for o in m.offers)):
            ref(term)
    by_mentor: dict[str, list[SessionRef]] = {}
    for d in sorted(docs, key=lambda d: d.session.id):
        s = d.session
        labels = [ref(x) for x in s.topics] + [ref(tag.label, tag.id) for tag in d.enrichment.topics]
        labels = list(dict.fromkeys(x for x in labels if x))
        for mid in s.mentors:
            # Evidence of a language only where it is known (stated, detected, or in an import's
            # header), not where English is assumed for want of one.
            by_mentor.setdefault(mid, []).append((s.id, s.title, tuple(labels), s.language or d.transcript.language))
    return by_mentor, topics


__all__ = ["BANDS", "band_of", "directory_inputs", "directory_json", "directory_script", "utc_offset"]
