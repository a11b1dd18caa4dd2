"""Chapters: where a session moves to a new subject, with a short title for each part.

The transcript is cut by topic shift, TextTiling-like: at each gap between two segments the
content words of a window before and a window after are compared (cosine of their counts);
the gaps where that similarity dips deepest (a valley between two higher points) are the
cuts. A cut just before a question ("What if they say the salary is fixed?") or at a change
of speaker counts a little deeper, one inside a sentence a little shallower; every chapter
lasts at least MIN_SECONDS (and at least a fair share of the session). Each chapter is
titled by its most distinctive key phrase: YAKE over the chapter's text, ranked by how much
of its words' use falls in this chapter rather than the rest of the session.

Short sessions get no chapters: under MIN_DURATION seconds or with fewer than MIN_SEGMENTS
segments there is nothing to jump between, and an empty tuple comes back. A session too
short for ``min_chapters`` chapters of MIN_SECONDS gets as many as fit (at least 2).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from ..models import Chapter, Segment, Transcript
from .cues import is_question
from .langs import LanguagePack, pack
from .phrases import key_phrases

#: Below this length (seconds) or this many segments a session gets no chapters.
MIN_DURATION = 45.0
MIN_SEGMENTS = 6
#: Shortest chapter in seconds; also at least a (2 * max_chapters)-th of the session.
MIN_SECONDS = 15.0
#: A session gets about one chapter per this many seconds, between min and max chapters.
SECONDS_PER_CHAPTER = 35.0
#: Depth added to a gap before a question or a change of speaker; taken from a gap mid-sentence.
QUESTION_BONUS = 0.15
SPEAKER_BONUS = 0.05
MID_SENTENCE_PENALTY = 0.15
#: Longest title in words.
TITLE_WORDS = 6


def chapters(transcript: Transcript, max_chapters: int = 8, min_chapters: int = 3,
             language: str | LanguagePack = "en") -> tuple[Chapter, ...]:
    """Topical chapters of ``transcript`` in time order: (start, end, title).

    The first chapter starts at the first segment, each ends where the next starts, the last at
    the end of the session. Between ``min_chapters`` and ``max_chapters`` chapters for a session
    long enough (about one per SECONDS_PER_CHAPTER seconds; where they start is where the subject
    shifts most); none for a session under MIN_DURATION seconds or MIN_SEGMENTS segments. Titles are
    2-6 words where the text allows, capitalised, and unique within the session. ``language`` (a
    BCP 47 tag) chooses the words, stems and key phrases (:func:`~kbgen.enrich.langs.pack`).
    """
    p = pack(language)
    segs = [s for s in transcript.segments if s.text.strip()]
    if not segs or max_chapters < 2:
        return ()
    first, last = segs[0].start, max(max(s.end for s in segs), transcript.duration)
    duration = last - first
    if duration < MIN_DURATION or len(segs) < MIN_SEGMENTS:
        return ()
    bags = [Counter(p.stem(w) for w in p.words(s.text) if p.is_content(w)) for s in segs]
    if sum(len(b) for b in bags) == 0:
        return ()

    min_len = max(MIN_SECONDS, duration / (2 * max_chapters))
    fit = max(1, int(duration // min_len))
    most = max(1, min(max_chapters, fit, len(segs) // 2))
    least = min(max(min_chapters, 2), most)
    target = min(most, max(least, round(duration / SECONDS_PER_CHAPTER)))

    depths = _depths(segs, bags, target, p)
    cuts = _pick_cuts(segs, depths, first, last, min_len, least, target, most)
    bounds = [0, *cuts, len(segs)]
    parts = [segs[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    titles = _titles(parts, p)
    starts = [part[0].start for part in parts]
    ends = [*starts[1:], last]
    return tuple(Chapter(round(s, 3), round(e, 3), t) for s, e, t in zip(starts, ends, titles, strict=True))


def _depths(segs: Sequence[Segment], bags: list[Counter], target: int, p: LanguagePack) -> list[float]:
    """Depth of the similarity valley at each gap; gap ``i`` lies before segment ``i`` (0 unused)."""
    n = len(segs)
    window = max(2, min(8, round(n / (2 * target))))
    # Words said in almost every segment tell no parts apart.
    df = Counter(w for b in bags for w in b)
    idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
    sims = [1.0] * (n + 1)
    for i in range(1, n):
        left, right = Counter(), Counter()
        for b in bags[max(0, i - window) : i]:
            left.update(b)
        for b in bags[i : i + window]:
            right.update(b)
        sims[i] = _cosine(left, right, idf)
    depths = [0.0] * (n + 1)
    for i in range(1, n):
        peak_left = sims[i]
        for j in range(i - 1, 0, -1):
            if sims[j] < peak_left:
                break
            peak_left = sims[j]
        peak_right = sims[i]
        for j in range(i + 1, n):
            if sims[j] < peak_right:
                break
            peak_right = sims[j]
        depth = (peak_left - sims[i]) + (peak_right - sims[i])
        text = segs[i].text.strip()
        if _opens_question(segs, i, p):
            depth += QUESTION_BONUS
        if segs[i].speaker and segs[i - 1].speaker and segs[i].speaker != segs[i - 1].speaker:
            depth += SPEAKER_BONUS
        if not re.search(r"[.!?\u2026][\"'\u201d\u2019)\]]*$", segs[i - 1].text.strip()) or text[:1].islower():
            depth -= MID_SENTENCE_PENALTY
        depths[i] = round(depth, 9)
    return depths


def _opens_question(segs: Sequence[Segment], i: int, p: LanguagePack) -> bool:
    """Whether segment ``i`` (or the sentence it starts) asks a question."""
    return is_question(segs[i].text, p) or (i + 1 < len(segs) and is_question(segs[i].text + " " + segs[i + 1].text, p)
                                            and not re.search(r"[.!?]\s*$", segs[i].text.strip()))


def _cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(a[w] * b[w] * idf[w] ** 2 for w in a.keys() & b.keys())
    na = math.sqrt(sum((c * idf[w]) ** 2 for w, c in a.items()))
    nb = math.sqrt(sum((c * idf[w]) ** 2 for w, c in b.items()))
    return dot / (na * nb)


def _pick_cuts(
    segs: Sequence[Segment], depths: list[float], first: float, last: float, min_len: float,
    least: int, target: int, most: int,
) -> list[int]:
    """Segment indexes where chapters start (besides 0): ``target - 1`` of them (kept between
    ``least - 1`` and ``most - 1``), deepest valleys first, each chapter at least ``min_len`` long."""
    n = len(segs)
    gaps = [i for i in range(1, n) if segs[i].start - first >= min_len and last - segs[i].start >= min_len]
    wanted = max(least - 1, min(most - 1, target - 1))
    cuts: list[int] = []
    for i in sorted(gaps, key=lambda g: (-depths[g], g)):
        if len(cuts) == wanted:
            break
        if all(abs(segs[i].start - segs[c].start) >= min_len for c in cuts):
            cuts.append(i)
    if len(cuts) < least - 1:
        # Too few well-spaced valleys: fill with the gaps nearest an even split.
        for k in range(1, least):
            if len(cuts) >= least - 1:
                break
            at = first + (last - first) * k / least
            for i in sorted(gaps, key=lambda g: (abs(segs[g].start - at), g)):
                if all(abs(segs[i].start - segs[c].start) >= min_len / 2 for c in cuts):
                    cuts.append(i)
                    break
    return sorted(cuts)


def _titles(parts: list[list[Segment]], p: LanguagePack) -> list[str]:
    """A distinct title for each part: its key phrase most of whose words' use falls in the part.

    Phrases of 2-4 words and phrases the part opens with (its first two sentences, often the
    question that starts the subject) rank higher; phrases made only of general words ("ten
    years") or running across a clause ("background a weakness") lower or not at all. Words only
    ever written capitalised mid-sentence (names of people and firms) never make a title (but in a
    language that capitalises every noun). With no phrase left, the title is "Part N" (in the language).
    """
    words, stem, is_content, key = p.words, p.stem, p.is_content, p.fold
    texts = [" ".join(s.text.strip() for s in part) for part in parts]
    counts = [Counter(stem(w) for w in words(t) if is_content(w)) for t in texts]
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    proper = set() if p.capitalised_nouns else _proper_nouns(" ".join(texts), p)
    used: list[set[str]] = []
    seen: set[str] = set()
    titles: list[str] = []
    for k, text in enumerate(texts):
        opening = {stem(w) for w in words(" ".join(s.text for s in parts[k][:2]))}
        candidates = []
        for rank, phrase in enumerate(key_phrases(text, 12, p)):
            tokens = phrase.split()[:TITLE_WORDS]
            keys = [key(t) for t in tokens]
            if set(keys[1:-1]) & p.inner_stop or keys[-1] in p.numbers:
                continue
            if len(tokens) == 1 and (tokens[0].endswith(p.weak_title_endings) or keys[0] in p.generic
                                     or len(tokens[0]) < 5):
                continue  # "Decided", "Regularly", "Long": no subject on their own
            if any(t in proper for t in tokens):
                continue  # "Amara Osei", "Helix Payments": a chapter title never names anyone
            stems = [stem(t) for t in tokens if is_content(t)]
            if not stems:
                continue
            share = sum(counts[k][s] / total[s] for s in stems if total[s]) / len(stems)
            size = 1.0 if 2 <= len(tokens) <= 4 else 0.5
            general = 0.5 if all(key(t) in p.generic or key(t) in p.numbers for t in tokens if is_content(t)) else 1.0
            opens = 1.3 if all(s in opening for s in stems) else 1.0
            joined = 0.8 if set(keys[1:-1]) & p.stopwords else 1.0  # "start with research" < "salary research"
            score = share * size * general * opens * joined / (1 + 0.15 * rank)
            candidates.append((-round(score, 9), rank, " ".join(tokens), set(stems)))
        candidates.sort()
        title = p.part.format(n=k + 1)
        chosen = {title.lower()}
        for _, _, phrase, stems in candidates:
            if phrase.lower() in seen or any(stems <= u for u in used):
                continue
            title, chosen = _as_written(phrase, text, p.capitalised_nouns), stems
            break
        used.append(chosen)
        seen.add(title.lower())
        titles.append(title[:1].upper() + title[1:])
    return titles


def _proper_nouns(text: str, p: LanguagePack) -> set[str]:
    """Lower-cased words that are always written capitalised, never first in a sentence: names, firms."""
    capital, lower = set(), set()
    text = re.sub(r"\S+@\S+|\w+://\S+", " ", text)  # lower-case names in e-mail addresses and links
    for m in p.name_word.finditer(text):
        word = m.group(1)
        if word[1:] != word[1:].lower():
            continue  # "LLM", "McKinsey": not a capitalised word
        (capital if word[0].isupper() else lower).add(word.lower())
    return {w for w in capital - lower if w not in ("i",)}


def _as_written(phrase: str, text: str, keep_capitals: bool = False) -> str:
    """``phrase`` in the casing the transcript used ("LLM", "Python conference"; German nouns as written)."""
    pattern = r"\b" + r"\W+".join(re.escape(t) for t in phrase.split()) + r"\b"
    found = re.search(pattern, text, re.IGNORECASE)
    if not found:
        return phrase
    written = " ".join(found.group(0).split())
    if keep_capitals:
        return written
    return " ".join(w if (w.isupper() and len(w) > 1) or w[1:] != w[1:].lower() else w.lower() for w in written.split())
