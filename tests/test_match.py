"""Similar-mentor hints: shared expertise named, k respected, never oneself, deterministic."""

from __future__ import annotations

import random

from kbgen.directory.match import Hint, similar_mentors, term_key
from kbgen.models import Mentor


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
