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

from ..models import Segment, Transcript

_CTX = decimal.Context()

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
    written = repr(float(seconds))
    whole, _, frac = written.partition(".")
    if not frac or not whole.isdigit() or not frac.isdigit():  # exponent, sign, inf or nan
        return _ms_exact(seconds)
    # Decimal digits as written: the first three are the milliseconds, the fourth rounds.
    ms = int(whole) * 1000 + int(frac[:3].ljust(3, "0"))
    return ms + 1 if len(frac) > 3 and frac[3] >= "5" else ms


def _clock(ms: int, sep: str = ".") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


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


def _vtt(cues: list[tuple[int, int, str]], metadata: list[str]) -> str:
    """WebVTT as webvtt-py writes it: the header and metadata lines, then numbered cues."""
    out = ["WEBVTT", *metadata]
    for n, (start, end, text) in enumerate(cues, 1):
        out.append(f"\n{n}\n{_clock(start)} --> {_clock(max(start, end))}" + (f"\n{text}" if text else ""))
    return "\n".join(out) + "\n"


def to_vtt(t: Transcript) -> str:
    """The transcript as WebVTT: one numbered cue per segment, the speaker as a ``<v>``
    voice span when known, a ``Language:`` header line when the language is known."""
    metadata = [f"Language: {_one_line(t.language)}"] if _one_line(t.language) else []
    return _vtt([(_ms(s.start), _ms(s.end), _vtt_text(s)) for s in t.segments], metadata)


def chapters_vtt(chapters: list[tuple[float, float, str]]) -> str:
    """A WebVTT chapters track (``<track kind="chapters">``): one cue per (start, end, title)."""
    return _vtt([(_ms(start), _ms(end), _vtt_escape(title)) for start, end, title in chapters], [])


def to_srt(t: Transcript) -> str:
    """The transcript as SRT, the speaker as a ``Name: `` prefix when known. SRT has no
    escaping, so the text is written as it is (on one line: a blank line would end the cue)."""
    out = []
    for n, s in enumerate(t.segments, 1):
        text = _one_line(s.text)
        if s.speaker:
            text = f"{_one_line(s.speaker)}: {text}"
        start, end = _ms(s.start), _ms(s.end)
        out.append(f"{n}\n{_clock(start, ',')} --> {_clock(max(start, end), ',')}\n{text}\n\n")
    return "".join(out)


def _sec(seconds: float) -> float:
    return _ms(seconds) / 1000


def to_json(t: Transcript) -> str:
    """The transcript as JSON shaped like ``whisper --output_format json``: ``text``,
    ``language`` and ``segments`` (``id``, ``start``, ``end``, ``text``, ``speaker``,
    ``words`` of ``word``/``start``/``end``), keys sorted, times in seconds to the ms, one
    segment per line (each line by json's C encoder: indenting every level, the pure-Python
    encoder took seconds per thousand sessions)."""
    segments = [{
        "id": n,
        "start": _sec(s.start),
        "end": _sec(s.end),
        "text": s.text,
        "speaker": s.speaker,
        "words": [{"word": w.text, "start": _sec(w.start), "end": _sec(w.end)} for w in s.words],
    } for n, s in enumerate(t.segments)]
    body = ",\n".join(f"    {json.dumps(seg, sort_keys=True, ensure_ascii=False)}" for seg in segments)
    return (f'{{\n  "language": {json.dumps(t.language, ensure_ascii=False)},\n'
            f'  "segments": [{f"{chr(10)}{body}{chr(10)}  " if segments else ""}],\n'
            f'  "text": {json.dumps(t.text, ensure_ascii=False)}\n}}\n')
