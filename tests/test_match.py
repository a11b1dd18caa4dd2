"""Similar-mentor hints: shared expertise named, k respected, never oneself, deterministic."""

from __future__ import annotations

import random

from kbgen.directory.match import Hint, Reciprocal, outside_view, reciprocal_pairs, similar_mentors, term_key
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
