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


def transcript(texts=SEGMENTS, speakers=None) -> Transcript:
    """Segments of 4.5 s every 5 s; ``speakers`` one label per segment, or none known."""
    speakers = speakers or [None] * len(texts)
    segments = tuple(Segment(i * 5.0, i * 5.0 + 4.5, t, speakers[i]) for i, t in enumerate(texts))
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


# A labelled session: the mentee's questions and story, the mentor's explanations, small talk
# at both ends, and three subjects in turn (research, the counter offer, the package).
LABELLED = [
    ("MENTEE", "Hi, thanks so much for making time for this today, I really appreciate it."),
    ("MENTOR", "Of course, it's great to meet you and hear how things are going."),
    ("MENTEE", "I just got my first job offer and I am nervous about asking for a higher salary."),
    ("MENTEE", "Is it rude to negotiate the salary on a first job offer at all?"),
    ("MENTOR", "Negotiating a salary offer is normal, and most hiring managers expect a polite counter."),
    ("MENTOR", "Research the market rate for the role with salary surveys before any call."),
    ("MENTEE", "How do I find the market rate for the role in my city?"),
    ("MENTOR", "Salary surveys and people in similar roles tell you the market rate for the role."),
    ("MENTEE", "What number should I say when they ask me for a counter offer?"),
    ("MENTOR", "Anchor your counter offer near the top of the salary range you researched."),
    ("MENTOR", "A counter offer with data behind it almost never makes them withdraw the job offer."),
    ("MENTEE", "What if they tell me the salary is fixed and cannot move?"),
    ("MENTOR", "Then negotiate the rest of the package: signing bonus, vacation days, or an earlier review."),
    ("MENTOR", "The package often has more room than the base salary, so ask about each part."),
    ("MENTEE", "Okay, that makes sense, thank you so much for all of this."),
    ("MENTOR", "Good luck, and thanks for a great conversation today."),
]


def labelled(speakers=True) -> Transcript:
    segments = tuple(
        Segment(i * 6.0, i * 6.0 + 5.5, text, who if speakers else None) for i, (who, text) in enumerate(LABELLED)
    )
    return Transcript(segments, "en", 6.0 * len(LABELLED))


@pytest.mark.parametrize("speakers", [True, False])
def test_summary_prefers_the_mentors_explanations(speakers):
    summary = summarize(labelled(speakers).segments, 4, bonus_terms=("negotiation", "salary"))
    assert len(summary) == 4
    said = {norm(text): who for who, text in LABELLED}
    whose = [said.get(norm(s)) or next(w for t, w in said.items() if norm(s) in t) for s in summary]
    assert whose.count("MENTOR") >= 3, summary
    for sentence in summary:
        assert not sentence.endswith("?")
        assert not re.search(r"\b(thanks|thank you|good luck|great to meet)\b", sentence, re.IGNORECASE), sentence


def test_summary_covers_the_whole_session():
    summary = summarize(labelled().segments, 3)
    text = norm(labelled().text)
    positions = [text.find(norm(s)) / len(text) for s in summary]
    # One pick from each third, not three from the start.
    assert positions[0] < 1 / 3 and 1 / 3 <= positions[1] < 2 / 3 and positions[2] >= 2 / 3, summary


def test_summary_mentor_label_given_by_name():
    names = {"MENTOR": "Ana", "MENTEE": "Sam"}
    segments = tuple(Segment(s.start, s.end, s.text, names[s.speaker]) for s in labelled().segments)
    named = Transcript(segments, "en", labelled().duration)
    assert summarize(named.segments, 4, mentor_speakers=("Ana Garcia",)) == summarize(labelled().segments, 4)


def test_a_new_speaker_starts_a_new_sentence():
    segs = (
        Segment(0.0, 2.0, "So what should I do about", "MENTEE"),
        Segment(2.0, 4.0, "the offer", "MENTEE"),
        Segment(4.0, 6.0, "Ask for it in writing.", "MENTOR"),
    )
    sentences = split_sentences(segs)
    assert [(s.text, s.speaker, s.time, s.segment) for s in sentences] == [
        ("So what should I do about the offer", "MENTEE", 0.0, 0),
        ("Ask for it in writing.", "MENTOR", 4.0, 2),
    ]


def test_sentence_times_from_words():
    from kbgen.models import Word

    words = tuple(Word(f" {w}", 10.0 + i, 10.5 + i) for i, w in enumerate("Yes. Ask for more.".split()))
    sentences = split_sentences([Segment(10.0, 14.0, "Yes. Ask for more.", "MENTOR", words)])
    assert [(s.text, s.time) for s in sentences] == [("Yes.", 10.0), ("Ask for more.", 11.0)]


def test_no_is_not_an_abbreviation_before_a_word():
    texts = ["If they say no. After that, ask again.", "See item No. 5 on the list."]
    assert [s.text for s in split_sentences(transcript(texts).segments)] == [
        "If they say no.", "After that, ask again.", "See item No. 5 on the list."
    ]


def test_summary_passes_over_sentences_listed_as_takeaways():
    segs = transcript().segments
    plain = summarize(segs, 3)
    again = summarize(segs, 3, avoid=[plain[0]])
    assert plain[0] not in again and len(again) == 3
