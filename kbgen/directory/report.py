"""The match report: what `kbgen match` writes (Markdown, CSV, one agreement draft per pair).

Mentee data is private, so the report folder may not lie inside the docs folder or the site
(anything there would be published). The folder is written whole into a temporary folder
beside it and swapped in, so a report is never half old, half new; it is only replaced when
it holds nothing but an earlier report. Same inputs and date, same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import shutil
import tempfile
import zoneinfo
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import KbgenError, rel
from ..fsutil import replace_dir
from ..models import Mentor
from .cohort import FORMAT_WORDS, MatchResult, Mentee, Pair, week_spans
from .roster import DAYS, FORMATS
from .status import REFERENCE_MONDAY

REPORT_MD = "match-report.md"
REPORT_CSV = "match-report.csv"
NEEDS_JSON = "needs.json"  # the cohort's needs, counts per topic: read by the internal program page
AGREEMENTS = "agreements"
OWNED = (REPORT_MD, REPORT_CSV, NEEDS_JSON, AGREEMENTS)
#: Weeks from drafting to the agreement's review date.
REVIEW_WEEKS = 12
#: The CSV's score column: 0-100, as the directory page's "Score 85 of 100".
SCORE_COLUMN = "score (0-100)"
CSV_FIELDS = ("mentee_id", "mentee_name", "mentor_id", "mentor_name", SCORE_COLUMN, "reasons", "status", "why")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def score_100(score: float) -> int:
    """A pair score in [0, 1] (cohort.py's) as the site shows scores: 0-100, half rounded up (JS Math.round).

    The report speaks the site's scale; cohort.py keeps its floats. The product is rounded to
    6 places first, so 0.285 gives 29 rather than 28 from 28.499999999999996.
    """
    return math.floor(round(100 * score, 6) + 0.5)


def total_100(result: MatchResult) -> int:
    """The report's total: its pairs' 0-100 scores added, so the table's column adds up to it."""
    return sum(score_100(p.score) for p in result.pairs)


class MatchError(KbgenError):
    """The match cannot be written where it was asked to go."""


def check_out_dir(out_dir: Path, protected: Mapping[str, Path], root: Path | None = None) -> Path:
    """``out_dir`` resolved, or a :class:`MatchError` when writing there could publish or destroy something.

    ``protected`` names folders the report must stay out of (the docs folder, the site) and
    must not contain; the project root itself is refused too.
    """
    out_dir = Path(out_dir)
    shown = rel(out_dir, root)
    if out_dir.is_symlink():
        raise MatchError(f"{shown}: is a link; give the match report a real folder of its own")
    target = out_dir.resolve()
    for name, path in protected.items():
        path = Path(path).resolve()
        if target == path or path in target.parents:
            raise MatchError(
                f"{shown}: lies inside the {name} ({rel(path, root)}); mentee data must never enter the site, "
                "so write the match report outside it (the default is match/)"
            )
        if target in path.parents:
            raise MatchError(f"{shown}: holds the {name} ({rel(path, root)}); the match report replaces its "
                             "folder whole, so give it a folder of its own (the default is match/)")
    if root is not None and target == Path(root).resolve():
        raise MatchError(f"{shown}: is the project folder; give the match report a folder of its own "
                         "(the default is match/)")
    if target.exists() and not target.is_dir():
        raise MatchError(f"{shown}: is a file; give the match report a folder")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if p.name not in OWNED)
        if foreign:
            raise MatchError(f"{shown}: holds files kbgen did not write ({', '.join(foreign[:3])}); the match "
                             "report replaces its folder whole, so empty it or choose another folder")
    return target


def write_report(result: MatchResult, mentees: Sequence[Mentee], mentors: Sequence[Mentor], out_dir: Path, *,
                 protected: Mapping[str, Path] | None = None, root: Path | None = None,
                 today: dt.date | None = None) -> list[Path]:
    """Write ``match-report.md``, ``match-report.csv`` and ``agreements/<mentee>--<mentor>.md``.

    ``protected``: folders the report may not enter (name -> path, e.g. the docs folder and
    the site). ``today``: the drafting date (default: the build date, which honours
    ``SOURCE_DATE_EPOCH``). Returns the files written, sorted.
    """
    from .status import build_date

    target = check_out_dir(out_dir, protected or {}, root)
    today = today or build_date()
    by_mentee = {x.id: x for x in mentees}
    by_mentor = {y.id: y for y in mentors}
    files: dict[str, str] = {
        REPORT_MD: report_markdown(result, by_mentee, by_mentor, today),
        REPORT_CSV: report_csv(result, by_mentee, by_mentor),
        NEEDS_JSON: needs_json(mentees),
    }
    for pair in result.pairs:
        if not (_SLUG.fullmatch(pair.mentee_id) and _SLUG.fullmatch(pair.mentor_id)):
            raise MatchError(f"pair {pair.mentee_id!r} / {pair.mentor_id!r}: ids must be slugs")
        name = f"{AGREEMENTS}/{pair.mentee_id}--{pair.mentor_id}.md"
        files[name] = agreement(pair, by_mentee[pair.mentee_id], by_mentor[pair.mentor_id], today)

    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-new-"))  # 0700: private data
    try:
        for name, text in sorted(files.items()):
            path = stage / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        replace_dir(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return sorted(target / name for name in files)


def needs_json(mentees: Sequence[Mentee]) -> str:
    """The cohort's needs as counts per topic (how many mentees ask for each), for the internal
    site's program page: topics and counts only, never a mentee's name or id."""
    counts: dict[str, int] = {}
    for x in mentees:
        for need in dict.fromkeys(" ".join(n.split()).lower() for n in x.needs):
            if need:
                counts[need] = counts.get(need, 0) + 1
    return json.dumps({"needs": dict(sorted(counts.items()))}, ensure_ascii=False, indent=1) + "\n"


# -- the report ------------------------------------------------------------------------


def report_markdown(result: MatchResult, mentees: Mapping[str, Mentee], mentors: Mapping[str, Mentor],
                    today: dt.date) -> str:
    """The Markdown report: pairs, unmatched mentees and why, topics too few mentors cover."""
    lines = [
        "# Match report",
        "",
        "Private: this report holds mentee data. Keep it out of the knowledge base.",
        "",
        f"- Date: {today.isoformat()}",
        f"- Method: {result.method}",
        f"- Mentees: {len(mentees)}; paired: {len(result.pairs)}; unmatched: {len(result.unmatched)}",
        f"- Mentors: {len(mentors)}; total score: {total_100(result)} of {100 * len(result.pairs)} "
        "(the pairs' scores added, each 0-100)",
        "",
        "## Pairs",
        "",
    ]
    if result.pairs:
        lines += ["| Mentee | Mentor | Score (0-100) | Why | Agreement |", "|---|---|---|---|---|"]
        for p in result.pairs:
            mentee, mentor = _who(mentees.get(p.mentee_id), p.mentee_id), _who(mentors.get(p.mentor_id), p.mentor_id)
            lines.append(f"| {mentee} | {mentor} | {score_100(p.score)} | {_cell('; '.join(p.reasons))}"
                         f" | [draft]({AGREEMENTS}/{p.mentee_id}--{p.mentor_id}.md) |")
    else:
        lines.append("No pairs.")
    lines += ["", "## Unmatched", ""]
    if result.unmatched:
        lines += ["| Mentee | Why |", "|---|---|"]
        lines += [f"| {_who(mentees.get(u.mentee_id), u.mentee_id)} | {_cell(u.why)} |" for u in result.unmatched]
    else:
        lines.append("Every mentee has a mentor.")
    lines += ["", "## Topics in demand that too few mentors cover", ""]
    if result.demand:
        lines += ["Mentees who need the topic, against active mentors with open slots who cover it; waiting: "
                  "unmatched mentees who need it and found every suitable mentor full.", "",
                  "| Topic | Mentees needing it | Mentors covering it | Open slots | Waiting |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {_cell(d.topic)} | {d.mentees} | {d.mentors} | {d.slots} | {d.waiting} |"
                  for d in result.demand]
    else:
        lines.append("Every topic in demand has enough open mentor slots.")
    return "\n".join(lines) + "\n"


def report_csv(result: MatchResult, mentees: Mapping[str, Mentee], mentors: Mapping[str, Mentor]) -> str:
    """One row per mentee (by id): the pair with score and reasons, or why it stayed unmatched."""
    rows: list[tuple[str, list[str]]] = []
    for p in result.pairs:
        rows.append((p.mentee_id, [
            p.mentee_id, _name(mentees.get(p.mentee_id)), p.mentor_id, _name(mentors.get(p.mentor_id)),
            str(score_100(p.score)), "; ".join(p.reasons), "matched", "",
        ]))
    for u in result.unmatched:
        rows.append((u.mentee_id, [u.mentee_id, _name(mentees.get(u.mentee_id)), "", "", "", "", "unmatched", u.why]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for _, row in sorted(rows):
        writer.writerow([_formula_safe(x) for x in row])
    return buffer.getvalue()


def agreement(pair: Pair, mentee: Mentee, mentor: Mentor, today: dt.date) -> str:
    """A partnership agreement draft: goals, cadence, confidentiality, review date, signatures."""
    from .match import term_key

    review = today + dt.timedelta(weeks=REVIEW_WEEKS)
    covered = {term_key(t) for t in (*mentor.expertise, *(o.topic for o in mentor.offers))}
    goals = [n for n in mentee.needs if term_key(n) in covered]
    elsewhere = [n for n in mentee.needs if term_key(n) not in covered]
    fmt = meeting_format(mentee, mentor)
    if fmt == "chat":
        cadence = "every week, a 30-minute written check-in by chat"
    elif fmt in ("email", "async"):  # written, answered later: no call length
        cadence = f"every week, a written check-in {FORMAT_WORDS[fmt]}"
    else:
        cadence = f"every two weeks, 45 minutes, {FORMAT_WORDS.get(fmt, fmt)}"
    first = mentee.name.split()[0] if mentee.name.split() else mentee.name
    lines = [
        "# Mentoring partnership agreement (draft)",
        "",
        f"Between {_cell(mentee.name)} (mentee{_at(mentee.organization)}) and {_cell(mentor.name)} "
        f"(mentor{_at(mentor.organization)}).",
        "",
        f"Drafted on {today.isoformat()} from the match report (score {score_100(pair.score)} of 100: "
        f"{_cell('; '.join(pair.reasons))}). Read it together at the first meeting and change what does not fit.",
        "",
        "## Goals",
        "",
    ]
    if mentee.goals:
        lines += [f"In {_cell(first)}'s words: {_cell(mentee.goals)}", ""]
    lines += [f"{i}. {_cell(_capital(g))}" for i, g in enumerate(goals, 1)]
    if elsewhere:
        lines += ["", f"Also needed, outside this mentor's topics: {_cell(', '.join(elsewhere))}. "
                  "Look for a micro-mentoring call or a second mentor for these."]
    lines += [
        "",
        "## How we meet",
        "",
        f"- Cadence: {cadence}.",
        f"- Mentee's time zone: {mentee.timezone}; mentor's time zone: {mentor.timezone}.",
    ]
    windows = shared_windows(mentee, mentor)
    if windows:
        lines.append("- Shared hours each week (mentee's time / mentor's time):")
        lines += [f"    - {a} / {b}" for a, b in windows[:7]]
        if len(windows) > 7:
            lines.append(f"    - and {len(windows) - 7} more")
    else:
        lines.append("- No shared hours in the week: agree on written check-ins, or move a window.")
    lines += [
        "- The mentee sets the agenda and sends it a day ahead; either side may reschedule with a day's notice.",
        "",
        "## Confidentiality",
        "",
        "What is said in our sessions stays between us. Neither of us shares it, records it or quotes it "
        "without the other's agreement. A session is recorded for the knowledge base only when both agree "
        "in writing beforehand, and the mentee may withdraw that consent until it is published. The duty "
        "to report a risk of serious harm overrides this clause.",
        "",
        "## Ending or changing",
        "",
        "Either of us may pause or end the partnership at any time, without giving a reason, by telling "
        "the other and the programme coordinator.",
        "",
        "## Review",
        "",
        f"Review date: {review.isoformat()} ({REVIEW_WEEKS} weeks from drafting). We look at the goals above "
        "and decide to continue, change the goals or close the partnership.",
        "",
        "## Signatures",
        "",
        f"- Mentee, {_cell(mentee.name)}: ____________________  Date: __________",
        f"- Mentor, {_cell(mentor.name)}: ____________________  Date: __________",
    ]
    return "\n".join(lines) + "\n"


def meeting_format(mentee: Mentee, mentor: Mentor) -> str:
    """The format both accept, the mentee's order first; video when nothing is said."""
    for f in mentee.formats:
        if f in mentor.formats or not mentor.formats:
            return f
    for f in (*mentor.formats, *FORMATS):
        if not mentee.formats or f in mentee.formats:
            return f
    return "video"


def shared_windows(mentee: Mentee, mentor: Mentor) -> list[tuple[str, str]]:
    """The week's shared hours as ('Mon 09:00-11:00' mentee time, same in mentor time), in order."""
    a = week_spans(mentee.timezone, mentee.availability)
    b = week_spans(mentor.timezone, mentor.availability)
    spans, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            spans.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    # A span that wraps past Sunday 24:00 UTC comes as two pieces; join them.
    if len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == 7 * 1440:
        spans = [(spans[-1][0], spans[0][1] + 7 * 1440), *spans[1:-1]]
    return [(_local(s, mentee.timezone), _local(s, mentor.timezone)) for s in spans]


def _local(span: tuple[int, int], timezone: str) -> str:
    origin = dt.datetime.combine(REFERENCE_MONDAY, dt.time(0), tzinfo=dt.timezone.utc)
    zone = zoneinfo.ZoneInfo(timezone)
    start = (origin + dt.timedelta(minutes=span[0])).astimezone(zone)
    end = (origin + dt.timedelta(minutes=span[1])).astimezone(zone)
    day = DAYS[start.weekday()].capitalize()
    if end.date() == start.date() or (end.time() == dt.time(0) and end.date() == start.date() + dt.timedelta(1)):
        stop = "24:00" if end.time() == dt.time(0) and end.date() != start.date() else end.strftime("%H:%M")
        return f"{day} {start:%H:%M}-{stop}"
    return f"{day} {start:%H:%M}-{DAYS[end.weekday()].capitalize()} {end:%H:%M}"


# -- text helpers ----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _cell(text: object) -> str:
    """One line of plain text for Markdown: Markdown and HTML characters escaped with a backslash."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _who(person: Mentee | Mentor | None, ident: str) -> str:
    return f"{_cell(person.name)} ({ident})" if person is not None else ident


def _name(person: Mentee | Mentor | None) -> str:
    return person.name if person is not None else ""


def _at(org: str) -> str:
    return f", {_cell(org)}" if org else ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _formula_safe(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula; a quote keeps it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


__all__ = ["AGREEMENTS", "REPORT_CSV", "REPORT_MD", "SCORE_COLUMN", "MatchError", "agreement", "check_out_dir",
           "meeting_format", "report_csv", "report_markdown", "score_100", "shared_windows", "total_100",
           "write_report"]
