"""Hints between mentors: similar mentors, an outside view, reverse-mentoring pairs.

Similarity is a weighted Jaccard index over expertise terms: each term weighs its inverse
document frequency across the roster, so sharing a rare speciality ("equity vesting") counts
for more than sharing a common one ("career growth"). Terms match after normalisation
(case, spacing, hyphens, a plural 's'), so "Salary negotiations" meets "salary-negotiation".

An outside view is the same ranking limited to mentors of another organization. Reciprocal
pairs are two mentors where each has expertise the other wants to learn (reverse mentoring).
"""

from __future__ import annotations

import itertools
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
    return _ranked(mentors, k, similar=True, outside=False)[0]


def outside_view(mentors: list[Mentor], k: int) -> dict[str, list[Hint]]:
    """Like :func:`similar_mentors`, but only mentors of another organization: an outside view.

    Organizations compare case- and space-insensitively; a mentor with no organization neither
    gets nor gives an outside view (nobody can tell whether it is another one).
    """
    return _ranked(mentors, k, similar=False, outside=True)[1]


def mentor_hints(mentors: list[Mentor], k: int) -> tuple[dict[str, list[Hint]], dict[str, list[Hint]]]:
    """``(similar_mentors(mentors, k), outside_view(mentors, k))``, in little more than the time of one.

    Both rank the same scores: the terms, their weights and the estimate of every pair's score
    are computed once for the two (the site build wants both).
    """
    return _ranked(mentors, k, similar=True, outside=True)


# How far below a mentor's k-th best estimate its top k can lie. An estimate (float32 sums in
# another order) and the score, rounded to four decimals, differ by at most 0.5e-4 plus float
# noise (float32: about 1e-6 on a score of at most 1, also for the floors derived from it); a
# candidate more than twice that below k estimates rounds lower than all of them. 2e-4 leaves room.
_MARGIN = 2e-4
# Scores are computed in compiled code, in another order than the plain sums (see scores() in
# _ranked); one whose index lies this close to a rounding boundary (in units of the fourth
# decimal: 1e-10 on the index, which the two ways differ by 1e-14 at most) is computed the plain way.
_NEAR = 1e-6
# Cells of the score matrix estimated at a time (columns: a few mentors; rows: everyone), so
# memory stays flat (8 MB a block); an eighth of it: candidates gathered and ranked at a time.
# 1 to 2 million were the fastest at 5,000 mentors (fewer blocks, less numpy overhead a block).
_CELLS = 2_000_000
# The rows (everyone) go in this many groups; each mentor's k-th best is first bounded from below
# by the k-th best of the groups' best estimates (k estimates at least that high, one per group).
_GROUPS = 64


def _ranked(mentors: list[Mentor], k: int, similar: bool, outside: bool
            ) -> tuple[dict[str, list[Hint]], dict[str, list[Hint]]]:
    """The top ``k`` hints of every mentor: (similar mentors, outside view); ``{}`` for one not asked for."""
    from scipy import sparse

    spelled: dict[str, tuple[str, str]] = {}  # each term is keyed once: a roster repeats its terms
    terms: dict[str, dict[str, str]] = {}  # mentor id -> {key: term as written}
    for mentor in sorted(mentors, key=lambda m: m.id):
        if mentor.id not in terms:  # the first entry of an id counts
            terms[mentor.id] = _keyed(mentor.expertise, spelled)
    ids = list(terms)  # sorted: a smaller index is a smaller id, which wins a tie
    ranked = ({i: [] for i in ids} if similar else {}, {i: [] for i in ids} if outside else {})
    if k <= 0 or not ids:
        return ranked

    holders: dict[str, int] = defaultdict(int)  # term key -> number of mentors holding it
    for keyed in terms.values():
        for key in keyed:
            holders[key] += 1
    count = len(ids)
    weight = {key: math.log((1 + count) / (1 + n)) + 1.0 for key, n in holders.items()}
    column = {key: i for i, key in enumerate(holders)}
    # Organizations as numbers; -1: none, which neither gets nor gives an outside view. The last
    # entry of an id names its organization, as it always did.
    orgs = {m.id: " ".join(m.organization.lower().split()) for m in mentors}
    numbers: dict[str, int] = {}
    org = np.array([numbers.setdefault(orgs[i], len(numbers)) if orgs[i] else -1 for i in ids])

    # Scoring every two mentors in Python took minutes at 5,000 mentors, and an inverted index
    # would not help much: a term held by most of the roster makes nearly every pair a candidate.
    # So a sparse matrix product estimates every pair's score in compiled code (about 1.5 ns a
    # pair, a block of mentors at a time), and only the few candidates within _MARGIN of a
    # mentor's k-th best estimate are scored (scores(), below): scores, rankings and ties are
    # exactly the plain every-pair ones. Both rankings share the estimate.
    #
    # The estimate is x = shared / (own + other's weight) in float32, not the index itself,
    # shared / (own + other's - shared): it orders pairs alike (index = x / (1 - x)) with one pass
    # over the block less, and float32 halves the memory every pass reads.
    binary = _matrix([terms[i] for i in ids], column, np.float32)  # a row per mentor, in id order
    weighted = binary.multiply(np.array([weight[key] for key in holders], dtype=np.float32)[None, :]).tocsr()
    total = np.asarray(weighted.sum(axis=1), dtype=np.float32).ravel()  # each mentor's own weight
    total[total == 0] = 1.0  # nothing to share: any positive divisor keeps the estimate 0, not NaN
    # The rows of a block (everyone) go by organization, in _GROUPS groups of equal size (the last
    # padded with empty rows). A group's best estimate is then one cheap pass over the block, and
    # a group holds a range of organizations: whether it may hold a mentor's own is known at once.
    order = np.lexsort((np.arange(count), org))  # by organization (none first), then by id
    place = np.empty(count, dtype=np.int64)
    place[order] = np.arange(count)  # mentor (id index) -> its row
    size = -(-count // _GROUPS)  # rows a group
    groups = -(-count // size)
    rows = groups * size
    padding = sparse.csr_matrix((rows - count, len(column)), dtype=np.float32)
    held = sparse.vstack([binary[order], padding]).tocsr()  # binary, with its rows in that order
    held_total = np.ones(rows, dtype=np.float32)  # padding: shares nothing, estimate 0
    held_total[:count] = total[order]
    org_sorted = org[order]
    first_org = org_sorted[::size]  # the lowest organization in each group (-1: some have none)
    last_org = org_sorted[np.minimum(np.arange(1, groups + 1) * size, count) - 1]  # and the highest
    org_rows = np.searchsorted(org_sorted, np.arange(len(numbers) + 1))  # rows of organization o: o to o + 1
    tiny = np.finfo(np.float32).tiny  # a floor above 0: something must be shared

    def floor(best: np.ndarray) -> np.ndarray:
        """The lowest estimate (x) worth a score, per mentor, from its groups' best estimates.

        The k-th best of the groups' best is a lower bound of the mentor's k-th best estimate
        (k estimates at least that high, one per group).
        """
        if k > best.shape[1]:  # fewer groups than hints: any pair sharing a term may be one of them
            return np.full(best.shape[0], tiny, dtype=np.float32)
        kth = np.partition(best, best.shape[1] - k, axis=1)[:, best.shape[1] - k].astype(np.float64)
        index = np.maximum(kth / (1.0 - kth) - _MARGIN, 0.0)  # the index is x / (1 - x), and x <= 0.5
        return np.maximum((index / (1.0 + index)).astype(np.float32), tiny)

    weighted64 = binary.astype(np.float64).multiply(np.array([weight[key] for key in holders])[None, :]).tocsr()
    total64 = np.asarray(weighted64.sum(axis=1)).ravel()

    def exact(a: int, b: int) -> float:  # the weighted Jaccard index, exactly as it always was
        mine, theirs = terms[ids[a]].keys(), terms[ids[b]].keys()
        inter = sum(weight[key] for key in sorted(mine & theirs))
        union = sum(weight[key] for key in sorted(mine | theirs))
        return round(inter / union, 4)

    # Mentors with the same set of keys score alike: each two sets are scored once.
    set_of: dict[frozenset[str], int] = {}
    set_id = np.array([set_of.setdefault(frozenset(keyed), len(set_of)) for keyed in terms.values()])

    def scores(row: np.ndarray, col: np.ndarray) -> np.ndarray:
        """exact(row[i], col[i]) for every i, in compiled code but for a rare few.

        The sums here go in another order (float64), so an index may differ from exact's in its
        last bits (1e-14 at most: an index is at most 1). Rounded to four decimals, that changes
        nothing unless the index lies that close to a rounding boundary (5 in the fifth decimal):
        those, found with a wide berth (_NEAR), are scored by exact() itself. And np.round (scale,
        round to an integer m, divide) gives the float nearest m / 10**4, as round() does.
        """
        _, first, where = np.unique(set_id[row] * len(set_of) + set_id[col], return_index=True,
                                    return_inverse=True)
        row, col = row[first], col[first]  # a pair of mentors for each two sets
        inter = np.asarray(weighted64[row].multiply(binary[col]).sum(axis=1)).ravel()
        index = inter / (total64[row] + total64[col] - inter)
        found = np.round(index, 4)
        scaled = index * 1e4
        for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < _NEAR).tolist():
            found[i] = exact(row[i], col[i])
        return found[where.ravel()]

    pending: tuple[list, list] = ([], [])  # candidate (mentor, other) arrays not ranked yet: similar, outside
    made: dict[int, Hint] = {}  # mentor * count + other: its hint, the same in both rankings

    def rank() -> None:
        """The candidates gathered so far: each mentor's first k by score (ties by id) become its hints.

        A mentor's candidates are all gathered at once (in its block, in one run), so they are
        all here or none of them.
        """
        for hints, found in zip(ranked, pending, strict=True):
            if not found:
                continue
            row, col = (np.concatenate(part) for part in zip(*found, strict=True))
            found.clear()
            value = scores(row, col)
            # By mentor, best first, ties by id: one sort of a number made of the three (a score
            # has four decimals, 10,000 steps at most), quicker than np.lexsort of the three.
            steps = np.rint(value * 1e4).astype(np.int64)
            by = np.argsort((row * 10_001 + 10_000 - steps) * count + col)
            row, col, value = row[by], col[by], value[by]
            top = np.arange(len(row)) - np.searchsorted(row, row) < k  # each mentor's first k
            for r, c, s in zip(row[top].tolist(), col[top].tolist(), value[top].tolist(), strict=True):
                hint = made.get(r * count + c)
                if hint is None:
                    mine, theirs = terms[ids[r]], terms[ids[c]]
                    shared = tuple(sorted([term for key, term in mine.items() if key in theirs]))
                    hint = made[r * count + c] = Hint(ids[c], s, shared)
                hints[ids[r]].append(hint)

    step = max(1, _CELLS // rows)
    ends = np.stack([held_total, np.ones(rows, dtype=np.float32)], axis=1)  # (row: its weight, 1)
    run, waiting = max(1, _CELLS // 8), 0
    for lo in range(0, count, step):
        hi = min(count, lo + step)
        width = hi - lo
        # Column j: mentor lo + j against everyone (rows by organization).
        x = held @ weighted[lo:hi].T.toarray()  # the weight each two share
        # Divided by both weights: the other's + its own, as a product of (row, 2) by (2, column)
        # (numpy's outer sum took three times as long, in short runs of a row each).
        np.divide(x, ends @ np.stack([np.ones(width, dtype=np.float32), total[lo:hi]]), out=x)
        x[place[lo:hi], np.arange(width)] = 0.0  # never oneself
        x = x.reshape(groups, size, width)
        best = x.max(axis=1).T  # (mentor, group): the group's best estimate
        # The groups worth a look: those whose best reaches the mentor's floor; for the outside
        # view, of those that may hold a mentor of another organization (not only the mentor's own
        # or none), and its floor only from those that hold nothing but other organizations.
        looks, floors = [], []  # per ranking: the groups it looks at (mentor, group), its floors
        if similar:
            floors.append(floor(best))
            looks.append(best >= floors[-1][:, None])
        if outside:
            mine = org[lo:hi, None]
            other = (first_org >= 0) & ((mine < first_org) | (mine > last_org))
            some = (last_org >= 0) & ((first_org < mine) | (last_org > mine)) & (mine >= 0)
            floors.append(np.where(mine[:, 0] >= 0, floor(np.where(other, best, 0.0)), np.inf).astype(np.float32))
            thin = np.flatnonzero((mine[:, 0] >= 0) & (other.sum(axis=1) < k))
            if len(thin):
                # Fewer such groups than hints (most of the roster is the mentor's organization or
                # none): the groups' best among other organizations, without its own rows and none.
                alone = x.reshape(rows, width)[:, thin]  # a copy
                alone[:org_rows[0]] = 0.0
                for at, own in enumerate(org[lo + thin].tolist()):
                    alone[org_rows[own]:org_rows[own + 1], at] = 0.0
                floors[-1][thin] = floor(alone.reshape(groups, size, len(thin)).max(axis=1).T)
            looks.append((best >= floors[-1][:, None]) & some)
        j, group = np.nonzero(np.logical_or.reduce(looks))  # by mentor, then group
        # In a group, the cells at or above the lowest floor of the rankings that look at it.
        low = np.min([np.where(seen[j, group], lowest[j], np.float32(np.inf))
                      for seen, lowest in zip(looks, floors, strict=True)], axis=0)
        # Cells are gathered (and candidates ranked) in runs of whole mentors, about `run` cells
        # each, so that memory stays flat even where every cell is a candidate (look-alikes).
        starts = np.searchsorted(j, j[max(1, run // size)::max(1, run // size)])
        for a, b in itertools.pairwise([0, *np.unique(starts).tolist(), len(j)]):
            if a == b:
                continue
            cells = x[group[a:b], :, j[a:b]]  # (group looked at, row in it)
            i, within = np.nonzero(cells >= low[a:b, None])
            at, estimate = j[a:b][i], cells[i, within]
            row, col = at + lo, order[group[a:b][i] * size + within]
            if similar:
                keep = estimate >= floors[0][at]
                pending[0].append((row[keep], col[keep]))
            if outside:
                keep = (estimate >= floors[-1][at]) & (org[col] >= 0) & (org[col] != org[row])
                pending[1].append((row[keep], col[keep]))
            waiting += len(row)
            if waiting >= run:
                rank()
                waiting = 0
    rank()
    return ranked


class Reciprocal(NamedTuple):
    """Two mentors who can teach each other: ``a`` < ``b`` by id, terms as the teacher wrote them."""

    a: str
    b: str
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]


# Reciprocal pairs a mentor's page shows: its first ones, by the other mentor's id. The site
# asks reciprocal_pairs for no more (per_mentor), so both use this number.
RECIPROCAL_SHOWN = 5
# With per_mentor, partners are first looked for among this many mentors, then twice as many.
_FIRST_LOOK = 64


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
    spelled: dict[str, tuple[str, str]] = {}
    for mentor in sorted(mentors, key=lambda m: m.id):
        if mentor.id not in people:  # the first entry of an id counts
            people[mentor.id] = (_keyed(mentor.expertise, spelled), set(_keyed(mentor.wants_to_learn, spelled)))
    # Only mentors who want to learn something can be in a pair; sparse products find who can
    # teach whom (compiled code) instead of comparing every two mentors in Python.
    ids = [mentor_id for mentor_id in sorted(people) if people[mentor_id][1]]  # index order = id order
    column: dict[str, int] = {}
    for mentor_id in ids:
        for key in people[mentor_id][1] | people[mentor_id][0].keys():
            column.setdefault(key, len(column))
    wants = _matrix([people[i][1] for i in ids], column)
    knows = _matrix([people[i][0] for i in ids], column)
    if per_mentor is None:
        row, col = _partners(wants, knows, np.arange(len(ids)), 0, len(ids))
        upper = row < col  # each pair once, with a < b (and never oneself)
        row, col = row[upper], col[upper]
    else:
        # A mentor's pairs come in the output by the other mentor's id: keep its first per_mentor
        # partners (oneself aside), then each pair kept by either side, once. Partners are looked
        # for among the next mentors by id, in runs that double, and a mentor stops looking once
        # it has its first per_mentor: most have them within a few dozen, so the work grows with
        # the roster rather than with its square (all partners: 140,181 pairs at 5,000 mentors).
        found_rows, found_cols = [], []
        need = np.full(len(ids), max(per_mentor, 0))
        looking = np.flatnonzero(need)
        lo, width = 0, _FIRST_LOOK
        while len(looking) and lo < len(ids):
            hi = min(len(ids), lo + width)
            row, col = _partners(wants, knows, looking, lo, hi)
            other = row != col
            row, col = row[other], col[other]
            first = np.arange(len(row)) - np.searchsorted(row, row) < need[row]  # place in its row
            row, col = row[first], col[first]
            found_rows.append(row)
            found_cols.append(col)
            need -= np.bincount(row, minlength=len(ids))
            looking = looking[need[looking] > 0]
            lo, width = hi, 2 * width
        row = np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(found_cols) if found_cols else np.zeros(0, dtype=np.int64)
        pair = np.unique(np.minimum(row, col) * len(ids) + np.maximum(row, col))  # sorted: by a, then b
        row, col = np.divmod(pair, max(len(ids), 1))
    known = [people[i][0] for i in ids]
    wishes = [people[i][1] for i in ids]

    def teaches(teacher: int, learner: int) -> tuple[str, ...]:
        mine = known[teacher]
        return tuple(sorted(map(mine.__getitem__, wishes[learner] & mine.keys())))

    return [Reciprocal(ids[i], ids[j], teaches(i, j), teaches(j, i))
            for i, j in zip(row.tolist(), col.tolist(), strict=True)]


def _partners(wants, knows, mentors: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Who among mentors ``lo:hi`` each of ``mentors`` (sorted) can learn from and teach: (mentor, partner).

    ``wants``, ``knows``: a row per mentor (see :func:`_matrix`). By mentor, then partner.
    """
    learns = wants[mentors] @ knows[lo:hi].T  # (i, j) > 0: mentor i wants something mentor j knows
    mutual = learns.multiply(knows[mentors] @ wants[lo:hi].T).tocsr()  # and the other way round
    mutual.eliminate_zeros()
    mutual.sort_indices()
    return np.repeat(mentors, np.diff(mutual.indptr)), mutual.indices + lo


def _matrix(key_sets: list, column: dict[str, int], dtype=np.float64):
    """A sparse 0/1 matrix: a row per key set, a column per key (``column``: key -> its column)."""
    from scipy import sparse

    cols = [column[key] for keys in key_sets for key in keys]
    rows = np.repeat(np.arange(len(key_sets)), [len(keys) for keys in key_sets])
    return sparse.csr_matrix((np.ones(len(cols), dtype=dtype), (rows, np.array(cols, dtype=np.int64))),
                             shape=(len(key_sets), len(column)))


def _keyed(terms: tuple[str, ...], spelled: dict[str, tuple[str, str]]) -> dict[str, str]:
    """{comparison key: term as written (spacing and case normalised)}, first spelling kept.

    ``spelled`` (term -> (key, as written)) remembers the terms met so far: a roster repeats its terms.
    """
    keyed: dict[str, str] = {}
    for term in terms:
        if term not in spelled:
            spelled[term] = (term_key(term), " ".join(term.lower().split()))
        key, written = spelled[term]
        if key:
            keyed.setdefault(key, written)
    return keyed


__all__ = [
    "RECIPROCAL_SHOWN", "Hint", "Reciprocal", "mentor_hints", "outside_view", "reciprocal_pairs", "similar_mentors",
    "term_key",
]
