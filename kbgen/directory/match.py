"""Hints between mentors: similar mentors, an outside view, reverse-mentoring pairs.

Similarity is a weighted Jaccard index over expertise terms: each term weighs its inverse
document frequency across the roster, so sharing a rare speciality ("equity vesting") counts
for more than sharing a common one ("career growth"). Terms match after normalisation
(case, spacing, hyphens, a plural 's'), so "Salary negotiations" meets "salary-negotiation".

An outside view is the same ranking limited to mentors of another organization. Reciprocal
pairs are two mentors where each has expertise the other wants to learn (reverse mentoring).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..models import Mentor


@dataclass(frozen=True)
class Hint:
    """Another mentor worth a look: how similar (0-1] and which expertise both share."""

    mentor_id: str
    score: float
    shared: tuple[str, ...]


def term_key(term: str) -> str:
    """The form two expertise terms are compared in: 'Salary-Negotiations ' -> 'salary negotiation'."""
    words = re.findall(r"[a-z0-9+#]+", term.lower())
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def similar_mentors(mentors: list[Mentor], k: int) -> dict[str, list[Hint]]:
    """For every mentor id, up to ``k`` other mentors with overlapping expertise, best first.

    Only mentors sharing at least one term are hinted; equal scores go by id. ``shared`` holds
    the shared terms as the mentor being hinted for wrote them, sorted. Same input, same output.
    """
    return _ranked(mentors, k, lambda a, b: True)


def outside_view(mentors: list[Mentor], k: int) -> dict[str, list[Hint]]:
    """Like :func:`similar_mentors`, but only mentors of another organization: an outside view.

    Organizations compare case- and space-insensitively; a mentor with no organization neither
    gets nor gives an outside view (nobody can tell whether it is another one).
    """
    orgs = {m.id: " ".join(m.organization.lower().split()) for m in mentors}
    return _ranked(mentors, k, lambda a, b: bool(orgs[a] and orgs[b] and orgs[a] != orgs[b]))


def _ranked(mentors: list[Mentor], k: int, allowed: Callable[[str, str], bool]) -> dict[str, list[Hint]]:
    terms: dict[str, dict[str, str]] = {}  # mentor id -> {key: term as written}
    for mentor in sorted(mentors, key=lambda m: m.id):
        terms.setdefault(mentor.id, _keyed(mentor.expertise))

    holders: dict[str, set[str]] = defaultdict(set)  # term key -> mentor ids
    for mentor_id, keyed in terms.items():
        for key in keyed:
            holders[key].add(mentor_id)
    count = len(terms)
    weight = {key: math.log((1 + count) / (1 + len(ids))) + 1.0 for key, ids in holders.items()}

    hints: dict[str, list[Hint]] = {}
    for mentor_id, keyed in terms.items():
        if k <= 0 or not keyed:
            hints[mentor_id] = []
            continue
        candidates = sorted({other for key in keyed for other in holders[key]} - {mentor_id})
        scored = []
        for other in candidates:
            if not allowed(mentor_id, other):
                continue
            mine, theirs = set(keyed), set(terms[other])
            common = sorted(mine & theirs)
            inter = sum(weight[key] for key in common)
            union = sum(weight[key] for key in sorted(mine | theirs))
            score = round(inter / union, 4)
            scored.append(Hint(other, score, tuple(sorted(keyed[key] for key in common))))
        scored.sort(key=lambda h: (-h.score, h.mentor_id))
        hints[mentor_id] = scored[:k]
    return hints


class Reciprocal(NamedTuple):
    """Two mentors who can teach each other: ``a`` < ``b`` by id, terms as the teacher wrote them."""

    a: str
    b: str
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]


def reciprocal_pairs(mentors: list[Mentor]) -> list[Reciprocal]:
    """Pairs where each mentor has expertise the other wants to learn (reverse mentoring).

    Terms match as in :func:`similar_mentors` (normalised). Sorted by the pair's ids; each
    pair once, with ``a`` the smaller id. Same input (in any order), same output.
    """
    people = {}
    for mentor in sorted(mentors, key=lambda m: m.id):
        people.setdefault(mentor.id, (_keyed(mentor.expertise), set(_keyed(mentor.wants_to_learn))))
    ids = sorted(people)
    pairs = []
    for i, a in enumerate(ids):
        a_knows, a_wants = people[a]
        if not a_wants:
            continue
        for b in ids[i + 1:]:
            b_knows, b_wants = people[b]
            a_teaches = tuple(sorted(a_knows[key] for key in b_wants & set(a_knows)))
            b_teaches = tuple(sorted(b_knows[key] for key in a_wants & set(b_knows)))
            if a_teaches and b_teaches:
                pairs.append(Reciprocal(a, b, a_teaches, b_teaches))
    return pairs


def _keyed(terms: tuple[str, ...]) -> dict[str, str]:
    """{comparison key: term as written (spacing and case normalised)}, first spelling kept."""
    keyed: dict[str, str] = {}
    for term in terms:
        key = term_key(term)
        if key:
            keyed.setdefault(key, " ".join(term.lower().split()))
    return keyed


__all__ = ["Hint", "Reciprocal", "outside_view", "reciprocal_pairs", "similar_mentors", "term_key"]
