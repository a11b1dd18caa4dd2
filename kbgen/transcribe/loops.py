"""Whisper's loops: one phrase repeated over and over, collapsed to a single occurrence.

On long or noisy audio Whisper can fall into a loop and write the same phrase ("Thank you.")
tens of times, within one segment or over many consecutive ones. :func:`collapse_loops` finds a
phrase of 1 to :data:`MAX_PHRASE_WORDS` words said :data:`MIN_REPEATS` or more times in a row
(single words :data:`MIN_REPEATS_ONE_WORD` times, since "no, no, no" is ordinary speech), keeps
the first occurrence with its times, drops the rest, and says what it did in
``Transcript.notes``. Words compare by their letters and digits only, so "Thank you." and
"thank you," are the same phrase.

The transcript is read as one stream of words (a segment's ``words`` when it has them, else its
text split on spaces), so a loop that spans segments is found as well as one inside a segment.
Segments whose words are all dropped disappear; a segment that loses some words keeps the times
of the words it keeps. Segments stay in order and within their old bounds, so timestamps remain
monotonic; the dropped stretch is a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..models import Segment, Transcript, Word
from .progress import clock

#: The longest phrase (in words) looked for: a whole sentence (Whisper base repeated a 17-word
#: Spanish one seven times over on an espeak-ng draft of the demo).
MAX_PHRASE_WORDS = 30
#: A phrase of two or more words said this many times in a row is a loop.
MIN_REPEATS = 3
#: A single word needs more repeats: "no, no, no" and "very very very" are real speech.
MIN_REPEATS_ONE_WORD = 4

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class _Token:
    norm: str  # what is compared
    seg: int  # index of its segment
    idx: int  # index in the segment's words (or text tokens)
    start: float
    end: float


@lru_cache(maxsize=1 << 16)  # words repeat: a transcript has a few thousand distinct ones
def _norm(text: str) -> str:
    """Lower case, letters and digits only; punctuation-only tokens compare as themselves."""
    stripped = text.strip()
    return _NON_WORD.sub("", stripped.lower()) or stripped


def _tokens(segments: tuple[Segment, ...]) -> list[_Token]:
    out: list[_Token] = []
    for si, seg in enumerate(segments):
        if seg.words:
            out += [_Token(_norm(w.text), si, wi, w.start, w.end) for wi, w in enumerate(seg.words)]
        else:
            out += [_Token(_norm(t), si, ti, seg.start, seg.end) for ti, t in enumerate(seg.text.split())]
    return out


def _repeats(norms: list[str], i: int, n: int) -> int:
    """How many times ``norms[i:i+n]`` occurs back to back from ``i``."""
    phrase = norms[i : i + n]
    r = 1
    while norms[i + r * n : i + (r + 1) * n] == phrase:
        r += 1
    return r


def _threshold(n: int, min_repeats: int, min_repeats_one_word: int) -> int:
    return min_repeats_one_word if n == 1 else min_repeats


def find_loops(
    norms: list[str],
    max_words: int = MAX_PHRASE_WORDS,
    min_repeats: int = MIN_REPEATS,
    min_repeats_one_word: int = MIN_REPEATS_ONE_WORD,
) -> list[tuple[int, int, int]]:
    """Loops in a list of normalised words, as (start, phrase length, repeats), left to right.

    At each position the phrase length covering the most words wins (the shorter on a tie, so
    "no no no no no no" is "no" x 6, not "no no" x 3); the scan resumes after the loop.
    """
    loops = []
    i = 0
    total = len(norms)
    # A phrase of n words repeating at i needs norms[i + n] == norms[i]: only the distances to
    # the next occurrences of the same word are tried (most words do not recur within 12).
    following = [0] * total
    seen: dict[str, int] = {}
    for k in range(total - 1, -1, -1):
        following[k] = seen.get(norms[k], total + max_words)
        seen[norms[k]] = k
    while i < total:
        best: tuple[int, int] | None = None  # (covered words, n)
        limit = min(max_words, (total - i) // 2)
        j = following[i]
        while j - i <= limit:
            n = j - i
            r = _repeats(norms, i, n)
            if r >= _threshold(n, min_repeats, min_repeats_one_word) and (best is None or r * n > best[0]):
                best = (r * n, n)
            j = following[j]
        if best is None:
            i += 1
            continue
        covered, n = best
        loops.append((i, n, covered // n))
        i += covered
    return loops


def collapse_loops(
    transcript: Transcript,
    max_words: int = MAX_PHRASE_WORDS,
    min_repeats: int = MIN_REPEATS,
    min_repeats_one_word: int = MIN_REPEATS_ONE_WORD,
) -> Transcript:
    """``transcript`` with every loop collapsed to its first occurrence, a note for each.

    Returns the same object when there is no loop. Idempotent: a collapsed transcript has none.
    """
    # The words alone first (cheap); the tokens with their times only when there is a loop.
    norms = [_norm(x) for seg in transcript.segments
             for x in ([w.text for w in seg.words] if seg.words else seg.text.split())]
    loops = find_loops(norms, max_words, min_repeats, min_repeats_one_word)
    if not loops:
        return transcript
    tokens = _tokens(transcript.segments)
    dropped: set[tuple[int, int]] = set()
    notes = []
    for start, n, r in loops:
        first, last = tokens[start], tokens[start + n * r - 1]
        dropped.update((t.seg, t.idx) for t in tokens[start + n : start + n * r])
        phrase = " ".join(norms[start : start + n])
        notes.append(f"collapsed a loop: '{phrase}' repeated {r} times at {clock(first.start)}-{clock(last.end)}")
    segments = []
    for si, seg in enumerate(transcript.segments):
        if seg.words:
            words = tuple(w for wi, w in enumerate(seg.words) if (si, wi) not in dropped)
            if len(words) == len(seg.words):
                segments.append(seg)
            elif words:
                segments.append(_with_words(seg, words))
        else:
            parts = seg.text.split()
            kept = [p for ti, p in enumerate(parts) if (si, ti) not in dropped]
            if len(kept) == len(parts):
                segments.append(seg)
            elif kept:
                segments.append(replace(seg, text=" ".join(kept)))
    return replace(transcript, segments=tuple(segments), notes=transcript.notes + tuple(notes))


def _with_words(seg: Segment, words: tuple[Word, ...]) -> Segment:
    return replace(seg, start=words[0].start, end=words[-1].end, text="".join(w.text for w in words).strip(),
                   words=words)


__all__ = ["MAX_PHRASE_WORDS", "MIN_REPEATS", "MIN_REPEATS_ONE_WORD", "collapse_loops", "find_loops"]
