"""Transcript downloads: WebVTT, SRT, Whisper JSON and chapters, and their round trips."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import srt
import webvtt

from kbgen.ingest.importers import import_transcript
from kbgen.models import Segment, Transcript, Word
from kbgen.transcribe.formats import chapters_vtt, to_json, to_srt, to_vtt

SAMPLES = Path(__file__).parent / "data" / "transcripts"

TRANSCRIPT = Transcript(
    segments=(
        Segment(0.0, 2.5, "Welcome, Tom & Jerry.", "Ana García", (Word(" Welcome,", 0.0, 0.6),
                                                                    Word(" Tom", 0.7, 1.0), Word(" &", 1.0, 1.1),
                                                                    Word(" Jerry.", 1.1, 2.5))),
        Segment(2.5, 4.0004, "Use <script>alert(1)</script> --> nothing runs.", "Tom Becker"),
        Segment(4.1, 5.0, "No speaker here; 1 < 2 > 0.", None),
        Segment(3661.2345, 3662.5, "An hour in: Ana's point.", "Ana García"),
    ),
    language="en",
    duration=3662.5,
    engine="faster-whisper",
    model="tiny.en",
)


def reimport(tmp_path: Path, name: str, text: str) -> Transcript:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_transcript(path, tmp_path)


def ms(x: float) -> int:
    """Milliseconds as the writers round: from the float as written, halves up."""
    return int((Decimal(repr(x)) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def same_segments(a: Transcript, b: Transcript, words: bool = False) -> None:
    assert len(a.segments) == len(b.segments)
    for x, y in zip(a.segments, b.segments, strict=True):
        assert (ms(x.start), ms(x.end), x.text, x.speaker) == (ms(y.start), ms(y.end), y.text, y.speaker)
        if words:
            assert [(w.text, ms(w.start), ms(w.end)) for w in x.words] == [
                (w.text, ms(w.start), ms(w.end)) for w in y.words]


def test_to_vtt_exact():
    assert to_vtt(TRANSCRIPT) == (
        "WEBVTT\nLanguage: en\n\n"
        "1\n00:00:00.000 --> 00:00:02.500\n<v Ana García>Welcome, Tom &amp; Jerry.</v>\n\n"
        "2\n00:00:02.500 --> 00:00:04.000\n"
        "<v Tom Becker>Use &lt;script&gt;alert(1)&lt;/script&gt; --&gt; nothing runs.</v>\n\n"
        "3\n00:00:04.100 --> 00:00:05.000\nNo speaker here; 1 &lt; 2 &gt; 0.\n\n"
        "4\n01:01:01.235 --> 01:01:02.500\n<v Ana García>An hour in: Ana's point.</v>\n"
    )


def test_vtt_is_valid_for_webvtt_py():
    parsed = webvtt.from_string(to_vtt(TRANSCRIPT), strict=True)
    assert [(c.start, c.end, c.voice) for c in parsed.captions] == [
        ("00:00:00.000", "00:00:02.500", "Ana García"), ("00:00:02.500", "00:00:04.000", "Tom Becker"),
        ("00:00:04.100", "00:00:05.000", None), ("01:01:01.235", "01:01:02.500", "Ana García")]
    assert parsed.metadata == ["Language: en"]


def test_to_srt_exact():
    assert to_srt(TRANSCRIPT) == (
        "1\n00:00:00,000 --> 00:00:02,500\nAna García: Welcome, Tom & Jerry.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nTom Becker: Use <script>alert(1)</script> --> nothing runs.\n\n"
        "3\n00:00:04,100 --> 00:00:05,000\nNo speaker here; 1 < 2 > 0.\n\n"
        "4\n01:01:01,235 --> 01:01:02,500\nAna García: An hour in: Ana's point.\n\n"
    )
    assert [s.index for s in srt.parse(to_srt(TRANSCRIPT))] == [1, 2, 3, 4]


def test_to_json_is_whisper_shaped():
    data = json.loads(to_json(TRANSCRIPT))
    assert data["language"] == "en"
    assert data["text"] == TRANSCRIPT.text
    assert data["segments"][0] == {
        "id": 0, "start": 0.0, "end": 2.5, "text": "Welcome, Tom & Jerry.", "speaker": "Ana García",
        "words": [{"word": " Welcome,", "start": 0.0, "end": 0.6}, {"word": " Tom", "start": 0.7, "end": 1.0},
                  {"word": " &", "start": 1.0, "end": 1.1}, {"word": " Jerry.", "start": 1.1, "end": 2.5}]}
    assert [s["end"] for s in data["segments"]] == [2.5, 4.0, 5.0, 3662.5]
    assert data["segments"][3]["start"] == 3661.235  # rounded to the ms, halves up
    assert data["segments"][2]["speaker"] is None


@pytest.mark.parametrize("writer", [to_vtt, to_srt, to_json])
def test_deterministic(writer):
    copy = Transcript(tuple(TRANSCRIPT.segments), "en", 3662.5)
    assert writer(TRANSCRIPT) == writer(copy) == writer(TRANSCRIPT)


def test_json_keys_sorted_one_segment_a_line():
    for t in (TRANSCRIPT, Transcript((), "en", 0.0)):
        out = to_json(t)
        data = json.loads(out)
        assert list(data) == sorted(data)
        assert all(list(seg) == sorted(seg) for seg in data["segments"])
        lines = out.splitlines()
        assert [json.loads(x.strip().rstrip(",")) for x in lines[3:3 + len(t.segments)]] == data["segments"]
        assert len(lines) == 5 + len(t.segments) + bool(t.segments)


@pytest.mark.parametrize("name, writer, model", [("a.vtt", to_vtt, "vtt"), ("a.srt", to_srt, "srt"),
                                                 ("a.json", to_json, "whisper-json")])
def test_round_trip(tmp_path, name, writer, model):
    back = reimport(tmp_path, name, writer(TRANSCRIPT))
    same_segments(TRANSCRIPT, back, words=model == "whisper-json")
    assert (back.engine, back.model) == ("import", model)
    assert back.language == ("" if model == "srt" else "en")
    assert back.duration == 3662.5


@pytest.mark.parametrize("sample", ["zoom.vtt", "teams.vtt", "plain.srt", "speakers.srt", "whisper.json"])
@pytest.mark.parametrize("name, writer", [("a.vtt", to_vtt), ("a.srt", to_srt), ("a.json", to_json)])
def test_samples_round_trip_through_every_format(tmp_path, sample, name, writer):
    original = import_transcript(SAMPLES / sample, SAMPLES)
    same_segments(original, reimport(tmp_path, name, writer(original)), words=name.endswith(".json"))


def test_chapters_vtt():
    out = chapters_vtt([(0.0, 61.5, "Intro & goals"), (61.5, 300.0, "<b>Career</b> paths")])
    assert out == ("WEBVTT\n\n1\n00:00:00.000 --> 00:01:01.500\nIntro &amp; goals\n\n"
                   "2\n00:01:01.500 --> 00:05:00.000\n&lt;b&gt;Career&lt;/b&gt; paths\n")
    parsed = webvtt.from_string(out, strict=True)
    assert [c.text for c in parsed.captions] == ["Intro &amp; goals", "&lt;b&gt;Career&lt;/b&gt; paths"]


def test_newlines_in_text_become_spaces(tmp_path):
    t = Transcript((Segment(0.0, 1.0, "two\n\nlines", "Ana\nGarcía"),), "", 1.0)
    assert "two lines" in to_vtt(t) and "<v Ana García>" in to_vtt(t)
    assert "Ana García: two lines" in to_srt(t)
    assert rows(reimport(tmp_path, "a.vtt", to_vtt(t))) == [(0.0, 1.0, "Ana García", "two lines")]


def rows(t):
    return [(s.start, s.end, s.speaker, s.text) for s in t.segments]


def test_milliseconds_round_halves_up_from_the_digits_as_written():
    """The fast rounding agrees with the decimal one (the float's digits, halves up) everywhere,
    including values written with a half: 1.0005 s is 1001 ms though the float is below it."""
    import decimal
    import random

    from kbgen.transcribe.formats import _ms

    def by_digits(x: float) -> int:
        return int(decimal.Decimal(repr(x)).scaleb(3).to_integral_value(rounding=decimal.ROUND_HALF_UP))

    rng = random.Random(3)
    values = [rng.random() * 20000 for _ in range(20000)] + [n / 2000 for n in range(20000)]
    values += [round(rng.random() * 5000, 4) for _ in range(20000)] + [1.0005, 2.0005, 0.0005, 3661.2345]
    assert [_ms(x) for x in values] == [by_digits(x) for x in values]
    assert _ms(1.0005) == 1001 and _ms(-0.2) == 0
