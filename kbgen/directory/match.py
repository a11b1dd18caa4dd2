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
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

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
    return _ranked(mentors, k, None)


def outside_view(mentors: list[Mentor], k: int) -> dict[str, list[Hint]]:
    """Like :func:`similar_mentors`, but only mentors of another organization: an outside view.

    Organizations compare case- and space-insensitively; a mentor with no organization neither
    gets nor gives an outside view (nobody can tell whether it is another one).
    """
    orgs = {m.id: " ".join(m.organization.lower().split()) for m in mentors}
    return _ranked(mentors, k, orgs)


# How far below a mentor's k-th best estimate its top k can lie. An estimate (the same sums in
# another order) and the score, rounded to four decimals, differ by at most 0.5e-4 plus float
# noise (about 1e-15); a candidate more than twice that below k estimates rounds lower than all
# of them. 2e-4 leaves room.
_MARGIN = 2e-4
# Rows of the score matrix estimated at a time: about this many cells, so memory stays flat.
_CELLS = 500_000


def _ranked(mentors: list[Mentor], k: int, orgs: dict[str, str] | None) -> dict[str, list[Hint]]:
    """The top ``k`` hints of every mentor; with ``orgs`` (id -> organization), other organizations only."""
    from scipy import sparse

    terms: dict[str, dict[str, str]] = {}  # mentor id -> {key: term as written}
    for mentor in sorted(mentors, key=lambda m: m.id):
        terms.setdefault(mentor.id, _keyed(mentor.expertise))
    ids = list(terms)  # sorted: a smaller index is a smaller id, which wins a tie
    hints: dict[str, list[Hint]] = {mentor_id: [] for mentor_id in ids}
    if k <= 0 or not ids:
        return hints

    holders: dict[str, int] = defaultdict(int)  # term key -> number of mentors holding it
    for keyed in terms.values():
        for key in keyed:
            holders[key] += 1
    count = len(ids)
    weight = {key: math.log((1 + count) / (1 + n)) + 1.0 for key, n in holders.items()}

    # Scoring every two mentors in Python took minutes at 5,000 mentors. An inverted index would
    # not help much: a term held by most of the roster makes nearly every pair a candidate. So a
    # sparse matrix product estimates every pair's score in compiled code (a few nanoseconds a
    # pair, a block of rows at a time), and only the few candidates within _MARGIN of a mentor's
    # k-th best estimate are scored in Python, exactly as before (the same sums in the same order,
    # the same rounding): scores, rankings and ties are unchanged.
    held = _matrix(list(terms.values()), {key: i for i, key in enumerate(holders)})
    if orgs is not None:  # -1: no organization, neither gets nor gives (nothing shared with anyone)
        numbers: dict[str, int] = {}
        org = np.array([numbers.setdefault(orgs[i], len(numbers)) if orgs[i] else -1 for i in ids])
        held = sparse.csr_matrix(held.multiply((org >= 0)[:, None]))
    weighted = held.multiply(np.array([weight[key] for key in holders])[None, :]).tocsr()
    total = np.asarray(weighted.sum(axis=1)).ravel()  # each mentor's own weight
    total[total == 0] = 1.0  # nothing to share: any positive divisor keeps the estimate 0, not NaN
    blocks = np.linspace(0, count, min(count, 64), endpoint=False).astype(np.int64)  # column blocks

    # Mentors with the same set of keys score alike: each two sets are scored once.
    set_of: dict[frozenset[str], int] = {}
    set_id = np.array([set_of.setdefault(frozenset(keyed), len(set_of)) for keyed in terms.values()])
    sets = list(set_of)
    exact: dict[int, float] = {}  # a * len(sets) + b -> the score of key sets a and b

    def score(a: int, b: int) -> float:  # the weighted Jaccard index, exactly as it always was
        mine, theirs = sets[a], sets[b]
        inter = sum(weight[key] for key in sorted(mine & theirs))
        union = sum(weight[key] for key in sorted(mine | theirs))
        return round(inter / union, 4)

    step = max(1, _CELLS // count)
    for lo in range(0, count, step):
        hi = min(count, lo + step)
        inter = (held @ weighted[lo:hi].T.toarray()).T  # weight shared by rows lo:hi and everyone
        approx = np.add.outer(total[lo:hi], total)
        approx -= inter
        np.divide(inter, approx, out=approx)  # the weighted Jaccard index; 0: nothing shared
        approx[np.arange(hi - lo), np.arange(lo, hi)] = 0.0  # never oneself
        if orgs is not None:
            approx[org[lo:hi, None] == org[None, :]] = 0.0
        # A lower bound of each row's k-th best estimate, cheaper than a partition of the row: the
        # k-th best of its column blocks' maxima (k estimates at least that high, one per block).
        if k <= len(blocks):
            kth = np.partition(np.maximum.reduceat(approx, blocks, axis=1), len(blocks) - k, axis=1)
            kth = kth[:, len(blocks) - k]
        else:
            kth = np.zeros(hi - lo)
        floor = np.maximum(kth - _MARGIN, np.finfo(float).tiny)  # and something must be shared
        row, col = np.nonzero(approx >= floor[:, None])
        row += lo
        pairs, where = np.unique(set_id[row] * len(sets) + set_id[col], return_inverse=True)  # exact scores
        for pair in pairs.tolist():
            if pair not in exact:
                exact[pair] = score(*divmod(pair, len(sets)))
        found = np.array([exact[pair] for pair in pairs.tolist()])[where.ravel()]
        order = np.lexsort((col, -found, row))  # by mentor, best first, ties by id
        row, col, found = row[order], col[order], found[order]
        top = np.arange(len(row)) - np.searchsorted(row, row) < k  # each mentor's first k
        for r, c, s in zip(row[top].tolist(), col[top].tolist(), found[top].tolist(), strict=True):
            keyed = terms[ids[r]]
            shared = tuple(sorted(keyed[key] for key in keyed.keys() & terms[ids[c]].keys()))
            hints[ids[r]].append(Hint(ids[c], s, shared))
    return hints


class Reciprocal(NamedTuple):
    """Two mentors who can teach each other: ``a`` < ``b`` by id, terms as the teacher wrote them."""

    a: str
    b: str
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]


# Reciprocal pairs a mentor's page shows: its first ones, by the other mentor's id. The site
# asks reciprocal_pairs for no more (per_mentor), so both use this number.
RECIPROCAL_SHOWN = 5


def reciprocal_pairs(mentors: list[Mentor], per_mentor: int | None = None) -> list[Reciprocal]:
    """Pairs where each mentor has expertise the other wants to learn (reverse mentoring).

    Terms match as in :func:`similar_mentors` (normalised). Sorted by the pair's ids; each
    pair once, with ``a`` the smaller id. Same input (in any order), same output.

    ``per_mentor``: keep a pair only when it is among the first ``per_mentor`` pairs of ``a`` or
    of ``b`` in that order (a mentor's pairs go by the other mentor's id), so each mentor's first
    ``per_mentor`` pairs are exactly those of the full list, and the list grows with the roster,
    not with its square. ``None``: every pair.
    """
    people = {}
    for mentor in sorted(mentors, key=lambda m: m.id):
        people.setdefault(mentor.id, (_keyed(mentor.expertise), set(_keyed(mentor.wants_to_learn))))
    # Only mentors who want to learn something can be in a pair; a sparse product finds who can
    # teach whom (compiled code) instead of comparing every two mentors in Python.
    ids = [mentor_id for mentor_id in sorted(people) if people[mentor_id][1]]  # index order = id order
    column: dict[str, int] = {}
    for mentor_id in ids:
        for key in people[mentor_id][1] | people[mentor_id][0].keys():
            column.setdefault(key, len(column))
    wants = _matrix([people[i][1] for i in ids], column)
    knows = _matrix([people[i][0] for i in ids], column)
    learns = wants @ knows.T  # (i, j) > 0: mentor i wants something mentor j knows
    mutual = learns.multiply(learns.T).tocsr()  # and the other way round: symmetric
    mutual.eliminate_zeros()
    mutual.sort_indices()
    row = np.repeat(np.arange(len(ids)), np.diff(mutual.indptr))  # by row, then by column
    col = mutual.indices
    if per_mentor is None:
        upper = row < col  # each pair once, with a < b (and never oneself)
        row, col = row[upper], col[upper]
    else:
        # Row i lists mentor i's partners by id, the order its pairs come in the output: keep its
        # first per_mentor (oneself aside), then each pair kept by either side, once.
        other = row != col
        row, col = row[other], col[other]
        first = np.arange(len(row)) - np.searchsorted(row, row) < per_mentor  # place in its row
        row, col = row[first], col[first]
        pair = np.unique(np.minimum(row, col) * len(ids) + np.maximum(row, col))  # sorted: by a, then b
        row, col = np.divmod(pair, max(len(ids), 1))
    known = [people[i][0] for i in ids]
    wishes = [people[i][1] for i in ids]

    def teaches(teacher: int, learner: int) -> tuple[str, ...]:
        return tuple(sorted(known[teacher][key] for key in wishes[learner] & known[teacher].keys()))

    return [Reciprocal(ids[i], ids[j], teaches(i, j), teaches(j, i))
            for i, j in zip(row.tolist(), col.tolist(), strict=True)]


def _matrix(key_sets: list, column: dict[str, int]):
    """A sparse 0/1 matrix: a row per key set, a column per key (``column``: key -> its column)."""
    from scipy import sparse

    cols = [column[key] for keys in key_sets for key in keys]
    rows = np.repeat(np.arange(len(key_sets)), [len(keys) for keys in key_sets])
    return sparse.csr_matrix((np.ones(len(cols)), (rows, np.array(cols, dtype=np.int64))),
                             shape=(len(key_sets), len(column)))


def _keyed(terms: tuple[str, ...]) -> dict[str, str]:
    """{comparison key: term as written (spacing and case normalised)}, first spelling kept."""
    keyed: dict[str, str] = {}
    for term in terms:
        key = term_key(term)
        if key:
            keyed.setdefault(key, " ".join(term.lower().split()))
    return keyed


__all__ = ["RECIPROCAL_SHOWN", "Hint", "Reciprocal", "outside_view", "reciprocal_pairs", "similar_mentors", "term_key"]
