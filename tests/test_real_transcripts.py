"""Importing transcripts as real tools write them (files in tests/data/real/subtitles/, see its README).

Encodings other than UTF-8, SRT blocks without a timing line, Whisper loops, rolling captions,
ASS escapes, zero-length cues and a doubled WebVTT header.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import charset_normalizer
import pytest

from kbgen.config import load_project
from kbgen.ingest.importers import TranscriptError, import_transcript
from kbgen.pipeline import load_inputs, transcribe
from kbgen.transcribe.engine import EngineKey
from tests.conftest import FakeEngine

ROOT = Path(__file__).parent / "data" / "real"
REAL = ROOT / "subtitles"

NOT_UTF8 = "text, not UTF-8 (if any letters look wrong, save the transcript as UTF-8)"


def load(name: str, **kw):
    return import_transcript(REAL / name, ROOT, **kw)


def rows(t):
    return [(s.start, s.end, s.speaker, s.text) for s in t.segments]


def error(path: Path, root: Path = ROOT) -> str:
    with pytest.raises(TranscriptError) as e:
        import_transcript(path, root)
    return e.value.message


# --- 8. encodings ------------------------------------------------------------------------

def test_windows_1252_srt_is_read_and_the_encoding_said():
    t = load("pysrt__windows-1252.srt")
    assert t.notes == (f"read as Windows-1252 {NOT_UTF8}",)
    assert len(t.segments) == 13
    assert rows(t)[1:3] == [
        (27.074, 30.566, None, "CE FILM RELATE DES ÉVÉNEMENTS QUI ONT EXISTÉ."),
        (30.61, 34.102, None, "LES NOMS, LIEUX ET ÉVÉNEMENTS ONT ÉTÉ MODIFlÉS."),
    ]
    assert t.segments[4].text == "où le présentateur local régnait en maître."
    assert t.segments[12].text == 'Autrement dit, Ron Burgundy était "à tomber".'


def test_utf16_with_bom_srt_is_read():
    t = load("pysrt__utf-8.utf-16.srt")
    assert t.notes == (f"read as UTF-16 {NOT_UTF8}",)
    assert len(t.segments) == 13
    assert rows(t)[:3] == [(99.212, 101.407, None, "Tu es superbe."),
                           (101.481, 103.449, None, "Vraiment superbe."),
                           (104.484, 106.577, None, "Hé, vous tous!")]
    assert t.segments[5].text == "J'ai mangé des côtelettes. Je fais le ménage."
    assert t.segments[0].text[0] == "T"  # no byte order mark left in the text


def test_gb2312_srt_is_read():
    t = load("aspasia__gbk.srt")
    assert t.notes == (f"read as GB18030 (GB2312/GBK) {NOT_UTF8}",)
    assert rows(t) == [(0.0, 1.2, None, "这是中文"), (4.5, 7.1, None, "还有更多的中文"), (10.0, 11.1, None, "再见")]


def test_utf8_with_a_bom_needs_no_detection_and_no_note(monkeypatch):
    def refuse(*a, **kw):
        raise AssertionError("UTF-8 must not go through encoding detection")

    monkeypatch.setattr(charset_normalizer, "from_bytes", refuse)
    assert (REAL / "pysrt__capability_tester.srt").read_bytes().startswith(b"\xef\xbb\xbf")
    t = load("pysrt__capability_tester.srt")
    assert t.notes == ()
    assert t.segments[0].text.startswith("SubRip subtitles capability tester")


def test_text_no_encoding_reads_is_refused_naming_file_and_line(tmp_path):
    # the real text as UTF-8 with one Latin-1 subtitle pasted in (line 66): neither UTF-8 nor anything else
    text = (REAL / "pysrt__windows-1252.srt").read_bytes().decode("cp1252")
    path = tmp_path / "mixed.srt"
    path.write_bytes(text.encode("utf-8") + "14\n00:01:39,212 --> 00:01:41,407\nÇa va?\n".encode("latin-1"))
    assert error(path, tmp_path) == (
        "mixed.srt: line 66: not UTF-8 text, and no other text encoding reads it (is it a transcript?): "
        "save or export the transcript as UTF-8.")


def test_too_little_text_to_tell_the_encoding_is_refused(tmp_path):
    # the first 5 subtitles of the Windows-1252 file: "où" reads as "oů" in Windows-1250, and the
    # detector cannot tell which one it is
    blocks = (REAL / "pysrt__windows-1252.srt").read_bytes().split(b"\n\n")
    path = tmp_path / "short.srt"
    path.write_bytes(b"\n\n".join(blocks[:5]) + b"\n")
    message = error(path, tmp_path)
    assert message.startswith("short.srt: line 7: not UTF-8 text, and kbgen cannot tell its encoding (")
    assert message.endswith(" read it equally well, with different letters): save or export the transcript as UTF-8.")


# --- 9. SRT blocks without a timing line ---------------------------------------------------

def test_srt_block_without_timing_line_is_refused_like_webvtt():
    assert error(REAL / "webvttpy__missing_timeframe.srt") == (
        "subtitles/webvttpy__missing_timeframe.srt: line 5: a block with no subtitle timing line "
        "(like '00:01:02,500 --> 00:01:04,000'): fix it, or remove the blank line that parts it from the "
        "subtitle before.")
    assert error(REAL / "webvttpy__missing_timeframe.vtt") == (
        "subtitles/webvttpy__missing_timeframe.vtt: line 6: a block with no cue timing line "
        "(like '00:01:02.500 --> 00:01:04.000'): fix it, or make it a comment by starting it with 'NOTE '.")


# --- 10. Whisper loops in imports --------------------------------------------------------

LOOP_NOTES = ("collapsed a loop: 'got them' repeated 147 times at 00:25-01:25",
              "collapsed a loop: 'got them' repeated 73 times at 01:25-01:55")


def test_whisper_json_loop_is_collapsed_with_its_note():
    name = "whispertimestamped__stucked_lm_apollo11.mp3.words.json"
    raw = load(name, collapse=False)
    assert sum(s.text.split().count("got") for s in raw.segments) == 223  # 222 in the loop
    t = load(name)
    assert t.notes == LOOP_NOTES
    assert rows(t) == [
        (0.52, 6.54, None, "Apollo 11, Houston we got a recommendation for you on your Soyuz-VA GLEME GVA."),
        (7.48, 19.06, None,
         "Alright, okay, we like to say that they make the one that's on the helmet we're going to have in B1."),
        (19.36, 24.52, None, "And you can put the other one on the mic helmet with those GVA blizzard frames."),
        (25.0, 54.98, None, "Alright, got them,"),
        # the loop is broken twice where whisper-timestamped cut "them" off a segment's end
        (55.0, 84.98, None, "got"),
        (85.0, 114.98, None, "got them, got"),
    ]
    assert (t.duration, t.language) == (114.98, "en")


KEY = EngineKey("fake", "fake-1", {})


def _transcribe(project_dir: Path, fixture: str, suffix: str) -> tuple[dict, list[str]]:
    shutil.copyfile(REAL / fixture, project_dir / "recordings" / f"pub{suffix}")
    project = load_project(project_dir)
    _, sessions = load_inputs(project)
    lines: list[str] = []
    engine = FakeEngine()
    out = transcribe(project, [s for s in sessions if s.id == "pub"], echo=lines.append,
                     engine_factory=lambda: engine, key=KEY)
    assert engine.calls == 0  # imported, not transcribed
    return out, lines


def test_the_build_reports_an_imported_loop_as_for_a_recording(project_dir):
    out, lines = _transcribe(project_dir, "whispertimestamped__stucked_lm_apollo11.mp3.words.json", ".json")
    assert out["pub"].notes == LOOP_NOTES
    assert lines == ["  pub: imported json transcript"] + [f"  pub: {note}" for note in LOOP_NOTES] + [
        "transcripts: 1 imported; nothing new to transcribe"]


def test_the_build_says_which_encoding_was_assumed(project_dir):
    out, lines = _transcribe(project_dir, "pysrt__windows-1252.srt", ".srt")
    assert out["pub"].segments[1].text == "CE FILM RELATE DES ÉVÉNEMENTS QUI ONT EXISTÉ."
    assert lines == ["  pub: imported srt transcript", f"  pub: read as Windows-1252 {NOT_UTF8}",
                     "transcripts: 1 imported; nothing new to transcribe"]


# --- 11. rolling captions, escapes, zero-length cues, a doubled header ---------------------

def test_rolling_youtube_captions_keep_each_word_once():
    t = load("webvttpy__youtube_dl.vtt")
    assert rows(t) == [
        (286.07, 286.47, None, "yeah"),
        (286.47, 304.08, None, "what"),  # the cue that repeats "yeah" adds "what"
        (304.08, 305.069, None, "this will happen is I'm telling"),  # its repeat is dropped
    ]
    words = Counter(w for s in t.segments for w in s.text.split())
    assert set(words.values()) == {1}
    assert t.notes == ("rolling captions (each cue repeats the line before it): kept each line once, "
                       "dropped 2 repeated lines",)
    assert t.language == "en"


def test_ass_escapes_and_override_blocks_are_not_shown_as_text():
    t = load("pysrt__capability_tester.srt")
    text = {s.start: s.text for s in reversed(t.segments)}  # the first subtitle at each start
    starts = [(s.start, s.text) for s in t.segments]
    assert (22.501, "Implementation is the same of the ASS tag This text should be at the top and horizontally "
                    "centered") in starts
    assert text[52.501] == ("Hide these tags: also hide these tags: {Y:some_letters_or_numbers_or_chars} "
                            "but show this: {normal text}")
    assert text[54.501] == ("\\ N is a forced line break \\ h is a hard space Normal spaces at the start and at "
                            "the end of the line are trimmed while hard spaces are not trimmed. The line will "
                            "never break automatically right before or after a hard space. :-D")
    assert text[56.501] == ("A (05 hard spaces followed by a letter) A (Normal spaces followed by a letter) "
                            "A (No hard spaces followed by a letter) Show this: \\TEST and this: \\-)")
    assert text[58.501].endswith("5 normal spaces between letters: A A ^--Forced line break")
    assert not any(c in s.text for s in t.segments for c in ("\\N", "\\h", "{\\"))


def test_zero_length_cues_are_dropped():
    t = load("pysrt__capability_tester.srt")
    assert len(t.segments) == 35  # 37 subtitles, 2 that end as they start
    assert all(s.start < s.end for s in t.segments)
    assert not any("Hidden" in s.text or "hidden data" in s.text for s in t.segments)
    assert t.segments[0].start == 1.5


def test_webvtt_header_written_twice_is_accepted():
    t = load("whispertimestamped__issue190.vtt")
    assert rows(t) == [(2.48, 2.5, None, "you")]
    assert t.notes == ()
