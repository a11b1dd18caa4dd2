"""Related sessions: TF-IDF cosine plus topic overlap, sparse, deterministic."""

from __future__ import annotations

import random

import pytest

from kbgen.enrich.related import related_sessions

NEGOTIATION = (
    "We talked about the job offer and the salary negotiation. Never accept the first offer; research the "
    "market rate, anchor your counter offer above your target, and ask about equity and the signing bonus."
)
NEGOTIATION_AGAIN = (
    "The recruiter made an offer. We practised the salary negotiation: research the market rate, make a "
    "counter offer, and ask about the signing bonus and equity before you accept."
)
ON_CALL = (
    "Your first on-call week: read the runbooks, shadow the pager rotation, and write the incident "
    "timeline while you mitigate. Escalate early and hand over cleanly at the end of the shift."
)
BURNOUT = (
    "Burnout creeps up slowly. Protect your sleep, set boundaries with your manager, take the vacation "
    "days and talk to someone before the exhaustion becomes a crisis."
)
DATA = (
    "Moving into data science: learn statistics and Python, build a portfolio of projects with real data, "
    "and practise explaining a model to people who do not care about the math."
)

DOCS = [
    ("negotiating-offer", NEGOTIATION, ("negotiation", "career")),
    ("on-call-week", ON_CALL, ("on-call",)),
    ("burnout", BURNOUT, ("wellbeing", "career")),
    ("offer-practice", NEGOTIATION_AGAIN, ("negotiation", "career")),
    ("data-science", DATA, ("data-science", "career")),
]


def test_near_duplicate_first_with_shared_topics():
    result = related_sessions(DOCS, 3)
    assert set(result) == {d[0] for d in DOCS}
    first = result["negotiating-offer"][0]
    assert first.session_id == "offer-practice"
    assert first.shared == ("negotiation", "career")
    assert result["offer-practice"][0].session_id == "negotiating-offer"
    assert 0 < first.score <= 1


@pytest.mark.parametrize("k", [1, 2, 3, 10])
def test_k_respected_no_self_best_first(k):
    result = related_sessions(DOCS, k)
    for sid, rel in result.items():
        assert len(rel) <= min(k, len(DOCS) - 1)
        assert sid not in [r.session_id for r in rel]
        assert len({r.session_id for r in rel}) == len(rel)
        scores = [r.score for r in rel]
        assert scores == sorted(scores, reverse=True)


def test_shared_only_topics_both_have():
    result = related_sessions(DOCS, 4)
    for sid, rel in result.items():
        mine = dict((d[0], set(d[2])) for d in DOCS)
        for r in rel:
            assert set(r.shared) == mine[sid] & mine[r.session_id]


def test_unrelated_sessions_are_not_listed():
    docs = [("a", "kubernetes pager rotation", ()), ("b", "salary negotiation offer", ()), ("c", "pager rotation", ())]
    result = related_sessions(docs, 3)
    assert [r.session_id for r in result["a"]] == ["c"]
    assert result["b"] == ()


def test_small_inputs():
    assert related_sessions([], 3) == {}
    assert related_sessions([("a", NEGOTIATION, ("negotiation",))], 3) == {"a": ()}
    assert related_sessions(DOCS, 0) == {d[0]: () for d in DOCS}
    # No content words at all: topics alone decide.
    result = related_sessions([("a", "", ("x",)), ("b", "um yeah", ("x",)), ("c", "", ())], 2)
    assert [r.session_id for r in result["a"]] == ["b"]
    with pytest.raises(ValueError, match="duplicate session ids: a"):
        related_sessions([("a", "x", ()), ("a", "y", ())], 1)


def test_ties_go_by_id_and_order_of_input_does_not_matter():
    docs = [("c", "same words here", ()), ("a", "same words here", ()), ("b", "same words here", ()), ("z", "same", ())]
    result = related_sessions(docs, 2)
    assert [r.session_id for r in result["c"]] == ["a", "b"]
    shuffled = list(DOCS)
    random.Random(3).shuffle(shuffled)
    assert related_sessions(shuffled, 3) == related_sessions(DOCS, 3)


def test_many_sessions_in_blocks(monkeypatch):
    import kbgen.enrich.related as related

    rng = random.Random(7)
    vocab = [f"term{i}" for i in range(400)]
    docs = []
    for i in range(120):
        group = i % 6
        words = [rng.choice(vocab[group * 60 : group * 60 + 60]) for _ in range(80)]
        docs.append((f"s{i:03d}", " ".join(words), (f"topic{group}",)))
    whole = related_sessions(docs, 3)
    monkeypatch.setattr(related, "BLOCK", 7)  # blocks that do not divide the corpus
    assert related_sessions(docs, 3) == whole
    for sid, rel in whole.items():
        group = int(sid[1:]) % 6
        assert len(rel) == 3
        assert all(int(r.session_id[1:]) % 6 == group for r in rel)
        assert all(r.shared == (f"topic{group}",) for r in rel)
