"""Hints of similar mentors, from the overlap of their expertise.

Similarity is a weighted Jaccard index over expertise terms: each term weighs its inverse
document frequency across the roster, so sharing a rare speciality ("equity vesting") counts
for more than sharing a common one ("career growth"). Terms match after normalisation
(case, spacing, hyphens, a plural 's'), so "Salary negotiations" meets "salary-negotiation".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

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
    terms: dict[str, dict[str, str]] = {}  # mentor id -> {key: term as written}
    for mentor in sorted(mentors, key=lambda m: m.id):
        keyed: dict[str, str] = {}
        for term in mentor.expertise:
            key = term_key(term)
            if key:
                keyed.setdefault(key, " ".join(term.lower().split()))
        terms.setdefault(mentor.id, keyed)

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
            mine, theirs = set(keyed), set(terms[other])
            common = sorted(mine & theirs)
            inter = sum(weight[key] for key in common)
            union = sum(weight[key] for key in sorted(mine | theirs))
            score = round(inter / union, 4)
            scored.append(Hint(other, score, tuple(sorted(keyed[key] for key in common))))
        scored.sort(key=lambda h: (-h.score, h.mentor_id))
        hints[mentor_id] = scored[:k]
    return hints


__all__ = ["Hint", "similar_mentors", "term_key"]
