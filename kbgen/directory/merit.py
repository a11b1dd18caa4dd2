"""Experience and performance: what a mentor brings besides fitting a mentee's needs.

Both are numbers in [0, 1], one per mentor, computed here once and used by `kbgen match`
(cohort.py) and Find a mentor (directory.json, directory.js), each weighted by kbgen.yml's
``matching`` shares next to the scorer's own fit:

- **Experience**: half the years the roster states (``experience_years``, full at
  :data:`YEARS_FULL`), half the sessions recorded (full at :data:`SESSIONS_FULL`).
- **Performance**: the mentor's feedback aggregate (kbgen.directory.feedback, never one session's),
  pulled towards the program's average by :data:`PRIOR` sessions' worth, so three 5s are not
  taken for certain.

Cold start: what is unknown counts as the program's average (years not stated, no feedback
yet), so on performance a mentor new to the program is never below one whose mentees rated
them below that average. (Experience still counts the sessions recorded: a newcomer with none
has less of it than a mentor with many, whatever their feedback.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Mentor

YEARS_FULL = 20
SESSIONS_FULL = 10
#: Sessions' worth of the program's average rating that each mentor's own is weighed against.
PRIOR = 3
#: The middle of the 1-5 scale: the average while no mentor has enough feedback.
MIDDLE = 3.0


@dataclass(frozen=True)
class Merit:
    """One mentor's experience and performance, in [0, 1], and what they come from."""

    experience: float
    performance: float
    years: int | None  # as the roster states them
    rating: float | None  # the aggregate shown on the mentor's page, when there is one
    rated: int


def merits(mentors: Sequence[Mentor], sessions: Mapping[str, int], feedback: Mapping[str, object]) -> dict[str, Merit]:
    """Each mentor's :class:`Merit`. ``sessions``: sessions recorded per mentor id (the audience's);
    ``feedback``: mentor id -> :class:`~kbgen.directory.feedback.FeedbackSummary`."""
    stated = [m.experience_years for m in mentors if m.experience_years is not None]
    usual_years = sum(stated) / len(stated) if stated else YEARS_FULL / 2
    rated = {mid: (f.rating, f.rated) for mid, f in feedback.items() if getattr(f, "rating", None) is not None}
    average = sum(r for r, _ in rated.values()) / len(rated) if rated else MIDDLE
    out = {}
    for m in mentors:
        years = m.experience_years if m.experience_years is not None else usual_years
        recorded = min(sessions.get(m.id, 0), SESSIONS_FULL)
        experience = 0.5 * min(years, YEARS_FULL) / YEARS_FULL + 0.5 * recorded / SESSIONS_FULL
        rating, n = rated.get(m.id, (None, 0))
        pulled = (n * rating + PRIOR * average) / (n + PRIOR) if rating is not None else average
        out[m.id] = Merit(round(experience, 4), round((pulled - 1) / 4, 4), m.experience_years, rating, n)
    return out


def years_reason(mentor: Mentor, t=None) -> str:
    """'12 years in software' (the roster's industry), '12 years of experience'; '' when not
    stated. ``t``: the words' language (:func:`kbgen.site.i18n.messages`; English without it)."""
    from ..site.i18n import messages

    t, n = t or messages(), mentor.experience_years
    if n is None:
        return ""
    if mentor.industry:
        return t.ngettext("%(num)s year in %(industry)s", "%(num)s years in %(industry)s", n, industry=mentor.industry)
    return t.ngettext("%(num)s year of experience", "%(num)s years of experience", n)


def rating_words(rating: float, rated: int, t=None) -> str:
    """'4.6 of 5 over 7 rated sessions' (a feedback aggregate), in ``t``'s language."""
    from ..site.i18n import messages

    return (t or messages()).ngettext("%(rating)s of 5 over %(num)s rated session",
                                      "%(rating)s of 5 over %(num)s rated sessions", rated, rating=f"{rating:.1f}")


def rating_reason(merit: Merit, t=None) -> str:
    """The mentor's feedback aggregate as a reason; '' without one."""
    return rating_words(merit.rating, merit.rated, t) if merit.rating is not None else ""
