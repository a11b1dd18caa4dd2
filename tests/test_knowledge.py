"""The knowledge stage as the build runs it (kbgen.knowledge.build_docs), on the evaluation set."""

from __future__ import annotations

from bench.knowledge import evaluate


def test_knowledge_stage_meets_its_targets_on_the_evaluation_set():
    result, _, docs = evaluate()
    (precision, recall, f1), _ = result["topics"]
    takeaway_recall, _ = result["takeaways"]
    (redaction_recall, redaction_precision), _ = result["redaction"]
    print(f"topics P {precision:.2f} R {recall:.2f} F1 {f1:.2f}; takeaways recall {takeaway_recall:.2f}; "  # noqa: T201
          f"redaction recall {redaction_recall:.2f} precision {redaction_precision:.2f}")
    assert f1 >= 0.8
    assert redaction_recall == 1.0 and redaction_precision >= 0.9
    assert takeaway_recall >= 0.65  # a floor against regressions (0.71 when written)
    for d in docs:
        e = d.enrichment
        assert 3 <= len(e.summary) <= 5 and 3 <= len(e.takeaways) <= 7 and 3 <= len(e.chapters) <= 8, d.session.id
        assert [c.start for c in e.chapters] == sorted(c.start for c in e.chapters)
        assert len(e.related) == 3 and all(r.session_id != d.session.id for r in e.related)
        assert all(tag.evidence for tag in e.topics)
        # Redaction happened before enrichment: nothing derived carries a planted e-mail.
        derived = " ".join([*e.summary, *e.takeaways, *(c.title for c in e.chapters)])
        assert "@" not in derived
