"""Topic tags: which topics of the taxonomy a session is about, how strongly, and where.

The taxonomy is the configured ``topics:`` list merged with the roster's expertise terms and
the sidecars' topics (:meth:`Taxonomy.build`). A transcript is tagged by matching each topic's
label and synonyms as whole words (``"AI"`` never matches inside "retail" or "said"), with a
plural tolerance only ("negotiations" meets "negotiation"; "raised" does not meet "raise").
That is English; a session is matched in its own language (its pack, :mod:`kbgen.enrich.langs`):
against the synonyms of every language (a list) and its language's (``synonyms: {es: [...]}``),
in Spanish, French, German and Portuguese by Snowball stems with case and accents ignored
("negociar" meets "negociación"), in a language without a pack by whole words.
A topic is tagged when the transcript names it in at least two different ways (or one way
often), densely enough, and not far less than the session's main topic; its score is its weight
relative to the main topic's times a saturating function of its density, so a long session does
not outscore a short one by length alone. Same input, same output.

The constants below were tuned on tests/data/knowledge (14 conversations, 26 topics): micro
precision 0.80, recall 0.87, F1 0.83, with F1 above 0.8 for THRESHOLD 0.2-0.5 and SATURATION 2-8.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..config import TopicDef
from ..models import Evidence, Mentor, Segment, TopicTag, Transcript
from .langs import LanguagePack, base_language, pack
from .langs.en import TERM_TOKEN, singular

#: A topic is kept when its score reaches this (sidecar topics are always kept).
THRESHOLD = 0.3
#: Weighted mentions per 1,000 words at which the density factor of the score reaches 1 - 1/e.
SATURATION = 4.0
#: Transcripts shorter than this many words are scored as if they had this many: three
#: mentions in a 40-word snippet are not ten times the evidence of three in 400 words.
MIN_WORDS = 300
#: A topic mentioned fewer times than this is not tagged (unless the sidecar lists it).
MIN_MENTIONS = 2
#: Different phrases of a topic a transcript must use ("salary" and "counter offer")...
MIN_PHRASES = 2
#: ... unless it says its one phrase this often: one word said twice is too often a word
#: used in passing ("talk to a doctor", "my manager").
ONE_PHRASE_MENTIONS = 4
#: Weighted mentions per 1,000 words below which a topic is never tagged.
MIN_DENSITY = 1.0
#: Mentions counted per segment: a phrase repeated in one breath (or a transcriber loop)
#: counts less than the same phrase across the conversation.
PER_SEGMENT = 2
#: Extra weight of a multi-word match per word beyond the first ("salary negotiation" says
#: more than "salary").
PHRASE_BONUS = 0.5
#: Score given to a topic the sidecar lists: it is kept, and moves up as its evidence grows.
SIDECAR_FLOOR = 0.5
#: Evidence kept per tag.
EVIDENCE = 3

# Words of a transcript: letters and digits, an apostrophe suffix kept ("manager's", "don't").
# Hyphens split words, so "follow-up" meets the synonym "follow up". (English's, as in its pack;
# term keys and slugs compare terms this way in every language.)
_TOKEN = TERM_TOKEN
# "AIs", "PMs": the plural of a short acronym (too short for the plural rule of words).
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_singular = singular


def term_key(term: str) -> str:
    """How two terms are compared: case, spacing, hyphens and plurals ignored.

    >>> term_key("Salary-Negotiations ")
    'salary negotiation'
    """
    return " ".join(_singular(t) for t in _TOKEN.findall(_spell_symbols(term.lower())))


def _spell_symbols(text: str) -> str:
    """'c++' and 'c#' are not 'c': symbols that carry meaning are spelled out."""
    return text.replace("+", " plus ").replace("#", " sharp ").replace("&", " and ")


def slug(term: str) -> str:
    """A topic id for a free term: ``[a-z0-9-]`` only; a term with no such letters gets a hash."""
    out = re.sub(r"[^a-z0-9]+", "-", _spell_symbols(term.lower())).strip("-")
    return out or "topic-" + hashlib.sha1(term.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Topic:
    """One topic of the merged taxonomy: the phrases that name it in speech, and its parent."""

    id: str
    label: str
    terms: tuple[str, ...]  # label first, then synonyms and merged terms, as written
    parent: str | None = None
    #: Synonyms said in one language only: (base language, terms), by language.
    by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def terms_in(self, language: str) -> tuple[str, ...]:
        """The terms matched in a session of ``language``: those of every language, then its own."""
        base = base_language(language)
        own = [t for lang, terms in self.by_language if lang == base for t in terms]
        return tuple(dict.fromkeys([*self.terms, *own]))


@dataclass(frozen=True)
class _Pattern:
    """One phrase to look for: its words (plural-insensitive) and whether case must match."""

    tokens: tuple[str, ...]
    topic: str
    exact_case: str | None = None  # the acronym as written, matched case-sensitively


@dataclass(frozen=True)
class Taxonomy:
    """The topics kbgen tags with, in a stable order (configured first, then new ones by id)."""

    topics: tuple[Topic, ...]
    _by_id: dict[str, Topic] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Topic] = {}
        by_key: dict[str, str] = {}
        for topic in self.topics:
            by_id.setdefault(topic.id, topic)
        for topic in self.topics:  # labels and ids win over synonyms of another topic
            for term in (topic.label, topic.id.replace("-", " ")):
                key = term_key(term)
                if key:
                    by_key.setdefault(key, topic.id)
        for topic in self.topics:
            for term in (*topic.terms, *(t for _, terms in topic.by_language for t in terms)):
                key = term_key(term)
                if key:
                    by_key.setdefault(key, topic.id)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_key", by_key)

    @classmethod
    def build(
        cls, defs: Iterable[TopicDef], mentors: Iterable[Mentor] = (), session_topics: Iterable[str] = ()
    ) -> Taxonomy:
        """The configured topics merged with the roster's expertise and the sidecars' topics.

        A term equal (ignoring case, spacing, hyphens and plurals) to a topic's label, id or
        synonym joins that topic; any other term becomes a topic of its own (id: the slug of
        the term, label: the term). Terms are taken mentor by mentor (by id), then the
        sidecars' topics; the new topics follow the configured ones, sorted by id. Synonyms given by
        language (``synonyms: {es: [...]}``) are matched in that language's sessions only.
        """
        defs = list(defs)
        topics: dict[str, dict] = {}
        keys: dict[str, str] = {}

        def add_key(term: str, topic_id: str) -> None:
            key = term_key(term)
            if key:
                keys.setdefault(key, topic_id)

        for d in defs:
            neutral = d.synonyms if isinstance(d.synonyms, list) else []
            by_language: dict[str, list[str]] = {}
            for lang, syns in (d.synonyms.items() if isinstance(d.synonyms, dict) else ()):
                by_language.setdefault(base_language(lang), []).extend(syns)
            topics[d.id] = {"label": d.label, "terms": [d.label, *neutral], "parent": d.parent,
                            "by_language": tuple((lang, tuple(dict.fromkeys(by_language[lang])))
                                                 for lang in sorted(by_language))}
        for d in defs:
            add_key(d.label, d.id)
            add_key(d.id.replace("-", " "), d.id)
        for d in defs:
            for syn in [*topics[d.id]["terms"][1:], *(t for _, ts in topics[d.id]["by_language"] for t in ts)]:
                add_key(syn, d.id)

        free_terms = [t for m in sorted(mentors, key=lambda m: m.id) for t in m.expertise]
        new: list[str] = []
        for term in [*free_terms, *session_topics]:
            text = " ".join(str(term).split())
            key = term_key(text)
            if not key:
                continue
            if key in keys:
                topic = topics[keys[key]]
                terms = topic["terms"]
                said = [*terms, *(t for _, ts in topic.get("by_language", ()) for t in ts)]
                if all(term_key(t) != key for t in said):  # e.g. a term equal to the id only
                    terms.append(text)
                continue
            topic_id = slug(text)
            if topic_id in topics:  # a slug equal to an id is that topic ("ml" vs "ML")
                keys[key] = topic_id
                topics[topic_id]["terms"].append(text)
                continue
            topics[topic_id] = {"label": text, "terms": [text], "parent": None}
            keys[key] = topic_id
            new.append(topic_id)

        configured = [d.id for d in defs]
        order = configured + sorted(new)
        return cls(
            tuple(
                Topic(tid, topics[tid]["label"], tuple(dict.fromkeys(topics[tid]["terms"])), topics[tid]["parent"],
                      topics[tid].get("by_language", ()))
                for tid in order
            )
        )

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def __len__(self) -> int:
        return len(self.topics)

    def get(self, topic_id: str) -> Topic | None:
        return self._by_id.get(topic_id)

    def label_of(self, topic_id: str) -> str:
        topic = self._by_id.get(topic_id)
        return topic.label if topic else topic_id

    def parent_of(self, topic_id: str) -> str | None:
        """The broader topic's id, for display only (a child's tag is no evidence for its parent)."""
        topic = self._by_id.get(topic_id)
        return topic.parent if topic else None

    def resolve(self, term: str) -> str | None:
        """The id of the topic a term (label, id, synonym or merged term) names, if any."""
        if term in self._by_id:
            return term
        return self._by_key.get(term_key(term))

    def patterns(self, language: str | LanguagePack = "en") -> tuple[_Pattern, ...]:
        return _patterns(self, pack(language), language if isinstance(language, str) else language.code)


def _patterns(taxonomy: Taxonomy, p: LanguagePack, language: str) -> tuple[_Pattern, ...]:
    """What to look for in a session of ``language``: each topic's terms of every language and of
    its own, as the language's word forms (English: plural-insensitive; others: stems, accents off)."""
    seen: set[tuple[tuple[str, ...], str | None]] = set()
    out: list[_Pattern] = []
    for topic in taxonomy.topics:
        for term in topic.terms_in(language):
            raw = p.term_word.findall(term.lower())
            tokens = tuple(p.term_form(t) for t in raw)
            if not tokens:
                continue
            exact = None
            stripped = term.strip()
            # "IT", "US": an acronym that is also a common word only matches in capitals.
            if len(tokens) == 1 and stripped.isupper() and p.fold(stripped.lower()) in p.stopwords:
                exact = stripped
            elif len(tokens) == 1 and _stopword(raw[0], tokens[0], p):
                continue  # a lone function word would tag every session
            if (tokens, exact) in seen:
                continue  # the same phrase under two topics: the first topic has it
            seen.add((tokens, exact))
            out.append(_Pattern(tokens, topic.id, exact))
    return tuple(out)


@dataclass
class _Hits:
    weight: float = 0.0
    mentions: int = 0
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    evidence: list[tuple[float, int, str]] = field(default_factory=list)  # (time, order, text)


def _stopword(word: str, form: str, p: LanguagePack) -> bool:
    # English compares the plural-free form, as it always has; a stem of another language is no
    # word of its stopword list, so the word itself is looked up there.
    return (form if p.term_form is singular else p.fold(word)) in p.stopwords


def _segment_tokens(seg: Segment, p: LanguagePack) -> list[tuple[str, str, float, int, int]]:
    """(word, as written, start time, text start, text end) of each word of a segment.

    Times come from the segment's words when their text is the segment's text word for word;
    otherwise (no words, or text changed by redaction) every word gets the segment's start.
    """
    text = seg.text
    found = [(m.group(0), m.start(), m.end()) for m in p.term_word.finditer(text.lower())]
    times = [seg.start] * len(found)
    if seg.words:
        word_tokens: list[tuple[str, float]] = []
        for w in seg.words:
            for tok in p.term_word.findall(w.text.lower()):
                word_tokens.append((tok, w.start))
        if [t for t, _ in word_tokens] == [t for t, _, _ in found]:
            times = [start for _, start in word_tokens]
    return [(tok, text[a:b], times[i], a, b) for i, (tok, a, b) in enumerate(found)]


def tag_topics(
    transcript: Transcript,
    taxonomy: Taxonomy,
    sidecar_topics: tuple[str, ...] = (),
    k: int = 5,
    idf: Mapping[str, float] | None = None,
    threshold: float = THRESHOLD,
    language: str = "en",
) -> tuple[TopicTag, ...]:
    """Up to ``k`` topics ``transcript`` is about, best first, each with up to 3 pieces of evidence.

    A topic's weight is its mentions (at most ``PER_SEGMENT`` a segment; a multi-word phrase
    weighs more) and its density that weight per 1,000 words (at least ``MIN_WORDS``). A topic is
    a candidate when mentioned ``MIN_MENTIONS`` times, by ``MIN_PHRASES`` different phrases (or
    ``ONE_PHRASE_MENTIONS`` times by one), at a density of ``MIN_DENSITY`` or more. Its score is
    ``weight / top weight * (1 - exp(-density / SATURATION))``, the top weight being the best
    candidate's; candidates scoring under ``threshold`` are dropped. ``idf`` (topic id -> weight
    around 1, see :func:`topic_idf`) scales scores when given.

    Topics the sidecar lists (by label, id or synonym; unknown ones become ad-hoc topics) are
    always kept, with a score of at least ``SIDECAR_FLOOR`` and the evidence found, if any; they
    count toward ``k`` but are never dropped for it. Evidence is (text as spoken, start of its
    first word), earliest first. Equal scores go by id.

    The same as ``score_topics(topic_hits(transcript, taxonomy, sidecar_topics), taxonomy, ...)``:
    the scan (:func:`topic_hits`) is the slow part, and its result is plain data that can be
    cached and scored again with another ``idf``.
    """
    if k <= 0:
        return ()
    return score_topics(topic_hits(transcript, taxonomy, sidecar_topics, language), taxonomy, k, idf, threshold)


def topic_hits(transcript: Transcript, taxonomy: Taxonomy, sidecar_topics: tuple[str, ...] = (),
               language: str = "en") -> dict:
    """What :func:`tag_topics` found in ``transcript``, as JSON-able data (scored by :func:`score_topics`).

    ``language`` (the session's BCP 47 tag) chooses the terms (those of every language and its
    own) and how words meet them: English by plural-insensitive words, other languages with a pack
    by stems with accents and case ignored ("negociar" meets "negociación"), others by words.

    ``{"sidecar": [topic ids], "extra": [[id, label], ...] (ad-hoc topics of the sidecar),
    "words": word count, "hits": {topic id: [mentions, distinct phrases, weight, [[start, order,
    text], ...] (the earliest EVIDENCE)]}}``.
    """
    sidecar_ids: list[str] = []
    extra: list[Topic] = []
    for term in sidecar_topics:
        topic_id = taxonomy.resolve(term)
        if topic_id is None:
            text = " ".join(str(term).split())
            if not term_key(text):
                continue
            topic_id = slug(text)
            if topic_id not in taxonomy and all(t.id != topic_id for t in extra):
                extra.append(Topic(topic_id, text, (text,)))
        if topic_id not in sidecar_ids:
            sidecar_ids.append(topic_id)
    if extra:
        taxonomy = Taxonomy(taxonomy.topics + tuple(extra))

    lp = pack(language)
    patterns = taxonomy.patterns(language)
    first: dict[str, list[_Pattern]] = {}
    for p in patterns:
        first.setdefault(p.tokens[0], []).append(p)

    hits: dict[str, _Hits] = {}
    total_words = 0
    order = 0
    for seg in transcript.segments:
        toks = _segment_tokens(seg, lp)
        total_words += len(toks)
        norm = [t[0][:-1] if _ACRONYM_PLURAL.fullmatch(t[1]) else lp.term_form(t[0]) for t in toks]
        per_segment: dict[str, int] = {}
        i = 0
        while i < len(toks):
            best: _Pattern | None = None
            for p in first.get(norm[i], ()):
                n = len(p.tokens)
                if tuple(norm[i : i + n]) != p.tokens:
                    continue
                if p.exact_case is not None and toks[i][1] != p.exact_case and toks[i][1] != p.exact_case + "s":
                    continue
                if best is None or n > len(best.tokens):
                    best = p  # the longest phrase wins: "machine learning" over "learning"
            if best is None:
                i += 1
                continue
            n = len(best.tokens)
            h = hits.setdefault(best.topic, _Hits())
            h.mentions += 1
            h.phrases.add(best.tokens)
            if per_segment.get(best.topic, 0) < PER_SEGMENT:
                per_segment[best.topic] = per_segment.get(best.topic, 0) + 1
                h.weight += 1.0 + PHRASE_BONUS * (n - 1)
            a, b = toks[i][3], toks[i + n - 1][4]
            h.evidence.append((toks[i][2], order, " ".join(seg.text[a:b].split())))
            order += 1
            i += n

    return {
        "sidecar": sidecar_ids,
        "extra": [[t.id, t.label] for t in extra],
        "words": total_words,
        "hits": {t: [h.mentions, len(h.phrases), h.weight, [list(e) for e in sorted(h.evidence)[:EVIDENCE]]]
                 for t, h in sorted(hits.items())},
    }


def score_topics(
    found: Mapping,
    taxonomy: Taxonomy,
    k: int = 5,
    idf: Mapping[str, float] | None = None,
    threshold: float = THRESHOLD,
) -> tuple[TopicTag, ...]:
    """The tags :func:`tag_topics` gives for ``found`` (what :func:`topic_hits` returned)."""
    if k <= 0:
        return ()
    sidecar_ids = list(found["sidecar"])
    labels = {tid: label for tid, label in found["extra"]}
    hits = found["hits"]
    length = max(found["words"], MIN_WORDS)

    def eligible(h) -> bool:
        mentions, phrases, weight = h[0], h[1], h[2]
        varied = phrases >= MIN_PHRASES or mentions >= ONE_PHRASE_MENTIONS
        return mentions >= MIN_MENTIONS and varied and weight * 1000.0 / length >= MIN_DENSITY

    passing = {t for t, h in hits.items() if t in sidecar_ids or eligible(h)}
    top = max((hits[t][2] for t in passing), default=0.0)
    scored: list[tuple[float, str]] = []
    for topic_id in sorted(passing):
        weight = hits[topic_id][2]
        density = weight * 1000.0 / length
        score = (weight / top) * (1.0 - math.exp(-density / SATURATION))
        if idf is not None:
            score = min(1.0, score * idf.get(topic_id, 1.0))
        if topic_id in sidecar_ids:
            score = SIDECAR_FLOOR + (1.0 - SIDECAR_FLOOR) * score
        elif score < threshold:
            continue
        scored.append((round(score, 4), topic_id))
    for topic_id in sidecar_ids:
        if topic_id not in hits:
            scored.append((SIDECAR_FLOOR, topic_id))
    scored.sort(key=lambda st: (-st[0], st[1]))

    kept = [st for st in scored if st[1] in sidecar_ids]
    room = max(0, k - len(kept))
    kept += [st for st in scored if st[1] not in sidecar_ids][:room]
    kept.sort(key=lambda st: (-st[0], st[1]))

    tags = []
    for score, topic_id in kept:
        evidence = hits[topic_id][3] if topic_id in hits else []
        found_at = tuple(Evidence(text, round(start, 3)) for start, _, text in evidence)
        label = labels[topic_id] if topic_id in labels else taxonomy.label_of(topic_id)
        tags.append(TopicTag(topic_id, label, score, found_at))
    return tuple(tags)


def topic_idf(tag_sets: Iterable[Iterable[str]]) -> dict[str, float]:
    """An IDF-like weight per topic id from the topics each session of a corpus was tagged with.

    ``log((1 + n) / (1 + df)) + 1`` scaled so the mean weight is 1: a topic on every session
    weighs less than a rare one. Feed it the tags of a first pass to :func:`tag_topics`.
    """
    sets = [set(s) for s in tag_sets]
    n = len(sets)
    df: dict[str, int] = {}
    for s in sets:
        for t in s:
            df[t] = df.get(t, 0) + 1
    if not df:
        return {}
    raw = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in sorted(df.items())}
    mean = sum(raw.values()) / len(raw)
    return {t: w / mean for t, w in raw.items()}


__all__ = ["Taxonomy", "Topic", "score_topics", "tag_topics", "topic_hits", "topic_idf", "term_key", "slug",
           "THRESHOLD"]
