"""Similar-mentor hints: shared expertise named, k respected, never oneself, deterministic."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from kbgen.directory import match
from kbgen.directory.match import (
    RECIPROCAL_SHOWN,
    Hint,
    Reciprocal,
    mentor_hints,
    outside_view,
    reciprocal_pairs,
    similar_mentors,
    term_key,
)
from kbgen.directory.roster import load_roster
from kbgen.models import Mentor
from tests.conftest import ROOT


def m(id: str, *expertise: str) -> Mentor:
    return Mentor(id=id, name=id.title(), expertise=expertise)


MENTORS = [
    m("ana", "negotiation", "feedback", "leadership"),
    m("ben", "machine learning", "feedback"),
    m("cai", "Salary Negotiations", "leadership", "equity"),
    m("dee", "equity", "negotiation"),
    m("eve", "gardening"),
    m("fay"),
]


def test_hints_name_shared_terms_and_skip_strangers():
    hints = similar_mentors(MENTORS, k=3)
    assert sorted(hints) == ["ana", "ben", "cai", "dee", "eve", "fay"]
    # 'salary negotiations' is its own term, not 'negotiation': cai shares only 'leadership'
    # and holds more that ana lacks than ben does.
    assert [h.mentor_id for h in hints["ana"]] == ["dee", "ben", "cai"]
    assert [h.shared for h in hints["ana"]] == [("negotiation",), ("feedback",), ("leadership",)]
    assert hints["ben"] == [Hint("ana", hints["ben"][0].score, ("feedback",))]
    assert hints["eve"] == [] and hints["fay"] == []


def test_rare_terms_weigh_more():
    hints = similar_mentors(MENTORS, k=5)
    for mentor_id, found in hints.items():
        scores = [h.score for h in found]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s <= 1 for s in scores)
        assert mentor_id not in {h.mentor_id for h in found}
    common = [m("a", "python", "rust"), m("b", "python", "go"), m("c", "python", "rust"), m("d", "python")]
    hints = similar_mentors(common, k=3)
    # a shares 'rust' (rare) and 'python' with c, only 'python' (common) with b and d.
    assert [h.mentor_id for h in hints["a"]] == ["c", "d", "b"]
    assert hints["a"][0].shared == ("python", "rust")


def test_normalised_terms_meet():
    assert term_key("Salary-Negotiations ") == term_key("salary negotiation")
    assert term_key("Business") == "business"
    a, b = m("a", "Salary-Negotiations"), m("b", "salary  negotiation")
    assert similar_mentors([a, b], k=1)["a"] == [Hint("b", 1.0, ("salary-negotiations",))]


def test_k_respected_ties_by_id_and_deterministic():
    team = [m(f"m{i:02d}", "python") for i in range(10)]
    hints = similar_mentors(team, k=3)
    assert [h.mentor_id for h in hints["m05"]] == ["m00", "m01", "m02"]
    assert all(len(v) == 3 for v in hints.values())
    assert similar_mentors(team, k=0) == {x.id: [] for x in team}
    shuffled = MENTORS[:]
    random.Random(4).shuffle(shuffled)
    assert similar_mentors(shuffled, k=2) == similar_mentors(MENTORS, k=2)


def org(id: str, organization: str, expertise: tuple[str, ...] = (), wants: tuple[str, ...] = ()) -> Mentor:
    return Mentor(id=id, name=id.title(), organization=organization, expertise=expertise, wants_to_learn=wants)


TEAM = [
    org("ana", "Northwind", ("negotiation", "feedback", "leadership")),
    org("ben", "northwind ", ("negotiation", "feedback")),  # same organization, other spelling
    org("cai", "Harbor", ("negotiation", "equity")),
    org("dee", "Civic", ("feedback",)),
    org("eve", "", ("negotiation", "feedback", "leadership")),  # organization unknown
    org("fay", "Harbor", ("gardening",)),
]


def test_outside_view_only_hints_other_organizations():
    hints = outside_view(TEAM, k=3)
    assert sorted(hints) == ["ana", "ben", "cai", "dee", "eve", "fay"]
    # Not ben (same organization), not eve (unknown). dee first: cai's rare 'equity' dilutes its share.
    assert [h.mentor_id for h in hints["ana"]] == ["dee", "cai"]
    assert [h.shared for h in hints["ana"]] == [("feedback",), ("negotiation",)]
    assert [h.mentor_id for h in hints["ben"]] == ["dee", "cai"]
    assert [h.mentor_id for h in hints["cai"]] == ["ben", "ana"]  # not fay: same org, and nothing shared
    assert hints["eve"] == [] and hints["fay"] == []
    # Same scores as the similar-mentor hints: only the candidates differ.
    similar = {h.mentor_id: h for h in similar_mentors(TEAM, k=10)["ana"]}
    assert all(similar[h.mentor_id] == h for h in hints["ana"])
    assert outside_view(TEAM, k=1)["ana"] == hints["ana"][:1]
    assert outside_view(TEAM, k=0) == {m.id: [] for m in TEAM}


def test_reciprocal_pairs_need_both_directions():
    people = [
        org("zed", "A", ("Machine Learning", "python"), wants=("negotiations",)),
        org("amy", "B", ("negotiation", "public speaking"), wants=("machine learning", "Python", "rust")),
        org("bob", "C", ("rust",), wants=("public speaking",)),
        org("cat", "D", ("negotiation",), wants=("gardening",)),  # teaches, but nobody teaches cat
        org("dan", "E", (), wants=("negotiation",)),  # wants, teaches nothing
    ]
    pairs = reciprocal_pairs(people)
    assert pairs == [
        Reciprocal("amy", "bob", ("public speaking",), ("rust",)),
        Reciprocal("amy", "zed", ("negotiation",), ("machine learning", "python")),
    ]
    a, b, a_teaches_b, b_teaches_a = pairs[0]  # a plain tuple too
    assert (a, b, a_teaches_b, b_teaches_a) == ("amy", "bob", ("public speaking",), ("rust",))
    shuffled = people[:]
    random.Random(7).shuffle(shuffled)
    assert reciprocal_pairs(shuffled) == pairs
    assert reciprocal_pairs([]) == []


def test_demo_roster_hints():
    mentors = load_roster(ROOT / "mentors.yaml", ROOT)
    pairs = reciprocal_pairs(mentors)
    assert len(pairs) >= 3
    assert ("nadia-petrova", "tomas-novak", ("freelancing", "negotiation"), ("open source", "python")) in pairs
    orgs = {m.id: m.organization for m in mentors}
    outside = outside_view(mentors, k=3)
    assert sum(1 for v in outside.values() if v) >= 12
    assert all(orgs[h.mentor_id] != orgs[mid] for mid, found in outside.items() for h in found)


def _reference_ranked(mentors: list[Mentor], k: int, outside: bool) -> dict[str, list[Hint]]:
    """similar_mentors / outside_view written the plain way: every mentor against every other."""
    written = {}
    for mentor in sorted(mentors, key=lambda m: m.id):  # the first entry of an id counts
        terms: dict[str, str] = {}
        for term in mentor.expertise:
            if term_key(term):
                terms.setdefault(term_key(term), " ".join(term.lower().split()))
        written.setdefault(mentor.id, terms)
    orgs = {m.id: " ".join(m.organization.lower().split()) for m in mentors}
    holders = Counter(key for terms in written.values() for key in terms)
    weight = {key: math.log((1 + len(written)) / (1 + n)) + 1.0 for key, n in holders.items()}
    out = {}
    for a, mine in written.items():
        found = []
        for b, theirs in written.items():
            if b == a or (outside and not (orgs[a] and orgs[b] and orgs[a] != orgs[b])):
                continue
            common = sorted(mine.keys() & theirs.keys())
            if common:
                inter = sum(weight[key] for key in common)
                union = sum(weight[key] for key in sorted(mine.keys() | theirs.keys()))
                found.append(Hint(b, round(inter / union, 4), tuple(sorted(mine[key] for key in common))))
        found.sort(key=lambda h: (-h.score, h.mentor_id))
        out[a] = found[:max(k, 0)]
    return out


def _reference_pairs(mentors: list[Mentor]) -> list[Reciprocal]:
    people = {}
    for mentor in sorted(mentors, key=lambda m: m.id):
        knows = {}
        for term in mentor.expertise:
            if term_key(term):
                knows.setdefault(term_key(term), " ".join(term.lower().split()))
        people.setdefault(mentor.id, (knows, {term_key(t) for t in mentor.wants_to_learn} - {""}))
    pairs = []
    for a in sorted(people):
        for b in sorted(people):
            if a < b:
                a_teaches = tuple(sorted(people[a][0][key] for key in people[b][1] & people[a][0].keys()))
                b_teaches = tuple(sorted(people[b][0][key] for key in people[a][1] & people[b][0].keys()))
                if a_teaches and b_teaches:
                    pairs.append(Reciprocal(a, b, a_teaches, b_teaches))
    return pairs


@pytest.mark.parametrize("cells", [None, 997])  # 997: the score matrix in blocks of a few rows
def test_same_results_as_comparing_every_pair(monkeypatch, cells):
    # A small vocabulary with other spellings of the same terms: many equal scores (ties by id),
    # mentors with the same terms, without terms, without organization, and a repeated id.
    if cells:
        monkeypatch.setattr(match, "_CELLS", cells)
    rng = random.Random(10)
    vocabulary = ["python", "Python", "pythons", "rust", "go", "sql", "data-science", "data science", "leadership",
                  "feedback", "Salary Negotiations", "salary negotiation", "equity", "public speaking", "gardening"]
    weights = [1.0 / (i + 1) for i in range(len(vocabulary))]

    def draw(n: int) -> tuple[str, ...]:
        return tuple(rng.choices(vocabulary, weights, k=n))

    mentors = [
        Mentor(id=f"m{rng.randrange(195):03d}", name="x", organization=rng.choice(["", "A", "a ", "B", "C", "D"]),
               expertise=draw(rng.choice([0, 1, 1, 2, 3, 4, 6])),
               wants_to_learn=draw(rng.choice([0, 0, 1, 2])))
        for _ in range(200)
    ]
    assert len({m.id for m in mentors}) < 200  # some ids repeat
    for k in (0, 1, 3, 7, 250):
        similar, outside = _reference_ranked(mentors, k, outside=False), _reference_ranked(mentors, k, outside=True)
        assert similar_mentors(mentors, k) == similar
        assert outside_view(mentors, k) == outside
        assert mentor_hints(mentors, k) == (similar, outside)  # both at once, as the site build asks
    hints = similar_mentors(mentors, 3)
    assert any(len({h.score for h in found}) < len(found) for found in hints.values())  # ties were tested
    assert reciprocal_pairs(mentors) == _reference_pairs(mentors)
    assert len(reciprocal_pairs(mentors)) > 50


def test_rounding_ties_go_by_id_even_against_a_higher_estimate():
    # In this roster m15 and m17 both score 0.1344 for m19 after rounding, m17 a little higher
    # before it: m15 comes first (by id). A matrix estimate taken at face value would pick m17.
    rng = random.Random(7)
    vocabulary = [f"t{i}" for i in range(40)]
    mentors = [Mentor(id=f"m{i:02d}", name="x", expertise=tuple(rng.sample(vocabulary, rng.randint(1, 6))))
               for i in range(rng.randint(5, 40))]
    hints = similar_mentors(mentors, 2)
    assert [(h.mentor_id, h.score) for h in hints["m19"]] == [("m16", 0.2071), ("m15", 0.1344)]
    assert hints == _reference_ranked(mentors, 2, outside=False)


def test_rounding_ties_go_by_id_even_against_a_clearly_higher_estimate():
    # m03 and m15 both score 0.2276 for m16 after rounding, m15 2.5e-5 higher before it (far more
    # than float noise, so their estimates differ too): m03 comes first (by id), and with k = 2 m15
    # is left out. Only candidates a little below the k-th best estimate (_MARGIN) get this right.
    rng = random.Random(56)
    vocabulary = [f"t{i}" for i in range(40)]
    mentors = [Mentor(id=f"m{i:02d}", name="x", expertise=tuple(rng.sample(vocabulary, rng.randint(1, 6))))
               for i in range(rng.randint(5, 40))]
    assert [(h.mentor_id, h.score) for h in similar_mentors(mentors, 3)["m16"]] == [
        ("m04", 0.2332), ("m03", 0.2276), ("m15", 0.2276)]
    hints = similar_mentors(mentors, 2)
    assert [h.mentor_id for h in hints["m16"]] == ["m04", "m03"]
    assert hints == _reference_ranked(mentors, 2, outside=False)


@pytest.mark.parametrize("near", [0.0, 1.0])  # 0: every score in compiled code; 1: every one the plain way
def test_scores_in_compiled_code_are_the_plain_ones(monkeypatch, near):
    # Scores are summed in another order in compiled code, and rounded by numpy; only those near
    # a rounding boundary are scored the plain way (_NEAR). Both ways give the plain results.
    monkeypatch.setattr(match, "_NEAR", near)
    rng = random.Random(3)
    vocabulary = [f"t{i}" for i in range(30)]
    mentors = [Mentor(id=f"m{i:03d}", name="x", organization=rng.choice(["", "A", "B", "C"]),
                      expertise=tuple(rng.sample(vocabulary, rng.randint(1, 8))))
               for i in range(150)]
    for k in (1, 3, 10):
        assert mentor_hints(mentors, k) == (_reference_ranked(mentors, k, outside=False),
                                            _reference_ranked(mentors, k, outside=True))


@pytest.mark.parametrize("cells", [None, 997])  # 997: many blocks, candidates ranked in many runs
def test_look_alikes_and_one_organization(monkeypatch, cells):
    # The same terms for everyone: every other mentor is a candidate of every mentor, ties by id
    # all the way. Nearly all in one organization (their outside view: a few others), some in none.
    if cells:
        monkeypatch.setattr(match, "_CELLS", cells)
    mentors = [Mentor(id=f"m{i:03d}", name="x", organization="" if i % 10 == 0 else "Acme" if i < 292 else "Bolt",
                      expertise=("Python", "go") if i % 7 == 0 else ("python",))
               for i in range(300)]
    similar, outside = mentor_hints(mentors, 3)
    assert similar == _reference_ranked(mentors, 3, outside=False)
    assert outside == _reference_ranked(mentors, 3, outside=True)
    assert [h.mentor_id for h in similar["m002"]] == ["m001", "m003", "m004"]  # ties by id, never oneself
    assert [h.mentor_id for h in outside["m002"]] == ["m292", "m293", "m295"]  # Bolt's first (m294: "go" too)
    assert outside["m000"] == [] and outside["m292"][0].mentor_id == "m001"


def _first_pairs(pairs: list[Reciprocal], k: int) -> dict[str, list[Reciprocal]]:
    """Each mentor's first ``k`` pairs in the list's order: what its page shows (see render_site)."""
    of: dict[str, list[Reciprocal]] = {}
    for pair in pairs:
        of.setdefault(pair.a, []).append(pair)
        of.setdefault(pair.b, []).append(pair)
    return {mentor_id: found[:k] for mentor_id, found in of.items()}


@pytest.mark.parametrize("first_look", [None, 1])  # 1: partners looked for in many runs
def test_reciprocal_pairs_per_mentor_keeps_what_each_mentor_shows(monkeypatch, first_look):
    # Many wishes over a small vocabulary: most mentors have far more than 5 pairs, some fewer,
    # some none; one wants what it knows itself (never its own pair), and an id repeats.
    if first_look:
        monkeypatch.setattr(match, "_FIRST_LOOK", first_look)
    rng = random.Random(12)
    vocabulary = ["python", "Python", "rust", "go", "sql", "data science", "leadership", "feedback",
                  "Salary Negotiations", "equity", "public speaking", "gardening"]
    mentors = [
        Mentor(id=f"m{rng.randrange(290):03d}", name="x", expertise=tuple(rng.sample(vocabulary, rng.randint(0, 4))),
               wants_to_learn=tuple(rng.sample(vocabulary, rng.choice([0, 1, 1, 2, 3]))))
        for _ in range(300)
    ]
    mentors.append(Mentor(id="m999", name="x", expertise=("go",), wants_to_learn=("go",)))
    everything = reciprocal_pairs(mentors)
    assert everything == _reference_pairs(mentors)
    assert reciprocal_pairs(mentors, per_mentor=None) == everything
    assert reciprocal_pairs(mentors, per_mentor=10_000) == everything
    counts = Counter(x for pair in everything for x in pair[:2])
    assert max(counts.values()) > 20 and min(counts.values()) < RECIPROCAL_SHOWN  # both kinds tested
    for k in (1, RECIPROCAL_SHOWN):
        capped = reciprocal_pairs(mentors, per_mentor=k)
        assert _first_pairs(capped, k) == _first_pairs(everything, k)  # the site shows the same
        assert capped == [pair for pair in everything if pair in set(capped)]  # a part, in the same order
        assert len(capped) <= k * len(counts) < len(everything)
    assert reciprocal_pairs(mentors, per_mentor=0) == []
    assert reciprocal_pairs([], per_mentor=RECIPROCAL_SHOWN) == []
