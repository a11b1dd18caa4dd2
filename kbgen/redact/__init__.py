"""Redaction: personal data replaced before anything is rendered.

What is found (each kind can be switched off in ``redact:`` of kbgen.yml, names cannot):

- ``email``: written addresses, the "(at)/(dot)" forms, and addresses spelled out in the
  session's language ("jordan dot lee at gmail dot com", "ana punto garcia arroba gmail punto com");
- ``phone``: numbers in digits (libphonenumber's matcher, the national formats of the language's
  regions, US and UK for English, and any "+country" number) and numbers said as words in the
  session's language ("five five five, oh one nine two", "seis cinco cero, uno dos tres");
- ``link``: links whose query, fragment or path carries a token, a key or a random id, or which
  name a redacted person; ordinary links stay;
- ``name``: the names a sidecar lists under ``redact:`` (rules in :mod:`kbgen.redact.names`),
  and the anonymous mentee's, which always reads "Mentee".

Style ``mask`` writes ``[email]``, ``[phone]``, ``[link]``, ``[name]``; ``pseudonym`` gives each
distinct value its own stand-in, numbered by first appearance: "Person A", "Person B" for names,
``[email 1]``, ``[phone 1]``, ``[link 1]`` for the rest. One :class:`Pseudonyms` shared by a
session's transcript and its free text (title, summary, chapters) keeps the stand-ins consistent.

In a transcript the segment text and its words change together: the words a find covers become
one word holding the stand-in, from the first word's start to the last word's end, so a
segment's text stays its words joined, and times stay in order.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..config import RedactConfig
from ..models import Segment, Transcript, Word, base_language
from .names import AnonymousMentees, NameMatcher, fold, is_cased
from .patterns import find_emails, find_links, find_phones, looks_random
from .spans import BREAK, KINDS, Span, settle
from .spoken import find_spoken_emails, find_spoken_phones

MENTEE = "Mentee"
_MASKS = {"email": "[email]", "phone": "[phone]", "link": "[link]", "name": "[name]"}


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet column names."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass
class Pseudonyms:
    """The stand-ins of one session: the same value always gets the same one, numbered by first use."""

    style: str = "mask"
    seen: dict[str, dict[str, str]] = field(default_factory=dict)

    def stand_in(self, kind: str, key: str, mentee: str = "") -> str:
        if mentee:  # an anonymous mentee: their own stand-in, whatever the style
            return mentee
        if self.style != "pseudonym":
            return _MASKS[kind]
        table = self.seen.setdefault(kind, {})
        if key not in table:
            n = len(table)
            table[key] = f"Person {_letters(n)}" if kind == "name" else f"[{kind} {n + 1}]"
        return table[key]


def pseudonym_for(
    name: str,
    style: str = "mask",
    pseudonyms: Pseudonyms | None = None,
    names: Iterable[str] = (),
    anonymous_mentee: AnonymousMentees = None,
) -> str:
    """What a speaker label showing ``name`` becomes: "Mentee", "[name]" or the person's pseudonym.

    ``name`` is looked up among ``names`` (a first name finds its full entry), so the label and the
    transcript give one person the same stand-in when they share ``pseudonyms``.
    """
    pseudonyms = pseudonyms if pseudonyms is not None else Pseudonyms(style)
    variant = NameMatcher(names, anonymous_mentee).resolve(name)
    if variant is not None:
        return pseudonyms.stand_in("name", variant.key, variant.mentee)
    return pseudonyms.stand_in("name", fold(name))


def find_spans(
    text: str,
    config: RedactConfig,
    names: Iterable[str] = (),
    anonymous_mentee: AnonymousMentees = None,
    cased: bool | None = None,
    language: str = "en",
) -> list[Span]:
    """Every find in ``text``, settled to non-overlapping spans in text order. ``language`` (a BCP
    47 tag) tells how numbers and addresses are said and which regions' phone formats to read."""
    matcher = NameMatcher(names, anonymous_mentee)
    # The session's language, and English always besides: people switch languages mid-sentence
    # ("mi correo es ana at gmail dot com", a London number in a French session), and a language
    # detected wrongly must not leave the English rules off.
    languages = dict.fromkeys([language, "en"]) if base_language(language) != "en" else [language]
    spans: list[Span] = []
    if config.emails:
        spans += find_emails(text)
        for lang in languages:
            spans += find_spoken_emails(text, lang)
    if config.links:
        spans += find_links(text, matcher.pattern, matcher.handles)
    if config.phones:
        for lang in languages:
            spans += find_phones(text, lang) + find_spoken_phones(text, lang)
    spans += matcher.find(text, cased)
    return settle(spans)


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, rep in sorted(edits, reverse=True):
        text = text[:a] + rep + text[b:]
    return text


def redact_text(
    text: str,
    config: RedactConfig,
    names: Iterable[str] = (),
    anonymous_mentee: AnonymousMentees = None,
    pseudonyms: Pseudonyms | None = None,
    language: str = "en",
) -> tuple[str, dict[str, int]]:
    """``text`` (in ``language``, a BCP 47 tag) with its personal data replaced, and how many of each kind."""
    if not config.enabled or not text:
        return text, {}
    pseudonyms = pseudonyms if pseudonyms is not None else Pseudonyms(config.style)
    spans = find_spans(text, config, names, anonymous_mentee, language=language)
    edits = [(s.start, s.end, pseudonyms.stand_in(s.kind, s.key, s.mentee)) for s in spans]
    return _splice(text, edits), dict(Counter(s.kind for s in spans))


@dataclass(frozen=True)
class RedactionResult:
    """A redacted transcript, what was replaced (kind -> count), and the stand-ins used."""

    transcript: Transcript
    counts: dict[str, int]
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)

    @property
    def needed(self) -> bool:
        """True when anything was replaced (then the recording is not published by default)."""
        return any(self.counts.values())

    @property
    def redactions(self) -> tuple[tuple[str, int], ...]:
        """The counts as ``SessionDoc.redactions`` holds them, in a fixed kind order."""
        return tuple((k, self.counts[k]) for k in KINDS if self.counts.get(k))


def _edit_words(words: tuple[Word, ...], edits: list[tuple[int, int, str]]) -> tuple[Word, ...]:
    """Apply ``edits`` (offsets into the words joined) to the words they touch."""
    bounds, pos = [], 0
    for w in words:
        bounds.append((pos, pos + len(w.text)))
        pos += len(w.text)
    joined = "".join(w.text for w in words)
    starts = [b[0] for b in bounds]
    # group the edits by the words they touch; edits touching one word share it
    clusters: list[tuple[int, int, list[tuple[int, int, str]]]] = []
    for a, b, rep in sorted(edits):
        first = max(0, bisect.bisect_right(starts, a) - 1)
        last = max(first, bisect.bisect_left(starts, b) - 1)
        if clusters and first <= clusters[-1][1]:
            f, la, es = clusters[-1]
            clusters[-1] = (f, max(la, last), [*es, (a, b, rep)])
        else:
            clusters.append((first, last, [(a, b, rep)]))
    out: list[Word] = []
    done = 0
    for first, last, es in clusters:
        out.extend(words[done:first])
        lo, hi = bounds[first][0], bounds[last][1]
        text = _splice(joined[lo:hi], [(a - lo, b - lo, rep) for a, b, rep in es])
        if text.strip():
            out.append(Word(text, words[first].start, words[last].end))
        done = last + 1
    out.extend(words[done:])
    return tuple(out)


def _redact_words_alone(
    words: tuple[Word, ...], config: RedactConfig, matcher_args: tuple, pseudonyms: Pseudonyms, cased: bool,
    language: str = "en",
) -> tuple[Word, ...]:
    joined = "".join(w.text for w in words)
    spans = find_spans(joined, config, *matcher_args, cased=cased, language=language)
    return _edit_words(words, [(s.start, s.end, pseudonyms.stand_in(s.kind, s.key, s.mentee)) for s in spans])


def redact_transcript(
    transcript: Transcript,
    config: RedactConfig,
    names: Iterable[str] = (),
    anonymous_mentee: AnonymousMentees = None,
    pseudonyms: Pseudonyms | None = None,
    language: str = "en",
) -> RedactionResult:
    """``transcript`` with personal data replaced in every segment's text and words (and its notes).

    ``language`` (a BCP 47 tag, the session's) tells how numbers and e-mail addresses are said.

    The transcript is searched as one text (segments of one speaker joined by line breaks), so a
    number dictated across two segments is found; nothing is found across a change of speaker. A
    find that spans segments leaves its stand-in in the first and removes the rest; a segment left
    with no text is dropped.
    """
    pseudonyms = pseudonyms if pseudonyms is not None else Pseudonyms(config.style)
    if not config.enabled:
        return RedactionResult(transcript, {}, pseudonyms)
    names = tuple(names)
    segments = transcript.segments
    pieces, offsets, pos = [], [], 0
    for i, seg in enumerate(segments):
        if i:
            sep = "\n" if seg.speaker == segments[i - 1].speaker else f"\n{BREAK}\n"
            pieces.append(sep)
            pos += len(sep)
        offsets.append(pos)
        pieces.append(seg.text)
        pos += len(seg.text)
    doc = "".join(pieces)
    cased = is_cased(doc)
    spans = find_spans(doc, config, names, anonymous_mentee, cased=cased, language=language)

    edits: dict[int, list[tuple[int, int, str]]] = {}
    for span in spans:  # in text order: pseudonyms are numbered by first appearance
        rep = pseudonyms.stand_in(span.kind, span.key, span.mentee)
        i = max(0, bisect.bisect_right(offsets, span.start) - 1)
        while i < len(segments) and offsets[i] < span.end:
            a = max(span.start, offsets[i]) - offsets[i]
            b = min(span.end, offsets[i] + len(segments[i].text)) - offsets[i]
            if a < b:
                if not rep and a == 0:  # a continuation: take the punctuation it leaves behind too
                    text = segments[i].text
                    while b < len(text) and text[b] in ".,;:!?":
                        b += 1
                edits.setdefault(i, []).append((a, b, rep))
                rep = ""  # the stand-in once, in the first segment the find touches
            i += 1

    out: list[Segment] = []
    for i, seg in enumerate(segments):
        joined = "".join(w.text for w in seg.words)
        if seg.words and joined.strip() == seg.text:
            if i in edits:
                lead = len(joined) - len(joined.lstrip())
                words = _edit_words(seg.words, [(a + lead, b + lead, r) for a, b, r in edits[i]])
                seg = replace(seg, text="".join(w.text for w in words).strip(), words=words)
        else:
            text = _splice(seg.text, edits.get(i, []))
            words = seg.words
            if words:  # text and words disagree (an importer tidied one): search the words themselves
                words = _redact_words_alone(words, config, (names, anonymous_mentee), pseudonyms, cased, language)
            seg = replace(seg, text=text, words=words)
        if seg.text.strip() or not segments[i].text.strip():
            out.append(seg)

    notes = tuple(redact_text(n, config, names, anonymous_mentee, pseudonyms, language)[0] for n in transcript.notes)
    redacted = replace(transcript, segments=tuple(out), notes=notes)
    return RedactionResult(redacted, dict(Counter(s.kind for s in spans)), pseudonyms)


class Redactor:
    """One session's redaction: the transcript and every free text through the same stand-ins.

    ``language`` (the session's BCP 47 tag) tells how numbers and e-mail addresses are said.

    >>> r = Redactor(RedactConfig(), names=["Jordan Lee"])
    >>> r.text("Jordan's summary")
    "[name]'s summary"
    >>> r.counts
    {'name': 1}
    """

    def __init__(self, config: RedactConfig, names: Iterable[str] = (), anonymous_mentee: AnonymousMentees = None,
                 language: str = "en"):
        self.config = config
        self.language = language
        self.names = tuple(names)
        self.anonymous_mentee = anonymous_mentee
        self.pseudonyms = Pseudonyms(config.style)
        self._counts: Counter[str] = Counter()

    @property
    def counts(self) -> dict[str, int]:
        """What was replaced so far, kind -> count."""
        return dict(self._counts)

    def transcript(self, transcript: Transcript) -> Transcript:
        result = redact_transcript(transcript, self.config, self.names, self.anonymous_mentee, self.pseudonyms,
                                   self.language)
        self._counts.update(result.counts)
        return result.transcript

    def text(self, text: str) -> str:
        out, counts = redact_text(text, self.config, self.names, self.anonymous_mentee, self.pseudonyms, self.language)
        self._counts.update(counts)
        return out

    def speaker(self, label: str) -> str:
        """A speaker's shown name: the mentee's reads "Mentee", a listed name its stand-in, others unchanged."""
        if not self.config.enabled:
            return label
        variant = NameMatcher(self.names, self.anonymous_mentee).resolve(label)
        if variant is None:
            return label
        return self.pseudonyms.stand_in("name", variant.key, variant.mentee)


__all__ = [
    "MENTEE",
    "Pseudonyms",
    "RedactionResult",
    "Redactor",
    "Span",
    "find_spans",
    "looks_random",
    "pseudonym_for",
    "redact_text",
    "redact_transcript",
]
