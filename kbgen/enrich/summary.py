"""An extractive summary: the transcript's most representative sentences, in spoken order."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Segment
from .words import is_content, stem, words

#: Sentences outside this many words are less likely to read well on their own.
GOOD_LENGTH = (8, 35)
#: Shorter sentences ("Right, exactly.") are never picked while longer ones are left.
MIN_WORDS = 5
#: Longer runs (no punctuation from the transcriber) are split at segment boundaries.
MAX_WORDS = 60
#: Two sentences sharing this much of their content words say the same thing.
DUPLICATE = 0.6
#: Weight of a word that also names a session topic or a key phrase.
BONUS = 1.5

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e a.m p.m approx dept inc ltd co no fig".split()
)
# A sentence ends at . ! ? (or an ellipsis), maybe followed by closing quotes or brackets.
_END = re.compile(r"(?:\.{3}|…|[.!?]+)[\"'\u201d\u2019)\]]*(?=\s|$)")
# Interjections dropped from a summary sentence's start; connectives only before a comma.
_INTERJECTIONS = "yeah|yep|yup|okay|ok|alright|um+|uh+|er|erm|hmm+|mm+|mhm|oh|ah"
_CONNECTIVES = "so|and|but|well|right|like|anyway|you know|i mean|look|now"
_LEADING_FILLER = re.compile(
    rf"^(?:(?:{_INTERJECTIONS})\b[\s,.;:!-]*|(?:{_CONNECTIVES}),\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of the transcript and where it starts in the joined text."""

    index: int
    text: str
    start: int


def split_sentences(segments: Iterable[Segment]) -> list[Sentence]:
    """The transcript's sentences in order.

    Segment texts are joined first, since Whisper segments often end mid-sentence. Runs of more
    than MAX_WORDS words with no end punctuation are cut where a segment ended.
    """
    text, bounds = "", []
    for seg in segments:
        piece = " ".join(seg.text.split())
        if not piece:
            continue
        if text:
            text += " "
        text += piece
        bounds.append(len(text))
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if _is_abbreviation(text, match.start()):
            continue
        pieces.append((start, end))
        start = end
    if start < len(text):
        pieces.append((start, len(text)))

    out: list[Sentence] = []
    for begin, end in pieces:
        for a, b in _cut_long(text, begin, end, bounds):
            chunk = text[a:b].strip()
            if chunk:
                out.append(Sentence(len(out), chunk, a + (len(text[a:b]) - len(text[a:b].lstrip()))))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation ('Dr.', 'e.g.') or a decimal, not a sentence."""
    if text[dot] != ".":
        return False
    before = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 20) : dot])
    if before and before.group(1).lower().strip(".") in _ABBREVIATIONS:
        return True
    # A single capital letter: an initial, as in "J. R. R. Tolkien".
    return bool(before and len(before.group(1)) == 1 and before.group(1).isupper())


def _cut_long(text: str, begin: int, end: int, bounds: list[int]) -> list[tuple[int, int]]:
    if len(text[begin:end].split()) <= MAX_WORDS:
        return [(begin, end)]
    cuts, start = [], begin
    for b in bounds:
        if start < b < end and len(text[start:b].split()) >= MIN_WORDS:
            cuts.append((start, b))
            start = b
    cuts.append((start, end))
    return cuts


def summarize(
    segments: Iterable[Segment], count: int, bonus_terms: Iterable[str] = ()
) -> tuple[str, ...]:
    """Up to ``count`` sentences that best cover what the session was about, in spoken order.

    A sentence scores the summed frequency of its content words (stopwords and fillers left
    out; words of ``bonus_terms``, such as topics and key phrases, weigh more), divided by the
    square root of its length, and halved outside GOOD_LENGTH words. Questions, short
    sentences and near-repeats of a picked sentence are skipped while better ones remain.
    """
    sentences = split_sentences(segments)
    if count <= 0 or not sentences:
        return ()
    bonus = {stem(w) for term in bonus_terms for w in words(term) if is_content(w)}
    content = [[stem(w) for w in words(s.text) if is_content(w)] for s in sentences]
    freq = Counter(w for ws in content for w in ws)
    if not freq:
        return ()
    top = max(freq.values())
    weight = {w: (n / top) * (BONUS if w in bonus else 1.0) for w, n in freq.items()}

    scored = []
    for sentence, ws in zip(sentences, content, strict=True):
        length = len(words(sentence.text))
        if not ws:
            continue
        score = sum(weight[w] for w in ws) / length**0.5
        if not GOOD_LENGTH[0] <= length <= GOOD_LENGTH[1]:
            score *= 0.5
        preferred = length >= MIN_WORDS and not sentence.text.rstrip("\"')]\u201d\u2019").endswith("?")
        scored.append((not preferred, -round(score, 9), sentence.index, set(ws)))
    scored.sort(key=lambda t: t[:3])

    picked: list[tuple[int, set[str]]] = []
    for _, _, index, ws in scored:
        if any(_overlap(ws, other) >= DUPLICATE for _, other in picked):
            continue
        picked.append((index, ws))
        if len(picked) == count:
            break
    return tuple(_tidy(sentences[i].text) for i, _ in sorted(picked))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _tidy(text: str) -> str:
    """Drop leading filler ("Yeah, so, ...") and capitalise: the rest is the speaker's words."""
    trimmed = _LEADING_FILLER.sub("", text).strip()
    if len(words(trimmed)) < 3:
        trimmed = text
    return trimmed[:1].upper() + trimmed[1:]
