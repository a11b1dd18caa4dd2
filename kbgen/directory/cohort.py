"""Cohort matching: pair a list of mentees (mentees.yaml) with the roster's mentors.

The cohort file is a mapping with a ``mentees:`` list (or a bare list of entries)::

    mentees:
      - id: lena-fischer              # required; lower-case letters, digits and hyphens
        name: Lena Fischer            # required
        organization: Northwind Labs
        timezone: Europe/Berlin       # IANA name; default UTC
        languages: [de, en]           # required; codes or names ("Spanish")
        needs: [negotiation, public speaking]   # required; most important first
        format: [video]               # optional: video, phone, chat, in-person, async, email, group
        country: DE                   # optional: ISO code or name; a reason when the mentor states one too
        availability: ["mon-fri 08:00-10:00"]   # optional: windows, or hours a week (2)
        outside_org: true             # wants a mentor from another organization
        avoid: [ana-garcia]           # mentor ids never to pair with (named conflicts)
        prefer: [sofia-rossi]         # mentor ids the mentee would like (a bonus)
        goals: Negotiate my first promotion.

Mentee data is private: it goes into the match report folder, never into the site.

A pair's score lies in [0, 1]: topic fit (needs weighted by their order, 1, 1/2, 1/3 ...,
against the mentor's expertise and micro-mentoring offers) 0.60, shared hours across time
zones 0.20 (full at 2 h a week), format 0.05, the mentee's first language 0.03 and recorded
sessions in it 0.02 (a mentor's sessions in a language are evidence they mentor in it), a
``prefer`` bonus 0.10. That fit is then weighed with the mentor's experience and performance
(merit.py) by kbgen.yml's ``matching`` shares (0.8, 0.1, 0.1 by default). Hard constraints (a
pair that breaks one is never made): a shared language, a topic in common, an open slot
(capacity > 0) and an active mentor, another organization when ``outside_org`` asks for it, no
mentor on the ``avoid`` list.

Three assignments respect every mentor's capacity: ``optimal`` (the largest total score; a
sparse min-cost assignment, LAPJVsp, with each mentor repeated once per open slot), ``stable``
(the ``matching`` package's hospital-resident algorithm: no mentee and mentor would both rather
be paired with each other than keep what they got) and ``greedy`` (best pairs first, the
baseline). In a cohort of more than 4 million mentee-mentor pairs each mentee's candidate list
is cut to its 100 best feasible mentors (``candidates``), which keeps 5,000 x 5,000 cohorts
fast and small; below that nothing is cut.

Scores are symmetric (a mentor ranks mentees by the same pair score), so the stable matching
is unique and equals the greedy one; ``stable`` is the guarantee, ``greedy`` the cheap way there.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from ..errors import Problem, ValidationError, rel
from ..models import Mentor, Window
from ..yamlio import LocatedYaml, YamlProblem, load_yaml
from .checks import _SLUG, DAYS, FORMAT_WORDS, FieldChecker, Keys, _kind, _unique
from .match import term_key
from .merit import Merit, rating_reason, years_reason
from .places import base_language, language_name, language_tag
from .status import utc_week

#: Every key a mentee entry may have, with what it holds (used in error messages and docs).
FIELDS: dict[str, str] = {
    "id": "slug naming the mentee in reports: lower-case letters, digits and hyphens",
    "name": "full name as shown in the report and agreement",
    "organization": "employer or affiliation",
    "timezone": "IANA time zone such as 'Europe/Berlin' (default UTC)",
    "languages": "languages spoken, e.g. [en, es] or [English, Spanish]",
    "needs": "topics to work on, most important first, e.g. [negotiation, feedback]",
    "format": "how sessions may happen: any of video, phone, chat, in-person, async, email, group "
    "(and those kbgen.yml's directory.formats adds)",
    "country": "the country the mentee lives in: an ISO code or a name (a reason in matching)",
    "availability": "weekly hours as a number (e.g. 2), or windows in the mentee's time zone "
    "such as ['mon 09:00-11:00', 'mon-fri 17:00-18:00']",
    "outside_org": "true to be paired only with a mentor from another organization",
    "avoid": "mentor ids never to pair with (named conflicts)",
    "prefer": "mentor ids the mentee would like (a bonus, not a promise)",
    "goals": "what the mentee wants from the partnership, in their words",
}
REQUIRED = ("id", "name", "languages", "needs")
TOP_KEY = "mentees"

#: Score weights; they add up to 1.
W_TOPIC, W_HOURS, W_FORMAT, W_LANGUAGE, W_RECORDED, W_PREFER = 0.60, 0.20, 0.05, 0.03, 0.02, 0.10
#: Shared hours a week at which the time component is full.
HOURS_FULL = 2.0
#: Working hours assumed for someone who gives no availability windows (their own time zone).
WORKING_HOURS = tuple(Window(day, "09:00", "17:00") for day in DAYS[:5])
#: Best feasible mentors kept per mentee in a large cohort (the rest cannot be assigned to it);
#: a cohort of at most FULL_PAIRS mentee-mentor pairs keeps every feasible mentor.
CANDIDATES = 100
FULL_PAIRS = 4_000_000
METHODS = ("optimal", "stable", "greedy")
Method = Literal["optimal", "stable", "greedy"]
#: Open slots assumed for a mentor whose roster entry states no capacity.
UNSTATED_SLOTS = 1


def language_code(text: str) -> str:
    """'Spanish', 'es', 'es-MX' -> 'es' (languages meet by their base language); unknown: as written, lower-case."""
    tag, _ = language_tag(text)
    return base_language(tag) if tag else " ".join(text.split()).lower()


# -- the cohort file -------------------------------------------------------------------


@dataclass(frozen=True)
class Mentee:
    """One entry of mentees.yaml. Private: never rendered into the site."""

    id: str
    name: str
    organization: str = ""
    timezone: str = "UTC"
    languages: tuple[str, ...] = ()  # BCP 47 tags ('es', 'pt-BR')
    needs: tuple[str, ...] = ()  # most important first
    formats: tuple[str, ...] = ()  # the file's `format` key; empty = any
    availability: tuple[Window, ...] = ()  # weekly windows in the mentee's time zone
    weekly_hours: float | None = None  # hours a week, when no windows are given
    outside_org: bool = False
    avoid: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    goals: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 code


def load_mentees(path: Path, root: Path | None = None, mentors: Sequence[Mentor] | None = None,
                 formats: Mapping[str, str] | None = None) -> list[Mentee]:
    """Read and validate the cohort file at ``path``; mentees sorted by id.

    Raises :class:`~kbgen.errors.ValidationError` listing every problem (file, line, field).
    With ``mentors``, ids in ``avoid`` and ``prefer`` must name mentors of the roster.
    """
    path = Path(path)
    shown = rel(path, root)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "file not found"
        raise ValidationError([Problem(shown, "", f"{what}; give the cohort file, e.g. mentees.yaml")],
                              what="cohort")
    try:
        doc = load_yaml(path, root)
    except YamlProblem as exc:
        raise ValidationError([exc.problem], what="cohort") from None
    checker = _Checker(doc, None if mentors is None else {m.id for m in mentors}, formats)
    mentees = checker.run()
    if checker.problems:
        raise ValidationError(checker.problems, what="cohort")
    return sorted(mentees, key=lambda m: m.id)


class _Checker(FieldChecker[Mentee]):
    """Walks a loaded cohort file, building mentees and collecting problems."""

    FIELDS = FIELDS
    REQUIRED = REQUIRED
    TOP_KEY = TOP_KEY
    NOUN = "mentee"
    FILE = "the cohort file"
    TOP_FIELD = True
    FORMAT_KEY = "format"

    def __init__(self, doc: LocatedYaml, mentor_ids: set[str] | None, formats: Mapping[str, str] | None = None):
        super().__init__(doc, formats)
        self.mentor_ids = mentor_ids

    def entry(self, keys: Keys, index: int, entry: Any) -> Mentee | None:
        label = self.label(keys, index, entry)
        if label is None:
            return None
        before = len(self.problems)
        self.check_keys(keys, entry, label)

        values: dict[str, Any] = {}
        for key in ("id", "name", "organization", "timezone", "goals", "country"):
            if entry.get(key) is not None:
                values[key] = self.text(keys, key, entry[key], label)
        for key in ("languages", "needs", "format", "avoid", "prefer"):
            if entry.get(key) is not None:
                values[key] = self.strings(keys, key, entry[key], label)
        if entry.get("outside_org") is not None:
            if isinstance(entry["outside_org"], bool):
                values["outside_org"] = entry["outside_org"]
            else:
                self.add((*keys, "outside_org"), f"expected true or false, got {_kind(entry['outside_org'])}",
                         label, "outside_org")
        if entry.get("availability") is not None:
            values["availability"], values["weekly_hours"] = self.availability(keys, entry["availability"], label)

        self.check_id(keys, values.get("id"), label)
        self.check_timezone(keys, values.get("timezone"), label)
        for key in ("languages", "needs"):
            if key in values and values[key] == ():
                self.add((*keys, key), f"'{key}' is empty; give at least one", label, key)
        if values.get("outside_org") and not values.get("organization"):
            self.add((*keys, "outside_org"), "outside_org needs the mentee's 'organization' to tell which "
                     "organization is another one; add it", label, "outside_org")
        values["formats"] = self.formats(keys, values.pop("format", None), label)
        for key in ("avoid", "prefer"):
            values[key] = self.mentor_refs(keys, key, values.get(key), label)
        both = sorted(set(values.get("avoid") or ()) & set(values.get("prefer") or ()))
        if both:
            self.add((*keys, "prefer"), f"{', '.join(both)} is both avoided and preferred; keep one", label, "prefer")
        values["languages"] = self.languages(keys, "languages", values.get("languages"), label)
        values["country"] = self.country(keys, values.get("country"), None, label)
        if values.get("needs"):
            values["needs"] = _unique(" ".join(x.split()).lower() for x in values["needs"])
        if len(self.problems) > before:
            return None
        return Mentee(**{k: v for k, v in values.items() if v is not None})

    def split(self, value: str) -> list[str]:
        """A lone string's comma-separated parts, blank ones dropped ("en, de," -> ["en", " de"])."""
        return [x for x in value.split(",") if x.strip()]

    def mentor_refs(self, keys: Keys, key: str, value: tuple[str, ...] | None, label: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        for i, item in enumerate(value):
            if self.mentor_ids is not None and item not in self.mentor_ids:
                close = difflib.get_close_matches(item, sorted(self.mentor_ids), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add((*keys, key, i), f"no mentor '{item}' in the roster; {hint}use a mentor id "
                         "from mentors.yaml", label, key)
            elif not _SLUG.fullmatch(item):
                self.add((*keys, key, i), f"'{item}' is not a mentor id (lower-case letters, digits and "
                         "hyphens)", label, key)
        return _unique(value)


# -- scoring ---------------------------------------------------------------------------


def mentor_topics(mentor: Mentor) -> tuple[str, ...]:
    """What a mentor can help with: expertise, then micro-mentoring offers (as written)."""
    return _unique([*mentor.expertise, *(o.topic for o in mentor.offers)])


def need_weights(n: int) -> list[float]:
    """Weights of ``n`` needs in order: 1, 1/2, 1/3 ... normalised to add up to 1."""
    raw = [1.0 / (i + 1) for i in range(n)]
    total = sum(raw)
    return [w / total for w in raw]


def week_spans(timezone: str, windows: Sequence[Window]) -> tuple[tuple[int, int], ...]:
    """Availability as UTC minutes of the reference week; working hours when no windows."""
    return utc_week(timezone, windows or WORKING_HOURS)


def _org(text: str) -> str:
    return " ".join(text.lower().split())


class Pair(NamedTuple):
    mentee_id: str
    mentor_id: str
    score: float
    reasons: tuple[str, ...]


class Unmatched(NamedTuple):
    mentee_id: str
    why: str


class Demand(NamedTuple):
    """A topic in demand that too few mentors cover.

    ``mentees`` need it; ``mentors`` (active, with open slots) cover it with ``slots`` slots in
    all; ``waiting`` mentees who need it had suitable mentors but found them all full.
    """

    topic: str
    mentees: int
    mentors: int
    slots: int
    waiting: int = 0


@dataclass(frozen=True)
class MatchResult:
    """What :func:`match_cohort` found: pairs by mentee id, the unmatched and why, topic demand."""

    method: str
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    demand: tuple[Demand, ...]

    @property
    def total(self) -> float:
        return round(sum(p.score for p in self.pairs), 6)


class _Model:
    """A cohort and a roster as arrays, so scores of all pairs come from a few matrix products.

    Rows are mentees, columns mentors, both sorted by id. Scores are computed a block of rows at
    a time (a 5,000 x 5,000 cohort never holds a dense matrix); exact to the minute for hours.
    """

    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], inactive: Iterable[str] = (),
                 recorded: Mapping[str, Mapping[str, int]] | None = None, merit: Mapping[str, Merit] | None = None,
                 shares: tuple[float, float, float] = (1.0, 0.0, 0.0)):
        from scipy import sparse

        self.mentees = sorted(mentees, key=lambda m: m.id)
        self.mentors = sorted(mentors, key=lambda m: m.id)
        n, m = len(self.mentees), len(self.mentors)
        self.mentor_index = {x.id: j for j, x in enumerate(self.mentors)}
        inactive = set(inactive)

        # Experience and performance (merit.py): one number per mentor each, weighed by kbgen.yml's
        # matching shares next to the fit below; a mentor missing from ``merit`` gets neither.
        self.shares = shares if merit is not None else (1.0, 0.0, 0.0)
        self.merit = [(merit or {}).get(y.id) for y in self.mentors]
        self.merit_m = np.array([[x.experience, x.performance] if x else [0.0, 0.0] for x in self.merit],
                                dtype=np.float64).reshape(m, 2)

        # Topics: need weights (n x T) against what mentors cover (m x T).
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        self.need_keys: list[list[str]] = []
        for i, x in enumerate(self.mentees):
            keys = _unique(k for k in (term_key(t) for t in x.needs) if k)
            self.need_keys.append(list(keys))
            for key, w in zip(keys, need_weights(len(keys)), strict=True):
                rows.append(i)
                cols.append(vocab.setdefault(key, len(vocab)))
                vals.append(w)
        self.need_matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)))
        self.topic_keys: list[set[str]] = []
        rows, cols = [], []
        for j, y in enumerate(self.mentors):
            keys = {k for k in (term_key(t) for t in mentor_topics(y)) if k}
            self.topic_keys.append(keys)
            for key in sorted(keys):
                if key in vocab:
                    rows.append(j)
                    cols.append(vocab[key])
        self.cover = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, max(len(vocab), 1))).T.tocsr()

        # Languages: any shared (hard), the mentee's first (bonus), sessions recorded in it (bonus).
        # A language a mentor has recorded sessions in is one they speak, listed or not.
        langs: dict[str, int] = {}
        recorded = recorded or {}
        self.recorded = [{language_code(c): n for c, n in sorted((recorded.get(y.id) or {}).items()) if n > 0}
                         for y in self.mentors]
        self.mentee_langs = [list(_unique(language_code(c) for c in x.languages)) for x in self.mentees]
        self.mentor_langs = [list(_unique([*(language_code(c) for c in y.languages), *self.recorded[j]]))
                             for j, y in enumerate(self.mentors)]
        for group in (*self.mentee_langs, *self.mentor_langs):
            for c in group:
                langs.setdefault(c, len(langs))
        width = max(len(langs), 1)
        self.speaks_e = np.zeros((n, width), dtype=np.float32)
        self.first_e = np.zeros((n, width), dtype=np.float32)
        self.speaks_m = np.zeros((m, width), dtype=np.float32)
        for i, group in enumerate(self.mentee_langs):
            self.speaks_e[i, [langs[c] for c in group]] = 1
            if group:
                self.first_e[i, langs[group[0]]] = 1
        self.recorded_m = np.zeros((m, width), dtype=np.float32)
        for j, group in enumerate(self.mentor_langs):
            self.speaks_m[j, [langs[c] for c in group]] = 1
            self.recorded_m[j, [langs[c] for c in self.recorded[j]]] = 1

        # Formats: compatible unless both state formats and none is shared.
        kinds = sorted({f for x in (*self.mentees, *self.mentors) for f in x.formats})
        nf = len(kinds)
        self.fmt_e = np.array([[f in x.formats for f in kinds] for x in self.mentees], np.float32).reshape(n, nf)
        self.fmt_m = np.array([[f in y.formats for f in kinds] for y in self.mentors], np.float32).reshape(m, nf)
        self.any_fmt_e = self.fmt_e.sum(axis=1) == 0
        self.any_fmt_m = self.fmt_m.sum(axis=1) == 0

        # Hours: each person's UTC spans, cut into the elementary intervals between every
        # endpoint of anyone's spans; minutes shared = (A * lengths) @ B.T, exact.
        spans_e = [week_spans(x.timezone, x.availability) for x in self.mentees]
        spans_m = [week_spans(y.timezone, y.availability) for y in self.mentors]
        self.default_e = np.array([not x.availability for x in self.mentees], dtype=bool)
        self.default_m = np.array([not y.availability for y in self.mentors], dtype=bool)
        self.prof_e, ue = _profiles(spans_e)
        self.prof_m, um = _profiles(spans_m)
        cuts = sorted({0, 7 * 1440} | {t for s in (*ue, *um) for span in s for t in span})
        a, b = _interval_matrix(ue, cuts), _interval_matrix(um, cuts)
        lengths = np.diff(np.array(cuts, dtype=np.float64))
        self.shared_minutes = (a * lengths) @ b.T  # unique profiles x unique profiles

        # Hard constraints that are not about content.
        self.capacity = np.array([_slots(y) for y in self.mentors], dtype=np.int64)
        self.open = np.array([_slots(y) > 0 and y.id not in inactive for y in self.mentors], dtype=bool)
        orgs: dict[str, int] = {}
        self.org_e = np.array([orgs.setdefault(_org(x.organization), len(orgs)) if _org(x.organization) else -1
                               for x in self.mentees], dtype=np.int64)
        self.org_m = np.array([orgs.setdefault(_org(y.organization), len(orgs)) if _org(y.organization) else -2
                               for y in self.mentors], dtype=np.int64)
        self.outside = np.array([x.outside_org for x in self.mentees], dtype=bool)
        self.avoid = [[self.mentor_index[a] for a in x.avoid if a in self.mentor_index] for x in self.mentees]
        self.prefer = [[self.mentor_index[p] for p in x.prefer if p in self.mentor_index] for x in self.mentees]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    def block(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Scores and constraint masks of mentees ``lo:hi`` against every mentor."""
        fit = (self.need_matrix[lo:hi] @ self.cover).toarray()
        lang = (self.speaks_e[lo:hi] @ self.speaks_m.T) > 0
        first = (self.first_e[lo:hi] @ self.speaks_m.T) > 0
        first_recorded = (self.first_e[lo:hi] @ self.recorded_m.T) > 0
        fmt = ((self.fmt_e[lo:hi] @ self.fmt_m.T) > 0) | self.any_fmt_e[lo:hi, None] | self.any_fmt_m[None, :]
        minutes = self.shared_minutes[np.ix_(self.prof_e[lo:hi], self.prof_m)]
        hours = np.round(minutes / 60.0, 2)
        prefer = np.zeros(fit.shape, dtype=bool)
        avoid = np.zeros(fit.shape, dtype=bool)
        for r in range(lo, hi):
            prefer[r - lo, self.prefer[r]] = True
            avoid[r - lo, self.avoid[r]] = True
        same_org = (self.org_e[lo:hi, None] == self.org_m[None, :]) & self.outside[lo:hi, None]
        score = (W_TOPIC * fit + W_HOURS * np.minimum(hours, HOURS_FULL) / HOURS_FULL + W_FORMAT * fmt
                 + W_LANGUAGE * first + W_RECORDED * first_recorded + W_PREFER * prefer)
        fit_share, experience, performance = self.shares
        score = np.round(fit_share * score + experience * self.merit_m[None, :, 0]
                         + performance * self.merit_m[None, :, 1], 6)
        topic = fit > 1e-12
        feasible = lang & topic & self.open[None, :] & ~same_org & ~avoid
        return {"score": score, "fit": fit, "hours": hours, "lang": lang, "topic": topic, "same_org": same_org,
                "avoid": avoid, "feasible": feasible}

    def edges(self, candidates: int | None, block_rows: int = 256) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                           np.ndarray]:
        """Each mentee's best feasible mentors: rows, cols, scores (by row, best first) and feasible counts."""
        n, m = self.shape
        counts = np.zeros(n, dtype=np.int64)
        if n == 0 or m == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), counts
        k = candidate_count(candidates, n, m)
        out_r, out_c, out_s = [], [], []
        for lo in range(0, n, block_rows):
            hi = min(n, lo + block_rows)
            b = self.block(lo, hi)
            feasible, score = b["feasible"], b["score"]
            counts[lo:hi] = feasible.sum(axis=1)
            # One integer key per pair: score (micro-units) first, lower mentor index on ties.
            key = np.rint(score * 1e6).astype(np.int64) * (m + 1) + (m - np.arange(m))[None, :]
            key[~feasible] = -1
            top = np.argpartition(-key, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (hi - lo, 1))
            top_keys = np.take_along_axis(key, top, axis=1)
            order = np.argsort(-top_keys, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_keys = np.take_along_axis(top_keys, order, axis=1)
            rr, cc = np.nonzero(top_keys >= 0)
            out_r.append(rr + lo)
            out_c.append(top[rr, cc])
            out_s.append(score[rr, top[rr, cc]])
        if not out_r:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), counts
        return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_s), counts

    def hours(self, i: int, j: int) -> float:
        """Hours a week mentee ``i`` and mentor ``j`` share (as in :meth:`block`)."""
        return float(np.round(self.shared_minutes[self.prof_e[i], self.prof_m[j]] / 60.0, 2))

    def reasons(self, i: int, j: int, hours: float) -> tuple[str, ...]:
        """Plain-words reasons for pairing mentee ``i`` with mentor ``j``."""
        x, y = self.mentees[i], self.mentors[j]
        out = []
        covered = self.topic_keys[j]
        topics = [need for need in x.needs if term_key(need) in covered]
        if topics:
            out.append(_and(topics))
        shared = [c for c in self.mentee_langs[i] if c in self.mentor_langs[j]]
        if shared:
            n = self.recorded[j].get(shared[0], 0)
            out.append(f"speaks {language_name(shared[0])}"
                       + (f" ({n} recorded session{'s' if n != 1 else ''} in it)" if n else ""))
        if hours <= 0:
            out.append("no shared hours")
        elif self.default_e[i] and self.default_m[j]:
            out.append(f"{_num(hours / 5)} h of shared working hours a day")
        else:
            out.append(f"{_num(hours)} h a week of shared hours")
        both = [f for f in x.formats if f in y.formats]
        if both:
            out.append("meets " + _or([FORMAT_WORDS.get(f, f) for f in both]))
        if x.country and y.country:
            out.append("same country" if x.country == y.country else "another country: outside view")
        if x.outside_org and _org(x.organization) != _org(y.organization):
            out.append("another organisation")
        if y.id in x.prefer:
            out.append("asked for by name")
        merit = self.merit[j]
        if merit is not None:
            if self.shares[1] and years_reason(y):
                out.append(years_reason(y))
            if self.shares[2] and rating_reason(merit):
                out.append(rating_reason(merit))
        return tuple(out)

    def why_none(self, i: int) -> str:
        """Why mentee ``i`` has no feasible mentor: the first constraint that leaves nobody."""
        x = self.mentees[i]
        b = self.block(i, i + 1)
        lang, topic, same_org, avoid = (b[k][0] for k in ("lang", "topic", "same_org", "avoid"))
        langs = _or([language_name(c) for c in self.mentee_langs[i]])
        needs = _or(list(x.needs))
        if not lang.any():
            return f"no mentor speaks {langs}"
        if not topic.any():
            return f"no mentor covers {needs}"
        if not (lang & topic).any():
            return f"no mentor who speaks {langs} covers {needs}"
        fits = lang & topic
        if not (fits & self.open).any():
            return f"every mentor who fits ({self._ids(fits)}) is full or not active"
        fits &= self.open
        if not (fits & ~same_org).any():
            return (f"every mentor who fits works at {x.organization} ({self._ids(fits)}), and the mentee "
                    "asked for another organization")
        fits &= ~same_org
        return f"the only mentors who fit are on the avoid list ({self._ids(fits & avoid)})"

    def why_taken(self, i: int, method: str, left: np.ndarray, k: int) -> str:
        """Why mentee ``i``, who had suitable mentors, got none (``left``: open slots after the match)."""
        b = self.block(i, i + 1)
        fits = b["feasible"][0]
        still = fits & (left > 0)
        if still.any():
            count = int(still.sum())
            best = f"its {k} best-fitting mentors are" if k > 1 else "its best-fitting mentor is"
            more = f"{count} more suitable mentors ({self._ids(still)}) still have" if count > 1 else \
                f"1 more suitable mentor ({self._ids(still)}) still has"
            return (f"{best} full; {more} open slots beyond the {k} candidate{'s' if k > 1 else ''} kept per "
                    "mentee (raise the candidates to include them)")
        tail = {"optimal": "other mentees were given the places for the best overall fit",
                "stable": "they took mentees who fit them better",
                "greedy": "better-scoring pairs took the places first"}[method]
        count = int(fits.sum())
        if count == 1:
            return f"the only suitable mentor ({self._ids(fits)}) is full: {tail}"
        return f"all {count} suitable mentors ({self._ids(fits)}) are full: {tail}"

    def _ids(self, mask: np.ndarray, limit: int = 3) -> str:
        ids = [self.mentors[j].id for j in np.flatnonzero(mask)]
        more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
        return ", ".join(ids[:limit]) + more


def _profiles(spans: list[tuple[tuple[int, int], ...]]) -> tuple[np.ndarray, list[tuple[tuple[int, int], ...]]]:
    """Index of each person's availability among the distinct ones, and the distinct ones."""
    seen: dict[tuple[tuple[int, int], ...], int] = {}
    index = np.array([seen.setdefault(s, len(seen)) for s in spans], dtype=np.int64)
    return index, list(seen)


def _interval_matrix(profiles: list[tuple[tuple[int, int], ...]], cuts: list[int]) -> np.ndarray:
    """1 where a profile covers the elementary interval [cuts[k], cuts[k+1])."""
    out = np.zeros((len(profiles), len(cuts) - 1), dtype=np.float64)
    where = {t: k for k, t in enumerate(cuts)}
    for p, spans in enumerate(profiles):
        for start, end in spans:
            out[p, where[start]:where[end]] = 1
    return out


def _num(x: float) -> str:
    x = round(x, 1)
    return str(int(x)) if x == int(x) else f"{x:.1f}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def score(mentee: Mentee, mentor: Mentor, recorded: Mapping[str, int] | None = None, merit: Merit | None = None,
          shares: tuple[float, float, float] = (1.0, 0.0, 0.0)) -> tuple[float, list[str]]:
    """The pair's score in [0, 1] and its reasons in plain words (hard constraints aside);
    ``recorded``: the mentor's sessions by language; ``merit`` and ``shares``: as :func:`match_cohort`."""
    model = _Model([mentee], [mentor], recorded={mentor.id: recorded or {}},
                   merit={mentor.id: merit} if merit is not None else None, shares=shares)
    b = model.block(0, 1)
    return float(b["score"][0, 0]), list(model.reasons(0, 0, float(b["hours"][0, 0])))


def _slots(mentor: Mentor) -> int:
    """The mentor's open slots for this cohort (:data:`UNSTATED_SLOTS` when the roster states none)."""
    slots = mentor.open_slots
    return UNSTATED_SLOTS if slots is None else slots


def blocker(mentee: Mentee, mentor: Mentor, inactive: Iterable[str] = (),
            recorded: Mapping[str, int] | None = None) -> str | None:
    """Why the pair may not be made (the first hard constraint it breaks), or None; ``recorded``:
    the mentor's sessions by language (a language recorded in is one spoken)."""
    inactive = set(inactive)
    if mentor.id in mentee.avoid:
        return "on the mentee's avoid list"
    if mentor.id in inactive:
        return "mentor is not active"
    if _slots(mentor) <= 0:
        return "mentor is full"
    if mentee.outside_org and _org(mentee.organization) and _org(mentee.organization) == _org(mentor.organization):
        return "same organization, and the mentee asked for another one"
    spoken = {language_code(c) for c in (*mentor.languages, *(c for c, n in (recorded or {}).items() if n > 0))}
    if not {language_code(c) for c in mentee.languages} & spoken:
        return "no shared language"
    if not {term_key(t) for t in mentee.needs} & {term_key(t) for t in mentor_topics(mentor)}:
        return "no topic in common"
    return None


# -- assignment ------------------------------------------------------------------------


def match_cohort(mentees: Sequence[Mentee], mentors: Sequence[Mentor], method: Method = "optimal",
                 inactive: Iterable[str] = (), candidates: int | None = None,
                 recorded: Mapping[str, Mapping[str, int]] | None = None, merit: Mapping[str, Merit] | None = None,
                 shares: tuple[float, float, float] = (1.0, 0.0, 0.0)) -> MatchResult:
    """Pair ``mentees`` with ``mentors`` within every mentor's capacity.

    ``method``: ``optimal`` (largest total score), ``stable`` (no blocking pair; hospital-resident)
    or ``greedy`` (best pairs first). ``inactive``: mentor ids never assigned. ``candidates``:
    best feasible mentors kept per mentee (None: all of them up to :data:`FULL_PAIRS` pairs,
    else :data:`CANDIDATES`). ``recorded``: mentor id -> their sessions by language (a BCP 47
    tag -> count), evidence of the languages they mentor in. ``merit``: mentor id ->
    experience and performance (merit.py), weighed with the fit by ``shares`` (kbgen.yml's
    ``matching``: knowledge, experience, performance, adding up to 1). Same input, same output.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    model = _Model(mentees, mentors, inactive, recorded, merit, shares)
    rows, cols, scores, counts = model.edges(candidates)
    assigned = ASSIGNERS[method](rows, cols, scores, model.capacity, model.shape[0])
    left = model.capacity.copy()
    for j in assigned.values():
        left[j] -= 1
    k = candidate_count(candidates, *model.shape)
    score_of = {(int(r), int(c)): float(s) for r, c, s in zip(rows, cols, scores, strict=True)}
    pairs = tuple(
        Pair(model.mentees[i].id, model.mentors[j].id, score_of[(i, j)], model.reasons(i, j, model.hours(i, j)))
        for i, j in sorted(assigned.items())
    )
    unmatched = tuple(
        Unmatched(x.id, model.why_none(i) if counts[i] == 0 else model.why_taken(i, method, left, k))
        for i, x in enumerate(model.mentees) if i not in assigned
    )
    waiting = [i for i in range(model.shape[0]) if i not in assigned and counts[i] > 0]
    return MatchResult(method, pairs, unmatched, demand(model, waiting))


def candidate_count(candidates: int | None, n: int, m: int) -> int:
    """Mentors kept per mentee: ``candidates`` (at least 1), or with None every one in a cohort of
    at most :data:`FULL_PAIRS` pairs and :data:`CANDIDATES` in a larger one."""
    if candidates is None:
        candidates = m if n * m <= FULL_PAIRS else CANDIDATES
    return max(1, min(candidates, m))


def demand(model: _Model, waiting: Iterable[int] = ()) -> tuple[Demand, ...]:
    """Topics that more mentees need than mentors who cover them have open slots, or that
    mentees left ``waiting`` (indices: suitable mentors, all full) need; the largest gap first."""
    label: dict[str, str] = {}
    needing: dict[str, int] = defaultdict(int)
    waited: dict[str, int] = defaultdict(int)
    waiting = set(waiting)
    for i, x in enumerate(model.mentees):
        seen = set()
        for need in x.needs:
            key = term_key(need)
            if key and key not in seen:
                seen.add(key)
                label.setdefault(key, need)
                needing[key] += 1
                waited[key] += i in waiting
    out = []
    for key, count in needing.items():
        covering = [j for j, topics in enumerate(model.topic_keys) if key in topics and model.open[j]]
        slots = int(sum(model.capacity[j] for j in covering))
        if count > slots or waited[key]:
            out.append(Demand(label[key], count, len(covering), slots, waited[key]))
    return tuple(sorted(out, key=lambda d: (-max(0, d.mentees - d.slots), -d.waiting, d.topic)))


def assign_greedy(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, capacity: np.ndarray,
                  n: int) -> dict[int, int]:
    """Best pairs first: highest score, then lower mentee index, then lower mentor index."""
    order = np.lexsort((cols, rows, -scores))
    left = capacity.copy()
    out: dict[int, int] = {}
    for e in order:
        i, j = int(rows[e]), int(cols[e])
        if i not in out and left[j] > 0:
            out[i] = j
            left[j] -= 1
    return out


def assign_stable(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, capacity: np.ndarray,
                  n: int) -> dict[int, int]:
    """Mentee-optimal stable assignment: the ``matching`` package's hospital-resident algorithm.

    Mentees (residents) rank their candidates by score, mentors (hospitals) rank the mentees who
    ranked them by the same score; ties go to the lower index. The game class's input checks
    scan every resident for every hospital (25 million steps at 5,000 x 5,000), so the players
    are built here, consistent by construction, and handed to the algorithm directly.
    """
    from matching import Player
    from matching.algorithms import hospital_resident
    from matching.players import Hospital

    if len(rows) == 0:
        return {}
    residents = {int(i): Player(int(i)) for i in np.unique(rows)}
    hospitals = {int(j): Hospital(int(j), int(capacity[j])) for j in np.unique(cols)}
    by_mentee = np.lexsort((cols, -scores, rows))  # rows, then best score, then mentor index
    prefs_r: dict[int, list] = defaultdict(list)
    for e in by_mentee:
        prefs_r[int(rows[e])].append(hospitals[int(cols[e])])
    by_mentor = np.lexsort((rows, -scores, cols))
    prefs_h: dict[int, list] = defaultdict(list)
    for e in by_mentor:
        prefs_h[int(cols[e])].append(residents[int(rows[e])])
    for i, r in residents.items():
        r.set_prefs(prefs_r[i])
    for j, h in hospitals.items():
        h.set_prefs(prefs_h[j])
    result = hospital_resident(list(residents.values()), list(hospitals.values()), optimal="resident")
    return {int(r.name): int(h.name) for h, matched in result.items() for r in matched}


def assign_optimal(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, capacity: np.ndarray,
                   n: int) -> dict[int, int]:
    """Largest total score within capacities: a min-cost full matching on a sparse graph.

    Each mentor is a column per open slot; each mentee also has a column of its own meaning
    "unmatched" (score 0), so a full matching always exists. Costs are ``2 - score`` (never 0:
    scipy drops explicit zeros), so the cheapest full matching has the largest total score.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    if len(rows) == 0:
        return {}
    mentee_ids = np.unique(rows)
    row_of = {int(i): k for k, i in enumerate(mentee_ids)}
    start = np.concatenate([[0], np.cumsum(capacity)])
    slots = int(start[-1])
    reps = capacity[cols]
    er = np.repeat(rows, reps)
    ec = np.repeat(start[cols], reps) + _ranges(reps)
    es = np.repeat(scores, reps)
    r = np.array([row_of[int(i)] for i in er], dtype=np.int64)
    k = len(mentee_ids)
    r = np.concatenate([r, np.arange(k)])
    c = np.concatenate([ec, slots + np.arange(k)])
    w = np.concatenate([2.0 - es, np.full(k, 2.0)])
    graph = sparse.csr_matrix((w, (r, c)), shape=(k, slots + k))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    mentor_of_slot = np.repeat(np.arange(len(capacity)), capacity)
    return {int(mentee_ids[a]): int(mentor_of_slot[b]) for a, b in zip(row_ind, col_ind, strict=True) if b < slots}


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each count c, concatenated: [2, 3] -> [0, 1, 0, 1, 2]."""
    if len(counts) == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1])) - np.repeat(ends - counts, counts)


ASSIGNERS = {"optimal": assign_optimal, "stable": assign_stable, "greedy": assign_greedy}


def blocking_pairs(result: MatchResult, mentees: Sequence[Mentee], mentors: Sequence[Mentor],
                   inactive: Iterable[str] = (), candidates: int | None = None) -> list[tuple[str, str]]:
    """Pairs (mentee id, mentor id) that would both rather be together than keep what they got.

    Preferences are the match's own: each side ranks the other's feasible candidates by score,
    ties to the lower id. An empty list means the result is stable.
    """
    model = _Model(mentees, mentors, inactive)
    rows, cols, scores, _ = model.edges(candidates)
    key = {(int(r), int(c)): (float(s), int(c), int(r)) for r, c, s in zip(rows, cols, scores, strict=True)}
    idx_e = {x.id: i for i, x in enumerate(model.mentees)}
    mine = {idx_e[p.mentee_id]: model.mentor_index[p.mentor_id] for p in result.pairs}
    taken: dict[int, list[int]] = defaultdict(list)
    for i, j in mine.items():
        taken[j].append(i)

    def mentee_rank(i: int, j: int) -> tuple[float, int]:  # larger is better
        return key[(i, j)][0], -j

    def mentor_rank(j: int, i: int) -> tuple[float, int]:
        return key[(i, j)][0], -i

    out = []
    for (i, j) in key:
        if mine.get(i) == j:
            continue
        mentee_wants = i not in mine or mentee_rank(i, j) > mentee_rank(i, mine[i])
        if not mentee_wants:
            continue
        have = taken.get(j, [])
        mentor_wants = len(have) < model.capacity[j] or any(mentor_rank(j, i) > mentor_rank(j, o) for o in have)
        if mentor_wants:
            out.append((model.mentees[i].id, model.mentors[j].id))
    return sorted(out)


def total_score(assigned: dict[int, int], rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> float:
    """Sum of the scores of an assignment (mentee index -> mentor index) over the given edges."""
    score_of = {(int(r), int(c)): float(s) for r, c, s in zip(rows, cols, scores, strict=True)}
    return math.fsum(score_of[(i, j)] for i, j in assigned.items())


__all__ = [
    "CANDIDATES", "FIELDS", "METHODS", "Demand", "MatchResult", "Mentee", "Pair", "Unmatched",
    "blocker", "blocking_pairs", "load_mentees", "match_cohort", "mentor_topics", "need_weights", "score",
]
