"""Write transcripts out as downloads: WebVTT, SRT and Whisper-compatible JSON.

Each writer is a pure function of the transcript, and the same transcript always gives
the same text (times rounded to the millisecond, halves up; JSON keys sorted), so a
rebuild changes no download that did not change. What a writer produces reads back through
:func:`kbgen.ingest.importers.import_transcript` as the same segments: times to the
millisecond, text and speakers (in SRT, a speaker survives when it looks like a name,
as ``Name: `` prefixes are only read as speakers then).
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterable

from ..models import Segment, Transcript

_CTX = decimal.Context()
_JSON = json.JSONEncoder(ensure_ascii=False)  # one encoder for every line (json.dumps makes one per call)

# The writers are by hand, not through webvtt-py and srt (which the importers use to read):
# those build a caption object per cue and format each time through datetime or parsing, and a
# build writes every segment three times; at a thousand one-hour sessions (700,000 cues) that
# was most of the render stage. The formats written here are the simple subset both libraries
# write, and tests read every writer's output back through them.


def _ms_exact(seconds: float) -> int:
    value = decimal.Decimal(repr(float(seconds))).scaleb(3, context=_CTX)
    return max(0, int(value.to_integral_value(rounding=decimal.ROUND_HALF_UP, context=_CTX)))


def _ms(seconds: float) -> int:
    """Seconds to whole milliseconds, halves up, from the float as written (so 1.0005 is
    1001 ms everywhere, not 1000 by binary rounding)."""
    value = seconds * 1000.0
    if 0.0 <= value < 1e12:
        # The product's error is far below 1e-6 ms: only a value that close to a half needs
        # the float's digits as written to round as they say.
        if abs(value - int(value) - 0.5) > 1e-6:
            return int(value + 0.5)
    return _ms_exact(seconds)


def _clock(ms: int, sep: str = ".") -> str:
    seconds, millis = divmod(ms, 1000)
    return "%02d:%02d:%02d%s%03d" % (seconds // 3600, seconds // 60 % 60, seconds % 60, sep, millis)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _vtt_escape(text: str) -> str:
    """Cue text for WebVTT: ``&``, ``<`` and ``>`` as references. With ``>`` escaped, no
    text can hold the ``-->`` that would end the cue."""
    return _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_text(segment: Segment) -> str:
    text = _vtt_escape(segment.text)
    speaker = _vtt_escape(segment.speaker or "")
    return f"<v {speaker}>{text}</v>" if speaker else text


def _vtt(cues: Iterable[tuple[str, str, str]], metadata: list[str]) -> str:
    """WebVTT as webvtt-py writes it: the header and metadata lines, then numbered cues
    (start clock, end clock, text)."""
    out = ["WEBVTT", *metadata]
    for n, (start, end, text) in enumerate(cues, 1):
        out.append(f"\n{n}\n{start} --> {end}\n{text}" if text else f"\n{n}\n{start} --> {end}")
    return "\n".join(out) + "\n"


def _times(t: Transcript) -> list[tuple[int, int]]:
    return [(_ms(s.start), _ms(s.end)) for s in t.segments]


def _clocks(times: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """Start and end clocks (an end never before its start), WebVTT style."""
    return [(_clock(a), _clock(max(a, b))) for a, b in times]


def downloads(t: Transcript) -> dict[str, str]:
    """The three downloads of ``t`` (``vtt``, ``srt``, ``json``), each time rounded once."""
    times = _times(t)
    clocks = _clocks(times)
    return {"vtt": to_vtt(t, clocks), "srt": to_srt(t, clocks), "json": to_json(t, times)}


def to_vtt(t: Transcript, clocks: list[tuple[str, str]] | None = None) -> str:
    """The transcript as WebVTT: one numbered cue per segment, the speaker as a ``<v>``
    voice span when known, a ``Language:`` header line when the language is known."""
    metadata = [f"Language: {_one_line(t.language)}"] if _one_line(t.language) else []
    clocks = _clocks(_times(t)) if clocks is None else clocks
    return _vtt(((a, b, _vtt_text(s)) for (a, b), s in zip(clocks, t.segments, strict=True)), metadata)


def chapters_vtt(chapters: list[tuple[float, float, str]]) -> str:
    """A WebVTT chapters track (``<track kind="chapters">``): one cue per (start, end, title)."""
    clocks = _clocks([(_ms(start), _ms(end)) for start, end, _ in chapters])
    return _vtt(((a, b, _vtt_escape(title)) for (a, b), (_, _, title) in zip(clocks, chapters, strict=True)), [])


def to_srt(t: Transcript, clocks: list[tuple[str, str]] | None = None) -> str:
    """The transcript as SRT, the speaker as a ``Name: `` prefix when known. SRT has no
    escaping, so the text is written as it is (on one line: a blank line would end the cue)."""
    clocks = _clocks(_times(t)) if clocks is None else clocks
    out = []
    for n, ((a, b), s) in enumerate(zip(clocks, t.segments, strict=True), 1):
        text = _one_line(s.text)
        if s.speaker:
            text = f"{_one_line(s.speaker)}: {text}"
        out.append(f"{n}\n{a.replace('.', ',')} --> {b.replace('.', ',')}\n{text}\n\n")
    return "".join(out)


def _sec(seconds: float) -> float:
    return _ms(seconds) / 1000


def to_json(t: Transcript, times: list[tuple[int, int]] | None = None) -> str:
    """The transcript as JSON shaped like ``whisper --output_format json``: ``text``,
    ``language`` and ``segments`` (``id``, ``start``, ``end``, ``text``, ``speaker``,
    ``words`` of ``word``/``start``/``end``), keys sorted, times in seconds to the ms, one
    segment per line (each line by json's C encoder: indenting every level, the pure-Python
    encoder took seconds per thousand sessions)."""
    times = _times(t) if times is None else times
    enc = _JSON.encode
    # Keys written in sorted order (the encoder keeps the dicts' order; sorting costs time).
    body = ",\n".join(["    " + enc({
        "end": end / 1000,
        "id": n,
        "speaker": s.speaker,
        "start": start / 1000,
        "text": s.text,
        "words": [{"end": _sec(w.end), "start": _sec(w.start), "word": w.text} for w in s.words],
    }) for n, ((start, end), s) in enumerate(zip(times, t.segments, strict=True))])
    return (f'{{\n  "language": {enc(t.language)},\n'
            f'  "segments": [{f"{chr(10)}{body}{chr(10)}  " if t.segments else ""}],\n'
            f'  "text": {enc(t.text)}\n}}\n')
