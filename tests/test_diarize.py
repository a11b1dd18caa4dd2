"""Speaker diarization (kbgen.speakers, extra `speakers`): the scoring of bench/speakers.py, and
the engine on a real two-person conversation made from tests/data/real/audio."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench.speakers import TESTS, converse, speaker_accuracy
from kbgen.speakers import Turn, available, diarizer_key
from kbgen.speakers.diarize import number_turns

TRUTH = [(0.0, 2.0, "ana"), (2.5, 4.0, "ben"), (4.5, 6.0, "ana")]


def test_perfect_labels_score_one_whatever_their_names():
    score = speaker_accuracy(TRUTH, [(0.0, 2.0, "B"), (2.5, 4.0, "A"), (4.5, 6.0, "B")])
    assert score.right == pytest.approx(1.0) and score.covered == pytest.approx(1.0)
    assert (score.found, score.people) == (2, 2)


def test_best_mapping_counts_the_wrong_person_as_confusion():
    # one label for everyone: ana's 3.5 s are right, ben's 1.5 s confused
    score = speaker_accuracy(TRUTH, [(0.0, 6.0, "A")])
    assert score.right == pytest.approx(3.5 / 5.0, abs=0.01)
    # three labels for two people: the third maps to no one, so its speech is confused
    score = speaker_accuracy(TRUTH, [(0.0, 2.0, "A"), (2.5, 4.0, "B"), (4.5, 6.0, "C")])
    assert score.right == pytest.approx(3.5 / 5.0, abs=0.01) and score.found == 3


def test_missed_and_extra_speech_are_not_confusion():
    score = speaker_accuracy(TRUTH, [(0.0, 1.0, "A"), (2.5, 4.0, "B"), (4.5, 6.0, "A"), (7.0, 9.0, "B")])
    assert score.right == pytest.approx(1.0)
    assert score.covered == pytest.approx(4.0 / 5.0, abs=0.01)


def test_turns_are_numbered_by_first_appearance_and_joined():
    turns = number_turns([(3.0, 4.0, "x"), (0.0, 1.0, "y"), (1.0, 2.0, "y"), (5.0, 5.0, "z")])
    assert turns == [Turn(0.0, 2.0, "Speaker 1"), Turn(3.0, 4.0, "Speaker 2")]


def test_importing_kbgen_speakers_imports_no_engine():
    code = ("import sys, kbgen, kbgen.speakers as s; s.available(); s.diarizer_key(); s.make_diarizer(); "
            "print(sorted(m for m in ('torch', 'resemblyzer', 'librosa', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    key = diarizer_key()
    assert key.engine == "resemblyzer" and key.options["window"] == 1.6
    reason = available()
    assert reason is None or "pip install 'kbgen[speakers]'" in reason


@pytest.mark.model
def test_two_real_people_get_their_own_speech():
    reason = available()
    if reason:
        pytest.skip(reason)
    from kbgen.speakers import make_diarizer

    conv = converse("two", ("fleurs-en-001", "fleurs-en-002"), 4, folder=TESTS)
    assert 20 < conv.seconds < 45
    diarizer = make_diarizer()
    for given in (2, None):
        began = time.perf_counter()
        turns = diarizer.diarize(conv.audio, given)
        took = time.perf_counter() - began
        score = speaker_accuracy(conv.truth, [(t.start, t.end, t.label) for t in turns])
        print(f"count {given}: {score}, {conv.seconds / took:.0f}x real time")  # noqa: T201
        assert score.right >= 0.95, score
        assert score.found == 2, score
        assert turns[0].label == "Speaker 1"
