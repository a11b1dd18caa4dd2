"""Importing transcripts people already have: Zoom/Teams WebVTT, SRT, Whisper JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbgen.errors import MediaError
from kbgen.ingest.importers import TRANSCRIPT_SUFFIXES, TranscriptError, import_transcript
from kbgen.models import Segment, Word

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "transcripts"


def load(name: str, **kw):
    return import_transcript(SAMPLES / name, DATA, **kw)


def rows(t):
    return [(s.start, s.end, s.speaker, s.text) for s in t.segments]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error(tmp_path: Path, name: str, content: str | bytes) -> str:
    with pytest.raises(TranscriptError) as e:
        import_transcript(write(tmp_path, name, content), tmp_path)
    return e.value.message


def vtt_cue(payload: str) -> str:
    return f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n{payload}\n"


def assert_invariants(t):
    assert t.segments
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)
    assert all(s.start <= s.end and s.text and s.text == s.text.strip() for s in t.segments)
    assert t.duration == max(s.end for s in t.segments)


def test_suffixes():
    assert TRANSCRIPT_SUFFIXES == (".vtt", ".srt", ".json")


def test_zoom_vtt():
    t = load("zoom.vtt")
    assert (t.engine, t.model, t.language, t.duration) == ("import", "vtt", "", 22.1)
    assert rows(t) == [
        (1.52, 5.34, "Ana García", "Hi Tom, thanks for making the time. Can you hear me all right?"),
        (5.91, 7.08, "Tom Becker", "Yes, loud and clear."),
        (7.6, 13.25, "Tom Becker",
         "So I wanted to talk about moving from support into a data role, and what I should learn first."),
        (13.9, 20.015, "Ana García", "Great question. Start with SQL & a little Python: pandas, not deep learning."),
        # only the first "Name: " is the speaker; the rest of the line is text
        (20.4, 22.1, "Tom Becker", "Note to self: SQL first."),
    ]
    assert_invariants(t)


def test_teams_vtt():
    t = load("teams.vtt")
    assert (t.model, t.duration) == ("vtt", 19.25)
    assert rows(t) == [
        (0.48, 4.12, "Ana García", "Welcome back. Last time we said you'd draft your promotion case."),
        (4.12, 6.9, "Ana García", "How did that go?"),
        (7.35, 12.8, "Priya Natarajan",
         "Honestly, I rewrote it three times. The impact section was hard & I'm still unsure."),
        # two voices in one cue: one segment each, both with the cue's times
        (13.01, 15.5, "Ana García", "That's normal."),
        (13.01, 15.5, "Priya Natarajan", "Good to hear!"),
        # </v> may be left out
        (16.0, 19.25, "Priya Natarajan", "Should I mention the incident from March?"),
    ]
    assert_invariants(t)


def test_plain_srt():
    t = load("plain.srt")
    assert (t.engine, t.model, t.language, t.duration) == ("import", "srt", "", 10.0)
    assert rows(t) == [
        (0.0, 3.4, None, "Today we're going to look at how to run a good one-on-one."),
        (3.9, 7.25, None, "First, the agenda belongs to the mentee."),
        # one lone "Question: " in a file without speakers is text, not a speaker
        (7.8, 10.0, None, "Question: who writes it down? The mentee, again."),
    ]


def test_speakers_srt_and_mapping():
    t = load("speakers.srt")
    assert rows(t) == [
        (0.5, 2.75, "Speaker 1", "Shall we start with your goals?"),
        (3.1, 6.0, "Speaker 2", "Sure. I'd like to lead a team within a year."),
        (6.2, 9.48, "Speaker 1", 'OK. What does "lead" mean to you: people or tech?'),
        (10.0, 12.3, "Speaker 2", "People, mostly."),
    ]
    named = load("speakers.srt", speakers={"Speaker 1": "Ana García", "Nobody": "X"})
    assert [s.speaker for s in named.segments] == ["Ana García", "Speaker 2", "Ana García", "Speaker 2"]


def test_whisper_json():
    t = load("whisper.json")
    assert (t.engine, t.model, t.language, t.duration) == ("import", "whisper-json", "en", 4.5)
    assert rows(t) == [(0.0, 2.1, None, "Let's review your portfolio."),
                       (2.64, 4.5, None, "Sure, I brought three projects.")]
    assert t.segments[0].words == (Word(" Let's", 0.0, 0.36), Word(" review", 0.36, 0.78),
                                   Word(" your", 0.78, 0.98), Word(" portfolio.", 0.98, 2.1))
    assert len(t.segments[1].words) == 5


def test_faster_whisper_list_sorted_with_speakers():
    t = load("faster_whisper.json", speakers={"SPEAKER_00": "Ana García"})
    assert rows(t) == [(0.0, 4.2, "Ana García", "Two projects first."), (5.0, 6.25, "SPEAKER_01", "And a third one.")]
    assert t.language == ""


def test_json_words_dropped_when_incomplete(tmp_path):
    path = write(tmp_path, "w.json", '{"segments": [{"start": 0, "end": 1, "text": "a b", '
                                     '"words": [{"word": " a", "start": 0, "end": 0.5}, {"word": " b"}]}]}')
    assert import_transcript(path, tmp_path).segments == (Segment(0.0, 1.0, "a b"),)


def test_entities_and_tags(tmp_path):
    t = import_transcript(write(tmp_path, "a.vtt", vtt_cue("<v Ana>Tom &amp; Jerry <b>bold</b></v>")), tmp_path)
    assert rows(t) == [(1.0, 2.0, "Ana", "Tom & Jerry bold")]
    payload = "<c.yellow>Hello</c> <00:00:01.500><i>there</i> &lt;3 &nbsp;&#233;&#xe9; R&D &not &amp;amp;"
    t = import_transcript(write(tmp_path, "b.vtt", vtt_cue(payload)), tmp_path)
    # only semicolon-terminated references are decoded; "&amp;amp;" decodes once
    assert t.segments[0].text == "Hello there <3 éé R&D &not &amp;"


def test_html_in_cue_text_is_kept_as_text(tmp_path):
    payload = "&lt;script&gt;alert(1)&lt;/script&gt; and <script>alert(2)</script> <img src=x onerror=alert(3)>"
    t = import_transcript(write(tmp_path, "x.vtt", vtt_cue(payload)), tmp_path)
    # not markup WebVTT knows, so it is text: the renderer escapes it
    assert t.segments[0].text == "<script>alert(1)</script> and <script>alert(2)</script> <img src=x onerror=alert(3)>"
    srt_text = "1\n00:00:01,000 --> 00:00:02,000\n<b>Ana</b>: <script>x()</script> {\\an8}a &lt; b\n"
    t = import_transcript(write(tmp_path, "x.srt", srt_text), tmp_path)
    assert rows(t) == [(1.0, 2.0, "Ana", "<script>x()</script> a < b")]


def test_voice_with_class_and_escaped_name(tmp_path):
    t = import_transcript(write(tmp_path, "a.vtt", vtt_cue("<v.loud Tom &amp; Co>Hi</v>")), tmp_path)
    assert rows(t) == [(1.0, 2.0, "Tom & Co", "Hi")]


def test_vtt_header_language_notes_styles_and_crlf(tmp_path):
    text = ("WEBVTT - exported\r\nKind: captions\r\nLanguage: es\r\n\r\n"
            "STYLE\r\n::cue { color: yellow }\r\n\r\n"
            "NOTE a comment\r\nover two lines\r\n\r\n"
            "00:00:00.500 --> 00:00:01.000 align:start position:10%\r\nHola,\r\n¿qué tal?\r\n\r\n"
            "0:0:1.5 --> 0:0:2.25\r\n\r\n"  # old Stream-style short times; no text: dropped
            "00:02.000 --> 00:03.000\r\nBien.\r\n")
    t = import_transcript(write(tmp_path, "a.vtt", text.encode("utf-8-sig")), tmp_path)
    assert (t.language, rows(t)) == ("es", [(0.5, 1.0, None, "Hola, ¿qué tal?"), (2.0, 3.0, None, "Bien.")])


@pytest.mark.parametrize("prefix, speaker", [
    ("Ana García", "Ana García"), ("Dr. Tom O'Neil", "Dr. Tom O'Neil"), ("Ana de la Cruz", "Ana de la Cruz"),
    ("Speaker 1", "Speaker 1"), ("SPEAKER_01", "SPEAKER_01"), ("Zoë", "Zoë"),
    ("the answer", None), ("10:30 Meeting", None), ("Five Capitalised Words Is Long", None),
    ("A" * 41, None), ("Ana 2b", None),
])
def test_name_prefixes(tmp_path, prefix, speaker):
    t = import_transcript(write(tmp_path, "a.vtt", vtt_cue(f"{prefix}: hello")), tmp_path)
    assert t.segments[0].speaker == speaker
    assert t.segments[0].text == ("hello" if speaker else f"{prefix}: hello")


def test_prefixes_not_read_in_teams_files(tmp_path):
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>Tom: hi</v>\n\n00:03.000 --> 00:04.000\nNote: x\n"
    t = import_transcript(write(tmp_path, "a.vtt", text), tmp_path)
    assert rows(t) == [(1.0, 2.0, "Ana", "Tom: hi"), (3.0, 4.0, None, "Note: x")]


def test_srt_block_without_timing_is_refused(tmp_path):
    # srt alone would read it as more text of the subtitle before it; kbgen refuses it as in WebVTT
    text = "1\n00:00:01,000 --> 00:00:02,000\nok\n\nand more\n\n2\n00:00:03,000 --> 00:00:04,000\nok\n"
    assert error(tmp_path, "a.srt", text) == (
        "a.srt: line 5: a block with no subtitle timing line (like '00:01:02,500 --> 00:01:04,000'): "
        "fix it, or remove the blank line that parts it from the subtitle before.")


def test_sorted_by_start(tmp_path):
    text = "1\n00:00:05,000 --> 00:00:06,000\nlater\n\n2\n00:00:01,000 --> 00:00:02,000\nearlier\n"
    t = import_transcript(write(tmp_path, "a.srt", text), tmp_path)
    assert [s.text for s in t.segments] == ["earlier", "later"]
    assert t.duration == 6.0


# --- errors: exact text, file relative to the root, line where there is one --------------

def test_error_is_media_error():
    assert issubclass(TranscriptError, MediaError)


def test_errors_on_samples():
    def msg(name):
        with pytest.raises(TranscriptError) as e:
            load(name)
        return e.value.message

    assert msg("bad_timestamp.vtt") == (
        "transcripts/bad_timestamp.vtt: line 8: malformed cue timing '00:00:03,000 --> 00:00:04.000': "
        "WebVTT timings look like '00:01:02.500 --> 00:01:04.000'; fix the line or export the transcript again.")
    assert msg("end_before_start.srt") == (
        "transcripts/end_before_start.srt: line 6: the cue ends (00:00:04.000) before it starts (00:00:05.000): "
        "fix its times or export the transcript again.")
    # too short for its encoding to be told: Windows-1250, CP775... read it with different letters
    # (which ones charset-normalizer names may change with its version)
    latin1 = msg("latin1.vtt")
    assert latin1.startswith("transcripts/latin1.vtt: line 5: not UTF-8 text, and kbgen cannot tell its encoding (")
    assert latin1.endswith(" read it equally well, with different letters): save or export the transcript as UTF-8.")
    assert msg("empty.vtt") == (
        "transcripts/empty.vtt: the file is empty: export the transcript again, or remove the file.")
    assert msg("not_vtt.vtt") == (
        "transcripts/not_vtt.vtt: line 1: not a WebVTT file (its first line must be 'WEBVTT'): "
        "it looks like SRT: rename it to .srt.")
    assert msg("broken.json") == (
        "transcripts/broken.json: line 2: not valid JSON (Expecting ',' delimiter, column 17): "
        "fix it or export the transcript again with Whisper's JSON output.")


def test_vtt_errors(tmp_path):
    assert error(tmp_path, "a.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nx\n") == (
        "a.vtt: line 3: the cue ends (00:00:04.000) before it starts (00:00:05.000): "
        "fix its times or export the transcript again.")
    assert error(tmp_path, "b.vtt", "WEBVTT\n\n1\n00:00:75.000 --> 00:01:20.000\nx\n") == (
        "b.vtt: line 4: malformed cue timing '00:00:75.000 --> 00:01:20.000': WebVTT timings look like "
        "'00:01:02.500 --> 00:01:04.000'; fix the line or export the transcript again.")
    assert error(tmp_path, "c.vtt", "WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nx\n") == (
        "c.vtt: line 3: a block with no cue timing line (like '00:01:02.500 --> 00:01:04.000'): "
        "fix it, or make it a comment by starting it with 'NOTE '.")
    assert error(tmp_path, "d.vtt", "Hello\n") == (
        "d.vtt: line 1: not a WebVTT file (its first line must be 'WEBVTT'): export it again as WebVTT.")
    assert error(tmp_path, "e.vtt", "WEBVTT\n\nNOTE nothing here\n") == (
        "e.vtt: has no cue with text: export the transcript again, or remove the file.")
    assert error(tmp_path, "f.vtt", " \n\n") == (
        "f.vtt: the file is empty: export the transcript again, or remove the file.")


def test_srt_errors(tmp_path):
    assert error(tmp_path, "a.srt", "1\n00:00:01,5 --> 00:00:02,000\nx\n") == (
        "a.srt: line 2: malformed subtitle timing '00:00:01,5 --> 00:00:02,000': SRT timings look like "
        "'00:01:02,500 --> 00:01:04,000'; fix the line or export the transcript again.")
    assert error(tmp_path, "b.srt", "WEBVTT\n\n00:01.000 --> 00:02.000\nx\n") == (
        "b.srt: line 1: this is a WebVTT file, not SRT: rename it to .vtt.")
    assert error(tmp_path, "c.srt", "just some notes\n") == (
        "c.srt: not an SRT file (no line like '00:00:01,000 --> 00:00:02,500'): "
        "export the transcript again as SRT.")
    text = "\n\nstray words\nhere\n\n1\n00:00:01,000 --> 00:00:02,000\nok\n"
    assert error(tmp_path, "d.srt", text) == (
        "d.srt: line 3: not a subtitle (expected a number, then a timing line like "
        "'00:00:01,000 --> 00:00:02,500', then text): fix it or export the transcript again.")


def test_json_errors(tmp_path):
    tail = "export the transcript again with Whisper's JSON output."
    assert error(tmp_path, "a.json", '{"text": "hi"}') == (
        "a.json: not Whisper JSON (expected an object with a 'segments' list, or a list of segments): " + tail)
    assert error(tmp_path, "b.json", '[{"start": "0", "end": 1, "text": "x"}]') == (
        "b.json: segment 1: 'start' must be a number of seconds, not \"0\": " + tail)
    two = '[{"start": 0, "end": 1, "text": "x"}, {"start": 3, "end": 2.5, "text": "y"}]'
    assert error(tmp_path, "c.json", two) == (
        "c.json: segment 2: the segment ends (2.5 s) before it starts (3 s): "
        "fix its times or export the transcript again.")
    assert error(tmp_path, "d.json", '[{"start": 0, "end": NaN, "text": "x"}]') == (
        "d.json: segment 1: 'end' must be a number of seconds, not NaN: " + tail)
    assert error(tmp_path, "e.json", '[{"start": 0, "end": 1}]') == (
        "e.json: segment 1: 'text' must be a string: " + tail)
    assert error(tmp_path, "f.json", "[1]") == (
        "f.json: segment 1: expected an object with 'start', 'end' and 'text': " + tail)


def test_other_suffix_and_missing_file(tmp_path):
    assert error(tmp_path, "notes.txt", "hi") == (
        "notes.txt: not a transcript kbgen reads: use one of .vtt, .srt, .json.")
    with pytest.raises(TranscriptError) as e:
        import_transcript(tmp_path / "gone.vtt", tmp_path)
    assert e.value.message == "gone.vtt: cannot be read (No such file or directory)."


def test_a_single_repeated_cue_is_not_taken_for_rolling_captions(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nNo.\n\n2\n00:00:02,000 --> 00:00:03,000\nNo.\n\n"
            "3\n00:00:03,000 --> 00:00:04,000\nNot like that.\n")
    t = import_transcript(write(tmp_path, "a.srt", text), tmp_path)
    assert [s.text for s in t.segments] == ["No.", "No.", "Not like that."] and t.notes == ()


# -- readings of a file that is not UTF-8: the session's language decides a tie ---------------

POLISH = "1\n00:00:01,000 --> 00:00:03,000\nDzień dobry, będziemy rozmawiać o negocjacjach płacowych.\n"
FRENCH = "1\n00:00:01,000 --> 00:00:02,000\nTrès bien, à demain.\n\n2\n00:00:03,000 --> 00:00:04,000\nOù est-il ?\n"


def test_a_short_polish_file_is_read_in_its_code_page(tmp_path):
    """Read without the language, Windows-1257 fits as well and garbles it ("rozmawiaę")."""
    path = write(tmp_path, "pl.srt", POLISH.encode("cp1250"))
    t = import_transcript(path, tmp_path, language="pl")
    assert t.segments[0].text == "Dzień dobry, będziemy rozmawiać o negocjacjach płacowych."
    assert t.notes[0].startswith("read as Windows-1250 text")


def test_a_short_french_file_is_read_with_the_session_language(tmp_path):
    path = write(tmp_path, "fr.srt", FRENCH.encode("cp1252"))
    with pytest.raises(TranscriptError, match="cannot tell its encoding"):  # Windows-1250 reads it as well
        import_transcript(path, tmp_path)
    t = import_transcript(path, tmp_path, language="fr")
    assert [s.text for s in t.segments] == ["Très bien, à demain.", "Où est-il ?"]


def test_repeated_one_line_cues_are_not_rolling_captions(tmp_path):
    vtt = "WEBVTT\n\n" + "".join(f"00:00:0{2 * i}.000 --> 00:00:0{2 * i + 1}.000\n{text}\n\n" for i, text in
                                 enumerate(["Say it with me.", "Thank you.", "Thank you.", "Thank you.", "Great."]))
    t = import_transcript(write(tmp_path, "chant.vtt", vtt), tmp_path, collapse=False)
    assert [s.text for s in t.segments] == ["Say it with me.", "Thank you.", "Thank you.", "Thank you.", "Great."]
