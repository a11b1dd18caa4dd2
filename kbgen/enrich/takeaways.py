"""Takeaways: the pieces of advice a session actually gave, short and standalone.

A sentence is advice when it opens with a verb ("Ask for the offer in writing.", "If they
insist, give a range...") or carries a phrase of advice ("you should", "make sure", "I'd
recommend", "never"...); see :func:`~kbgen.enrich.cues.advice_strength`. Questions, greetings
and the speaker's own story are not. The mentor's sentences count more than the mentee's
(by speaker label when it can be told, see :func:`~kbgen.enrich.cues.speaker_roles`).
The best ``count`` are kept, near-repeats merged, and returned in the order they were spoken.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..models import Transcript
from .cues import MENTEE, MENTOR, advice_strength, imperative_at, is_logistics, is_narrative, speaker_roles
from .langs import LanguagePack, pack
from .summary import split_sentences

#: Longest takeaway in words; a longer sentence is cut at a clause boundary.
MAX_WORDS = 25
#: Shortest takeaway in words ("Escalate early." is two).
MIN_WORDS = 2
#: Added to the first piece of advice of a segment (speaker turn): usually the turn's point.
TURN_FIRST_BONUS = 0.3
#: Added to advice shaped as a contrast ("Mitigate first, investigate later", "X, not Y").
CONTRAST_BONUS = 0.2
#: Two takeaways sharing this much of their content words (of the shorter) give the same advice.
DUPLICATE = 0.5
#: Least advice strength of a takeaway: an imperative or a clear phrase of advice, not a lone "always".
MIN_STRENGTH = 0.8
#: Score added for the mentor's advice, taken off a known mentee's.
MENTOR_BONUS = 0.6
MENTEE_PENALTY = 0.8


def takeaways(
    transcript: Transcript,
    count: int,
    bonus_terms: Iterable[str] = (),
    *,
    mentor_speakers: Iterable[str] = (),
    language: str | LanguagePack = "en",
) -> tuple[str, ...]:
    """Up to ``count`` pieces of advice from ``transcript``, in the order they were given.

    Each is one sentence of the transcript cleaned into a standalone form: leading fillers
    ("So,", "Yeah,", "And") dropped, capitalised, at most MAX_WORDS words (cut at a clause
    boundary), ending in a full stop. Sentences are ranked by how surely they give advice,
    who gave it (the mentor; ``mentor_speakers`` names the mentor's labels), how much of the
    session's vocabulary they carry (words of ``bonus_terms`` count more) and length. A
    near-repeat of a better-ranked takeaway is dropped. Fewer than ``count`` come back when
    the session gave less advice; none when it gave none. ``language`` (a BCP 47 tag) chooses the
    cues of advice and the words (:func:`~kbgen.enrich.langs.pack`).
    """
    return tuple(text for text, _ in timed_takeaways(transcript, count, bonus_terms, mentor_speakers=mentor_speakers,
                                                      language=language))


def timed_takeaways(
    transcript: Transcript,
    count: int,
    bonus_terms: Iterable[str] = (),
    *,
    mentor_speakers: Iterable[str] = (),
    language: str | LanguagePack = "en",
) -> tuple[tuple[str, float], ...]:
    """:func:`takeaways`, each with the time (seconds) its sentence was said: its moment."""
    if count <= 0:
        return ()
    ranked = _ranked(transcript, tuple(bonus_terms), tuple(mentor_speakers), pack(language))
    kept: list[tuple[int, str, set[str], float]] = []
    for _score, index, text, stems, time in ranked:
        if any(_overlap(stems, other) >= DUPLICATE for _, _, other, _ in kept):
            continue
        if any(text.lower() == t.lower() for _, t, _, _ in kept):
            continue
        kept.append((index, text, stems, time))
        if len(kept) == count:
            break
    return tuple((text, time) for _, text, _, time in sorted(kept))



def _ranked(
    transcript: Transcript, bonus_terms: tuple[str, ...], mentor_speakers: tuple[str, ...], p: LanguagePack
) -> list[tuple[float, int, str, set[str], float]]:
    """Every sentence that gives advice: (score, sentence index, cleaned text, content stems, time), best first."""
    words, stem, is_content = p.words, p.stem, p.is_content
    sentences = split_sentences(transcript.segments, p)
    if not sentences:
        return []
    roles = speaker_roles(((s.speaker, s.text) for s in sentences), mentor_speakers, p)
    bonus = {stem(w) for term in bonus_terms for w in words(term) if is_content(w)}
    content = [{stem(w) for w in words(s.text) if is_content(w)} for s in sentences]
    freq = Counter(w for ws in content for w in ws)

    ranked: list[tuple[float, int, str, set[str]]] = []
    advised_segments: set[int] = set()
    for sentence, ws in zip(sentences, content, strict=True):
        strength = advice_strength(sentence.text, p)
        if strength < MIN_STRENGTH:
            continue
        said = sentence.text
        at = imperative_at(said, p)
        before = said[: at[0]] if at else ""
        if (before and re.search(rf"(?:{p.so_clause})\s+$", p.fold(before), re.IGNORECASE)
                and advice_strength(before, p) < MIN_STRENGTH):
            said = said[at[0] :]  # "They named one, so anchor your counter..." -> "Anchor your counter..."
        text = clean(said, p)
        n = len(words(text))
        stems = {stem(w) for w in words(text) if is_content(w)}
        if n < MIN_WORDS or len(stems) < 2 or is_logistics(sentence.text, p):
            continue  # too short to stand alone; or "Call me at ...", "Send it over": arranging, not advice
        role = roles.get(sentence.speaker) if sentence.speaker else None
        score = strength
        if role == MENTOR:
            score += MENTOR_BONUS
        elif role == MENTEE:
            score -= MENTEE_PENALTY
        elif is_narrative(sentence.text, p):
            score -= 0.3
        if role != MENTOR and p.first_person.search(p.fold(text)):
            score -= 0.3  # "...and use what I already know": the speaker's plan, not advice to the listener
        if p.contrast.search(p.fold(text)):
            score += CONTRAST_BONUS  # "X, not Y", "X rather than Y", "X first, Y later": a maxim's shape
        # "Bring him along.", "Don't click it": needs the sentence before it.
        weak = len(stems) <= 4 and p.pronoun.search(p.fold(text)) is not None
        if weak:
            score -= 0.3
        if sentence.segment not in advised_segments:
            score += TURN_FIRST_BONUS  # a turn's first piece of advice is usually its point
        if not weak:
            advised_segments.add(sentence.segment)
        # Advice about the session's subject beats advice about logistics.
        shared = sum(1 for w in ws if freq[w] > 1) + sum(1 for w in ws if w in bonus)
        score += min(0.6, 0.1 * shared)
        if len(words(sentence.text)) > 2 * MAX_WORDS:
            score -= 0.3  # a run-on sentence; its cut form may miss the point
        if score <= 0.3:
            continue
        ranked.append((round(score, 6), sentence.index, text, stems, round(sentence.time, 2)))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def clean(sentence: str, language: str | LanguagePack = "en") -> str:
    """A spoken sentence as a standalone takeaway: no leading filler, capitalised, short, ending in '.'."""
    p = pack(language)
    words = p.words
    text = " ".join(sentence.split())
    trimmed = _edit_folded(p.takeaway_leading, _edit_folded(p.aside, text, p, ",", count=1), p).strip(" ,")
    if len(words(trimmed)) >= MIN_WORDS:
        text = trimmed
    text = text.rstrip()
    if len(words(text)) > MAX_WORDS:
        text = _shorten(text, p)
    text = text.rstrip(" ,;:-\u2013\u2014")
    text = _edit_folded(p.takeaway_trailing, text, p)
    if not text.endswith((".", "!", "\u2026")):
        text = text.rstrip(".!") + "."
    return text[:1].upper() + text[1:]


def _shorten(text: str, p: LanguagePack) -> str:
    """Cut ``text`` at the last clause boundary that leaves 5 to MAX_WORDS words, else at MAX_WORDS words."""
    best = None
    for match in p.clause.finditer(p.fold(text)):
        n = len(p.words(text[: match.start()]))
        if n > MAX_WORDS:
            break
        if n >= 5:
            best = match.start()
    if best is not None:
        return text[:best].rstrip(" ,;:") + "."
    # No clause boundary early enough: cut between words and say so.
    tokens = text.split()
    return " ".join(tokens[:MAX_WORDS]).rstrip(",;:.") + "\u2026"


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _edit_folded(pattern: re.Pattern, text: str, p: LanguagePack, repl: str = "", count: int = 0) -> str:
    """``pattern.sub(repl, text)``, matched on the folded text (the pack's patterns are written folded)."""
    folded = p.fold(text)
    if folded is text or folded == text:
        return pattern.sub(repl, text, count=count)
    out, last = [], 0
    for n, m in enumerate(pattern.finditer(folded)):
        if count and n == count:
            break
        out += [text[last : m.start()], repl]
        last = m.end()
    return "".join(out) + text[last:]
