"""Regroup recognised words into sentence-sized segments.

Why by hand: faster-whisper's batched pipeline gives one segment per VAD chunk (up to 30 s)
unless asked for timestamp tokens, and on these machines timestamp tokens raised tiny.en's
word error rate on the demo from 3-7% to 7-21%. Word timestamps (cross-attention alignment)
keep the better text and give each word a time, so sentences are cut here: at sentence
punctuation, at a pause, or when a stretch grows too long to be a useful link target.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Segment, Word

#: A pause this long (seconds) between two words starts a new segment.
PAUSE = 1.0
#: No segment runs longer than this many seconds; it is cut at the next word.
MAX_SECONDS = 15.0
_ENDS = (".", "?", "!")


def sentences(words: Iterable[Word]) -> list[Segment]:
    """Segments of whole sentences from ``words`` (in time order)."""
    out: list[Segment] = []
    current: list[Word] = []

    def flush() -> None:
        text = "".join(w.text for w in current).strip()
        if text:
            out.append(Segment(current[0].start, current[-1].end, text, None, tuple(current)))
        current.clear()

    for word in words:
        if current and (word.start - current[-1].end >= PAUSE or word.end - current[0].start > MAX_SECONDS):
            flush()
        current.append(word)
        if word.text.strip().endswith(_ENDS):
            flush()
    flush()
    return out
