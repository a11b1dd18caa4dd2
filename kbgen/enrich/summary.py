"""An extractive summary: the transcript's most representative sentences, in spoken order."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Segment
from .cues import MENTEE, advice_strength, is_logistics, is_narrative, is_question, is_small_talk, speaker_roles
from .langs import LanguagePack, pack

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
#: Score factors: a known mentee's sentence, a first-person story by an unknown speaker, advice.
MENTEE_WEIGHT = 0.6
NARRATIVE_WEIGHT = 0.7
ADVICE_WEIGHT = 1.2
#: A second pick from the same stretch of the session weighs this much (a third, its square).
DIVERSITY = 0.6
#: Sentences of the mentee's own story taken while the mentor's remain.
MAX_STORIES = 1
#: The mentee's first statement within this share of the session is context, not down-weighted.
CONTEXT_SPAN = 0.25

# A sentence ends at . ! ? (or an ellipsis), maybe followed by closing quotes or brackets.
_END = re.compile(r"(?:\.{3}|…|[.!?]+)[\"'\u201d\u2019)\]]*(?=\s|$)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the transcript, where it starts in the joined text, who said it and when."""

    index: int
    text: str
    start: int
    speaker: str | None = None  # the speaker of the segment the sentence starts in
    time: float = 0.0  # seconds from the start of the session (from word times when known)
    segment: int = 0  # index (among the non-empty segments) of the segment it starts in


def split_sentences(segments: Iterable[Segment], language: str | LanguagePack = "en") -> list[Sentence]:
    """The transcript's sentences in order.

    Segment texts are joined first, since Whisper segments often end mid-sentence. Runs of more
    than MAX_WORDS words with no end punctuation are cut where a segment ended, and a change of
    (known) speaker always ends a sentence. Each sentence takes the speaker of the segment it
    starts in. The language tells which dots end abbreviations ("Dr.", "Sr.", "z.B.").
    """
    p = pack(language)
    text, bounds, starts, segs, turns = "", [], [], [], []
    for seg in segments:
        piece = " ".join(seg.text.split())
        if not piece:
            continue
        if text:
            if seg.speaker and segs[-1].speaker and seg.speaker != segs[-1].speaker:
                turns.append(len(text))  # a new speaker starts a new sentence, punctuated or not
            text += " "
        starts.append(len(text))
        text += piece
        bounds.append(len(text))
        segs.append(seg)
    ends = [m.end() for m in _END.finditer(text) if not _is_abbreviation(text, m.start(), p)]
    pieces: list[tuple[int, int]] = []
    start = 0
    for end in sorted(set(ends) | set(turns)):
        pieces.append((start, end))
        start = end
    if start < len(text):
        pieces.append((start, len(text)))

    out: list[Sentence] = []
    for begin, end in pieces:
        for a, b in _cut_long(text, begin, end, bounds):
            chunk = text[a:b].strip()
            if chunk:
                at = a + (len(text[a:b]) - len(text[a:b].lstrip()))
                k = max(0, bisect_right(starts, at) - 1)
                out.append(Sentence(len(out), chunk, at, segs[k].speaker, _time_at(segs[k], text, starts[k], at), k))
    return out


def _time_at(seg: Segment, text: str, seg_start: int, at: int) -> float:
    """When the character ``at`` (inside ``seg``) was spoken: its word's start, else interpolated."""
    offset = at - seg_start
    if offset <= 0:
        return seg.start
    before = len(text[seg_start:at].split())
    if seg.words and before < len(seg.words):
        return max(seg.start, seg.words[before].start)
    length = max(1, len(" ".join(seg.text.split())))
    return seg.start + (seg.end - seg.start) * min(1.0, offset / length)


def _is_abbreviation(text: str, dot: int, p: LanguagePack) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation ('Dr.', 'e.g.') or a decimal, not a sentence."""
    if text[dot] != ".":
        return False
    before = p.abbreviation.search(text[max(0, dot - 20) : dot])
    if before and p.fold(before.group(1).lower().strip(".")) in p.abbreviations:
        # "No. 5" is an abbreviation, "they say no. After" is not.
        return p.fold(before.group(1).lower()) not in p.number_abbreviations or bool(
            re.match(r"\s*\d", text[dot + 1 :]))
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
    segments: Iterable[Segment],
    count: int,
    bonus_terms: Iterable[str] = (),
    *,
    mentor_speakers: Iterable[str] = (),
    avoid: Iterable[str] = (),
    language: str | LanguagePack = "en",
) -> tuple[str, ...]:
    """Up to ``count`` sentences that best cover what the session was about, in spoken order.

    Sentences that repeat one of ``avoid`` (the takeaways, shown beside the summary) are
    taken only when nothing else of their tier is left.

    A sentence scores the summed frequency of its content words (stopwords and fillers left
    out; words of ``bonus_terms``, such as topics and key phrases, weigh more), divided by the
    square root of its length, and halved outside GOOD_LENGTH words. The mentor's sentences
    weigh more than the mentee's: by speaker label when it can be told (see
    :func:`~kbgen.enrich.cues.speaker_roles`; ``mentor_speakers`` names the mentor's labels),
    else by cues (advice counts for a sentence, a first-person story against it). At most one
    sentence of the mentee's own story is taken while others remain.

    Picks spread over the session: it is cut into ``count`` stretches, and each pick from a
    stretch that already has one weighs DIVERSITY times less. Questions, greetings and thanks,
    short sentences and near-repeats of a picked sentence are skipped while better ones remain.
    ``language`` (a BCP 47 tag) chooses the words, stems and cues (:func:`~kbgen.enrich.langs.pack`).
    """
    p = pack(language)
    words, stem, is_content = p.words, p.stem, p.is_content
    sentences = split_sentences(segments, p)
    if count <= 0 or not sentences:
        return ()
    bonus = {stem(w) for term in bonus_terms for w in words(term) if is_content(w)}
    content = [[stem(w) for w in words(s.text) if is_content(w)] for s in sentences]
    freq = Counter(w for ws in content for w in ws)
    if not freq:
        return ()
    top = max(freq.values())
    weight = {w: (n / top) * (BONUS if w in bonus else 1.0) for w, n in freq.items()}
    roles = speaker_roles(((s.speaker, s.text) for s in sentences), mentor_speakers, p)
    total = max(1, sentences[-1].start + len(sentences[-1].text))

    candidates: list[_Candidate] = []
    seen_context = False
    for sentence, ws in zip(sentences, content, strict=True):
        if not ws:
            continue
        text = sentence.text
        length = len(words(text))
        score = sum(weight[w] for w in ws) / length**0.5
        if not GOOD_LENGTH[0] <= length <= GOOD_LENGTH[1]:
            score *= 0.5
        role = roles.get(sentence.speaker) if sentence.speaker else None
        preferred = length >= MIN_WORDS and not (
            is_question(text, p) or is_small_talk(text, p) or is_logistics(text, p))
        own_story = role == MENTEE or (role is None and is_narrative(text, p))
        # The mentee's first statement near the start usually says what the session is about
        # ("I just got my first job offer and..."): it keeps its full weight.
        context = own_story and preferred and not seen_context and sentence.start < total * CONTEXT_SPAN
        seen_context = seen_context or context
        if role == MENTEE and not context:
            score *= MENTEE_WEIGHT
        elif role is None and own_story and not context:
            score *= NARRATIVE_WEIGHT
        if advice_strength(text, p) and role != MENTEE:
            score *= ADVICE_WEIGHT
        block = min(count - 1, count * sentence.start // total)
        candidates.append(_Candidate(sentence.index, round(score, 9), preferred, own_story, block, set(ws)))

    avoid_stems = [{stem(w) for w in words(a) if is_content(w)} for a in avoid]
    avoided = {c.index for c in candidates if any(x and _overlap(c.stems, x) >= DUPLICATE for x in avoid_stems)}
    picked: list[_Candidate] = []
    while len(picked) < count:
        best = None
        stories = sum(c.own_story for c in picked)
        for c in candidates:
            if c in picked or any(_overlap(c.stems, q.stems) >= DUPLICATE for q in picked):
                continue
            tier = 0 if c.preferred and not (c.own_story and stories >= MAX_STORIES) else (1 if c.preferred else 2)
            spread = DIVERSITY ** sum(q.block == c.block for q in picked)
            key = (tier * 2 + (c.index in avoided), -round(c.score * spread, 9), c.index)
            if best is None or key < best[0]:
                best = (key, c)
        if best is None:
            break
        picked.append(best[1])
    return tuple(_tidy(sentences[c.index].text, p) for c in sorted(picked, key=lambda c: c.index))


@dataclass(frozen=True)
class _Candidate:
    index: int
    score: float
    preferred: bool
    own_story: bool
    block: int
    stems: set[str] = field(hash=False, compare=False)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _tidy(text: str, p: LanguagePack) -> str:
    """Drop leading filler ("Yeah, so, ...") and capitalise: the rest is the speaker's words."""
    trimmed = _sub_folded(p.summary_leading, text, p)
    if len(p.words(trimmed)) < 3:
        trimmed = text
    return trimmed[:1].upper() + trimmed[1:]


def _sub_folded(leading: re.Pattern, text: str, p: LanguagePack) -> str:
    """``text`` less what ``leading`` matches at its start (matched on the folded text, cut from the text)."""
    m = leading.match(p.fold(text))
    return (text[m.end() :] if m else text).strip()
