"""Voiceprints (issue 15, part 3b): a mentor named by voice in a one-track session, learned from a
session whose tracks are one person each. Real voices (tests/data/real/audio), the real encoder."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np
import pytest

from kbgen.models import Segment, Session, Transcript
from kbgen.speakers import run
from kbgen.speakers.diarize import available

pytestmark = pytest.mark.model
AUDIO = Path(__file__).parent / "data" / "real" / "audio"
DAY = __import__("datetime").date(2026, 1, 1)


def _wav(path: Path, tracks: list[np.ndarray]) -> Path:
    n = max(len(t) for t in tracks)
    data = np.stack([np.pad(t, (0, n - len(t))) for t in tracks], axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(tracks))
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(data, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_mentor_is_named_by_voice_learned_from_their_own_track(tmp_path):
    if available():
        pytest.skip(available())
    from bench.speakers import converse, load_clip

    # Session A: one person per track, the mentor (JFK's voice) on the first.
    tracks = _wav(tmp_path / "tracks.wav", [load_clip(AUDIO, "jfk"), load_clip(AUDIO, "fleurs-en-001")])
    a = Session(id="a", title="A", date=DAY, mentors=("ana",), topics=(), visibility="public", consent=True,
                media=tracks, channels=("Ana Lopez", "Jordan"))
    ta = Transcript((Segment(0.0, 1.0, "Hello.", "Ana Lopez"),), "en", 11.0)
    # Session B: one track, the same mentor and another real person taking turns.
    conv = converse("b", ("jfk", "fleurs-en-000"), rounds=3, folder=AUDIO)
    mixed = _wav(tmp_path / "mixed.wav", [conv.audio])
    b = Session(id="b", title="B", date=DAY, mentors=("ana",), topics=(), visibility="public", consent=True,
                media=mixed)
    tb = Transcript(tuple(Segment(s, e, f"turn {i}.") for i, (s, e, _) in enumerate(conv.truth)), "en", conv.seconds)
    lines: list[str] = []
    out = run.add_speakers([a, b], {"a": ta, "b": tb}, tmp_path / ".kbgen", tmp_path, _sha, lines.append,
                           mentor_names={"ana": "Ana Lopez"})
    said = {seg.text: seg.speaker for seg in out["b"].segments}
    truth = {f"turn {i}.": (who, e - s) for i, (s, e, who) in enumerate(conv.truth)}
    jfk = sum(d for who, d in truth.values() if who == "jfk")
    named = sum(d for text, (who, d) in truth.items() if who == "jfk" and said[text] == "Ana Lopez")
    assert named / jfk >= 0.9, lines
    assert not any(said[text] == "Ana Lopez" for text, (who, _) in truth.items() if who != "jfk")
    assert any(line.startswith("  b: Ana Lopez known by voice") for line in lines)
    # The voices live in the cache only; a second build reads them and loads no model.
    assert list((tmp_path / ".kbgen" / "voiceprints").glob("*.json"))

    def no_model():
        raise AssertionError("a cached build made a diarizer")

    again = run.add_speakers([a, b], {"a": ta, "b": tb}, tmp_path / ".kbgen", tmp_path, _sha, lambda _: None,
                             diarizer_factory=no_model, mentor_names={"ana": "Ana Lopez"})
    assert again["b"] == out["b"]
    # Off: the mentor is not named by voice (the roles may still name them later).
    off = run.add_speakers([a, b], {"a": ta, "b": tb}, tmp_path / ".kbgen", tmp_path, _sha, lambda _: None,
                           mentor_names={"ana": "Ana Lopez"}, voiceprints=False)
    assert "Ana Lopez" not in {seg.speaker for seg in off["b"].segments}
