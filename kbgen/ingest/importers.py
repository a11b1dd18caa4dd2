"""Read transcripts people already have: WebVTT (Zoom, Teams), SRT and Whisper JSON.

Each importer turns one file into a :class:`~kbgen.models.Transcript` with
``engine="import"`` and ``model`` set to the format (``vtt``, ``srt``, ``whisper-json``).
Text comes out as plain text: cue markup is removed and character references decoded,
and anything else (``<script>`` typed into a cue included) is kept as text for the
renderer to escape. Every error names the file (relative to the project root), the line
or cue where there is one, and what to do.

The file structure is read by the libraries (webvtt-py, srt). Three things are done here
because no library does them: line numbers for errors (neither library reports them),
WebVTT cue text (webvtt-py reads the voice of the first line only, strips anything
between ``<`` and ``>`` as a tag, and leaves ``&amp;`` undecoded), and Zoom-style
``Name: text`` speaker prefixes.

Files as tools really write them: UTF-8 (with or without a byte order mark) is read at once;
anything else (UTF-16, Windows-1252, GB2312...) goes to charset-normalizer, and the encoding
it settles on is said in a note on the transcript; a file it cannot read with confidence is
refused. Cues that end as they start are dropped (players never show them), and so are the
repeats of rolling captions (YouTube's automatic captions show each line twice, once typed and
once scrolled up). Whisper's loops are collapsed as for recordings kbgen transcribes itself
(:func:`~kbgen.transcribe.loops.collapse_loops`, with its note).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from itertools import pairwise
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedCaptionError
from webvtt.models import Timestamp

from ..errors import MediaError, Problem, rel
from ..models import Segment, Transcript, Word

TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")

_FORMAT = {".vtt": "vtt", ".srt": "srt", ".json": "whisper-json"}


class TranscriptError(MediaError):
    """An imported transcript cannot be read. ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def import_transcript(path: Path, root: Path | None = None,
                      speakers: Mapping[str, str] | None = None, collapse: bool = True,
                      language: str | None = None) -> Transcript:
    """Read the transcript at ``path`` (format by suffix) into a :class:`Transcript`.

    ``speakers`` maps speaker labels as written in the file (``"Speaker 1"``) to display
    names; labels it does not name are kept. Segments come out sorted by start, each with
    ``start <= end`` and non-empty text; ``duration`` is the latest cue end. ``notes`` say
    what was assumed or repaired: the text encoding of a file that is not UTF-8, rolling
    captions de-duplicated, and (``collapse``) Whisper loops collapsed. ``language`` (the
    sidecar's) decides between readings of a file that is not UTF-8 that fit equally well.
    """
    path = Path(path)
    shown = rel(path, root)

    def fail(where: str, message: str) -> TranscriptError:
        return TranscriptError(Problem(shown, where, message))

    suffix = path.suffix.lower()
    if suffix not in _FORMAT:
        raise fail("", f"not a transcript kbgen reads: use one of {', '.join(TRANSCRIPT_SUFFIXES)}.")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise fail("", f"cannot be read ({e.strerror or e}).") from None
    text, encoding_note = _decode(data, fail, language)
    if not text.strip():
        raise fail("", "the file is empty: export the transcript again, or remove the file.")

    parse = {".vtt": _parse_vtt, ".srt": _parse_srt, ".json": _parse_json}[suffix]
    segments, language, notes = parse(text, fail)
    language = _tag(language)
    segments = [s for s in segments if s.text]
    if not segments:
        raise fail("", "has no cue with text: export the transcript again, or remove the file.")
    if speakers:
        segments = [_rename(s, speakers) for s in segments]
    segments.sort(key=lambda s: s.start)  # stable: cues that start together keep file order
    transcript = Transcript(segments=tuple(segments), language=language, duration=max(s.end for s in segments),
                            engine="import", model=_FORMAT[suffix],
                            notes=((encoding_note,) if encoding_note else ()) + tuple(notes))
    if not collapse:
        return transcript
    # The same loop rule and note as for recordings kbgen transcribes (transcribe_sessions); imported
    # here, not above: the transcribe package takes a tenth of a second to import.
    from ..transcribe.loops import collapse_loops

    return collapse_loops(transcript)


Fail = Callable[[str, str], TranscriptError]


def _rename(segment: Segment, speakers: Mapping[str, str]) -> Segment:
    if segment.speaker is None or segment.speaker not in speakers:
        return segment
    return Segment(segment.start, segment.end, segment.text, speakers[segment.speaker], segment.words)


# Two readings of the bytes this close in charset-normalizer's measures (how garbled the text
# looks, how much it looks like a language) are a tie: short Western files often read as well in
# Windows-1250 as in Windows-1252, which disagree on letters like "à" and "ï".
_TIE_CHAOS = 0.005
_TIE_COHERENCE = 0.02


#: The 8-bit code page Windows tools save a language's text in (Latin-script languages not
#: listed: Windows-1252). Several readings of a short file often fit equally well, and the
#: session's language tells which one its tool wrote.
_CODE_PAGES = {lang: page for page, langs in {
    "cp1250": "pl cs sk hu sl hr ro bs sq", "cp1251": "ru uk bg sr mk be kk ky tg mn", "cp1253": "el",
    "cp1254": "tr az", "cp1255": "he yi", "cp1256": "ar fa ur ps", "cp1257": "lt lv et", "cp1258": "vi",
    "cp874": "th", "gb18030": "zh", "cp932": "ja", "cp949": "ko"}.items() for lang in langs.split()}
_SAME_FIT = 0.03  # a reading this close to the best one's chaos fits as well


def _code_page(language: str) -> str:
    base = language.split("-")[0].lower()
    if language.lower() in ("zh-tw", "zh-hk", "zh-hant"):
        return "big5"
    return _CODE_PAGES.get(base, "cp1252")


def _tag(written: str) -> str:
    """The file's own language ("Language: English", "en_US", Whisper's "english") as a BCP 47 tag,
    read as the sidecar's is; "" when it names no known language (the session's is used then)."""
    from ..directory.places import language_tag

    return (language_tag(written.replace("_", "-"))[0] or "") if written.strip() else ""


def _decode(data: bytes, fail: Fail, language: str | None = None) -> tuple[str, str | None]:
    """The text, and a note naming the encoding assumed when the file is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None  # most files: no detection, no note
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
    import charset_normalizer  # only for files that are not UTF-8

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise fail(f"line {line}", "not UTF-8 text, and no other text encoding reads it (is it a transcript?): "
                                   "save or export the transcript as UTF-8.")
    if not best.bom and language:  # among readings that fit as well, the language's code page
        page = _code_page(language)
        mine = charset_normalizer.from_bytes(data, cp_isolation=[page]).best()
        if mine is not None and mine.chaos <= best.chaos + _SAME_FIT:
            why = "" if str(mine) == str(best) else f", the code page of the session's language ({language})"
            return str(mine).lstrip("\ufeff"), (f"read as {_encoding_name(page)} text{why}, not UTF-8 (if any "
                                                 "letters look wrong, save the transcript as UTF-8)")
    if not best.bom:  # a byte order mark (UTF-16, UTF-32) settles it
        rivals = [m for m in matches if m is not best and abs(m.chaos - best.chaos) <= _TIE_CHAOS
                  and abs(m.coherence - best.coherence) <= _TIE_COHERENCE and str(m) != str(best)]
        if rivals:
            names = " or ".join(_encoding_name(m.encoding) for m in [best, *rivals][:3])
            raise fail(f"line {line}", f"not UTF-8 text, and kbgen cannot tell its encoding ({names} read it "
                                       "equally well, with different letters): save or export the transcript "
                                       "as UTF-8.")
    name = _encoding_name(best.encoding)
    return str(best).lstrip("\ufeff"), (f"read as {name} text, not UTF-8 (if any letters look wrong, save the "
                                         "transcript as UTF-8)")


def _encoding_name(codec: str) -> str:
    """A Python codec name as people know it: "cp1252" is Windows-1252, "utf_16" UTF-16."""
    if re.fullmatch(r"cp125\d", codec):
        return f"Windows-{codec[2:]}"
    if codec == "gb18030":  # what the detector names for GB2312 and GBK files, which it includes
        return "GB18030 (GB2312/GBK)"
    return codec.upper().replace("_", "-")


def _lines(text: str) -> list[str]:
    """Lines as WebVTT and SRT count them: CRLF, CR and LF all end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _clock(ms: int, sep: str = ".") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


# --- cue timings -------------------------------------------------------------------------

# WebVTT times as webvtt-py reads them: hours optional, short fields allowed ("0:0:3.78" in
# old Microsoft Stream exports); the fraction is a decimal, so ".5" is 500 ms.
_VTT_TIME = r"(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}"
_VTT_TIMING = re.compile(rf"[ \t]*({_VTT_TIME})[ \t]+-->[ \t]+({_VTT_TIME})(?:[ \t]+.*)?")
# SRT times must have three-digit milliseconds: srt reads "00:00:03,5" as 5 ms, where the
# writer most likely meant 500, so short fractions are refused rather than guessed.
_SRT_TIME = r"(\d+):(\d{2}):(\d{2})[,.](\d{3})"
_SRT_TIMING = re.compile(rf"[ \t]*{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?")


def _blocks(lines: list[str]) -> list[tuple[int, int | None]]:
    """Blocks of lines (separated by blank lines) as (index of the first line, index of
    the timing line or None). The timing line is the first line holding ``-->``, or the
    second after an identifier, as both WebVTT and SRT place it."""
    out: list[tuple[int, int | None]] = []
    block: list[int] = []

    def close() -> None:
        if block:
            out.append((block[0], next((i for i in block[:2] if "-->" in lines[i]), None)))
        block.clear()

    for i, line in enumerate(lines):
        if line.strip():
            block.append(i)
        else:
            close()
    close()
    return out


def _check_vtt_timing(line: str, fail: Fail, where: str) -> tuple[int, int]:
    m = _VTT_TIMING.fullmatch(line)
    times = []
    if m:
        try:
            times = [Timestamp.from_string(t).in_milliseconds() for t in m.groups()]
        except MalformedCaptionError:
            m = None
    if not m:
        raise fail(where, f"malformed cue timing {line.strip()!r}: WebVTT timings look like "
                          "'00:01:02.500 --> 00:01:04.000'; fix the line or export the transcript again.")
    return times[0], times[1]


def _check_srt_timing(line: str, fail: Fail, where: str) -> tuple[int, int]:
    m = _SRT_TIMING.fullmatch(line)
    if not m or any(int(v) > 59 for v in (m[2], m[3], m[6], m[7])):
        raise fail(where, f"malformed subtitle timing {line.strip()!r}: SRT timings look like "
                          "'00:01:02,500 --> 00:01:04,000'; fix the line or export the transcript again.")
    h1, m1, s1, f1, h2, m2, s2, f2 = (int(v) for v in m.groups())
    return ((h1 * 60 + m1) * 60 + s1) * 1000 + f1, ((h2 * 60 + m2) * 60 + s2) * 1000 + f2


def _check_order(start: int, end: int, fail: Fail, where: str) -> None:
    if end < start:
        raise fail(where, f"the cue ends ({_clock(end)}) before it starts ({_clock(start)}): "
                          "fix its times or export the transcript again.")


# --- cue text ----------------------------------------------------------------------------

# Character references with their semicolon only: html.unescape alone would also turn
# legacy forms like the "&not" in "this&nothing" into "¬".
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A WebVTT cue tag: <name.class annotation>, </name>, or a timestamp tag <00:00:01.000>.
_TAG = re.compile(r"<(/?)([A-Za-z]+)((?:\.[^\s.>]+)*)(?:[ \t\f]+([^>\n]*))?>|<(?:\d+:)?\d{2}:\d{2}\.\d{3}>")
_VTT_TAGS = {"c", "i", "b", "u", "v", "lang", "ruby", "rt"}
# What SRT players treat as markup: a few HTML tags and ASS override codes like {\an8}.
_SRT_TAGS = {"i", "b", "u", "s", "font"}
_ASS_CODE = re.compile(r"\{\\[^}]*\}")


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _cue_chunks(payload: str, tags: set[str]) -> list[tuple[str | None, str]]:
    """(voice, plain text) runs of one cue, in order; tags in ``tags`` are markup, any
    other ``<...>`` is text. Only ``<v>`` starts a run: a Teams cue may hold several."""
    chunks: list[tuple[str | None, list[str]]] = [(None, [])]
    pos = 0
    for m in _TAG.finditer(payload):
        name = (m.group(2) or "").lower()
        if m.group(2) is not None and name not in tags:
            continue  # not markup: left in the text
        chunks[-1][1].append(payload[pos:m.start()])
        pos = m.end()
        if name == "v":
            voice = None if m.group(1) else _tidy(_unescape(m.group(4) or "")) or None
            chunks.append((voice, []))
    chunks[-1][1].append(payload[pos:])
    out = [(voice, _tidy(_unescape("".join(parts)))) for voice, parts in chunks]
    return [(voice, text) for voice, text in out if text]


def _plain_lines(lines: list[str], tags: set[str]) -> list[str]:
    """The plain text of each line of a cue, blank lines left out (rolling captions compare lines)."""
    out = (" ".join(text for _, text in _cue_chunks(line, tags)) for line in lines)
    return [text for text in out if text]


def _unroll(cues: list[tuple[int, int, list[str]]]) -> tuple[list[tuple[int, int, list[str]]], int]:
    """Rolling captions (YouTube's automatic captions, each cue repeating the line before it, and a
    short cue repeating the line just finished) with each line once, at the time of the cue that
    first shows it, and how many repeated lines were dropped; other files come back as they are.

    A file rolls when at least two, and at least half, of its cues begin with the last line of
    the cue before, and one of them carries it above a new line: repeats in ordinary subtitles
    ("No." "No.", "Thank you." three times, one line each) are kept.
    """
    pairs = [(prev, cur) for (_, _, prev), (_, _, cur) in pairwise(cues) if prev and cur]
    rolls = sum(cur[0] == prev[-1] for prev, cur in pairs)
    # Rolling cues carry the line before and a new one: one-line repeats alone ("Thank you."
    # three times) are speech, not a roll.
    carried = sum(len(cur) > 1 and cur[0] == prev[-1] for prev, cur in pairs)
    if rolls < 2 or not carried or 2 * rolls < len(pairs):
        return cues, 0
    out: list[tuple[int, int, list[str]]] = []
    dropped = 0
    shown: list[str] = []  # the lines of the last cue with text
    for start, end, lines in cues:
        if not lines:
            continue
        # the longest run of this cue's first lines that ends the cue before
        k = next((k for k in range(min(len(lines), len(shown)), 0, -1) if lines[:k] == shown[-k:]), 0)
        dropped += k
        if lines[k:]:
            out.append((start, end, lines[k:]))
        shown = lines
    return out, dropped


def _rolling_note(dropped: int) -> str:
    return (f"rolling captions (each cue repeats the line before it): kept each line once, "
            f"dropped {dropped} repeated line{'s' if dropped != 1 else ''}")


_PARTICLES = {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el", "ibn",
              "la", "le", "ten", "ter", "van", "von", "y"}
_LABEL = re.compile(r"[A-Z]+_\d+")  # SPEAKER_00 as diarization tools write it


def _looks_like_name(prefix: str) -> bool:
    """True for "Ana García", "Dr. Tom O'Neil", "Ana de la Cruz", "Speaker 1", "SPEAKER_01"."""
    words = prefix.split(" ")
    if len(prefix) > 40 or not 1 <= len(words) <= 4:
        return False
    for i, word in enumerate(words):
        if _LABEL.fullmatch(word) or (i > 0 and word.isdigit()):
            continue
        if 0 < i < len(words) - 1 and word in _PARTICLES:
            continue
        if not (word[:1].isalpha() and word[:1].isupper() and all(c.isalpha() or c in "'’.-" for c in word)):
            return False
    return True


def _split_prefix(text: str) -> tuple[str | None, str]:
    prefix, sep, rest = text.partition(": ")
    if sep and _looks_like_name(prefix):
        return prefix, rest.strip()
    return None, text


def _apply_prefixes(cues: list[tuple[int, int, str]]) -> list[Segment]:
    """Segments from (start ms, end ms, text), taking ``Name: `` prefixes as speakers.

    A prefix counts when most cues carry one (Zoom prefixes every cue) or when the same
    name opens two cues or more, so a lone "Question: ..." in a plain file stays text.
    """
    found = [_split_prefix(text) for _, _, text in cues]
    counts = Counter(name for name, _ in found if name)
    most = 2 * sum(counts.values()) >= len(cues)
    out = []
    for (start, end, text), (name, rest) in zip(cues, found, strict=True):
        if name and (most or counts[name] >= 2):
            out.append(Segment(start / 1000, end / 1000, rest, name))
        else:
            out.append(Segment(start / 1000, end / 1000, text))
    return out


# --- WebVTT ------------------------------------------------------------------------------


# The header line: "WEBVTT" alone or followed by a space or tab and any text.
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")


def _parse_vtt(text: str, fail: Fail) -> tuple[list[Segment], str, list[str]]:
    lines = _lines(text)
    if not lines[0].startswith("WEBVTT"):
        hint = ("it looks like SRT: rename it to .srt" if _SRT_TIMING.fullmatch(lines[1] if len(lines) > 1 else "")
                or _SRT_TIMING.fullmatch(lines[0]) else "export it again as WebVTT")
        raise fail("line 1", f"not a WebVTT file (its first line must be 'WEBVTT'): {hint}.")
    timings = []
    for first, timing in _blocks(lines)[1:]:  # the first block is the header
        if timing is not None:
            _check_vtt_timing(lines[timing], fail, f"line {timing + 1}")
            timings.append(timing)
        elif not timings and _VTT_HEADER.fullmatch(lines[first]):
            continue  # the header written twice (whisper-timestamped before 1.15.4 did): webvtt-py skips it
        elif not lines[first].startswith(("NOTE", "STYLE", "REGION")):
            # WebVTT says to skip such a block; its text would be lost without a word.
            raise fail(f"line {first + 1}", "a block with no cue timing line (like '00:01:02.500 --> "
                                            "00:01:04.000'): fix it, or make it a comment by starting it "
                                            "with 'NOTE '.")
    parsed = webvtt.from_string(text)
    captions = parsed.captions
    # Every timing line was checked above, so webvtt-py kept one caption for each; if a
    # file still splits differently, errors name the cue instead of the line.
    aligned = len(captions) == len(timings)
    cues: list[tuple[int, int, list[tuple[str | None, str]], list[str]]] = []
    for n, caption in enumerate(captions):
        where = f"line {timings[n] + 1}" if aligned else f"cue {n + 1}"
        start, end = caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds()
        _check_order(start, end, fail, where)
        if start == end:
            continue  # a cue that ends as it starts is never shown (tools hide data in them)
        cues.append((start, end, _cue_chunks(caption.raw_text, _VTT_TAGS), caption.lines))

    language = ""
    for line in parsed.metadata:  # "Language: en", as YouTube and Teams write it
        key, _, value = line.partition(":")
        if key.strip().lower() == "language" and value.strip():
            language = value.strip()

    if any(voice for _, _, chunks, _ in cues for voice, _ in chunks):
        return [Segment(s / 1000, e / 1000, t, v) for s, e, chunks, _ in cues for v, t in chunks], language, []
    rolled, dropped = _unroll([(s, e, _plain_lines(cue_lines, _VTT_TAGS)) for s, e, _, cue_lines in cues])
    if dropped:
        return _apply_prefixes([(s, e, " ".join(ls)) for s, e, ls in rolled]), language, [_rolling_note(dropped)]
    # No voice spans: Zoom writes the speaker as a "Name: " prefix.
    return _apply_prefixes([(s, e, " ".join(t for _, t in chunks)) for s, e, chunks, _ in cues]), language, []


# --- SRT ---------------------------------------------------------------------------------


# ASS escapes that SRT players honour (the files come from ASS conversions): \N and \n break
# the line, \h is a hard space.
_ASS_ESCAPE = re.compile(r"\\([Nnh])")


def _ass_escapes(text: str) -> str:
    return _ASS_ESCAPE.sub(lambda m: " " if m.group(1) == "h" else "\n", text)


def _parse_srt(text: str, fail: Fail) -> tuple[list[Segment], str, list[str]]:
    lines = _lines(text)
    if lines[0].startswith("WEBVTT"):
        raise fail("line 1", "this is a WebVTT file, not SRT: rename it to .vtt.")
    blocks = _blocks(lines)
    timings = [t for _, t in blocks if t is not None]
    if not timings:
        raise fail("", "not an SRT file (no line like '00:00:01,000 --> 00:00:02,500'): "
                       "export the transcript again as SRT.")
    for i in timings:
        _check_srt_timing(lines[i], fail, f"line {i + 1}")
    # srt reads a block without a timing line after a subtitle as more of its text (stray number
    # included): refused, as in WebVTT. Stray text before the first subtitle is srt's own error below.
    for first, timing in blocks:
        if timing is None and first > timings[0]:
            raise fail(f"line {first + 1}", "a block with no subtitle timing line (like '00:01:02,500 --> "
                                            "00:01:04,000'): fix it, or remove the blank line that parts it "
                                            "from the subtitle before.")
    try:
        subtitles = list(srt.parse("\n".join(lines)))
    except srt.SRTParseError as e:
        stray = e.unmatched_content
        line = "\n".join(lines).count("\n", 0, e.expected_start + len(stray) - len(stray.lstrip())) + 1
        raise fail(f"line {line}", "not a subtitle (expected a number, then a timing line like "
                                   "'00:00:01,000 --> 00:00:02,500', then text): fix it or export the "
                                   "transcript again.") from None
    aligned = len(subtitles) == len(timings)
    cues = []
    for n, sub in enumerate(subtitles):
        where = f"line {timings[n] + 1}" if aligned else f"subtitle {n + 1}"
        start, end = sub.start // dt.timedelta(milliseconds=1), sub.end // dt.timedelta(milliseconds=1)
        _check_order(start, end, fail, where)
        if start == end:
            continue  # never shown: players skip a subtitle that ends as it starts
        cues.append((start, end, _ass_escapes(_ASS_CODE.sub("", sub.content))))
    rolled, dropped = _unroll([(s, e, _plain_lines(content.split("\n"), _SRT_TAGS)) for s, e, content in cues])
    if dropped:
        return _apply_prefixes([(s, e, " ".join(ls)) for s, e, ls in rolled]), "", [_rolling_note(dropped)]
    return _apply_prefixes([(s, e, " ".join(t for _, t in _cue_chunks(content, _SRT_TAGS)))
                            for s, e, content in cues]), "", []


# --- Whisper JSON ------------------------------------------------------------------------


class _Literal:
    """A number in the file that cannot be a time (NaN, Infinity, 1e999, or an integer too
    long to convert), kept as written so that an error can quote it. Neither a number nor
    a string: every check of a field's type refuses it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        if len(self.text) <= 40:
            return self.text
        return f"a number {sum(c.isdigit() for c in self.text)} digits long"


_MAX_DIGITS = 20  # longer integers are no time in seconds (and past 4300 digits int() refuses them)


def _int(text: str) -> int | _Literal:
    return _Literal(text) if len(text) > _MAX_DIGITS else int(text)


def _float(text: str) -> float | _Literal:
    value = float(text)
    return value if math.isfinite(value) else _Literal(text)


def _shown(value: object) -> str:
    """``value`` as an error may quote it: short, whatever the file holds."""
    if isinstance(value, _Literal):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str) and len(value) > 40:
        return json.dumps(value[:40])[:-1] + '..."'
    return json.dumps(value)


def _seconds(value: object, fail: Fail, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise fail(where, f"{key!r} must be a number of seconds, not {_shown(value)}: "
                          "export the transcript again with Whisper's JSON output.")
    return float(value)


def _words(raw: object) -> tuple[Word, ...]:
    """Words of one segment, or none when any lacks its text or times (a partial list
    would disagree with the segment's text)."""
    if not isinstance(raw, list):
        return ()
    words = []
    for w in raw:
        if not isinstance(w, dict):
            return ()
        text, ws, we = w.get("word"), w.get("start"), w.get("end")
        if not isinstance(text, str) or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in (ws, we)):
            return ()
        if we < ws:
            return ()
        words.append(Word(text, float(ws), float(we)))
    return tuple(words)


def _parse_json(text: str, fail: Fail) -> tuple[list[Segment], str, list[str]]:
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_Literal)
    except json.JSONDecodeError as e:
        raise fail(f"line {e.lineno}", f"not valid JSON ({e.msg}, column {e.colno}): fix it or export "
                                       "the transcript again with Whisper's JSON output.") from None
    except RecursionError:  # [[[[... : Whisper writes 4 levels, not thousands
        raise fail("", "nested too deep to be a Whisper transcript: export the transcript again with "
                       "Whisper's JSON output.") from None
    language = ""
    if isinstance(data, dict):
        raw = data.get("segments")
        if isinstance(data.get("language"), str):
            language = data["language"]
    else:
        raw = data  # faster-whisper-like: a list of segments
    if not isinstance(raw, list):
        raise fail("", "not Whisper JSON (expected an object with a 'segments' list, or a list of "
                       "segments): export the transcript again with Whisper's JSON output.")
    segments = []
    for n, seg in enumerate(raw, 1):
        where = f"segment {n}"
        if not isinstance(seg, dict):
            raise fail(where, "expected an object with 'start', 'end' and 'text': "
                              "export the transcript again with Whisper's JSON output.")
        start = _seconds(seg.get("start"), fail, where, "start")
        end = _seconds(seg.get("end"), fail, where, "end")
        if end < start:
            raise fail(where, f"the segment ends ({end:g} s) before it starts ({start:g} s): "
                              "fix its times or export the transcript again.")
        body = seg.get("text")
        if not isinstance(body, str):
            raise fail(where, "'text' must be a string: export the transcript again with Whisper's JSON output.")
        speaker = seg.get("speaker")
        speaker = (_tidy(speaker) or None) if isinstance(speaker, str) else None
        segments.append(Segment(start, end, _tidy(body), speaker, _words(seg.get("words"))))
    return segments, language, []
