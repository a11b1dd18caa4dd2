"""Key phrases of a transcript, by YAKE, cleaned of what speech is full of."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .langs import LanguagePack, pack

#: YAKE's n-gram limit and its own de-duplication threshold.
MAX_WORDS = 3
DEDUP_LIMIT = 0.7


def key_phrases(text: str, count: int, language: str | LanguagePack = "en") -> tuple[str, ...]:
    """Up to ``count`` key phrases of ``text``, best first, lower-case, without repeats.

    A phrase is dropped when it holds a filler word ("yeah", "okay", "you know"), when it is
    one word too general to tag anything ("today", "question"), or when it is contained in a
    better-ranked phrase (compared by light stems, so "offers" repeats "offer"). A phrase that
    contains better-ranked ones takes their place. Ties in YAKE's score go alphabetically: same text, same phrases.
    ``language`` (a BCP 47 tag) chooses the stopwords, fillers and stems (:func:`~kbgen.enrich.langs.pack`).
    """
    p = pack(language)
    words = p.words
    if count <= 0 or not any(w.isalpha() for w in words(text)):
        return ()
    import yake  # lazy: yake pulls in jellyfish, numpy, segtok and networkx (~0.35 s)

    extractor = yake.KeywordExtractor(
        lan=p.yake or "noLang",
        n=MAX_WORDS,
        dedup_lim=DEDUP_LIMIT,
        top=count * 4 + 10,
        stopwords=set(_stoplist(p.code)),
    )
    ranked = sorted(
        ((float(score), " ".join(words(phrase))) for phrase, score in extractor.extract_keywords(text)),
    )
    kept: list[tuple[str, ...]] = []
    out: list[str] = []
    for _score, phrase in ranked:
        tokens = phrase.split()
        if not tokens or not _acceptable(phrase, tokens, p):
            continue
        stems = tuple(p.stem(t) for t in tokens)
        if any(_contains(k, stems) for k in kept):
            continue  # repeats part of a better-ranked phrase
        inside = [i for i, k in enumerate(kept) if _contains(stems, k)]
        if inside:
            # "salary negotiation" says more than the better-ranked "salary" it holds: it takes
            # that phrase's place instead of being dropped.
            at = inside[0]
            for i in reversed(inside):
                del kept[i], out[i]
            kept.insert(at, stems)
            out.insert(at, phrase)
        else:
            kept.append(stems)
            out.append(phrase)
        if len(out) == count:
            break
    return tuple(out)


def _acceptable(phrase: str, tokens: list[str], p: LanguagePack) -> bool:
    keys = [p.fold(t) for t in tokens]
    if p.fold(phrase) in p.filler_phrases or any(k in p.fillers for k in keys):
        return False
    if keys[0] in p.stopwords or keys[-1] in p.stopwords or set(keys[1:-1]) & p.phrase_breaks:
        return False
    if len(keys) == 1 and keys[0] in p.generic:
        return False
    return any(len(t) > 2 and not t.isdigit() for t in tokens)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """Whether ``small`` occurs as consecutive words in ``big``."""
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


@lru_cache(maxsize=None)
def _stoplist(language: str) -> frozenset[str]:
    """YAKE's stopwords of the language plus ours and the fillers, so no candidate starts or ends in one.

    A language without a pack has none: YAKE is given its own empty language-agnostic list
    (``stopwords_noLang.txt`` reads as ``{""}``; an empty set would make YAKE load English's).
    """
    import yake

    p = pack(language)
    own = set(p.stopwords) | set(p.fillers)
    if p.yake is None:
        return frozenset(own or {""})
    path = Path(yake.__file__).parent / "core" / "StopwordsList" / f"stopwords_{p.yake}.txt"
    try:
        listed = {w.strip() for w in path.read_text(encoding="utf-8").lower().splitlines() if w.strip()}
        own |= listed | {p.fold(w) for w in listed}
    except OSError:  # another yake layout: our own lists are enough
        pass
    return frozenset(own)
