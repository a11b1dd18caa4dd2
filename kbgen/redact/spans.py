"""The record every detector returns, and how overlapping finds are settled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The kinds of personal data, in the order a tie between overlapping finds is settled.
KINDS = ("email", "link", "phone", "name")

#: A hard break between two speakers' segments: no detector matches across it.
BREAK = "\x00"


@dataclass(frozen=True)
class Span:
    """A stretch ``text[start:end]`` to replace; ``key`` identifies the value for pseudonyms."""

    start: int
    end: int
    kind: str
    key: str
    mentee: str = ""  # a name of an anonymous mentee: always their stand-in ("Mentee", "Mentee 2")


def settle(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans in text order: the longest find wins, then the kind earlier in KINDS.

    An e-mail address holds a name, a link may hold an e-mail: the outer find is the one to replace.
    """
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), KINDS.index(s.kind), s.start))
    kept: list[Span] = []
    for span in ranked:
        if span.end <= span.start:
            continue
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
