"""Hotwords must not cost sentence punctuation: real speech, real model (bench/hotwords.py).

Ten read sentences (JFK and FLEURS clips, tests/data/real/audio) joined with 0.5 s pauses,
shorter than segments.PAUSE, so only the model's punctuation can cut them; and a talk where
espeak-ng greetings that name the speakers come before real turns. Given as the bare comma
list kbgen used to send, a roster's names took the model's full stops away: three
segments of 15 s for the ten sentences, "Good morning, Steve, good morning, Katie And so...".
"""

from __future__ import annotations

import pytest

from bench.hotwords import READ, TALK, _session_phrases, boundary_scores, join_clips, word_error_rate
from kbgen.config import TranscribeConfig
from kbgen.models import Segment, Word
from kbgen.transcribe.hotwords import prompt_from


def _seg(start: float, end: float) -> Segment:
    return Segment(start, end, "x", None, (Word(" x", start, end),))


def test_boundary_scores_match_ends_within_the_tolerance_and_count_spanning_segments():
    sentences = [(0.5, 3.0, "a"), (3.5, 6.0, "b"), (6.5, 9.0, "c")]
    # ends at 3.2 (a), none for b, 8.9 (c); the second segment runs from b into c
    segments = [_seg(0.4, 3.2), Segment(3.6, 8.9, "y", None, (Word(" y", 3.6, 5.0), Word(" z", 7.0, 8.9)))]
    f = boundary_scores(sentences, segments, tolerance=0.5)
    assert (f["precision"], f["recall"], f["spanning"]) == (1.0, pytest.approx(2 / 3), 1)
    assert boundary_scores(sentences, [_seg(0.4, 4.0)], tolerance=0.5)["recall"] == 0.0


def _transcribe(clips, kind):
    from kbgen.transcribe.engine import FasterWhisperEngine

    audio, sentences = join_clips(clips)
    config = TranscribeConfig()
    hints = prompt_from(_session_phrases(kind)) if config.hotwords else None  # what the pipeline gives
    transcript = FasterWhisperEngine(config).transcribe(audio, "en", hotwords=hints)
    return sentences, transcript


@pytest.mark.model
def test_read_sentences_keep_their_ends_with_the_default_hotwords():
    sentences, transcript = _transcribe(READ, "read")
    f = boundary_scores(sentences, transcript.segments)
    shown = [s.text for s in transcript.segments]
    assert f["spanning"] == 0, shown  # no segment runs from one sentence into the next
    assert f["recall"] >= 0.9, (f, shown)  # at least 9 of the 10 sentence ends (0.5 s)
    assert f["precision"] >= 0.75, (f, shown)
    reference = " ".join(text for _, _, text in sentences)
    assert word_error_rate(reference, transcript.text) <= 0.12, transcript.text


@pytest.mark.model
def test_a_greeting_stays_out_of_the_next_turn_with_the_default_hotwords():
    sentences, transcript = _transcribe(TALK, "talk")
    f = boundary_scores(sentences, transcript.segments)
    shown = [s.text for s in transcript.segments]
    assert f["spanning"] == 0 and f["recall"] == 1.0, (f, shown)
    assert shown[:2] == ["Good morning, Steve.", "Good morning, Katie."], shown
