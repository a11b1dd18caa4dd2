"""Enrichment: key phrases and an extractive summary, deterministic and safe on odd input."""

from __future__ import annotations

import re

import pytest

from kbgen.config import EnrichConfig
from kbgen.enrich import enrich, key_phrases, split_sentences, summarize
from kbgen.enrich.words import FILLERS
from kbgen.models import Enrichment, Segment, Transcript

# Whisper-like segments: some end mid-sentence, fillers everywhere, questions from the mentee.
SEGMENTS = [
    "Okay, so today I want to talk about the job offer you got last",
    "week. Yeah, I think the offer is good, but the base salary feels low for the role.",
    "Right. The first rule of salary negotiation is that you never accept the first offer on the call.",
    "Thank the recruiter, say you are excited about the role, and ask for the full offer in writing.",
    "Um, what if they say the salary is fixed?",
    "Salary bands are almost never fixed, you know, there is usually room at the top of the band.",
    "Before you counter, research the market rate for the role using levels data and your own network.",
    "Then anchor your counter offer slightly above the number you actually want.",
    "Yeah.",
    "Okay.",
    "If the base salary really cannot move, negotiate the signing bonus, the equity, or the start",
    "date instead. Equity is worth asking about, but value it conservatively because it may never be liquid.",
    "So should I mention the competing offer from the other company?",
    "Mention a competing offer only if it is real, and be ready to walk away if they call your bluff.",
    "Recruiters respect candidates who negotiate politely and with clear data about the market rate.",
    "Keep the tone warm and collaborative, because you will be working with these people next month.",
    "Write down your walk-away number before the call so that you do not cave under pressure.",
    "After the call, send a short email that summarises the agreed salary, bonus and start date.",
    "Okay, that makes sense, thank you.",
    "Good luck, and tell me how the salary negotiation goes next week.",
]


def transcript(texts=SEGMENTS) -> Transcript:
    segments = tuple(Segment(i * 5.0, i * 5.0 + 4.5, t, "A" if i % 2 else "B") for i, t in enumerate(texts))
    return Transcript(segments, "en", 5.0 * len(texts))


def norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize("n", [3, 4, 5])
def test_summary_has_n_sentences_from_the_text_in_order(n):
    result = enrich(transcript(), EnrichConfig(summary_sentences=n), topics=("negotiation",))
    assert len(result.summary) == n
    text = norm(transcript().text)
    positions = [text.find(norm(s)) for s in result.summary]
    assert all(p >= 0 for p in positions), result.summary
    assert positions == sorted(positions)
    for sentence in result.summary:
        assert not sentence.endswith("?")
        assert 5 <= len(sentence.split()) <= 35
        assert sentence[0].isupper()
        assert not re.match(r"(yeah|okay|um|right)\b", sentence, re.IGNORECASE)


def test_summary_picks_the_central_sentence():
    summary = enrich(transcript(), EnrichConfig(summary_sentences=3)).summary
    assert any("salary negotiation" in s.lower() for s in summary)


def test_enrich_is_deterministic():
    config = EnrichConfig(summary_sentences=4, key_phrases=10)
    first = enrich(transcript(), config, topics=("negotiation",))
    for _ in range(3):
        assert enrich(transcript(), config, topics=("negotiation",)) == first


def test_key_phrases_central_and_free_of_filler():
    phrases = enrich(transcript(), EnrichConfig(key_phrases=8)).key_phrases
    assert len(phrases) == 8
    # The central subjects lead, kept in their more telling multi-word forms.
    assert any("offer" in p.split() for p in phrases) and any("salary" in p.split() for p in phrases)
    assert {"offer", "salary"} & set(phrases[0].split())
    assert any(len(p.split()) > 1 for p in phrases)
    assert len(set(phrases)) == len(phrases)
    fillers = {"yeah", "okay", "you know", "i think", "um", "thank you", "today"}
    for phrase in phrases:
        assert phrase == phrase.lower()
        assert phrase not in fillers
        assert not set(phrase.split()) & FILLERS
    # No phrase repeats another inside it.
    for a in phrases:
        for b in phrases:
            assert a == b or f" {a} " not in f" {b} "


def test_key_phrase_count_respected():
    assert len(key_phrases(transcript().text, 3)) == 3
    assert key_phrases(transcript().text, 0) == ()


@pytest.mark.parametrize(
    "texts",
    [[], [""], ["   "], ["Um, yeah. Okay."], ["123 456 !!! ..."]],
)
def test_empty_or_contentless_transcript(texts):
    assert enrich(transcript(texts), EnrichConfig()) == Enrichment()


def test_short_transcript_gives_what_there_is():
    result = enrich(transcript(["Negotiate the salary", "before you sign anything."]), EnrichConfig())
    assert result.summary == ("Negotiate the salary before you sign anything.",)
    assert result.key_phrases
    two = enrich(transcript(["Ask about equity?", "Always ask for the offer in writing."]), EnrichConfig())
    # Too few sentences: the question is kept rather than returning less than there is.
    assert two.summary == ("Ask about equity?", "Always ask for the offer in writing.")


def test_near_duplicates_are_skipped():
    repeat = "Never accept the first salary offer on the phone call with the recruiter."
    texts = [repeat, repeat, repeat, "Research the market rate for your role before you counter the offer.",
             "Keep the tone warm because you will work with these people soon."]
    summary = summarize(transcript(texts).segments, 3)
    assert summary.count(repeat) == 1
    assert len(summary) == 3


def test_sentence_splitting():
    segs = transcript([
        "Dr. Smith said the offer was 3.5 percent higher, e.g. a fair",
        "raise. Was it enough?! \"Maybe.\" Then",
        "we moved on",
    ]).segments
    assert [s.text for s in split_sentences(segs)] == [
        "Dr. Smith said the offer was 3.5 percent higher, e.g. a fair raise.",
        "Was it enough?!",
        "\"Maybe.\"",
        "Then we moved on",
    ]


def test_unpunctuated_runs_split_at_segments():
    texts = [" ".join(["word"] * 8) + f" topic{i}" for i in range(20)]
    sentences = split_sentences(transcript(texts).segments)
    assert len(sentences) > 1
    assert all(len(s.text.split()) <= 60 for s in sentences)
