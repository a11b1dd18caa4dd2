"""Mentees' feedback as each mentor's aggregate, never one session's.

A sidecar's ``feedback:`` (rating, helpful, goals reached, a quote) is personal: it is published
only summed over at least ``directory.feedback_min_sessions`` sessions (3 or more), so that no
single mentee's answer can be read back. The rules, each for a way to read one back:

- Only the sessions of the build's audience count (``audience.select`` has already left out
  private and unconsented ones), so a private session's rating is in no aggregate.
- Only sessions with one mentor count: a session in two mentors' figures would let a reader
  subtract one mentor's figure from the other's and find the sessions they do not share.
- Each figure has its own count: a mentor with 3 ratings but 1 "helpful" answer shows the
  rating and not "1 of 1 found it helpful".
- A figure where every answer is the same is not shown ("3 of 3 found it helpful", "5.0 of 5"
  over three 5s would tell each mentee's answer to anyone who knows they took part).
- The internal build adds its internal sessions' feedback only when they are themselves at least
  the minimum: otherwise the internal and public figures would differ by one or two sessions, and
  a reader of both could work those out. With too few, the internal build shows the public figures.
- Quotes are shown only with the mentee's ``quote_consent``, redacted, in alphabetical order and
  with no session named, and only from the sessions counted in the mentor's shown rating.

What the rules cannot stop: a figure that changes from one build to the next by one new session
(4.5 over 6, then 4.6 over 7) tells a reader who saw both roughly that session's rating; and a
mentee who answered unlike the others (the one "no" in "2 of 3") learns how the others answered.
Rounding to one decimal blurs the first; a program that minds publishes after several new
sessions at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..models import Session, spoken_language


@dataclass(frozen=True)
class Figure:
    """``count`` of ``total`` sessions (found it helpful, reached their goals)."""

    count: int
    total: int


@dataclass(frozen=True)
class FeedbackSummary:
    """One mentor's feedback over the audience's sessions: each figure None below the minimum."""

    rated: int  # sessions with a rating counted in ``rating``
    rating: float | None  # mean of 1-5, to one decimal
    helpful: Figure | None
    goals: Figure | None
    quotes: tuple[str, ...]


def _answered(public: Sequence[Session], internal: Sequence[Session], least: int, field: str) -> list[Session]:
    """The sessions whose ``field`` counts: the public ones that answered it, plus the internal
    ones when they are at least ``least`` themselves (so the internal and public figures never
    differ by one or two answers)."""
    def of(sessions):
        return [s for s in sessions if s.feedback is not None and getattr(s.feedback, field) is not None]
    more = of(internal)
    return of(public) + (more if len(more) >= least else [])


def _figure(values: Sequence[bool], least: int) -> Figure | None:
    """``count`` of ``total``, where enough answered and not all alike."""
    return Figure(sum(values), len(values)) if len(values) >= least and len(set(values)) > 1 else None


def _summary(public: Sequence[Session], internal: Sequence[Session], least: int,
             redact: Callable[[Session, str], str]) -> FeedbackSummary | None:
    rated = _answered(public, internal, least, "rating")
    ratings = [s.feedback.rating for s in rated]
    shown = len(ratings) >= least and len(set(ratings)) > 1
    rating = round(sum(ratings) / len(ratings), 1) if shown else None
    helpful = _figure([s.feedback.helpful for s in _answered(public, internal, least, "helpful")], least)
    goals = _figure([s.feedback.goals_reached for s in _answered(public, internal, least, "goals_reached")], least)
    if rating is None and helpful is None and goals is None:
        return None
    quotes: tuple[str, ...] = ()
    if rating is not None:  # from the sessions this rating counts, and no others
        quotes = tuple(sorted({q for s in rated if s.feedback.quote and s.feedback.quote_consent
                               if (q := redact(s, s.feedback.quote).strip())}, key=str.lower))
    return FeedbackSummary(len(ratings) if rating is not None else 0, rating, helpful, goals, quotes)


def feedback_by_mentor(kept: Iterable[Session], least: int,
                       redact: Callable[[Session, str], str] = lambda s, text: text) -> dict[str, FeedbackSummary]:
    """Each mentor's summary over ``kept`` (the audience's sessions, as ``audience.select`` kept
    them); mentors with no figure at or above ``least`` sessions are left out. ``redact``: a
    quote with the session's personal data replaced."""
    public: dict[str, list[Session]] = {}
    internal: dict[str, list[Session]] = {}
    for s in kept:
        if len(s.mentors) == 1:  # a co-mentored session would let two mentors' figures be subtracted
            (public if s.visibility == "public" else internal).setdefault(s.mentors[0], []).append(s)
    out = {}
    for mid in sorted(set(public) | set(internal)):
        summary = _summary(public.get(mid, []), internal.get(mid, []), least, redact)
        if summary is not None:
            out[mid] = summary
    return out


def quote_redacted(config, session: Session, text: str) -> str:
    """A quote with personal data replaced (``config``: kbgen.yml's ``redact``), always on, as
    the transcript's redaction would: the names the sidecar gives (its mentees, ``redact:``),
    e-mail addresses, phone numbers and links. Shown with no session named, so a name in it
    would say whose it is."""
    from ..redact import redact_text

    names = [*session.redact, *(n for n in (session.mentee_name, *session.mentee_names) if n),
             *(m for m in (session.mentee, *session.mentees) if m and m.lower() != "anonymous")]
    return redact_text(text, config.model_copy(update={"enabled": True}), names=names,
                       language=spoken_language(session, None))[0]
