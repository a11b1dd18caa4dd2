"""Chapters: topic shifts found, times increasing, titles short, distinct and free of names."""

from __future__ import annotations

import io

import pytest
import webvtt

from kbgen.enrich.chapters import MIN_DURATION, MIN_SECONDS, chapters
from kbgen.models import Segment, Transcript
from kbgen.transcribe.formats import chapters_vtt

# Three subjects, each opened by the mentee's question: research, the counter offer, the
# package. Each lasts about 40 s.
TOPICS = [
    [
        ("MENTEE", "Hi, I'm Jordan. I got my first job offer and I want to negotiate the salary."),
        ("MENTOR", "Start with research on the market rate for the role in your city."),
        ("MENTOR", "Salary surveys and levels data show the market rate for similar roles."),
        ("MENTEE", "So the market rate research comes from surveys and levels data?"),
        ("MENTOR", "Yes, and ask two or three people in similar roles about their market rate."),
        ("MENTOR", "With that research you know a fair market rate before the call."),
    ],
    [
        ("MENTEE", "How do I make a counter offer on the phone call?"),
        ("MENTOR", "Anchor the counter offer near the top of your range on the phone call."),
        ("MENTOR", "Say the counter offer number calmly and then stop talking on the call."),
        ("MENTEE", "And if the recruiter rejects the counter offer on the call?"),
        ("MENTOR", "Ask the recruiter what flexibility exists, and keep the counter offer polite."),
        ("MENTOR", "A polite counter offer on a call rarely makes a recruiter withdraw anything."),
    ],
    [
        ("MENTEE", "What about equity, vacation days and a signing bonus?"),
        ("MENTOR", "Negotiate the signing bonus, the equity and the vacation days as one package."),
        ("MENTOR", "Equity vesting schedules and vacation days are often easier to move than pay."),
        ("MENTEE", "Should I value the equity vesting like cash?"),
        ("MENTOR", "Value equity vesting conservatively, and ask for the signing bonus in writing."),
        ("MENTOR", "A signing bonus, equity and extra vacation days together can beat a raise."),
    ],
]


def transcript(turns, step=7.0, speakers=True) -> Transcript:
    segments = tuple(
        Segment(i * step, i * step + step - 0.5, text, speaker if speakers else None)
        for i, (speaker, text) in enumerate(turns)
    )
    return Transcript(segments, "en", step * len(turns))


SESSION = transcript([turn for topic in TOPICS for turn in topic])  # 18 segments, 126 s


def test_cuts_at_the_topic_shifts():
    result = chapters(SESSION, max_chapters=3)
    assert [c.start for c in result] == [0.0, 42.0, 84.0]
    titles = [c.title.lower() for c in result]
    assert "market rate" in titles[0]
    assert any(w in titles[1] for w in ("counter offer", "phone call"))
    assert any(w in titles[2] for w in ("signing bonus", "vacation days", "equity vesting"))


def test_chapters_cover_the_session_in_order():
    result = chapters(SESSION)
    assert 3 <= len(result) <= 8
    assert result[0].start == SESSION.segments[0].start
    assert result[-1].end == SESSION.duration
    for a, b in zip(result, result[1:], strict=False):
        assert a.end == b.start
        assert a.start < b.start
    starts = {s.start for s in SESSION.segments}
    assert all(c.start in starts for c in result)  # each chapter starts where a segment starts
    assert all(c.end - c.start >= MIN_SECONDS for c in result)


def test_titles_short_unique_and_without_names():
    for max_chapters in (3, 4, 5, 8):
        result = chapters(SESSION, max_chapters=max_chapters)
        titles = [c.title for c in result]
        assert len({t.lower() for t in titles}) == len(titles)
        for title in titles:
            assert 1 <= len(title.split()) <= 6
            assert title[0].isupper()
            assert "jordan" not in title.lower()


@pytest.mark.parametrize("max_chapters", [3, 4, 5, 8])
def test_count_within_bounds(max_chapters):
    result = chapters(SESSION, max_chapters=max_chapters, min_chapters=3)
    assert 3 <= len(result) <= max_chapters


def test_first_segment_late_start():
    shifted = Transcript(tuple(Segment(s.start + 3.0, s.end + 3.0, s.text, s.speaker) for s in SESSION.segments),
                         "en", SESSION.duration + 3.0)
    result = chapters(shifted, max_chapters=3)
    assert result[0].start == 3.0


def test_short_sessions_get_few_or_none():
    assert chapters(Transcript((), "en", 0.0)) == ()
    # Under MIN_DURATION seconds: nothing to jump between.
    short = transcript([turn for topic in TOPICS for turn in topic][:8], step=MIN_DURATION / 9)
    assert short.duration < MIN_DURATION
    assert chapters(short) == ()
    # Fewer than 6 segments, however long.
    assert chapters(transcript(TOPICS[0][:5], step=20.0)) == ()
    # A 60 s session gets three short chapters.
    minute = transcript([turn for topic in TOPICS for turn in topic][:12], step=5.0)
    assert minute.duration == 60.0
    assert len(chapters(minute)) == 3


def test_no_speaker_labels():
    result = chapters(transcript([turn for topic in TOPICS for turn in topic], speakers=False), max_chapters=3)
    assert [c.start for c in result] == [0.0, 42.0, 84.0]


def test_contentless_transcript():
    filler = [("A", "Yeah."), ("B", "Okay."), ("A", "Um, right."), ("B", "Hmm.")] * 4
    assert chapters(transcript(filler, step=5.0)) == ()


def test_deterministic():
    first = chapters(SESSION)
    assert all(chapters(SESSION) == first for _ in range(3))


def test_valid_webvtt_chapters_track():
    result = chapters(SESSION)
    vtt = chapters_vtt([(c.start, c.end, c.title) for c in result])
    assert vtt.startswith("WEBVTT")
    cues = webvtt.from_buffer(io.StringIO(vtt))
    assert [cue.text for cue in cues] == [c.title for c in result]
    assert [round(cue.start_in_seconds, 3) for cue in cues] == [c.start for c in result]


def test_long_session_gets_at_most_max_chapters():
    turns = [turn for topic in TOPICS for turn in topic] * 10  # 180 segments, 21 minutes
    result = chapters(transcript(turns), max_chapters=8)
    assert len(result) == 8
    assert len({c.title.lower() for c in result}) == 8
