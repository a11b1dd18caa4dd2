"""Related sessions: the sessions closest in content to each session, and the topics they share.

Closeness is ``CONTENT * cosine + TOPICS * jaccard``: the cosine of the transcripts' TF-IDF
vectors (scikit-learn, sparse, sublinear term frequency, the language's stop words and speech fillers
dropped, words lightly stemmed) and the Jaccard index of the sessions' topic ids. Similarities
are computed a block of rows at a time, so memory stays at ``BLOCK x sessions`` however large
the corpus. Same input, same output.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence

from ..models import Related
from .langs import pack

#: Weight of transcript similarity (TF-IDF cosine) in the score.
CONTENT = 0.7
#: Weight of topic overlap (Jaccard index of topic ids).
TOPICS = 0.3
#: Rows of the similarity matrix computed at once.
BLOCK = 256
#: Scores are rounded to this many decimals before ranking, so that floating-point noise of
#: one BLAS or another cannot reorder sessions that tie.
DECIMALS = 6


@functools.cache  # one word -> stem memo per language, for every transcript of the process
def _analyzer(language: str):
    p = pack(language)
    if p.code == "en":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as extra  # English has a second list
    else:
        extra = frozenset()

    terms: dict[str, str | None] = {}  # word -> its stem, or None when it carries no content

    def term(word: str) -> str | None:
        if word not in terms:
            terms[word] = p.stem(word) if p.is_content(word) and word not in extra else None
        return terms[word]

    def analyze(text: str) -> list[str]:
        return [t for t in map(term, p.words(text)) if t is not None]

    return analyze


def term_counts(text: str, language: str = "en") -> dict[str, int]:
    """How often each content term (stemmed, stop words dropped) occurs in ``text``: what
    :func:`related_sessions` weighs, computed once per transcript and cacheable. ``language`` (a
    BCP 47 tag) chooses the words, stems and stop words."""
    return dict(sorted(Counter(_analyzer(pack(language).code)(text)).items()))


def related_sessions(docs: Sequence[tuple[str, str | Mapping[str, int], tuple[str, ...]]],
                     k: int, language: str = "en") -> dict[str, tuple[Related, ...]]:
    """For each session id, up to ``k`` other sessions closest in content, closest first.

    ``docs`` holds (session id, full transcript text or its :func:`term_counts`, topic ids of
    the session; a text is read as ``language``, a BCP 47 tag: give sessions of several languages
    as their own term counts). A session
    scoring 0 against another (no shared word or topic) is never related to it. ``shared`` lists
    the topic ids both sessions have, in the order of the session's own topics. Equal scores go
    by session id. With fewer than two sessions (or ``k`` of 0) every session gets ``()``.
    """
    counts = Counter(d[0] for d in docs)
    dupes = sorted(i for i, c in counts.items() if c > 1)
    if dupes:
        raise ValueError(f"duplicate session ids: {', '.join(dupes)}")
    ordered = sorted(docs, key=lambda d: d[0])
    if len(ordered) < 2 or k <= 0:
        return {d[0]: () for d in ordered}

    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer

    n = len(ordered)
    counts = [d[1] if isinstance(d[1], Mapping) else term_counts(d[1], language) for d in ordered]
    if any(counts):
        # Terms in sorted order, as TfidfVectorizer would; the counts may come from a cache.
        tf = DictVectorizer(dtype=np.float32, sort=True).fit_transform(counts)
        vectors = TfidfTransformer(sublinear_tf=True).fit_transform(tf).astype(np.float32)
    else:  # no content word anywhere (empty transcripts): topics alone decide
        vectors = sparse.csr_matrix((n, 1), dtype=np.float32)

    topic_ids = sorted({t for d in ordered for t in d[2]})
    column = {t: j for j, t in enumerate(topic_ids)}
    rows, cols = [], []
    for i, d in enumerate(ordered):
        for t in set(d[2]):
            rows.append(i)
            cols.append(column[t])
    topics = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(1, len(topic_ids)))
    )
    sizes = np.asarray(topics.sum(axis=1)).ravel()
    vectors_t = vectors.T.tocsr()
    topics_t = topics.T.tocsr()

    out: dict[str, tuple[Related, ...]] = {}
    for lo in range(0, n, BLOCK):
        hi = min(n, lo + BLOCK)
        cosine = (vectors[lo:hi] @ vectors_t).toarray()
        inter = (topics[lo:hi] @ topics_t).toarray()
        union = sizes[lo:hi, None] + sizes[None, :] - inter
        jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        score = np.round(CONTENT * np.clip(cosine, 0.0, 1.0) + TOPICS * jaccard, DECIMALS)
        score[np.arange(hi - lo), np.arange(lo, hi)] = -1.0  # never itself
        for r in range(hi - lo):
            row = score[r]
            take = min(k, n - 1)
            # The k best, then ordered by (-score, index); index order is id order.
            part = np.argpartition(-row, take - 1)[:take]
            threshold = row[part].min()
            candidates = np.flatnonzero(row >= threshold)
            best = candidates[np.lexsort((candidates, -row[candidates]))][:take]
            me = ordered[lo + r]
            related = []
            for j in best:
                if row[j] <= 0.0:
                    break
                theirs = set(ordered[j][2])
                shared = tuple(dict.fromkeys(t for t in me[2] if t in theirs))
                related.append(Related(ordered[j][0], round(float(row[j]), 4), shared))
            out[me[0]] = tuple(related)
    return out


__all__ = ["related_sessions", "term_counts", "CONTENT", "TOPICS"]
