"""Words to speakers: a transcript's words given to who was speaking at their time.

The diarizer says who speaks when (turns); the transcriber says which words were said when.
Each word goes to the turn it overlaps most (the nearest turn when it overlaps none: a word's
edges and a turn's edges are each a few tenths of a second off), and a segment is cut where
the speaker changes mid-sentence, so no line of the transcript carries two people's words.

A diarizer's turn edges lag by up to a second (it hears voices in windows of 1.6 s), so within
a segment (about a sentence) a short run of words (under :data:`MINOR_S` seconds and :data:`MINOR_WORDS` words)
beside a longer one goes to its neighbour: "... and she stopped sharing ideas." is one person's.
A change at a sentence end is believed ("Good morning, Steve. Good morning, Katie."), and a short
segment that ends a sentence the segment before began is that segment's speaker's.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from itertools import groupby

from ..models import Segment, Transcript, Word

#: A turn: (start, end, label) in seconds.
Turn = tuple[float, float, str]
#: A run of one speaker's words in a segment shorter than this (seconds) and than MINOR_WORDS
#: words goes to a longer neighbouring run: the diarizer's edge, not a change of speaker.
MINOR_S = 2.5
MINOR_WORDS = 5
_ENDS = (".", "?", "!")


def speaker_at(start: float, end: float, turns: Sequence[Turn], starts: Sequence[float]) -> str | None:
    """The label of the turn overlapping [start, end] most; the nearest turn when none does."""
    if not turns:
        return None
    best, best_overlap, passed = None, 0.0, 0
    # Turns are sorted by start: those starting after ``end`` cannot overlap, and going back,
    # once several turns in a row have ended before ``start``, the earlier ones have too.
    for j in range(bisect.bisect_right(starts, end) - 1, -1, -1):
        t0, t1, label = turns[j]
        overlap = min(end, t1) - max(start, t0)
        if overlap > best_overlap:
            best, best_overlap = label, overlap
        passed = passed + 1 if t1 < start else 0
        if passed > 8:
            break
    if best is not None:
        return best
    middle = (start + end) / 2
    return min(turns, key=lambda t: min(abs(middle - t[0]), abs(middle - t[1])))[2]


def assign_speakers(transcript: Transcript, turns: Sequence[Turn]) -> Transcript:
    """``transcript`` with each word's speaker from ``turns``; segments cut where the speaker changes.

    Segments without words take the speaker of the turn they overlap most. With no turns the
    transcript comes back as it is.
    """
    if not turns:
        return transcript
    turns = sorted(turns)
    starts = [t[0] for t in turns]
    out: list[Segment] = []
    for seg in transcript.segments:
        if not seg.words:
            out.append(replace(seg, speaker=speaker_at(seg.start, seg.end, turns, starts)))
            continue
        labels = [speaker_at(w.start, w.end, turns, starts) for w in seg.words]
        runs = [(label, [word for word, _ in run])
                for label, run in groupby(zip(seg.words, labels, strict=True), key=lambda pair: pair[1])]
        out += [_segment(words, label) for label, words in _settled(runs)]
    for k in range(1, len(out)):  # a short rest of the sentence before is that speaker's
        before, seg = out[k - 1], out[k]
        if (seg.speaker != before.speaker and not before.text.endswith(_ENDS) and seg.words
                and _minor(list(seg.words))):
            out[k] = replace(seg, speaker=before.speaker)
    return replace(transcript, segments=tuple(s for s in out if s.text))


def _minor(words: list[Word]) -> bool:
    return words[-1].end - words[0].start < MINOR_S and len(words) < MINOR_WORDS


def _settled(runs: list[tuple[str | None, list[Word]]]) -> list[tuple[str | None, list[Word]]]:
    """Runs of one segment with a minor run between two runs of one speaker given to them, and
    each other minor run to its longer neighbour while a run that is not minor remains."""
    runs = list(runs)
    k = 1
    while k + 1 < len(runs):  # a minor run between two runs of one other speaker is theirs
        if runs[k - 1][0] == runs[k + 1][0] and _minor(runs[k][1]):
            runs[k - 1:k + 2] = [(runs[k - 1][0], runs[k - 1][1] + runs[k][1] + runs[k + 1][1])]
        else:
            k += 1
    while len(runs) > 1 and any(not _minor(w) for _, w in runs):
        # A run that starts or ends a sentence is a speaker's own: only the middle of a sentence lags.
        minor = [i for i, (_, w) in enumerate(runs) if _minor(w)
                 and not (i > 0 and runs[i - 1][1][-1].text.strip().endswith(_ENDS))
                 and not (i + 1 < len(runs) and w[-1].text.strip().endswith(_ENDS))]
        if not minor:
            break
        i = min(minor, key=lambda k: runs[k][1][-1].end - runs[k][1][0].start)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        j = max(neighbours, key=lambda k: runs[k][1][-1].end - runs[k][1][0].start)
        label = runs[j][0]
        merged = runs[min(i, j)][1] + runs[max(i, j)][1]
        runs[min(i, j):max(i, j) + 1] = [(label, merged)]
        # neighbours of one speaker, now side by side, become one run
        k = 0
        while k + 1 < len(runs):
            if runs[k][0] == runs[k + 1][0]:
                runs[k:k + 2] = [(runs[k][0], runs[k][1] + runs[k + 1][1])]
            else:
                k += 1
    return runs


def _segment(words: list[Word], speaker: str | None) -> Segment:
    return Segment(words[0].start, words[-1].end, "".join(w.text for w in words).strip(), speaker, tuple(words))


__all__ = ["Turn", "assign_speakers", "speaker_at"]
