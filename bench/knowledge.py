"""Benchmark: the knowledge stage on the evaluation set (tests/data/knowledge).

Run: .venv/bin/python bench/knowledge.py

Runs kbgen's real knowledge stage (kbgen.knowledge.build_docs: redaction, topics, summary,
takeaways, chapters, related sessions) over the 14 hand-written transcripts and prints topic
precision/recall/F1, takeaway recall, and redaction recall/precision, each beside a naive
baseline measured in the same run:

- topics: substring matching of every label and synonym (the "ai inside retail" approach);
- takeaways: the first mentor sentences of the session;
- redaction: nothing redacted.

It also runs the stage with every speaker label removed (a one-track recording no one told
apart) and prints takeaway recall and the share of summary sentences the mentor said, both ways:
what knowing the speakers (issue 15) is worth to the summary and the takeaways.

Targets (issue 4): topic F1 >= 0.8; every planted item redacted with precision >= 0.9.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.knowledge_eval import (  # noqa: E402
    load_eval_set,
    load_taxonomy,
    redaction_scores,
    takeaway_recall,
    topic_scores,
)


def _all(synonyms) -> list[str]:
    """A topic's synonyms of every language (a list, or lists by language)."""
    return list(synonyms) if isinstance(synonyms, list) else [x for terms in synonyms.values() for x in terms]


def evaluate(cases=None, taxonomy=None):
    """{metric: (kbgen, baseline)} and the seconds the knowledge stage took."""
    from kbgen.config import KbgenConfig
    from kbgen.knowledge import build_docs

    cases = cases or load_eval_set()
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    config = KbgenConfig(topics=taxonomy)
    sessions = [c.session() for c in cases]
    t0 = time.perf_counter()
    docs, _ = build_docs(config, sessions, {c.slug: c.transcript for c in cases}, [])
    seconds = time.perf_counter() - t0
    by_id = {d.session.id: d for d in docs}

    topics = {slug: {t.id for t in d.enrichment.topics} for slug, d in by_id.items()}
    naive_topics = {}
    for c in cases:
        text = c.text.lower()
        naive_topics[c.slug] = {t.id for t in taxonomy if any(x.lower() in text for x in [t.label, *_all(t.synonyms)])}
    takeaways = {slug: list(d.enrichment.takeaways) for slug, d in by_id.items()}
    first_mentor = {c.slug: [s.text for s in c.transcript.segments if s.speaker == "MENTOR"][:5] for c in cases}
    redacted = {slug: d.transcript.text for slug, d in by_id.items()}
    untouched = {c.slug: c.text for c in cases}
    return {
        "topics": (topic_scores(topics, cases), topic_scores(naive_topics, cases)),
        "takeaways": (takeaway_recall(takeaways, cases), takeaway_recall(first_mentor, cases)),
        "redaction": (redaction_scores(redacted, cases), redaction_scores(untouched, cases)),
    }, seconds, docs


def without_speakers(cases):
    """The cases as a one-track recording transcribed with no one told apart: no speaker labels."""
    from dataclasses import replace

    return [replace(c, transcript=replace(c.transcript, segments=tuple(replace(seg, speaker=None)
                                                                       for seg in c.transcript.segments)))
            for c in cases]


def mentor_share(docs, cases) -> float:
    """The share of summary sentences the mentor said (each found in the case's MENTOR lines)."""
    said = {c.slug: [(seg.speaker, " ".join(seg.text.lower().split())) for seg in c.transcript.segments]
            for c in cases}
    mentor = total = 0
    for d in docs:
        for sentence in d.enrichment.summary:  # extractive: sentences as said
            head = " ".join(sentence.lower().split())[:40]
            owner = next((who for who, text in said[d.session.id] if head and head in text), None)
            if owner is not None:
                total += 1
                mentor += owner == "MENTOR"
    return mentor / total if total else 0.0


def main() -> None:
    result, seconds, docs = evaluate()
    cases = load_eval_set()
    blind, _, blind_docs = evaluate(without_speakers(cases))
    (tp, tr, tf), (bp, br, bf) = result["topics"]
    tk, tb = result["takeaways"]
    (rr, rp), (br2, bp2) = result["redaction"]
    rows = [
        ("cases", f"{len(docs)}; knowledge stage {seconds:.2f} s ({seconds / len(docs) * 1000:.0f} ms a session)"),
        ("topic precision / recall / F1", f"{tp:.2f} / {tr:.2f} / {tf:.2f}   (substring baseline "
                                          f"{bp:.2f} / {br:.2f} / {bf:.2f}; F1 ratio {tf / bf:.2f}x)"),
        ("takeaway recall", f"{tk:.2f}   (first-mentor-sentences baseline {tb:.2f})"),
        ("takeaway recall, speakers unknown", f"{blind['takeaways'][0]:.2f}   (speakers known: {tk:.2f}; "
                                              f"ratio {tk / max(blind['takeaways'][0], 1e-9):.2f}x)"),
        ("summary sentences by the mentor", f"{mentor_share(docs, cases):.2f}   (speakers unknown: "
                                            f"{mentor_share(blind_docs, cases):.2f})"),
        ("redaction recall / precision", f"{rr:.2f} / {rp:.2f}   (no-redaction baseline {br2:.2f} / {bp2:.2f})"),
        ("target: topic F1 >= 0.8", "met" if tf >= 0.8 else "MISSED"),
        ("target: every planted item redacted", "met" if rr == 1.0 else "MISSED"),
        ("target: redaction precision >= 0.9", "met" if rp >= 0.9 else "MISSED"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")  # noqa: T201 (a benchmark reports on stdout)
    chapters = [len(d.enrichment.chapters) for d in docs]
    print(f"{'chapters per session':<{width}}  {min(chapters)}-{max(chapters)}")  # noqa: T201


if __name__ == "__main__":
    main()
